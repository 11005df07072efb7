//! BRAND-001 brand-impersonation: the mail presents itself as a brand (sender name, footer, a brand
//! domain in the address's local part) but the sending domain is not the brand's.
//!
//! The most common phishing shape of all: "Amazon" <random@unrelated.example>. Legitimate brand mail
//! comes from a domain the brand owns; resellers and news mail that merely mention a brand in the
//! subject or text are not caught here.

use crate::claims::BrandClaim;
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct BrandImpersonation;

static META: SignalMeta = SignalMeta {
    id: "BRAND-001",
    slug: "brand-impersonation",
    group: Group::Brand,
    confidence: Confidence::High,
    needs_network: false,
    title: Text {
        en: "Pretends to be {brand}",
        ja: "{brand_ja} を名乗っています",
    },
    explain: Text {
        en: "The mail presents itself as {brand} ({where}), but it was sent from {from_domain}, which does not belong to {brand}.",
        ja: "このメールは {brand_ja} を装っています({where_ja})が、送信元の {from_domain} は {brand_ja} のドメインではありません。",
    },
};

pub(crate) fn where_text(c: &BrandClaim, strong_only: bool) -> (String, String) {
    let mut en: Vec<&str> = Vec::new();
    let mut ja: Vec<&str> = Vec::new();
    for s in c.sources.iter().filter(|s| !strong_only || s.is_strong()) {
        let (e, j) = match s.field {
            "display_name" => ("sender name", "差出人名"),
            "forwarded_from" => ("sender of the forwarded mail", "転送されたメールの差出人"),
            "from_address" => ("sender address", "差出人アドレス"),
            "subject" => ("subject", "件名"),
            "footer" => ("copyright footer", "著作権表示"),
            "link_text" => ("link text", "リンクの文字"),
            _ => ("body", "本文"),
        };
        if !en.contains(&e) {
            en.push(e);
            ja.push(j);
        }
    }
    (en.join(", "), ja.join("、"))
}

/// A brand name that is also an ordinary word or name (Chase, Norton, Apple) in the sender name of
/// someone whose own mailbox carries it (`"Chase Miller" <chase.miller@…>`) is that person's name,
/// not a claim to be the bank.
fn is_personal_name(
    cx: &Context<'_>,
    b: &unphish_intel::brands::Brand,
    s: &crate::claims::ClaimSource,
) -> bool {
    if !matches!(s.field, "display_name" | "forwarded_from")
        || !b.exact_aliases.iter().any(|a| a == &s.matched)
    {
        return false;
    }
    // The mailbox the name was written for: the sender's, or the forwarded mail's.
    let mailbox = if s.field == "forwarded_from" {
        cx.evidence.forwarded.as_ref().map(|f| &f.from)
    } else {
        cx.evidence.identity.from.as_ref()
    };
    let local = mailbox
        .and_then(|m| m.address.as_deref())
        .and_then(|a| a.rsplit_once('@'))
        .map(|(l, _)| l.to_ascii_lowercase())
        .unwrap_or_default();
    if local.is_empty() {
        return false;
    }
    if local.contains(&s.matched.to_ascii_lowercase()) {
        return true;
    }
    // "Chase Morgan" <cmorgan@…>: mailboxes made of an initial and the surname carry the other
    // word of the name instead. The other word must be a name, not a service word: "Chase Bank"
    // <bank@…> and "Apple Support" <support@…> stay claims to be the brand.
    let name = mailbox
        .and_then(|m| m.display_name.as_deref())
        .unwrap_or_default();
    let words: Vec<&str> = name.split_whitespace().take(8).collect();
    if words.len() < 2 || words.len() > 3 || !words.iter().any(|w| *w == s.matched) {
        return false;
    }
    words.iter().filter(|w| **w != s.matched).all(|w| {
        let lw = w.to_ascii_lowercase();
        w.len() >= 3
            && w.chars().all(|c| c.is_ascii_alphabetic())
            && w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && !SERVICE_WORDS.split_whitespace().any(|sw| sw == lw)
            && local.contains(&lw)
    })
}

/// Words that make a brand name a department or service, never a surname.
const SERVICE_WORDS: &str = "bank banking card cards support service services security team \
    alert alerts online account accounts billing help info notice notification payment payments \
    pay customer care mail store shop official center centre admin verify wallet rewards desk";

/// A platform (`platform = true` in brands.toml: WordPress, Shopify, Stripe) named by a sender
/// that authenticates as its own domain, in the sender name or mailbox only (a copied copyright
/// footer of the platform is still a kit's disguise).
fn is_site_naming_its_platform(cx: &Context<'_>, b: &unphish_intel::brands::Brand) -> bool {
    b.platform && cx.claims.auth.aligned_pass
}

impl Signal for BrandImpersonation {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        for c in &cx.claims.brands {
            if c.from_owned {
                continue;
            }
            let b = cx.brands.get(c.brand);
            let platform = is_site_naming_its_platform(cx, b);
            let strong: Vec<_> = c
                .sources
                .iter()
                .filter(|s| {
                    matches!(
                        s.field,
                        "display_name" | "footer" | "from_address" | "forwarded_from"
                    )
                })
                .filter(|s| !is_personal_name(cx, b, s))
                .filter(|s| !(platform && s.field != "footer"))
                .collect();
            if strong.is_empty() {
                continue;
            }
            let (w_en, w_ja) = where_text(c, true);
            // Claimed only by the forwarded mail: its own sender domain is the one to name.
            let sent_from = if strong.iter().all(|s| s.field == "forwarded_from") {
                cx.evidence
                    .forwarded
                    .as_ref()
                    .and_then(|f| f.from.domain.clone())
            } else {
                cx.claims.from_domain.clone()
            };
            let mut hit = Hit::new(&META)
                .brand(b)
                .var("where", w_en)
                .var("where_ja", w_ja)
                .var("from_domain", sent_from.unwrap_or_else(|| "?".into()));
            for s in strong {
                hit = hit.cite(Cite {
                    location: s.location.clone(),
                    quote: s.quote.clone(),
                });
            }
            hits.push(hit);
        }
    }
}
