//! BRAND-002 brand-domain-spoofed: the From address uses the brand's real domain, but the mail came
//! from infrastructure unrelated to that domain and nothing authenticates it.
//!
//! Seed 2: `chijyo@kagoya.net` delivered from an AWS EC2 instance. Writing someone else's domain in
//! From costs nothing; only the Received chain and the receiver's authentication tell the truth.
//!
//! A consumer mailbox (`someone@hotmail.com`, `someone@yahoo.co.jp`) is a person at the provider,
//! not the provider speaking: mailing lists, forwarders and old mail clients relay such addresses
//! through servers that have nothing to do with the provider every day. It counts only when
//! the display name claims the brand as well ("Microsoft account team"): a subject or a footer
//! naming the provider is what its users' own mail looks like.

use super::util::{from_cite, origin_cite, provider_label};
use crate::{Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct BrandDomainSpoofed;

static META: SignalMeta = SignalMeta {
    id: "BRAND-002",
    slug: "brand-domain-spoofed",
    group: Group::Brand,
    confidence: Confidence::High,
    needs_network: false,
    title: Text {
        en: "{from_domain} is {brand}'s domain, but the mail did not come from {brand}",
        ja: "{from_domain} は {brand_ja} のドメインですが、{brand_ja} から送られたものではありません",
    },
    explain: Text {
        en: "Anyone can write {from_address} in the From line. The mail was actually handed over by {origin} ({provider}), which is not {brand}'s mail system, and no authentication result confirms {from_domain}.",
        ja: "差出人欄には誰でも {from_address} と書けます。実際にメールを送り込んだのは {origin}({provider})で、{brand_ja} のメールシステムではなく、{from_domain} を確認する認証結果もありません。",
    },
};

/// The From address is at a consumer mail provider.
fn personal_mailbox(cx: &Context<'_>) -> bool {
    cx.claims
        .from_domain
        .as_deref()
        .is_some_and(unphish_intel::hosts::is_freemail)
}

/// The display name claims the brand too. A display name that is itself an address (Google Groups
/// shows `"neutro...@gmail.com" <neutronsharc@gmail.com>`) names the mailbox, not the provider.
fn claimed_beyond_address(cx: &Context<'_>, c: &crate::claims::BrandClaim) -> bool {
    let name_is_address = cx
        .evidence
        .identity
        .from
        .as_ref()
        .and_then(|f| f.display_name.as_deref())
        .is_some_and(|n| n.contains('@'));
    !name_is_address && c.sources.iter().any(|s| s.field == "display_name")
}

impl Signal for BrandDomainSpoofed {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(origin) = &cx.evidence.origin else {
            return;
        };
        if origin.ip.is_none() || cx.claims.origin_in_sender_domain || cx.claims.auth.aligned_pass {
            return;
        }
        for c in cx
            .claims
            .brands
            .iter()
            .filter(|c| c.from_owned && !c.sender_verified)
            .filter(|c| !personal_mailbox(cx) || claimed_beyond_address(cx, c))
        {
            let b = cx.brands.get(c.brand);
            let origin_label = match (origin.ip, &origin.rdns) {
                (Some(ip), Some(r)) => format!("{ip} / {r}"),
                (Some(ip), None) => ip.to_string(),
                _ => String::new(),
            };
            let mut hit = Hit::new(&META)
                .brand(b)
                .var(
                    "from_domain",
                    cx.claims.from_domain.clone().unwrap_or_default(),
                )
                .var(
                    "from_address",
                    cx.evidence
                        .identity
                        .from
                        .as_ref()
                        .and_then(|f| f.address.clone())
                        .unwrap_or_default(),
                )
                .var("origin", origin_label)
                .var("provider", provider_label(cx));
            if let Some(c) = from_cite(cx) {
                hit = hit.cite(c);
            }
            if let Some(c) = origin_cite(cx) {
                hit = hit.cite(c);
            }
            hits.push(hit);
        }
    }
}
