//! IOC export: the indicators of one or many messages (the report's `indicators`) as CSV, a STIX
//! 2.1 bundle or a MISP event.
//!
//! Every indicator keeps the message it came from and the findings that cite it. Values that
//! belong to a legitimate brand (its domain spoofed in From, or its real site linked) are
//! exported as observations but never as detection rules: no STIX indicator, MISP `to_ids`
//! false, CSV column `brand_owned` true. Blocking `kagoya.net` because a phisher forged it would
//! hurt the victim, not the phisher.
//!
//! Output is deterministic: identifiers are name-based UUIDs (v5) derived from the content, and
//! timestamps come from the messages' Date headers, never from the clock.

use crate::model::{IndicatorOut, Report};
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IocFormat {
    Csv,
    Stix,
    Misp,
}

/// What the export needs from one report.
#[derive(Debug, Clone)]
pub struct IocMessage {
    /// Input path, Message-ID or `message-N`: how the indicator is tied back to its message.
    pub key: String,
    pub message_id: Option<String>,
    pub subject: Option<String>,
    /// RFC 3339 UTC, when the message had a usable Date.
    pub date: Option<String>,
    pub verdict: String,
    pub indicators: Vec<IndicatorOut>,
}

impl IocMessage {
    /// `index` names the message when it has neither a file name nor a Message-ID.
    pub fn from_report(r: &Report, index: usize) -> Self {
        let key = r
            .file
            .clone()
            .or_else(|| r.sender.message_id.clone())
            .unwrap_or_else(|| format!("message-{}", index + 1));
        IocMessage {
            key,
            message_id: r.sender.message_id.clone(),
            subject: r.subject.clone(),
            date: r.date.clone().filter(|d| is_stix_timestamp(d)),
            verdict: r.verdict.level.to_string(),
            indicators: r.indicators.clone(),
        }
    }

    /// The message and every message attached to it (`message/rfc822`, depth first), each with
    /// its own indicators. A forwarded phish is how most suspicious mail reaches an abuse desk,
    /// and its indicators are the attached message's, not the colleague's who forwarded it.
    /// Attached messages are keyed `KEY#attached-1`, `KEY#attached-1.2`, ... after their parent.
    pub fn from_report_tree(r: &Report, index: usize) -> Vec<IocMessage> {
        let top = IocMessage::from_report(r, index);
        let mut out = Vec::new();
        // (report, key); a stack rather than recursion. The extractor bounds the nesting depth.
        let mut stack: Vec<(&Report, String)> = Vec::new();
        for (i, n) in r.nested.iter().enumerate().rev() {
            stack.push((n, format!("{}#attached-{}", top.key, i + 1)));
        }
        out.push(top);
        while let Some((n, key)) = stack.pop() {
            for (i, m) in n.nested.iter().enumerate().rev() {
                stack.push((m, format!("{key}.{}", i + 1)));
            }
            let mut msg = IocMessage::from_report(n, index);
            msg.key = key;
            out.push(msg);
        }
        out
    }
}

