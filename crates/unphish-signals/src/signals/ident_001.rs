//! IDENT-001 reply-to-elsewhere: replies go to a different domain than the From address.
//!
//! A phisher who spoofs a From he cannot read sets Reply-To to a mailbox he controls, often free
//! mail. Honest senders mostly reply from their own domain; help desks on a sister domain of the
//! same organisation are spared when the registrable domains share their first label.
//!
//! Mailing lists are the other honest source of a foreign Reply-To, in two shapes that both leave
//! the answer with people the mail was addressed to, never with a third party:
//! - "reply to list": Reply-To is the list address, which is also the To/Cc of the message;
//! - DMARC mitigation (Mailman, Google Groups): the list rewrites From to its own address ("Alice
//!   via users"), sends to that same address and declares itself in Sender or the envelope
//!   (Return-Path); Reply-To keeps the author. The From address being a recipient and Sender or
//!   Return-Path sharing its domain is that shape.
//!
//! A phisher gains nothing from either: replies would go to the victim or to the list.

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

/// Whether `addr` is one of the addresses the message was sent to.
fn is_recipient(cx: &Context<'_>, addr: &str) -> bool {
    let addr = addr.trim().to_ascii_lowercase();
    !addr.is_empty() && cx.evidence.recipients.contains(&addr)
}

/// A list that rewrote From to its own address: From is a recipient and Sender (RFC 5322 §3.6.2,
/// the agent that actually transmitted) or the envelope sender is in the From domain.
fn list_rewrote_from(cx: &Context<'_>, from_reg: &str) -> bool {
    let id = &cx.evidence.identity;
    let from_is_recipient = id
        .from
        .as_ref()
        .and_then(|f| f.address.as_deref())
        .is_some_and(|a| is_recipient(cx, a));
    let sender_in_from_domain = [&id.sender, &id.return_path]
        .into_iter()
        .flatten()
        .filter_map(|m| m.registrable_domain.as_deref())
        .any(|r| r == from_reg);
    from_is_recipient && sender_in_from_domain
}

impl Signal for ReplyToElsewhere {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(from_reg) = cx.claims.from_registrable.as_deref() else {
            return;
        };
        if list_rewrote_from(cx, from_reg) {
            return;
        }
        for (i, r) in cx.evidence.identity.reply_to.iter().enumerate() {
            let (Some(reg), Some(addr)) = (r.registrable_domain.as_deref(), r.address.as_deref())
            else {
                continue;
            };
            if reg == from_reg
                || first_label(reg) == first_label(from_reg)
                || is_recipient(cx, addr)
            {
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
