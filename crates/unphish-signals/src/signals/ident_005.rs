//! IDENT-005 sender-on-free-hosting-name: the From address is on a free-hosting project's or a cloud
//! tenant's default name (`no-reply@shop-28b39.firebaseapp.com`, `client@x.onmicrosoft.com`), not
//! on a domain anyone registered.
//!
//! These names come free with a trial project or tenant and are thrown away after a campaign. An
//! organisation that writes to its customers sends from its own domain; the default name is meant
//! for an app's own sign-in mail at most. Consumer mailboxes (gmail.com) are not this signal's
//! business: people write from them every day.

use super::util::from_cite;
use crate::{Confidence, Context, Group, Hit, Signal, SignalMeta, Text};
use unphish_intel::hosts::{HostClass, classify_host, is_freemail};

pub struct SenderOnFreeHostingName;

static META: SignalMeta = SignalMeta {
    id: "IDENT-005",
    slug: "sender-on-free-hosting-name",
    group: Group::Identity,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "Sent from a free hosting name ({from_domain})",
        ja: "無料ホスティングの名前({from_domain})から送信されています",
    },
    explain: Text {
        en: "{from_domain} is the default name of a free hosting project or cloud trial, which anyone gets in a minute and throws away after use. Organisations write to their customers from their own domain.",
        ja: "{from_domain} は無料ホスティングやクラウド試用版の既定の名前で、誰でもすぐに取得して使い捨てできます。企業は顧客への連絡に自社のドメインを使います。",
    },
};

/// Whether the From domain is a free-hosting, dynamic-DNS or cloud-tenant default name.
pub(crate) fn is_free_hosting_sender(cx: &Context<'_>, domain: &str) -> bool {
    if is_freemail(domain) {
        return false;
    }
    matches!(
        classify_host(domain, cx.claims.from_registrable.as_deref()),
        HostClass::FreeHosting | HostClass::DynamicDns
    ) || cx.brands.is_shared(domain)
}

impl Signal for SenderOnFreeHostingName {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(domain) = cx.claims.from_domain.as_deref() else {
            return;
        };
        if !is_free_hosting_sender(cx, domain) {
            return;
        }
        if let Some(c) = from_cite(cx) {
            hits.push(Hit::new(&META).var("from_domain", domain).cite(c));
        }
    }
}