/// Writes the export.
pub fn export(msgs: &[IocMessage], fmt: IocFormat) -> String {
    match fmt {
        IocFormat::Csv => csv(msgs),
        IocFormat::Stix => pretty(&stix(msgs)),
        IocFormat::Misp => pretty(&misp(msgs)),
    }
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

// ---------------------------------------------------------------- CSV

/// The CSV header row.
pub const CSV_HEADER: &str = "message,message_id,verdict,kind,value,role,brand_owned,findings";

/// RFC 4180 field: quoted when it holds a comma, quote or line break. A leading `=`, `+`, `-`,
/// `@`, tab or CR gets a `'` in front, because spreadsheets run such cells as formulas and the
/// attacker chooses file names and addresses (CSV injection).
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// One indicator per line, after a header row.
pub fn csv(msgs: &[IocMessage]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push_str("\r\n");
    for m in msgs {
        for i in &m.indicators {
            let row = [
                m.key.as_str(),
                m.message_id.as_deref().unwrap_or(""),
                m.verdict.as_str(),
                i.kind,
                i.value.as_str(),
                i.role,
                if i.brand_owned { "true" } else { "false" },
                &i.findings.join(" "),
            ];
            let fields: Vec<String> = row.iter().map(|f| csv_field(f)).collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

// ---------------------------------------------------------------- identifiers

/// Name-based UUID (RFC 9562 version 5, SHA-1).
pub fn uuid5(namespace: &[u8; 16], name: &[u8]) -> String {
    let mut h = Sha1::new();
    h.update(namespace);
    h.update(name);
    let d = h.finalize();
    let mut b = [0u8; 16];
    for (dst, src) in b.iter_mut().zip(d.iter()) {
        *dst = *src;
    }
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The STIX 2.1 namespace for deterministic cyber-observable identifiers (spec §2.9).
const STIX_SCO_NS: [u8; 16] = [
    0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c, 0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7,
];
/// Our own namespace for STIX domain objects and MISP UUIDs (uuid5 of the DNS namespace and
/// "unphish.invalid", fixed here so it never changes).
const UNPHISH_NS: [u8; 16] = [
    0x6b, 0x8e, 0x1f, 0x52, 0x3c, 0x7d, 0x5a, 0x41, 0x9e, 0x22, 0x0d, 0x4f, 0xa3, 0x61, 0xb8, 0x90,
];

fn sdo_id(kind: &str, parts: &[&str]) -> String {
    format!(
        "{kind}--{}",
        uuid5(&UNPHISH_NS, parts.join("\u{1f}").as_bytes())
    )
}

/// `YYYY-MM-DDTHH:MM:SS[.fff]Z`, as STIX requires.
fn is_stix_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 20
        && b.get(4) == Some(&b'-')
        && b.get(10) == Some(&b'T')
        && s.ends_with('Z')
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | 'T' | ':' | '.' | 'Z'))
}

/// STIX timestamps on `created`/`modified` must carry milliseconds: `…:09Z` → `…:09.000Z`.
fn stix_time(d: &str) -> String {
    let body = d.trim_end_matches('Z');
    let (secs, frac) = body.split_once('.').unwrap_or((body, ""));
    let mut frac: String = frac.chars().filter(char::is_ascii_digit).take(3).collect();
    while frac.len() < 3 {
        frac.push('0');
    }
    format!("{secs}.{frac}Z")
}

/// Fixed creation time of the tool identity, so the bundle does not depend on the clock.
const IDENTITY_CREATED: &str = "2026-01-01T00:00:00.000Z";
const NO_DATE: &str = "1970-01-01T00:00:00.000Z";

// ---------------------------------------------------------------- STIX 2.1

/// Escapes a value for a single-quoted STIX pattern string.
fn pattern_str(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\'', "\\'")
}

/// A URL as a strict RFC 3986 URI (what STIX `url:value` must be): bytes a URI cannot hold
/// (controls, spaces, quotes, backslashes, brackets outside an IPv6 host, non-ASCII) are
/// percent-encoded, as browsers do before sending the request. Links written without a scheme
/// (`example.com/path`) open as http; other schemes (`tel:`, `about:`) are not web indicators.
fn stix_url(s: &str) -> Option<String> {
    let (scheme, rest) = match s.split_once("://") {
        Some((scheme, rest)) => (scheme.to_string(), rest),
        None if !s.split('/').next().unwrap_or("").contains(':') => ("http".to_string(), s),
        None => return None,
    };
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    // A bracketed IPv6 host keeps its brackets; everywhere else they are data.
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let keep_brackets = rest.starts_with('[');
    // The authority must be a real host (and numeric port): `http://[tracking_link]` or
    // `host:notaport` are template leftovers, not places.
    let authority = rest.get(..host_end).unwrap_or("");
    match url::Url::parse(&format!("{scheme}://{authority}/")) {
        Ok(u) if u.host_str().is_some_and(|h| !h.is_empty()) => {}
        _ => return None,
    }
    let mut out = format!("{scheme}://");
    for (i, b) in rest.bytes().enumerate() {
        let bracket_ok = keep_brackets && i < host_end && matches!(b, b'[' | b']');
        let plain = b.is_ascii_graphic()
            && !matches!(
                b,
                b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}' | b'[' | b']'
            );
        if plain || bracket_ok {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Some(out)
}

/// A host name STIX's `idn-hostname` format accepts: valid under UTS 46's strict rules (no
/// underscores, valid punycode, hyphens in place) and, label by label, under the IDNA2008 rules
/// the OASIS validator applies (RFC 5891-5893).
///
/// UTS 46 alone is too lenient: browsers turn the text link `probe”correctly.then` into
/// `xn--probecorrectly-ud3h.then`, which UTS 46 accepts but IDNA2008 rejects (U+201D is
/// punctuation), and one such host made a whole bundle of real mail invalid.
fn is_hostname(s: &str) -> bool {
    if s.is_empty()
        || s.len() > 253
        || s.split('.').any(str::is_empty)
        || idna::domain_to_ascii_strict(s).is_err()
    {
        return false;
    }
    let (unicode, errors) = idna::domain_to_unicode(s);
    if errors.is_err() || s.split('.').count() != unicode.split('.').count() {
        return false;
    }
    // The validator checks the value as written: a Unicode label must already be in the form
    // UTS 46 would map it to (`Ⅳ` becomes `iv`, `Ä` becomes `ä` there, but IDNA2008 refuses
    // both), and a punycode label is checked decoded.
    s.split('.').zip(unicode.split('.')).all(|(raw, decoded)| {
        let punycode = raw.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--"));
        let unmapped = punycode
            || if raw.is_ascii() {
                raw.eq_ignore_ascii_case(decoded)
            } else {
                raw == decoded
            };
        unmapped && idna2008_label(decoded)
    })
}

/// Whether a decoded label keeps to the code points IDNA2008 permits, conservatively: ASCII
/// letters, digits and hyphens, and beyond ASCII only letters (punctuation, symbols, joiners and
/// the context-dependent characters such as U+00B7 are refused, as are the old Hangul jamo that
/// RFC 5892 disallows). A label with right-to-left letters must follow the RFC 5893 Bidi rule:
/// start with such a letter, end with one or a digit, and mix in no left-to-right letters. A
/// refused host stays in the CSV and MISP exports; only STIX leaves it out.
fn idna2008_label(label: &str) -> bool {
    if label.is_ascii() {
        return true;
    }
    let rtl = |c: char| {
        matches!(c, '\u{0590}'..='\u{08ff}' | '\u{fb1d}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}'
            | '\u{10800}'..='\u{10fff}' | '\u{1e800}'..='\u{1efff}')
    };
    let old_hangul = |c: char| matches!(c, '\u{1100}'..='\u{11ff}' | '\u{a960}'..='\u{a97f}' | '\u{d7b0}'..='\u{d7ff}');
    let allowed = |c: char| {
        c.is_ascii_lowercase()
            || c.is_ascii_digit()
            || c == '-'
            || (!c.is_ascii() && c.is_alphabetic() && !old_hangul(c))
    };
    if !label.chars().all(allowed) {
        return false;
    }
    if !label.chars().any(rtl) {
        return true;
    }
    let first_ok = label.chars().next().is_some_and(rtl);
    let last_ok = label
        .chars()
        .next_back()
        .is_some_and(|c| rtl(c) || c.is_ascii_digit());
    first_ok
        && last_ok
        && label
            .chars()
            .all(|c| rtl(c) || c.is_ascii_digit() || c == '-')
}

/// Whether a value is well-formed for its STIX observable type. Broken headers give values like
/// `user@'domain.example` or a masked recipient (`****@***.**`): they stay in the CSV and MISP
/// exports for the analyst, but a STIX consumer would reject the whole bundle for one of them.
fn stix_well_formed(i: &IndicatorOut) -> bool {
    match i.kind {
        // The validator's (and many consumers') address syntax: a conservative ASCII subset.
        // Look-alike Unicode addresses still reach STIX through their domain.
        "email" => match i.value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && local
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+' | '-'))
                    && domain.contains('.')
                    && domain.is_ascii()
                    && is_hostname(domain)
            }
            None => false,
        },
        "url" => stix_url(&i.value).is_some(),
        "domain" | "hostname" => is_hostname(&i.value),
        "ipv4" => i.value.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => i.value.parse::<std::net::Ipv6Addr>().is_ok(),
        _ => !i.value.is_empty(),
    }
}

