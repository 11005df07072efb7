//! LINK-003 brand-domain-in-url: a brand's real domain is planted in the path, query or a
//! sub-domain label of an unrelated host.
//!
//! `solarpivotpower.com/wp-includes/js/kagoya.net/` (seed 2) and `www.smbc-card.com.dcaynf.com`: the
//! brand's domain is there to be read, the host is someone else's, often a hacked WordPress site.
//!
//! The domain of a mail address in the path is not a claim: mailing-list archives put Message-IDs
//! in their URLs (`lore.kernel.org/all/CAHk-…@mail.gmail.com/`), and that is where the sender's
//! mail provider shows up.

use super::util::link_quote;
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct BrandDomainInUrl;

static META: SignalMeta = SignalMeta {
    id: "LINK-003",
    slug: "brand-domain-in-url",
    group: Group::Link,
    confidence: Confidence::High,
    needs_network: false,
    title: Text {
        en: "{brand_domain} is only part of the address; the site is {host}",
        ja: "{brand_domain} はアドレスの一部にすぎず、実際のサイトは {host} です",
    },
    explain: Text {
        en: "The link contains {brand}'s domain {brand_domain} as {where} of {host}. The site that opens is {registrable}, not {brand}.",
        ja: "リンクには {brand_ja} のドメイン {brand_domain} が含まれていますが、それは {host} の{where_ja}に置かれているだけです。開くのは {brand_ja} ではなく {registrable} のサイトです。",
    },
};

/// Whether the domain starting at byte `start` of `text` ends a mail address (`…@mail.gmail.com`):
/// the host characters right before it are preceded by `@`.
fn in_mail_address(text: &str, start: usize) -> bool {
    let Some(before) = text.get(..start) else {
        return false;
    };
    let head = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    head.ends_with('@') || head.ends_with("%40")
}

/// Whether the brand itself sent the mail: the From domain is its own and either authentication
/// or the origin server's reverse-DNS name vouches for that. A brand's newsletter routes its own
/// addresses through a click tracker (`tracker.example/?D=http://www.apple.com/...`); that is the
/// brand counting clicks, not someone hiding behind its name.
fn sent_by_brand(cx: &Context<'_>, brand: usize) -> bool {
    cx.claims.brands.iter().any(|c| {
        c.brand == brand && c.from_owned && (c.sender_verified || cx.claims.origin_in_sender_domain)
    })
}

impl Signal for BrandDomainInUrl {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let mut seen: Vec<(usize, String)> = Vec::new();
        for (i, l) in cx.evidence.links.iter().enumerate().take(500) {
            let (Some(host), Some(reg)) = (&l.host, &l.registrable_domain) else {
                continue;
            };
            if cx.brands.owner_of(host).is_some() {
                continue;
            }
            // Where in the URL: the labels of the host before the registrable domain, then path and query.
            let sub = host
                .strip_suffix(reg.as_str())
                .unwrap_or("")
                .trim_end_matches('.');
            // The sub-domain labels are searched inside the whole host, keeping matches that end
            // before the registrable domain: on its own, `www.smbc-card.com` reads as the brand's
            // own host and `domains_in` rightly skips it, which hid `www.smbc-card.com.dcaynf.com`.
            let parts = [
                (host.as_str(), sub.len(), "a sub-domain", "サブドメイン"),
                (
                    l.path.as_deref().unwrap_or(""),
                    usize::MAX,
                    "the path",
                    "パス",
                ),
                (
                    l.query.as_deref().unwrap_or(""),
                    usize::MAX,
                    "the query",
                    "クエリ",
                ),
            ];
            for (text, limit, w_en, w_ja) in parts {
                if text.is_empty() || limit == 0 {
                    continue;
                }
                for (b, dom, start, end) in cx.brands.domains_in(text) {
                    if end > limit || in_mail_address(text, start) {
                        continue;
                    }
                    if seen.iter().any(|(sb, sd)| *sb == b && *sd == dom) || sent_by_brand(cx, b) {
                        continue;
                    }
                    seen.push((b, dom.clone()));
                    let brand = cx.brands.get(b);
                    hits.push(
                        Hit::new(&META)
                            .brand(brand)
                            .var("brand_domain", dom)
                            .var("host", host.clone())
                            .var("registrable", reg.clone())
                            .var("where", w_en)
                            .var("where_ja", w_ja)
                            .cite(Cite::link(i, link_quote(l))),
                    );
                }
            }
        }
    }
}
