//! LURE-002 pressure-language: urgency or threats ("within 24 hours", "your account will be
//! suspended", 「至急」「停止」).
//!
//! Pressure stops the reader from checking. Honest notices exist, so this weighs little alone.

use crate::{Confidence, Context, Group, Hit, Signal, SignalMeta, Text};
use unphish_intel::lures::LureCategory;

pub struct PressureLanguage;

static META: SignalMeta = SignalMeta {
    id: "LURE-002",
    slug: "pressure-language",
    group: Group::Lure,
    confidence: Confidence::Low,
    needs_network: false,
    title: Text {
        en: "Pressure: {phrases}",
        ja: "不安をあおる言葉: {phrases}",
    },
    explain: Text {
        en: "The mail rushes or threatens the reader ({phrases}) so that there is no time to check whether it is real.",
        ja: "本物かどうか確かめる時間を与えないよう、急がせたり脅したりする言葉({phrases})が使われています。",
    },
};

impl Signal for PressureLanguage {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        super::lure_common::check(
            &META,
            &[LureCategory::Urgency, LureCategory::Threat],
            cx,
            hits,
        );
    }
}