/// The observable for an indicator: its SCO type, the ID-contributing properties (spec §2.9;
/// they make the deterministic id) and the pattern.
fn observable(i: &IndicatorOut) -> (&'static str, Value, String) {
    if i.kind == "url" {
        let u = stix_url(&i.value).unwrap_or_default();
        let v = pattern_str(&u);
        return ("url", json!({"value": u}), format!("[url:value = '{v}']"));
    }
    let v = pattern_str(&i.value);
    match i.kind {
        "ipv4" => (
            "ipv4-addr",
            json!({"value": i.value}),
            format!("[ipv4-addr:value = '{v}']"),
        ),
        "ipv6" => (
            "ipv6-addr",
            json!({"value": i.value}),
            format!("[ipv6-addr:value = '{v}']"),
        ),
        "email" => (
            "email-addr",
            json!({"value": i.value}),
            format!("[email-addr:value = '{v}']"),
        ),
        "md5" => (
            "file",
            json!({"hashes": {"MD5": i.value}}),
            format!("[file:hashes.MD5 = '{v}']"),
        ),
        "sha1" => (
            "file",
            json!({"hashes": {"SHA-1": i.value}}),
            format!("[file:hashes.'SHA-1' = '{v}']"),
        ),
        "sha256" => (
            "file",
            json!({"hashes": {"SHA-256": i.value}}),
            format!("[file:hashes.'SHA-256' = '{v}']"),
        ),
        "filename" => (
            "file",
            json!({"name": i.value}),
            format!("[file:name = '{v}']"),
        ),
        // domain, hostname
        _ => (
            "domain-name",
            json!({"value": i.value}),
            format!("[domain-name:value = '{v}']"),
        ),
    }
}

