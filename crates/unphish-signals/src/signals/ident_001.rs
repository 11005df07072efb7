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
//!
//! Two more honest shapes, seen across 2002 list mail, are spared when the reply domain is not
//! free mail (a phisher's drop box usually is):
//! - the list's own agent in Sender (`rpm-list-admin@lists.example`) shares the Reply-To domain:
//!   the list asks for replies to itself;
//! - the same person's other address: Reply-To keeps the From local part (`craig@home.example`
//!   → `craig@alumni.example`), and that local part is a person's, not a role like `support`.

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

/// Mailbox names shared by every organisation: the same one on two domains says nothing about who
/// is behind them.
const ROLE_LOCAL_PARTS: &[&str] = &[
    "info",
    "support",
    "service",
    "services",
    "admin",
    "administrator",
    "contact",
    "help",
    "helpdesk",
    "noreply",
    "no-reply",
    "donotreply",
    "billing",
    "accounts",
    "account",
    "security",
    "sales",
    "office",
    "mail",
    "team",
    "customerservice",
    "customer",
    "care",
    "hello",
    "news",
    "newsletter",
    "notification",
    "notifications",
    "alert",
    "alerts",
    "webmaster",
    "postmaster",
    "finance",
    "hr",
    "payment",
    "payments",
    "verify",
    "update",
    "reply",
    "user",
    "client",
];

fn local_part(addr: &str) -> &str {
    addr.rsplit_once('@').map(|(l, _)| l).unwrap_or(addr)
}

/// Reply-To is the author's other mailbox: same personal local part, on a domain that is not
/// free mail.
fn same_person_elsewhere(from_addr: Option<&str>, reply_addr: &str) -> bool {
    let Some(from_addr) = from_addr else {
        return false;
    };
    let (a, b) = (local_part(from_addr), local_part(reply_addr));
    a.len() >= 3
        && a.eq_ignore_ascii_case(b)
        && !ROLE_LOCAL_PARTS.iter().any(|r| a.eq_ignore_ascii_case(r))
}

/// The transmitting agent named in Sender (RFC 5322 §3.6.2) lives in the Reply-To domain: a
/// list asking for replies to itself.
fn sender_in_reply_domain(cx: &Context<'_>, reply_reg: &str) -> bool {
    cx.evidence
        .identity
        .sender
        .as_ref()
        .and_then(|m| m.registrable_domain.as_deref())
        .is_some_and(|r| r == reply_reg)
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
            let free = hosts::is_freemail(reg);
            let from_addr = cx
                .evidence
                .identity
                .from
                .as_ref()
                .and_then(|f| f.address.as_deref());
            if reg == from_reg
                || first_label(reg) == first_label(from_reg)
                || is_recipient(cx, addr)
                || (!free
                    && (sender_in_reply_domain(cx, reg) || same_person_elsewhere(from_addr, addr)))
            {
                continue;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_person_keeps_a_personal_local_part() {
        assert!(same_person_elsewhere(
            Some("craig@home.example"),
            "Craig@alumni.example"
        ));
        assert!(!same_person_elsewhere(
            Some("support@paypal-notice.example"),
            "support@drop.example"
        ));
        assert!(!same_person_elsewhere(Some("jo@a.example"), "jo@b.example"));
        assert!(!same_person_elsewhere(
            Some("craig@home.example"),
            "greg@alumni.example"
        ));
        assert!(!same_person_elsewhere(None, "craig@alumni.example"));
    }
}
