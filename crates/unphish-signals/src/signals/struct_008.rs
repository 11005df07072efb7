//! STRUCT-008 malformed-from: the From header has no usable address — empty (`<>`), a domain
//! without a dot (`support@cocacola`), with characters no domain can hold
//! (`x@'zgwrpeym.com`, `noreply@theskimm,com`, `"support@cb.nl"` quoted whole), or several
//! mailboxes run together (`Gift card, <a@x.example>, Office, <a@x.example>`).
//!
//! Every honest mail system writes one plain address there (RFC 5322 §3.6.2, §3.4.1); a broken
//! one comes from bulk-sending kits that paste display text into the header to show a brand or
//! to dodge sender checks: a reply cannot reach it and no domain stands behind it.

use super::struct_007::is_styled_letter;
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct MalformedFrom;

static META: SignalMeta = SignalMeta {
    id: "STRUCT-008",
    slug: "malformed-from",
    group: Group::Structure,
    confidence: Confidence::High,
    needs_network: false,
    title: Text {
        en: "The sender address is malformed: {problem}",
        ja: "差出人アドレスの形式が不正です: {problem_ja}",
    },
    explain: Text {
        en: "The From line carries {problem}. Mail systems always write one valid address there; a broken one is pasted by bulk-sending tools, so that no real domain stands behind the mail.",
        ja: "From 行は「{problem_ja}」の状態です。正規のメールシステムは必ず有効なアドレスを1つ書きます。不正な形は一斉送信ツールで作られたもので、実在するドメインが送り主として責任を負っていません。",
    },
};

/// Bytes of the From line examined; a hostile header is long, an honest one is not.
const MAX_BYTES: usize = 2048;

/// What is wrong with the From line, in English and Japanese, if anything.
pub fn problem(
    raw: &str,
    address: Option<&str>,
    domain: Option<&str>,
) -> Option<(&'static str, &'static str)> {
    if mailbox_count(raw) > 1 {
        return Some((
            "several addresses run together",
            "複数のアドレスが連結されている",
        ));
    }
    let Some(address) = address.filter(|a| !a.trim().is_empty()) else {
        return Some(("no address at all", "アドレスがない"));
    };
    if address.starts_with('"') || address.ends_with('"') {
        return Some((
            "an address wrapped in quotes",
            "アドレス全体が引用符で囲まれている",
        ));
    }
    let Some(domain) = domain.filter(|d| !d.is_empty()) else {
        return Some(("an address without a domain", "ドメインのないアドレス"));
    };
    let domain = domain.trim_end_matches('.');
    if domain
        .chars()
        .any(|c| !(c.is_alphanumeric() || c == '.' || c == '-') || is_styled_letter(c))
    {
        return Some((
            "characters no domain name can hold",
            "ドメイン名に使えない文字",
        ));
    }
    if !domain.contains('.') {
        return Some(("a domain without a dot", "ドットのないドメイン"));
    }
    None
}

/// Angle-bracketed addresses outside quoted strings and comments: each is one mailbox. Counting
/// `@` instead would also count an address written unquoted as the display name
/// (`a@example.com <a@example.com>`), which is sloppy but names one mailbox.
fn mailbox_count(raw: &str) -> usize {
    let mut end = raw.len().min(MAX_BYTES);
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    let raw = raw.get(..end).unwrap_or("");
    let value = raw.split_once(':').map(|(_, v)| v).unwrap_or(raw);
    let (mut quoted, mut escaped, mut depth, mut n) = (false, false, 0usize, 0usize);
    for c in value.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' if depth == 0 => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            '<' if !quoted && depth == 0 => n += 1,
            _ => {}
        }
    }
    n
}

impl Signal for MalformedFrom {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(f) = &cx.evidence.identity.from else {
            return;
        };
        // An encoded word may hide anything, including '@'; judge only what was written plainly.
        if f.raw.contains("=?") && f.address.is_some() {
            return;
        }
        let Some((en, ja)) = problem(&f.raw, f.address.as_deref(), f.domain.as_deref()) else {
            return;
        };
        hits.push(
            Hit::new(&META)
                .var("problem", en)
                .var("problem_ja", ja)
                .cite(Cite::header("From", 0, crate::claims::from_line(f))),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_from_lines_are_named() {
        let p = |raw: &str, a: Option<&str>, d: Option<&str>| problem(raw, a, d).map(|x| x.0);
        assert_eq!(
            p("From: \"Sally\" <>", None, None),
            Some("no address at all")
        );
        assert_eq!(
            p(
                "From: Coca<support@cocacola>",
                Some("support@cocacola"),
                Some("cocacola")
            ),
            Some("a domain without a dot")
        );
        assert_eq!(
            p(
                "From: X <a@theskimm,com>",
                Some("a@theskimm,com"),
                Some("theskimm,com")
            ),
            Some("characters no domain name can hold")
        );
        assert_eq!(
            p(
                "From: \"B\"<\"support@cb.nl\">",
                Some("\"support@cb.nl\""),
                Some("cb.nl\"")
            ),
            Some("an address wrapped in quotes")
        );
        assert_eq!(
            p(
                "From: Gift, <a@x.example>, Office, <a@x.example>",
                Some("a@x.example"),
                Some("x.example")
            ),
            Some("several addresses run together")
        );
    }

    #[test]
    fn ordinary_from_lines_pass() {
        let p = |raw: &str, a: Option<&str>, d: Option<&str>| problem(raw, a, d);
        assert_eq!(
            p(
                "From: Ana <ana@example.com>",
                Some("ana@example.com"),
                Some("example.com")
            ),
            None
        );
        // An address shown in the quoted display name is IDENT-002's business, not a second mailbox.
        assert_eq!(
            p(
                "From: \"ana@example.com\" <ana@example.com>",
                Some("ana@example.com"),
                Some("example.com")
            ),
            None
        );
        assert_eq!(
            p(
                "From: a@example.com (Ana @ home)",
                Some("a@example.com"),
                Some("example.com")
            ),
            None
        );
        assert_eq!(
            p(
                "From: <info@münchen.de>",
                Some("info@münchen.de"),
                Some("münchen.de")
            ),
            None
        );
    }
}
