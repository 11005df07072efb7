//! The signal registry: one file per signal, one line here each.

mod lure_common;
mod util;

mod auth_001;
mod auth_002;
mod auth_003;
mod auth_004;
mod brand_001;
mod brand_002;
mod brand_003;
mod brand_004;
mod ident_001;
mod ident_002;
mod ident_003;
mod ident_004;
mod ident_005;
mod link_001;
mod link_002;
mod link_003;
mod link_004;
mod link_005;
mod link_006;
mod link_007;
mod link_008;
mod link_009;
mod lure_001;
mod lure_002;
mod lure_003;
mod lure_004;
mod lure_005;
mod lure_006;
pub mod orig_001;
mod orig_002;
pub mod orig_003;
mod orig_004;
mod struct_001;
mod struct_002;
mod struct_003;
mod struct_004;
mod struct_005;
mod struct_006;
mod struct_007;
mod struct_008;
mod struct_009;

use crate::Signal;

/// Every signal, in report order.
pub static ALL: &[&dyn Signal] = &[
    &orig_001::SenderDomainNotOrigin,
    &orig_002::OriginRentedServer,
    &orig_003::HeloNotAHostname,
    &orig_004::OriginWithoutReverseDns,
    &auth_001::DmarcFail,
    &auth_002::SpfFail,
    &auth_003::CompauthFail,
    &auth_004::SenderAuthenticated,
    &ident_001::ReplyToElsewhere,
    &ident_002::DisplayNameShowsOtherAddress,
    &ident_003::MachineMadeSenderAddress,
    &ident_004::FraudStoryFromAnyonesMailbox,
    &ident_005::SenderOnFreeHostingName,
    &brand_001::BrandImpersonation,
    &brand_002::BrandDomainSpoofed,
    &brand_003::LookalikeDomain,
    &brand_004::BrandNamedByUnrelatedSender,
    &link_001::LinkTextShowsOtherDomain,
    &link_002::LureLinkToUnrelatedHost,
    &link_003::BrandDomainInUrl,
    &link_004::CmsPathOnUnrelatedSite,
    &link_005::RecipientAddressInUrl,
    &link_006::HiddenBehindHostService,
    &link_007::IpAddressUrl,
    &link_008::DeceptiveUnicodeHost,
    &link_009::PrefilledMailtoToFreemail,
    &lure_001::SubjectSpamTag,
    &lure_002::PressureLanguage,
    &lure_003::AccountOrCredentialRequest,
    &lure_004::MoneyOrParcelBait,
    &lure_005::FraudStory,
    &lure_006::CallbackScam,
    &struct_001::HtmlAttachment,
    &struct_002::HiddenText,
    &struct_003::ImageOnlyBody,
    &struct_004::DangerousAttachment,
    &struct_005::FormInBody,
    &struct_006::MixedScriptWords,
    &struct_007::StyledLetters,
    &struct_008::MalformedFrom,
    &struct_009::BulkKitBoilerplate,
];
