//! LURE-006 callback-scam: a receipt, invoice or renewal in a brand's name, sent from a personal
//! free-mail mailbox, with a phone number to call (`PayPal … Payment Amount: $3891 … please
//! contact us: (828)-582-4130`, from `someone@gmail.com`).
//!
//! The "call us to cancel" scam sends no link at all, so link checks see nothing: the victim
//! phones the number and is talked into remote access or a refund transfer. Companies send
//! receipts from their own domains; a purchase notice for PayPal, Norton or eBay from a gmail
//! mailbox with a number to call is the scam's whole shape. A phone number alone (signatures), a
//! brand's receipt from its own domain, or a free-mail message naming no brand does not fire.

use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};
use unphish_intel::hosts::{HostClass, HostDb};
use unphish_intel::lures::LureCategory;

pub struct CallbackScam;

static META: SignalMeta = SignalMeta {
    id: "LURE-006",
    slug: "callback-scam",
    group: Group::Lure,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "A {brand} receipt from a personal mailbox asks you to call {phone}",
        ja: "個人のメールアドレスから届いた {brand_ja} の領収書が {phone} への電話を求めています",
    },
    explain: Text {
        en: "The mail reads like a purchase or renewal notice from {brand}, but it was sent from {from_domain}, a free mailbox anyone can open, and the only way out it offers is the phone number {phone}. This is the \"call to cancel\" scam: whoever answers asks for remote access to your computer or for a \"refund\" payment. Do not call; check the account on {brand}'s own site.",
        ja: "{brand_ja} の購入・更新通知のように見えますが、送信元は誰でも作れるフリーメール {from_domain} で、連絡手段として電話番号 {phone} だけが書かれています。「キャンセルは電話で」という詐欺の手口で、電話に出た相手はパソコンの遠隔操作や「返金」のための送金を求めてきます。電話をかけず、{brand_ja} の公式サイトで確認してください。",
    },
};

/// Text scanned for a phone number, per body.
const SCAN_BYTES: usize = 16 * 1024;

/// A phone number written the way callback scams write them: North American (`(828)-582-4130`,
/// `+1 (865) 237-0122`, `1-833-307-3665`), international with `+` (`+44 20 7946 0958`), or a
/// Japanese number with hyphens (`0120-123-456`). Dates, times, order and tracking numbers do not
/// have these shapes.
pub(crate) fn find_phone(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let is_part =
        |c: u8| c.is_ascii_digit() || matches!(c, b' ' | b'-' | b'.' | b'(' | b')' | b'+');
    let mut i = 0;
    while i < b.len() {
        let c = b.get(i).copied().unwrap_or(0);
        if !(c.is_ascii_digit() || c == b'+' || c == b'(') {
            i += 1;
            continue;
        }
        let prev_word = i
            .checked_sub(1)
            .and_then(|p| b.get(p))
            .is_some_and(|p| p.is_ascii_alphanumeric());
        let mut j = i;
        while b.get(j).is_some_and(|&c| is_part(c)) {
            j += 1;
        }
        // Trailing separators are not part of the number.
        let mut end = j;
        while end > i && b.get(end - 1).is_some_and(|c| !c.is_ascii_digit()) {
            end -= 1;
        }
        // HTML flattened to text glues the next word on (`237-0122Hello`): a capital may follow.
        let next_word = b
            .get(end)
            .is_some_and(|c| c.is_ascii_alphanumeric() && !c.is_ascii_uppercase());
        if !prev_word
            && !next_word
            && let Some(run) = text.get(i..end)
            && phone_shape(run)
        {
            return Some(run);
        }
        i = j.max(i + 1);
    }
    None
}

fn phone_shape(run: &str) -> bool {
    let plus = run.starts_with('+');
    let groups: Vec<&str> = run
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let digits: usize = groups.iter().map(|g| g.len()).sum();
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let nanp = |l: &[usize]| l == [3, 3, 4];
    if nanp(&lens)
        || (lens.first() == Some(&1)
            && groups.first() == Some(&"1")
            && nanp(lens.get(1..).unwrap_or(&[])))
    {
        return true;
    }
    if plus {
        return (9..=15).contains(&digits) && groups.len() >= 2 && lens.iter().all(|&l| l <= 5);
    }
    groups.len() == 3
        && groups
            .first()
            .is_some_and(|g| g.starts_with('0') && g.len() <= 5)
        && (10..=11).contains(&digits)
        && run
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .all(|c| c == '-')
}

impl Signal for CallbackScam {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(from_domain) = cx
            .claims
            .from_registrable
            .as_deref()
            .or(cx.claims.from_domain.as_deref())
        else {
            return;
        };
        if HostDb::embedded().classify(from_domain) != Some(HostClass::Freemail) {
            return;
        }
        let Some(claim) = cx.claims.brands.iter().find(|c| !c.from_owned) else {
            return;
        };
        let Some(wording) = cx
            .claims
            .lures
            .iter()
            .find(|l| l.hit.category == LureCategory::Payment)
        else {
            return;
        };
        let subject = cx.evidence.subject.as_deref().unwrap_or("");
        let found = find_phone(subject)
            .map(|p| (p, Cite::header("Subject", 0, format!("Subject: {subject}"))))
            .or_else(|| {
                cx.evidence.bodies.iter().find_map(|body| {
                    let mut end = body.text.len().min(SCAN_BYTES);
                    while !body.text.is_char_boundary(end) {
                        end -= 1;
                    }
                    let text = body.text.get(..end).unwrap_or("");
                    let p = find_phone(text)?;
                    let at = text.find(p).unwrap_or(0);
                    let from = text.floor_char_boundary(at.saturating_sub(60));
                    let to = text.ceil_char_boundary((at + p.len() + 20).min(text.len()));
                    let quote = crate::excerpt(text.get(from..to).unwrap_or(p).trim(), 160);
                    Some((p, Cite::part(body.part, quote)))
                })
            });
        let Some((phone, cite)) = found else {
            return;
        };
        let b = cx.brands.get(claim.brand);
        hits.push(
            Hit::new(&META)
                .brand(b)
                .var("phone", phone.trim().to_string())
                .var("from_domain", from_domain.to_string())
                .cite(Cite {
                    location: wording.location.clone(),
                    quote: wording.context.clone(),
                })
                .cite(cite),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::find_phone;

    #[test]
    fn phone_numbers_of_the_scam() {
        for (text, want) in [
            ("please contact us: 📞 (828)-582-4130", "(828)-582-4130"),
            ("Telephone: +1 (865) 237-0122Hello", "+1 (865) 237-0122"),
            (
                "For questions, call us at 1 (833) 307-3665 |",
                "1 (833) 307-3665",
            ),
            ("call 1-833-307-3665 now", "1-833-307-3665"),
            ("Tel +44 20 7946 0958.", "+44 20 7946 0958"),
            ("フリーダイヤル 0120-123-456 まで", "0120-123-456"),
        ] {
            assert_eq!(find_phone(text), Some(want), "{text}");
        }
    }

    #[test]
    fn numbers_that_are_not_phones() {
        for text in [
            "Order Receipt number: 908LYQ-373MNS-310AVH",
            "Transaction ID: 12434-1183",
            "Date: 2024-04-27 14:10:07 (UTC)",
            "Tracking No: 999d6516-3162-42ce-80b6",
            "Payment Amount: $3891 USD",
            "Version 1.2.3 released on 12.03.2025",
            "Invoice 2025-0001-1234",
        ] {
            assert_eq!(find_phone(text), None, "{text}");
        }
    }
}
