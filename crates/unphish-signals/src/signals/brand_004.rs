//! BRAND-004 brand-named-by-unrelated-sender: the subject names a brand the sending domain does not
//! belong to. Weak alone (newsletters write about brands); adds up with lures and links.

use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct BrandNamedByUnrelatedSender;

static META: SignalMeta = SignalMeta {
    id: "BRAND-004",
    slug: "brand-named-by-unrelated-sender",
    group: Group::Brand,
    confidence: Confidence::Low,
    needs_network: false,
    title: Text {
        en: "The subject names {brand}, the sender is someone else",
        ja: "件名に {brand_ja} の名前がありますが、差出人は別の組織です",
    },
    explain: Text {
        en: "The subject speaks of {brand}, but the mail comes from {from_domain}.",
        ja: "件名は {brand_ja} について述べていますが、メールは {from_domain} から来ています。",
    },
};

impl Signal for BrandNamedByUnrelatedSender {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        for c in &cx.claims.brands {
            if c.from_owned
                || c.sources
                    .iter()
                    .any(|s| matches!(s.field, "display_name" | "footer" | "from_address"))
            {
                continue;
            }
            let Some(s) = c.sources.iter().find(|s| s.field == "subject") else {
                continue;
            };
            let b = cx.brands.get(c.brand);
            hits.push(
                Hit::new(&META)
                    .brand(b)
                    .var(
                        "from_domain",
                        cx.claims.from_domain.clone().unwrap_or_else(|| "?".into()),
                    )
                    .cite(Cite {
                        location: s.location.clone(),
                        quote: s.quote.clone(),
                    }),
            );
            return;
        }
    }
}
