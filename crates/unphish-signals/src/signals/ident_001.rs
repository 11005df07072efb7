//! IDENT-001 reply-to-elsewhere: replies go to a different domain than the From address.
//!
//! A phisher who spoofs a From he cannot read sets Reply-To to a mailbox he controls, often free
//! mail. Honest senders mostly reply from their own domain; help desks on a sister domain of the
//! same organisation are spared when the registrable domains share their first label.

use super::util::from_cite;
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};
use unphish_intel::hosts;

pub struct ReplyToElsewhere;

static META: SignalMeta = SignalMeta {
    id: "IDENT-001",
    slug: "reply-to-elsewhere",
    group: Group::Identity,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "Replies go to {reply_domain}, not to {from_domain}",
        ja: "返信先が {from_domain} ではなく {reply_domain} になっています",
    },
    explain: Text {
        en: "The mail says it is from {from_domain}, but a reply would go to {reply_address}{freemail}. Whoever wrote it wants the answers somewhere else.",
        ja: "差出人は {from_domain} ですが、返信すると {reply_address}{freemail_ja} に届きます。送り主は返事を別の場所で受け取ろうとしています。",
    },
};

fn first_label(reg: &str) -> &str {
    reg.split('.').next().unwrap_or(reg)
}

impl Signal for ReplyToElsewhere {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(from_reg) = cx.claims.from_registrable.as_deref() else {
            return;
        };
        for (i, r) in cx.evidence.identity.reply_to.iter().enumerate() {
            let (Some(reg), Some(addr)) = (r.registrable_domain.as_deref(), r.address.as_deref())
            else {
                continue;
            };
            if reg == from_reg || first_label(reg) == first_label(from_reg) {
                continue;
            }
            let free = hosts::is_freemail(reg);
            let mut hit = Hit::new(&META)
                .var("reply_domain", reg)
                .var(
                    "from_domain",
                    cx.claims.from_domain.clone().unwrap_or_default(),
                )
                .var("reply_address", addr)
                .var("freemail", if free { " (a free mail account)" } else { "" })
                .var(
                    "freemail_ja",
                    if free {
                        "(無料メールのアカウント)"
                    } else {
                        ""
                    },
                )
                .cite(Cite::header("Reply-To", i, r.raw.clone()));
            if let Some(c) = from_cite(cx) {
                hit = hit.cite(c);
            }
            hits.push(hit);
            return;
        }
    }
}
