//! A forwarded mail quoted inline: the header block a mail program writes above the original
//! (`---------- Forwarded message ---------` / `From: … Date: … Subject: …`, Outlook's
//! `De: … Enviado: … Assunto: …`). People forward the suspicious mail they got to a colleague or
//! to themselves; the forward's own sender is then a person, and the claim to be a brand is in
//! the quoted `From:` line, which is what this finds.
//!
//! Only a message whose subject says it is a forward (`Fw:`, `Fwd:`, `TR:`, `WG:`, `ENC:`, `RV:`,
//! `I:`, `転送:`) is read, and only the first block in the opening of a body: a reply quoting an
//! earlier message has the same block, but its quoted sender is part of the conversation, not
//! the subject of the mail.

use crate::identity::mailbox_from;
use crate::model::{BodyText, Forwarded};

/// Body text searched for the block.
const SCAN_BYTES: usize = 8 * 1024;
/// Lines after the `From:` line in which a date or subject line must follow.
const BLOCK_LINES: usize = 6;

const FROM_NAMES: &[&str] = &[
    "from",
    "de",
    "von",
    "da",
    "van",
    "från",
    "fra",
    "od",
    "差出人",
    "送信者",
];
const DATE_NAMES: &[&str] = &[
    "sent",
    "date",
    "enviado",
    "enviada em",
    "enviado em",
    "data",
    "gesendet",
    "datum",
    "envoyé",
    "fecha",
    "inviato",
    "verzonden",
    "日付",
    "送信日時",
];
const SUBJECT_NAMES: &[&str] = &[
    "subject",
    "assunto",
    "betreff",
    "objet",
    "asunto",
    "oggetto",
    "onderwerp",
    "件名",
];
const FORWARD_PREFIXES: &[&str] = &[
    "fw", "fwd", "tr", "wg", "enc", "rv", "i", "doorst", "vs", "転送",
];

/// Whether the subject marks the message as a forward (after any `Re:`).
pub fn is_forward_subject(subject: &str) -> bool {
    let mut s = subject.trim_start();
    for _ in 0..4 {
        let Some((head, rest)) = s.split_once([':', '：']) else {
            return false;
        };
        let head = head.trim().to_lowercase();
        if FORWARD_PREFIXES.contains(&head.as_str()) {
            return true;
        }
        if head != "re" && head != "aw" && head != "sv" {
            return false;
        }
        s = rest.trim_start();
    }
    false
}

/// Splits `Name: value` (also `*Name:*` from rich text) when Name is one of `names`.
fn field<'a>(line: &'a str, names: &[&str]) -> Option<&'a str> {
    let line = line.trim().trim_start_matches('*');
    let (name, value) = line.split_once([':', '：'])?;
    let name = name.trim().trim_end_matches('*').trim().to_lowercase();
    names
        .contains(&name.as_str())
        .then(|| value.trim().trim_start_matches('*').trim())
}

/// `Name [mailto:a@b]` (Outlook's plain-text form) as `Name <a@b>`; `Name <a@b> em nome de …`
/// (on behalf of) cut after the first address.
fn normalise_from(value: &str) -> String {
    let mut v = value.replace("[mailto:", "<").replace(']', ">");
    if let Some(end) = v.find('>') {
        v.truncate(end + 1);
    }
    v
}

/// Splits a `From:` value into display name and address with the MIME parser.
fn parse_from(value: &str) -> (Option<String>, Option<String>) {
    let header = format!("From: {}\r\n\r\n", normalise_from(value));
    let parsed = mail_parser::MessageParser::new().parse(header.as_bytes());
    let first = parsed
        .as_ref()
        .and_then(|m| m.from())
        .and_then(|a| a.first());
    match first {
        Some(a) => (
            a.name().map(str::to_string),
            a.address().map(str::to_string),
        ),
        None => (Some(value.to_string()), None),
    }
}