fn role_words(role: &str) -> &'static str {
    match role {
        "origin" => "the server that handed the message over",
        "from" => "the From address",
        "reply_to" => "the Reply-To address",
        "return_path" => "the Return-Path",
        "link" => "a link in the body",
        "attachment" => "an attachment",
        _ => "the message",
    }
}

/// A STIX 2.1 bundle: the tool's identity; per message an observed-data object referring to
/// its observables; an indicator with a pattern for each value that is not a brand's own; and a
/// `based-on` relationship from each indicator to the observed-data it came from.
pub fn stix(msgs: &[IocMessage]) -> Value {
    let identity_id = sdo_id("identity", &["unphish"]);
    let mut objects: Vec<Value> = vec![json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": identity_id,
        "created": IDENTITY_CREATED,
        "modified": IDENTITY_CREATED,
        "name": "unphish",
        "description": "Offline phishing mail analysis",
        "identity_class": "system",
    })];
    let mut seen_sco: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for m in msgs {
        let when = m
            .date
            .as_deref()
            .map(stix_time)
            .unwrap_or_else(|| NO_DATE.to_string());
        let od_id = sdo_id("observed-data", &["od", &m.key]);
        let mut refs: Vec<String> = Vec::new();
        let mut indicators: Vec<Value> = Vec::new();
        let mut relationships: Vec<Value> = Vec::new();
        for i in m.indicators.iter().filter(|i| stix_well_formed(i)) {
            let (sco_type, props, pattern) = observable(i);
            let canonical = serde_json::to_string(&props).unwrap_or_default();
            let sco_id = format!("{sco_type}--{}", uuid5(&STIX_SCO_NS, canonical.as_bytes()));
            if !refs.contains(&sco_id) {
                refs.push(sco_id.clone());
            }
            if seen_sco.insert(sco_id.clone()) {
                let mut sco = json!({"type": sco_type, "spec_version": "2.1", "id": sco_id});
                if let (Some(obj), Some(p)) = (sco.as_object_mut(), props.as_object()) {
                    for (k, v) in p {
                        obj.insert(k.clone(), v.clone());
                    }
                }
                objects.push(sco);
            }
            if i.brand_owned {
                continue;
            }
            let ind_id = sdo_id("indicator", &["ind", &m.key, i.kind, &i.value]);
            let mut description = format!("Seen as {} in message {}", role_words(i.role), m.key);
            if !i.findings.is_empty() {
                description.push_str(&format!("; findings: {}", i.findings.join(", ")));
            }
            let mut ind = json!({
                "type": "indicator",
                "spec_version": "2.1",
                "id": ind_id,
                "created_by_ref": identity_id,
                "created": when,
                "modified": when,
                "name": format!("{} {}", i.kind, i.value),
                "description": description,
                "indicator_types": ["malicious-activity"],
                "pattern": pattern,
                "pattern_type": "stix",
                "valid_from": when,
            });
            if !i.findings.is_empty()
                && let Some(obj) = ind.as_object_mut()
            {
                obj.insert("labels".into(), json!(i.findings));
            }
            indicators.push(ind);
            relationships.push(json!({
                "type": "relationship",
                "spec_version": "2.1",
                "id": sdo_id("relationship", &["rel", &ind_id, &od_id]),
                "created_by_ref": identity_id,
                "created": when,
                "modified": when,
                "relationship_type": "based-on",
                "source_ref": ind_id,
                "target_ref": od_id,
            }));
        }
        if refs.is_empty() {
            continue;
        }
        objects.push(json!({
            "type": "observed-data",
            "spec_version": "2.1",
            "id": od_id,
            "created_by_ref": identity_id,
            "created": when,
            "modified": when,
            "first_observed": when,
            "last_observed": when,
            "number_observed": 1,
            "object_refs": refs,
        }));
        objects.extend(indicators);
        objects.extend(relationships);
    }
    let ids: Vec<&str> = objects
        .iter()
        .filter_map(|o| o.get("id").and_then(Value::as_str))
        .collect();
    json!({
        "type": "bundle",
        "id": format!("bundle--{}", uuid5(&UNPHISH_NS, ids.join(",").as_bytes())),
        "objects": objects,
    })
}

