//! MIME parsing for unphish: a best-effort parse that never fails, with the defects found on the way,
//! and readable text for every body part (declared charset, or detected when none is declared).
//!
//! The heavy lifting is mail-parser's; this crate adds what an analyser needs around it: a panic
//! boundary (the library promises never to panic and has broken that promise before), size bounds,
//! charset detection for undeclared 8-bit text, and raw header access for quoting.

use mail_parser::{Encoding, Message, MessageParser, MessagePart, MimeHeaders, PartType};
use serde::Serialize;
use std::borrow::Cow;

pub use mail_parser;

/// A defect: something malformed, cut short or odd about a message's structure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Defect {
    /// Stable machine code, e.g. `mime.unparseable`, `limit.message_size`.
    pub code: String,
    /// Plain English explanation.
    pub detail: String,
}

impl Defect {
    pub fn new(code: &str, detail: impl Into<String>) -> Self {
        Defect {
            code: code.to_string(),
            detail: detail.into(),
        }
    }
}

/// Bounds on what one message may cost. Hitting one records a defect; analysis goes on.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Bytes of the message that are parsed at all.
    pub max_message_bytes: usize,
    /// MIME parts examined for text, links and attachments.
    pub max_parts: usize,
    /// Bytes of decoded text kept per part.
    pub max_text_bytes: usize,
    /// Nested `message/rfc822` levels analysed as messages of their own.
    pub max_nested_messages: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 64 << 20,
            max_parts: 1000,
            max_text_bytes: 2 << 20,
            max_nested_messages: 8,
        }
    }
}

/// The result of parsing: the message when anything could be parsed, and what was wrong.
pub struct Parsed<'a> {
    pub message: Option<Message<'a>>,
    pub defects: Vec<Defect>,
}

/// Parses a message. Never panics and never fails: an unparseable input gives `message: None` and
/// a defect saying why.
pub fn parse<'a>(raw: &'a [u8], limits: &Limits) -> Parsed<'a> {
    let mut defects = Vec::new();
    let input = if raw.len() > limits.max_message_bytes {
        defects.push(Defect::new(
            "limit.message_size",
            format!(
                "the message is {} bytes; only the first {} were parsed",
                raw.len(),
                limits.max_message_bytes
            ),
        ));
        cut_at_line(raw, limits.max_message_bytes)
    } else {
        raw
    };
    if input.is_empty() {
        defects.push(Defect::new("mime.empty", "the input is empty"));
        return Parsed {
            message: None,
            defects,
        };
    }
    if input.contains(&0) {
        defects.push(Defect::new(
            "mime.nul_bytes",
            "the message contains NUL bytes",
        ));
    }
    // mail-parser documents that it never panics, but releases have broken that twice; a crafted
    // message must cost one report, not the whole run.
    let parsed = std::panic::catch_unwind(|| MessageParser::default().parse(input));
    match parsed {
        Ok(Some(message)) => {
            if message.headers().is_empty() {
                defects.push(Defect::new(
                    "mime.no_headers",
                    "no header fields could be read; the input may not be an e-mail message",
                ));
            }
            Parsed {
                message: Some(message),
                defects,
            }
        }
        Ok(None) => {
            defects.push(Defect::new(
                "mime.unparseable",
                "the input could not be parsed as a message",
            ));
            Parsed {
                message: None,
                defects,
            }
        }
        Err(_) => {
            defects.push(Defect::new(
                "mime.parser_panic",
                "the MIME parser failed on this input; the message was analysed without its structure",
            ));
            Parsed {
                message: None,
                defects,
            }
        }
    }
}

/// Cuts at the last line break before `max`, so a header or body line is not split mid-way.
fn cut_at_line(raw: &[u8], max: usize) -> &[u8] {
    let head = &raw[..max.min(raw.len())];
    match head.iter().rposition(|&b| b == b'\n') {
        Some(pos) if pos > max / 2 => &head[..=pos],
        _ => head,
    }
}

/// A header field as written: its name, raw value bytes and unfolded line for quoting.
pub struct RawHeader<'a> {
    pub name: &'a str,
    /// The value bytes as they stand in the message (folded, possibly encoded).
    pub raw_value: &'a [u8],
    /// Index among fields of the same name, from the top.
    pub index: usize,
}

impl RawHeader<'_> {
    /// `Name: value` with folding removed and undecodable bytes replaced, for quoting in a report.
    pub fn unfolded_line(&self) -> String {
        let value = decode_8bit(self.raw_value).0;
        format!("{}: {}", self.name, unfold(&value))
    }
}

