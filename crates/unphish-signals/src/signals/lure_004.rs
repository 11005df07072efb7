//! LURE-004 money-or-parcel-bait: unpaid bills, refunds, prizes, points or a parcel that could not
//! be delivered.

use crate::{Confidence, Context, Group, Hit, Signal, SignalMeta, Text};
use unphish_intel::lures::LureCategory;

pub struct MoneyOrParcelBait;

static META: SignalMeta = SignalMeta {
    id: "LURE-004",
    slug: "money-or-parcel-bait",
    group: Group::Lure,
    confidence: Confidence::Low,
    needs_network: false,
    title: Text {
        en: "Money or parcel bait: {phrases}",
        ja: "お金や荷物で誘う言葉: {phrases}",
    },
    explain: Text {
        en: "The mail talks about payments, refunds, rewards or a parcel ({phrases}), the usual bait to get card details or a login.",
        ja: "支払い・返金・特典・荷物の話({phrases})は、カード情報やログイン情報を入力させるための典型的なエサです。",
    },
};

impl Signal for MoneyOrParcelBait {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        super::lure_common::check(
            &META,
            &[
                LureCategory::Payment,
                LureCategory::Delivery,
                LureCategory::Reward,
            ],
            cx,
            hits,
        );
    }
}