// ---------------------------------------------------------------- MISP

fn misp_type(i: &IndicatorOut) -> (&'static str, &'static str) {
    match (i.kind, i.role) {
        ("ipv4" | "ipv6", "origin") => ("ip-src", "Network activity"),
        ("ipv4" | "ipv6", _) => ("ip-dst", "Network activity"),
        ("email", "from" | "return_path") => ("email-src", "Payload delivery"),
        ("email", "reply_to") => ("email-reply-to", "Payload delivery"),
        ("email", _) => ("email-src", "Payload delivery"),
        ("domain", _) => ("domain", "Network activity"),
        ("hostname", _) => ("hostname", "Network activity"),
        ("url", _) => ("url", "Network activity"),
        ("md5", _) => ("md5", "Payload delivery"),
        ("sha1", _) => ("sha1", "Payload delivery"),
        ("sha256", _) => ("sha256", "Payload delivery"),
        ("filename", _) => ("filename", "Payload delivery"),
        _ => ("text", "Other"),
    }
}

/// A MISP event (the JSON accepted by MISP's event import): one attribute per indicator and
/// message, the finding IDs as tags, the message in the comment.
pub fn misp(msgs: &[IocMessage]) -> Value {
    let first_date = msgs
        .iter()
        .filter_map(|m| m.date.as_deref())
        .min()
        .map(|d| d.chars().take(10).collect::<String>())
        .unwrap_or_else(|| "1970-01-01".into());
    let keys: Vec<&str> = msgs.iter().map(|m| m.key.as_str()).collect();
    let mut attributes: Vec<Value> = Vec::new();
    for m in msgs {
        for i in &m.indicators {
            let (t, category) = misp_type(i);
            let mut comment = format!("{}: {}", m.key, role_words(i.role));
            if i.brand_owned {
                comment.push_str(" (a legitimate brand's own; not for blocking)");
            }
            let tags: Vec<Value> = i
                .findings
                .iter()
                .map(|f| json!({"name": format!("unphish:finding=\"{f}\"")}))
                .collect();
            attributes.push(json!({
                "uuid": uuid5(&UNPHISH_NS, format!("misp\u{1f}{}\u{1f}{}\u{1f}{}", m.key, i.kind, i.value).as_bytes()),
                "type": t,
                "category": category,
                "value": i.value,
                "to_ids": !i.brand_owned,
                "comment": comment,
                "Tag": tags,
            }));
        }
    }
    let phishing = msgs.iter().filter(|m| m.verdict == "phishing").count();
    json!({
        "Event": {
            "uuid": uuid5(&UNPHISH_NS, format!("misp-event\u{1f}{}", keys.join("\u{1f}")).as_bytes()),
            "info": format!("unphish: indicators from {} message(s), {} judged phishing", msgs.len(), phishing),
            "date": first_date,
            "threat_level_id": "2",
            "analysis": "2",
            "distribution": "0",
            "published": false,
            "Tag": [{"name": "rsit:fraud=\"phishing\""}],
            "Attribute": attributes,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid5_matches_the_rfc_example() {
        // RFC 9562 appendix A.4: DNS namespace, "www.example.com".
        let dns = [
            0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4,
            0x30, 0xc8,
        ];
        assert_eq!(
            uuid5(&dns, b"www.example.com"),
            "2ed6657d-e927-568b-95e1-2665a8aea6a2"
        );
    }

    #[test]
    fn csv_fields_quote_and_defuse_formulas() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("plain"), "plain");
    }

    #[test]
    fn stix_times_have_milliseconds() {
        assert_eq!(
            stix_time("2023-09-29T00:02:09Z"),
            "2023-09-29T00:02:09.000Z"
        );
        assert_eq!(
            stix_time("2023-09-29T00:02:09.5Z"),
            "2023-09-29T00:02:09.500Z"
        );
        assert_eq!(
            stix_time("2023-09-29T00:02:09.123456Z"),
            "2023-09-29T00:02:09.123Z"
        );
    }

    #[test]
    fn urls_become_strict_uris() {
        let u = |s: &str| stix_url(s);
        assert_eq!(
            u("http://a.example/p q\\\"é").as_deref(),
            Some("http://a.example/p%20q%5C%22%C3%A9")
        );
        assert_eq!(
            u("http://a.example/it's").as_deref(),
            Some("http://a.example/it's")
        );
        assert_eq!(
            u("a.example/[optout]").as_deref(),
            Some("http://a.example/%5Boptout%5D")
        );
        assert_eq!(
            u("http://[2001:db8::1]/x").as_deref(),
            Some("http://[2001:db8::1]/x")
        );
        assert_eq!(u("tel:+1 205"), None);
    }

    #[test]
    fn malformed_values_stay_out_of_stix() {
        let ind = |kind, value: &str| IndicatorOut {
            kind,
            value: value.into(),
            role: "from",
            brand_owned: false,
            findings: vec![],
        };
        assert!(stix_well_formed(&ind("email", "a.b+c@mail.example.jp")));
        assert!(!stix_well_formed(&ind("email", "user@'domain.example")));
        assert!(!stix_well_formed(&ind("email", "root@ubuntu-host")));
        assert!(!stix_well_formed(&ind("email", "****@*******.**")));
        assert!(!stix_well_formed(&ind("domain", "domain.example'")));
        assert!(stix_well_formed(&ind("domain", "例え.jp")));
        assert!(!stix_well_formed(&ind("domain", "x86_64-linux-gnu.so")));
        assert!(!stix_well_formed(&ind("url", "http://[tracking_link]")));
        assert!(!stix_well_formed(&ind("url", "http://a.example:disk/")));
        assert!(!stix_well_formed(&ind("ipv4", "1.2.3")));
    }

    /// Hosts checked against the OASIS validator's `idn-hostname` (Python `idna.encode`).
    #[test]
    fn hostnames_follow_idna2008() {
        for (host, ok) in [
            ("xn--80ak6aa92e.com", true), // аррӏе.com, a look-alike worth exporting
            ("аррӏе.com", true),          // the same, as Unicode
            ("xn--bcher-shop-9db.xn--p1ai", true), // bücher-shop.рф
            ("xn--mnchen-3ya.example", true), // münchen.example
            ("xn--probecorrectly-ud3h.then", false), // probe”correctly.then: U+201D
            ("probe\u{201d}correctly.then", false),
            ("xn--4gbrim.xn--ygbi2ammx", true), // Arabic, right to left
            ("xn--abc-spe.example", false),     // abcא: Latin then Hebrew in one label
            ("xn--abc-ppe.example", false),     // אabc
            ("xn--1-0hc.example", false),       // 1א: a right-to-left label starts with a digit
            ("xn--1-zhc.example", true),        // א1
            ("xn----zhce.example", true),       // א-ב
            ("a\u{b7}b.example", false),        // middle dot needs context
            ("a\u{200d}b.example", false),      // zero-width joiner
            ("\u{2163}.example", false),        // Roman numeral four (mapped to "iv")
            ("M\u{fc}nchen.example", false),    // upper case outside ASCII
            ("m\u{fc}nchen.example", true),
            ("mu\u{308}nchen.example", false), // not in NFC
            ("Example.COM", true),
            ("r3---sn-abc.example", false), // hyphens in the 3rd and 4th place
            ("ex_ample.com", false),
            ("www.example.co.jp", true),
        ] {
            let ind = IndicatorOut {
                kind: "domain",
                value: host.into(),
                role: "link",
                brand_owned: false,
                findings: vec![],
            };
            assert_eq!(stix_well_formed(&ind), ok, "{host}");
        }
    }

    #[test]
    fn patterns_escape_quotes_and_backslashes() {
        assert_eq!(pattern_str("a'b\\c"), "a\\'b\\\\c");
    }
}