/// All header fields of the message's top level, in order, with per-name indexes.
pub fn raw_headers<'a>(msg: &'a Message<'a>) -> Vec<RawHeader<'a>> {
    let raw = msg.raw_message();
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut out = Vec::with_capacity(msg.headers().len());
    for h in msg.headers() {
        let name = h.name.as_str();
        let lname = name.to_ascii_lowercase();
        let index = match counts.iter_mut().find(|(n, _)| *n == lname) {
            Some((_, c)) => {
                *c += 1;
                *c - 1
            }
            None => {
                counts.push((lname, 1));
                0
            }
        };
        let start = (h.offset_start as usize).min(raw.len());
        let end = (h.offset_end as usize).clamp(start, raw.len());
        out.push(RawHeader {
            name,
            raw_value: &raw[start..end],
            index,
        });
    }
    out
}

/// Removes header folding (RFC 5322 §2.2.3) and trims, collapsing runs of white space.
pub fn unfold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c == '\r' || c == '\n' || c == '\t' || c == ' ' {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Decodes bytes that carry no charset label: UTF-8 when valid, otherwise the encoding that
/// chardetng (Mozilla's detector) finds most likely. Returns the text and the encoding name used.
pub fn decode_8bit(bytes: &[u8]) -> (Cow<'_, str>, Option<&'static str>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), None),
        Err(_) => {
            // Japanese mail in particular still arrives as raw Shift_JIS or EUC-JP without a label;
            // decoding it as lossy UTF-8 would destroy exactly the words the lure matcher needs.
            let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
            det.feed(bytes, true);
            let enc = det.guess(None, chardetng::Utf8Detection::Allow);
            let (text, _, _) = enc.decode(bytes);
            (Cow::Owned(text.into_owned()), Some(enc.name()))
        }
    }
}

/// One readable body part.
pub struct TextPart {
    /// Index into `Message::parts`.
    pub part: usize,
    pub html: bool,
    pub text: String,
    /// The charset the text was decoded with.
    pub charset: Option<String>,
    /// True when no charset was declared and it was detected.
    pub detected: bool,
    /// True when it is an attachment (disposition or name) rather than a body.
    pub attachment: bool,
    pub truncated: bool,
}

/// Every text/* part of the message (bodies and text attachments), decoded.
pub fn text_parts(msg: &Message<'_>, limits: &Limits, defects: &mut Vec<Defect>) -> Vec<TextPart> {
    let mut out = Vec::new();
    let raw = msg.raw_message();
    let total = msg.parts.len();
    if total > limits.max_parts {
        defects.push(Defect::new(
            "limit.parts",
            format!(
                "the message has {total} MIME parts; only the first {} were examined",
                limits.max_parts
            ),
        ));
    }
    for (index, part) in msg.parts.iter().enumerate().take(limits.max_parts) {
        let (text, html) = match &part.body {
            PartType::Text(t) => (t, false),
            PartType::Html(t) => (t, true),
            _ => continue,
        };
        let declared = part
            .content_type()
            .and_then(|ct| ct.attribute("charset"))
            .map(str::to_string);
        let attachment = is_attachment(part);
        let mut charset = declared.clone();
        let mut detected = false;
        let mut text: String = if declared.is_none() && text.contains('\u{FFFD}') {
            // mail-parser decoded undeclared 8-bit text as lossy UTF-8: redo it from the raw bytes.
            match transfer_decoded(part, raw) {
                Some(bytes) => {
                    let (t, enc) = decode_8bit(&bytes);
                    if let Some(enc) = enc {
                        charset = Some(enc.to_string());
                        detected = true;
                    }
                    t.into_owned()
                }
                None => text.to_string(),
            }
        } else {
            text.to_string()
        };
        // Line endings are transport detail (RFC 5322 canonical CRLF vs a mailbox's LF): normalise
        // them so the same message saved either way gives the same analysis.
        if text.contains('\r') {
            text = text.replace("\r\n", "\n");
        }
        if part.is_encoding_problem {
            defects.push(Defect::new(
                "mime.encoding_problem",
                format!("part {index} has a transfer-encoding or charset problem; its text may be incomplete"),
            ));
        }
        let mut truncated = false;
        if text.len() > limits.max_text_bytes {
            let mut cut = limits.max_text_bytes;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
            truncated = true;
            defects.push(Defect::new(
                "limit.text",
                format!(
                    "part {index} has more text than {} bytes; the rest was not examined",
                    limits.max_text_bytes
                ),
            ));
        }
        out.push(TextPart {
            part: index,
            html,
            text,
            charset,
            detected,
            attachment,
            truncated,
        });
    }
    out
}

/// Whether a part is meant as a file rather than a body.
pub fn is_attachment(part: &MessagePart<'_>) -> bool {
    part.content_disposition()
        .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"))
        || part.attachment_name().is_some() && !part.is_text()
}

