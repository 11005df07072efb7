//! STRUCT-002 hidden-text: the HTML hides text from the reader (display:none, zero-size fonts).
//!
//! Invisible filler words are written for spam filters, not for people; honest mail rarely hides
//! more than a preheader line, hence the threshold.

use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct HiddenText;

static META: SignalMeta = SignalMeta {
    id: "STRUCT-002",
    slug: "hidden-text",
    group: Group::Structure,
    confidence: Confidence::Low,
    needs_network: false,
    title: Text {
        en: "{chars} characters of hidden text",
        ja: "{chars} 文字の隠しテキストがあります",
    },
    explain: Text {
        en: "The mail contains text that a mail program does not display. It is there to fool spam filters.",
        ja: "メールソフトでは表示されない文字が含まれています。迷惑メールフィルターを欺くためのものです。",
    },
};

/// Below this, hidden text is a preheader or a layout helper.
const MIN_HIDDEN: usize = 200;

impl Signal for HiddenText {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(b) = cx
            .evidence
            .bodies
            .iter()
            .find(|b| b.hidden_chars >= MIN_HIDDEN)
        else {
            return;
        };
        hits.push(
            Hit::new(&META)
                .var("chars", b.hidden_chars.to_string())
                .cite(Cite::part(
                    b.part,
                    format!("{} hidden characters in part {}", b.hidden_chars, b.part),
                )),
        );
    }
}
