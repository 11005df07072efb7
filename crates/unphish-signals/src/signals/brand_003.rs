//! BRAND-003 lookalike-domain: the sender or a link uses a domain made to look like a brand's
//! (`amaz0n.co.jp`, Cyrillic letters, `brand-secure-login.com`).
//!
//! A consumer mail domain is a real provider's, never a disguise: `yahoo.co.uk` is Yahoo's own
//! regional service, not an imitation of `yahoo.co.jp`, even where the brand data lists only one
//! country's domains.

use super::util::link_quote;
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct LookalikeDomain;

static META: SignalMeta = SignalMeta {
    id: "BRAND-003",
    slug: "lookalike-domain",
    group: Group::Brand,
    confidence: Confidence::High,
    needs_network: false,
    title: Text {
        en: "{domain} imitates {real}",
        ja: "{domain} は {real} に似せたドメインです",
    },
    explain: Text {
        en: "{domain} is not {brand}'s domain {real}; it is built to be mistaken for it at a glance.",
        ja: "{domain} は {brand_ja} の本物のドメイン {real} ではなく、一目で見間違えるように作られています。",
    },
};

impl Signal for LookalikeDomain {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let mut seen: Vec<String> = Vec::new();
        let mut push = |domain: &str, cite: Cite, hits: &mut Vec<Hit>| {
            // A domain is judged once, however many links use it.
            if seen.iter().any(|s| s == domain) || unphish_intel::hosts::is_freemail(domain) {
                return;
            }
            seen.push(domain.to_string());
            if let Some((b, real)) = cx.brands.lookalike_of(domain) {
                let brand = cx.brands.get(b);
                hits.push(
                    Hit::new(&META)
                        .var("domain", domain)
                        .var("real", real)
                        .brand(brand)
                        .cite(cite),
                );
            }
        };
        if let Some(f) = &cx.evidence.identity.from
            && let Some(reg) = &f.registrable_domain
        {
            push(reg, Cite::header("From", 0, f.raw.clone()), hits);
        }
        for (i, l) in cx.evidence.links.iter().enumerate().take(200) {
            if let Some(reg) = &l.registrable_domain {
                push(reg, Cite::link(i, link_quote(l)), hits);
            }
        }
    }
}
