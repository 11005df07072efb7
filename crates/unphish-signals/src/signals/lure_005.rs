//! LURE-005 fraud-story: the wording of a known fraud script rather than of a phishing pretext —
//! an advance-fee or inheritance letter, an unsolicited casino bonus, a crypto giveaway or cloud
//! mining payout, sextortion, a prize or gift card the reader was "selected" for, a fake court
//! summons, a "held" purchase with a number to call, romance bait and miracle cures.
//!
//! These mails often carry no link trick and no impersonated brand (a widow's letter from a
//! free-mail address, authenticated by its provider), so without their story they read as clean.
//! The phrases live in lures.toml under ids with a `.scam.` segment; one strong phrase or weak
//! words from two different entries are needed, as for the other lure signals.

use crate::{Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct FraudStory;

static META: SignalMeta = SignalMeta {
    id: "LURE-005",
    slug: "fraud-story",
    group: Group::Lure,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "Wording of a known fraud script: {phrases}",
        ja: "典型的な詐欺メールの文言: {phrases}",
    },
    explain: Text {
        en: "The mail tells a story fraudsters reuse ({phrases}): money, winnings, crypto or an inheritance waiting for you, a casino bonus or prize nobody asked for, a court summons or a held purchase that only a link or a phone call can settle, or a threat to publish recordings unless you pay. Honest senders do not write to strangers this way.",
        ja: "この文面({phrases})は詐欺で使い回される筋書きです。受け取るべきお金・賞金・暗号資産・遺産がある、頼んでいないカジノのボーナスや景品、リンクや電話でしか解決できない裁判所の呼び出しや保留中の購入、支払わなければ映像を公開するという脅しなど。正規の送信者が見知らぬ相手にこうした連絡をすることはありません。",
    },
};

/// Lure entries that belong to fraud scripts carry `.scam.` in their id (`en.scam.advance_fee`).
fn is_fraud_entry(id: &str) -> bool {
    id.contains(".scam.")
}

/// LURE-005's rule, shared with IDENT-004 (a fraud story from a throwaway mailbox).
pub(crate) fn check_story(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    super::lure_common::check_where(&META, |l| is_fraud_entry(&l.hit.id), cx, hits);
}

impl Signal for FraudStory {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        check_story(cx, hits);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fraud_entries_are_told_by_id() {
        assert!(is_fraud_entry("en.scam.advance_fee"));
        assert!(is_fraud_entry("ptes.scam.gambling"));
        assert!(!is_fraud_entry("en.reward.won"));
        assert!(!is_fraud_entry("scam"));
    }
}
