//! STRUCT-007 styled-letters: the subject or the sender's name is written in Unicode "fonts" or
//! padded with invisible marks — 𝐈𝐦𝐩𝐨𝐫𝐭𝐚𝐧𝐭 (mathematical bold), ᴘᴀʏᴍᴇɴᴛ (small capitals),
//! Ⓦⓘⓝ (circled letters), `Aܿmܿaܿzܿon` (Syriac marks on Latin letters), zero-width spaces inside
//! a word.
//!
//! A reader sees ordinary words; a filter looking for "payment" or a brand name sees symbols. Mail
//! programs and honest senders type plain letters: these code points exist for mathematics,
//! phonetics and other scripts, not for a sender's name. Two such characters are needed, so a
//! lone stray symbol does not count.

use unphish_intel::text::is_foreign_mark;

use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct StyledLetters;

static META: SignalMeta = SignalMeta {
    id: "STRUCT-007",
    slug: "styled-letters",
    group: Group::Structure,
    confidence: Confidence::High,
    needs_network: false,
    title: Text {
        en: "Disguised letters in the {field}: “{sample}”",
        ja: "{field_ja}に偽装した文字があります: 「{sample}」",
    },
    explain: Text {
        en: "The {field} is written with {count} characters that only look like letters (mathematical or small-capital forms, circled letters, marks from another script or invisible characters inside words). People read the words; spam filters and brand checks do not, which is why senders of fraud use them.",
        ja: "{field_ja}には、文字に見えるだけの特殊な文字が {count} 個使われています(数学用の書体、小型英大文字、丸囲み文字、別の文字体系の記号、単語内の不可視文字)。人には普通の単語に読めても、迷惑メールフィルターやブランド名の照合には読めないため、詐欺メールで使われます。",
    },
};

/// Characters examined per field; subjects and names are short, a hostile header is not.
const MAX_CHARS: usize = 2048;
/// Disguised characters needed before the field counts.
const MIN_DISGUISED: usize = 2;

/// Letters that are styled forms of Latin ones.
pub fn is_styled_letter(c: char) -> bool {
    matches!(c as u32,
        // Mathematical Alphanumeric Symbols: bold, italic, script, fraktur, monospace letters.
        0x1D400..=0x1D7FF
        // Phonetic small capitals (ᴀ ᴄ ᴅ ᴇ ...) and the IPA ones used alongside (ʀ ʏ ɢ ɪ ʟ ɴ ʜ).
        | 0x1D00..=0x1D25 | 0x0280 | 0x028F | 0x0262 | 0x026A | 0x029F | 0x0274 | 0x029C
        | 0xA731 | 0xA7AF
        // Circled and parenthesised letters, squared and negative squared letters.
        | 0x249C..=0x24E9 | 0x1F130..=0x1F189)
}

/// Invisible characters that have no business between two Latin letters.
fn is_invisible(c: char) -> bool {
    matches!(
        c as u32,
        0x200B | 0x200C | 0x200D | 0x00AD | 0x2060 | 0xFEFF | 0x180E
    )
}

/// How many disguised characters `text` holds.
pub fn disguised_count(text: &str) -> usize {
    let chars: Vec<char> = text.chars().take(MAX_CHARS).collect();
    let mut n = 0;
    for (i, &c) in chars.iter().enumerate() {
        let prev_latin = i
            .checked_sub(1)
            .and_then(|p| chars.get(p))
            .is_some_and(|p| p.is_ascii_alphabetic());
        let next_latin = chars.get(i + 1).is_some_and(|p| p.is_ascii_alphabetic());
        if is_styled_letter(c)
            || (is_foreign_mark(c) && prev_latin)
            || (is_invisible(c) && prev_latin && next_latin)
        {
            n += 1;
        }
    }
    n
}

impl Signal for StyledLetters {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let ev = &cx.evidence;
        if let Some(subject) = &ev.subject {
            let n = disguised_count(subject);
            if n >= MIN_DISGUISED {
                let quote = ev
                    .subject_raw
                    .clone()
                    .unwrap_or_else(|| format!("Subject: {subject}"));
                hits.push(
                    Hit::new(&META)
                        .var("sample", crate::excerpt(subject, 80))
                        .var("count", n.to_string())
                        .var("field", "subject")
                        .var("field_ja", "件名")
                        .cite(Cite::header("Subject", 0, quote)),
                );
                return;
            }
        }
        if let Some(f) = &ev.identity.from
            && let Some(name) = &f.display_name
        {
            let n = disguised_count(name);
            if n >= MIN_DISGUISED {
                hits.push(
                    Hit::new(&META)
                        .var("sample", crate::excerpt(name, 80))
                        .var("count", n.to_string())
                        .var("field", "sender name")
                        .var("field_ja", "差出人名")
                        .cite(Cite::header("From", 0, crate::claims::from_line(f))),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styled_and_padded_letters_are_counted() {
        assert_eq!(disguised_count("\u{1d408}\u{1d426}\u{1d429}ortant"), 3);
        assert_eq!(disguised_count("--ᴘᴀʏᴍᴇɴᴛ ᴅᴇᴄɪɪɴᴇᴅ--"), 15);
        assert_eq!(disguised_count("A\u{73f}m\u{73f}azon"), 2);
        assert_eq!(disguised_count("Pay\u{200b}Pal ac\u{200b}count"), 2);
        assert_eq!(disguised_count("Ⓦⓘⓝ"), 3);
    }

    #[test]
    fn ordinary_text_is_not() {
        assert_eq!(disguised_count("Café crème, naïve résumé"), 0);
        // Decomposed accents (NFD) are ordinary Latin text.
        assert_eq!(disguised_count("Cafe\u{301} cre\u{300}me"), 0);
        assert_eq!(disguised_count("【重要】Amazonプライム会員情報の更新"), 0);
        // Emoji joined with ZWJ are not letters.
        assert_eq!(disguised_count("Family 👨\u{200d}👩\u{200d}👧 trip"), 0);
        assert_eq!(disguised_count("Hebrew שָׁלוֹם and Arabic مَرْحَبًا"), 0);
        assert_eq!(disguised_count(""), 0);
    }
}
