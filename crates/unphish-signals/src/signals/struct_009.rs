//! STRUCT-009 bulk-kit-boilerplate: fixed sentences of affiliate-spam kits ("Unsubscribe from all
//! email list by replying to this email", "click here to remove yourself from our emails list").
//!
//! Mailing services write their own unsubscribe footers, in correct language, with a link to a
//! preference page. These kits paste the same broken sentences under every pitch they send, from
//! whatever domain they rent this week; the sentence is the kit's fingerprint. Entries carry a
//! `.kit.` segment in their id in lures.toml; one strong sentence is needed. A fingerprint of the
//! sending tool, not a lure: it sits in the structure group and adds to what the mail says.

use crate::{Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct BulkKitBoilerplate;

static META: SignalMeta = SignalMeta {
    id: "STRUCT-009",
    slug: "bulk-kit-boilerplate",
    group: Group::Structure,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "Boilerplate of a bulk-spam kit: {phrases}",
        ja: "迷惑メール一斉送信ツールの定型文: {phrases}",
    },
    explain: Text {
        en: "The mail carries a fixed sentence ({phrases}) that spam kits paste under every message they send. Real mailing services write their own unsubscribe text and link to a preference page.",
        ja: "このメールには、迷惑メールの送信ツールがすべてのメールに貼り付ける決まった文({phrases})があります。正規の配信サービスは独自の配信停止の案内と設定ページへのリンクを載せます。",
    },
};

fn is_kit_entry(id: &str) -> bool {
    id.contains(".kit.")
}

impl Signal for BulkKitBoilerplate {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        super::lure_common::check_where(
            &META,
            |l| {
                is_kit_entry(&l.hit.id)
                    && l.hit.strength == unphish_intel::lures::LureStrength::Strong
            },
            cx,
            hits,
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn kit_entries_are_told_by_id() {
        assert!(super::is_kit_entry("en.kit.unsubscribe"));
        assert!(!super::is_kit_entry("en.scam.prize"));
    }
}