/// The quoted header block of a forwarded mail, when the message is a forward that has one.
pub fn find(subject: Option<&str>, bodies: &[BodyText]) -> Option<Forwarded> {
    if !subject.is_some_and(is_forward_subject) {
        return None;
    }
    for body in bodies {
        let mut end = body.text.len().min(SCAN_BYTES);
        while !body.text.is_char_boundary(end) {
            end -= 1;
        }
        let lines: Vec<&str> = body.text.get(..end).unwrap_or("").lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(from) = field(line, FROM_NAMES).filter(|v| !v.is_empty()) else {
                continue;
            };
            let after = lines.iter().skip(i + 1).take(BLOCK_LINES);
            let mut dated = false;
            let mut quoted_subject = None;
            for l in after {
                if field(l, DATE_NAMES).is_some() {
                    dated = true;
                }
                if quoted_subject.is_none() {
                    quoted_subject = field(l, SUBJECT_NAMES).map(str::to_string);
                }
            }
            if !dated && quoted_subject.is_none() {
                continue;
            }
            let (name, address) = parse_from(from);
            let raw = line.trim().to_string();
            return Some(Forwarded {
                from: mailbox_from(name.as_deref(), address.as_deref(), &raw),
                subject: quoted_subject,
                part: body.part,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Vec<BodyText> {
        vec![BodyText {
            part: 0,
            content_type: "text/plain".into(),
            charset: None,
            charset_detected: false,
            text: text.into(),
            hidden_chars: 0,
        }]
    }

    #[test]
    fn outlook_and_gmail_blocks() {
        let outlook = "________________________________\nDe: ''Meta-support'' <info@weareknitters.com>\nEnviado: segunda-feira, 27 de fevereiro de 2023 21:15\nPara: someone\nAssunto: Someone tried to Iog in To Your Account\n";
        let f = find(Some("Fw: Someone tried to Iog in"), &body(outlook)).unwrap();
        assert_eq!(f.from.address.as_deref(), Some("info@weareknitters.com"));
        assert!(
            f.from
                .display_name
                .as_deref()
                .is_some_and(|n| n.contains("Meta-support"))
        );
        assert_eq!(
            f.subject.as_deref(),
            Some("Someone tried to Iog in To Your Account")
        );

        let gmail = "---------- Forwarded message ---------\nFrom: Microsoft account team <no-reply@acc0unt-microsoft.example>\nDate: Fri, Jan 13, 2023 at 0:55 AM\nSubject: Unusual sign-in activity\nTo: <me@example.org>\n";
        let f = find(Some("Fwd: Unusual sign-in activity"), &body(gmail)).unwrap();
        assert_eq!(
            f.from.display_name.as_deref(),
            Some("Microsoft account team")
        );
        assert_eq!(f.from.domain.as_deref(), Some("acc0unt-microsoft.example"));

        let mailto = "-----Original Message-----\nFrom: PayPal Service [mailto:service@paypa1-help.example]\nSent: Monday, March 3, 2025 9:00 AM\nSubject: Your account\n";
        let f = find(Some("FW: Your account"), &body(mailto)).unwrap();
        assert_eq!(
            f.from.address.as_deref(),
            Some("service@paypa1-help.example")
        );
    }

    #[test]
    fn replies_and_stray_from_lines_are_not_forwards() {
        let block = "From: Alice <alice@example.org>\nSent: Monday\nSubject: lunch\n";
        // A reply quoting the earlier message: not a forward.
        assert!(find(Some("RE: lunch"), &body(block)).is_none());
        assert!(find(None, &body(block)).is_none());
        // A forward whose body mentions "from:" in prose, with no date or subject line after it.
        let prose = "Look at this.\nFrom: the bank, apparently.\nThey want my password.\n";
        assert!(find(Some("Fwd: look"), &body(prose)).is_none());
    }

    #[test]
    fn forward_prefixes() {
        for s in [
            "Fw: x",
            "FWD: x",
            "TR: x",
            "WG: x",
            "ENC: x",
            "RV: x",
            "Re: Fwd: x",
            "転送: x",
            "Fwd：x",
        ] {
            assert!(is_forward_subject(s), "{s}");
        }
        for s in ["Re: x", "Free: x", "Fwdx", "Information: fw", "x"] {
            assert!(!is_forward_subject(s), "{s}");
        }
    }
}
