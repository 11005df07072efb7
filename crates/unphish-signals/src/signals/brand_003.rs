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

/// Whether `domain` spells the brand's name verbatim with something added (`outlooksecure.com`,
/// `mail-ripple.net` for `outlook.com`, `ripple.com`), rather than imitating its letters.
fn is_combo(domain: &str, real: &str) -> bool {
    let name = domain.split('.').next().unwrap_or("");
    let stem = real.split('.').next().unwrap_or("");
    !stem.is_empty() && name != stem && name.contains(stem)
}

/// Whether the mail names the brand where it states who it is from.
fn claims_brand_strongly(cx: &Context<'_>, brand: usize) -> bool {
    cx.claims
        .brands
        .iter()
        .any(|c| c.brand == brand && c.has_strong_source())
}

impl Signal for LookalikeDomain {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let mut seen: Vec<String> = Vec::new();
        // `in_link`: the domain only stands behind a link, not in the From address.
        let mut push = |domain: &str, cite: Cite, in_link: bool, hits: &mut Vec<Hit>| {
            // A domain is judged once, however many links use it.
            if seen.iter().any(|s| s == domain) || unphish_intel::hosts::is_freemail(domain) {
                return;
            }
            seen.push(domain.to_string());
            let Some((b, real)) = cx.brands.lookalike_of(domain) else {
                return;
            };
            // A brand name that is an ordinary word glued to another (`outlooksecure.com`) behind
            // a link is how newsletters advertise third-party products; it is a disguise only when
            // the mail also poses as that brand (sender, subject, footer). Distinctive names
            // (`mercari-support.com`), letter swaps (`rnicrosoft.com`) and a look-alike sender
            // address stay suspect on their own.
            if in_link
                && is_combo(domain, &real)
                && cx.brands.is_generic_stem(&real)
                && !claims_brand_strongly(cx, b)
            {
                return;
            }
            let brand = cx.brands.get(b);
            hits.push(
                Hit::new(&META)
                    .var("domain", domain)
                    .var("real", real)
                    .brand(brand)
                    .cite(cite),
            );
        };
        if let Some(f) = &cx.evidence.identity.from
            && let Some(reg) = &f.registrable_domain
        {
            push(reg, Cite::header("From", 0, f.raw.clone()), false, hits);
        }
        for (i, l) in cx.evidence.links.iter().enumerate().take(200) {
            if let Some(reg) = &l.registrable_domain {
                push(reg, Cite::link(i, link_quote(l)), true, hits);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_combo;

    #[test]
    fn combo_is_the_brand_name_with_additions() {
        assert!(is_combo("outlooksecure.com", "outlook.com"));
        assert!(is_combo("mail119-ripple.net", "ripple.com"));
        assert!(!is_combo("rnicrosoft.com", "microsoft.com"));
        assert!(!is_combo("mercari.co.jp", "mercari.jp"));
        assert!(!is_combo("", ""));
    }

    #[test]
    fn generic_stems_come_from_the_brand_data() {
        let db = unphish_intel::brands::BrandDb::embedded();
        assert!(db.is_generic_stem("outlook.com"));
        assert!(!db.is_generic_stem("mercari.jp"));
    }
}