/// The part's body bytes after undoing base64 or quoted-printable, read again from the raw message.
fn transfer_decoded(part: &MessagePart<'_>, raw: &[u8]) -> Option<Vec<u8>> {
    let start = (part.offset_body as usize).min(raw.len());
    let end = (part.offset_end as usize).clamp(start, raw.len());
    let body = &raw[start..end];
    match part.encoding {
        Encoding::Base64 => mail_parser::decoders::base64::base64_decode(body),
        Encoding::QuotedPrintable => {
            mail_parser::decoders::quoted_printable::quoted_printable_decode(body)
        }
        Encoding::None => Some(body.to_vec()),
    }
}

/// A header's decoded text value, re-decoding raw 8-bit bytes with charset detection when the
/// sender put unencoded non-UTF-8 text in the header (common in Japanese spam).
pub fn header_text(msg: &Message<'_>, name: &str) -> Option<String> {
    let h = msg
        .headers()
        .iter()
        .find(|h| h.name.as_str().eq_ignore_ascii_case(name))?;
    let decoded = h.value.as_text().map(str::to_string);
    match decoded {
        Some(t) if !t.contains('\u{FFFD}') => Some(t),
        _ => {
            let raw = msg.raw_message();
            let start = (h.offset_start as usize).min(raw.len());
            let end = (h.offset_end as usize).clamp(start, raw.len());
            let (t, _) = decode_8bit(&raw[start..end]);
            let t = unfold(&t);
            if t.is_empty() { None } else { Some(t) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_is_a_defect_not_an_error() {
        let p = parse(b"", &Limits::default());
        assert!(p.message.is_none());
        assert_eq!(p.defects[0].code, "mime.empty");
    }

    #[test]
    fn oversized_message_is_cut_with_a_defect() {
        let mut m = b"Subject: x\r\n\r\n".to_vec();
        m.extend(std::iter::repeat_n(b"aaaa\r\n".iter().copied(), 1000).flatten());
        let limits = Limits {
            max_message_bytes: 100,
            ..Limits::default()
        };
        let p = parse(&m, &limits);
        assert!(p.message.is_some());
        assert!(p.defects.iter().any(|d| d.code == "limit.message_size"));
    }

    #[test]
    fn undeclared_shift_jis_body_is_detected() {
        let (body, _, _) = encoding_rs::SHIFT_JIS.encode(
            "アカウントを今すぐ再アクティブ化してください。お客様のメールボックスは停止されます。",
        );
        let mut m =
            b"Subject: test\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                .to_vec();
        m.extend_from_slice(&body);
        let p = parse(&m, &Limits::default());
        let msg = p.message.unwrap();
        let mut d = Vec::new();
        let parts = text_parts(&msg, &Limits::default(), &mut d);
        assert_eq!(parts.len(), 1);
        assert!(
            parts[0].text.contains("再アクティブ化"),
            "{}",
            parts[0].text
        );
        assert!(parts[0].detected);
        assert_eq!(parts[0].charset.as_deref(), Some("Shift_JIS"));
    }

    #[test]
    fn declared_utf8_is_not_redetected() {
        let m = "Subject: t\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nこんにちは\r\n";
        let p = parse(m.as_bytes(), &Limits::default());
        let msg = p.message.unwrap();
        let parts = text_parts(&msg, &Limits::default(), &mut Vec::new());
        assert!(!parts[0].detected);
        assert!(parts[0].text.contains("こんにちは"));
    }

    #[test]
    fn raw_8bit_subject_is_detected() {
        let (subj, _, _) = encoding_rs::EUC_JP.encode("【重要】お支払い方法の確認");
        let mut m = b"Subject: ".to_vec();
        m.extend_from_slice(&subj);
        m.extend_from_slice(b"\r\nFrom: a@b.example\r\n\r\nbody\r\n");
        let p = parse(&m, &Limits::default());
        let msg = p.message.unwrap();
        assert_eq!(
            header_text(&msg, "Subject").as_deref(),
            Some("【重要】お支払い方法の確認")
        );
    }

    #[test]
    fn unfold_collapses_folding() {
        assert_eq!(
            unfold("from a\r\n\tby b\r\n  with c "),
            "from a by b with c"
        );
    }

    #[test]
    fn raw_headers_count_per_name() {
        let m = b"Received: from a by b\r\nReceived: from c\r\n by d\r\nSubject: s\r\n\r\nx";
        let p = parse(m, &Limits::default());
        let msg = p.message.unwrap();
        let hs = raw_headers(&msg);
        assert_eq!(hs[1].index, 1);
        assert_eq!(hs[1].unfolded_line(), "Received: from c by d");
        assert_eq!(hs[2].index, 0);
    }
}
