//! STRUCT-006 mixed-script-words: the subject or the sender's name writes words with look-alike
//! letters from another alphabet (`Enjоy Yоur Sаfе Dаtе` with Cyrillic о, а, е; `Αviatiοn` with
//! Greek Α, ο).
//!
//! The letters look identical to a reader but not to a filter, which is the only reason to type
//! them: it defeats keyword and brand matching. Honest text never mixes Latin with Cyrillic,
//! Greek, Armenian or Cherokee letters inside one word; a Russian word next to an English one, or
//! Japanese next to Latin, is not flagged.

use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct MixedScriptWords;

static META: SignalMeta = SignalMeta {
    id: "STRUCT-006",
    slug: "mixed-script-words",
    group: Group::Structure,
    confidence: Confidence::High,
    needs_network: false,
    title: Text {
        en: "Look-alike letters from another alphabet in “{word}”",
        ja: "「{word}」に別の文字体系のよく似た文字が混ざっています",
    },
    explain: Text {
        en: "The {field} writes “{word}” with letters borrowed from another alphabet that look the same as Latin ones. That only serves to slip past filters that look for those words.",
        ja: "{field_ja}の「{word}」には、ラテン文字とそっくりな別の文字体系の文字が使われています。その単語を探す迷惑メールフィルターをすり抜けるための手口です。",
    },
};

/// Characters examined per field; subjects and names are short, a hostile header is not.
const MAX_CHARS: usize = 2048;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    /// Cyrillic, Greek, Armenian, Cherokee: alphabets with letters that pass for Latin ones.
    Confusable,
    Other,
}

fn script(c: char) -> Script {
    match c as u32 {
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F => Script::Latin,
        0x370..=0x3FF | 0x400..=0x52F | 0x530..=0x58F | 0x13A0..=0x13FF | 0x1F00..=0x1FFF => {
            Script::Confusable
        }
        _ => Script::Other,
    }
}

/// The first word mixing Latin with a confusable alphabet, if any.
pub fn mixed_word(text: &str) -> Option<String> {
    let mut word = String::new();
    let (mut latin, mut other) = (false, false);
    for c in text.chars().take(MAX_CHARS).chain(std::iter::once(' ')) {
        if c.is_alphabetic() {
            match script(c) {
                Script::Latin => latin = true,
                Script::Confusable => other = true,
                Script::Other => {}
            }
            if word.len() < 64 {
                word.push(c);
            }
            continue;
        }
        if latin && other {
            return Some(word);
        }
        word.clear();
        latin = false;
        other = false;
    }
    None
}

impl Signal for MixedScriptWords {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let ev = &cx.evidence;
        if let Some(subject) = &ev.subject
            && let Some(w) = mixed_word(subject)
        {
            let quote = ev
                .subject_raw
                .clone()
                .unwrap_or_else(|| format!("Subject: {subject}"));
            hits.push(
                Hit::new(&META)
                    .var("word", w)
                    .var("field", "subject")
                    .var("field_ja", "件名")
                    .cite(Cite::header("Subject", 0, quote)),
            );
            return;
        }
        if let Some(f) = &ev.identity.from
            && let Some(name) = &f.display_name
            && let Some(w) = mixed_word(name)
        {
            hits.push(
                Hit::new(&META)
                    .var("word", w)
                    .var("field", "sender name")
                    .var("field_ja", "差出人名")
                    .cite(Cite::header("From", 0, crate::claims::from_line(f))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_words_with_cyrillic_or_greek_letters_are_found() {
        assert_eq!(
            mixed_word("Enj\u{43e}y Y\u{43e}ur date").as_deref(),
            Some("Enj\u{43e}y")
        );
        assert_eq!(
            mixed_word("Dassault \u{391}viati\u{3bf}n").as_deref(),
            Some("\u{391}viati\u{3bf}n")
        );
    }

    #[test]
    fn separate_alphabets_and_japanese_are_not() {
        assert_eq!(mixed_word("Привет, John! Ελλάδα trip"), None);
        assert_eq!(mixed_word("Amazonプライム会員情報の更新"), None);
        assert_eq!(mixed_word("Café crème, naïve résumé"), None);
        assert_eq!(mixed_word(""), None);
    }
}
