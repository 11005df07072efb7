//! The `Received` chain: every hop parsed, and the origin picked with its reasons.
//!
//! Each server that accepts a message prepends a `Received` field (RFC 5321 §4.4), so the top
//! field is the newest. Only the fields written by the receiving side can be believed; everything
//! below the first hand-over from outside is whatever the sender chose to write. The origin is the
//! client that handed the message to that first receiving server.

mod clause;
mod origin;
mod providers;

use crate::model::{Defect, Hop, HopRole, IpScope};
use mail_parser::{HeaderName, HeaderValue, Host, Message, Received, TlsVersion};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub use origin::determine_origin;

/// Bounds on the work spent on one message's `Received` chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopLimits {
    /// `Received` fields examined, from the top. A message may carry 100,000 of them; real mail
    /// has a handful, and only the top ones matter for the origin.
    pub max_hops: usize,
}

impl Default for HopLimits {
    fn default() -> Self {
        HopLimits { max_hops: 100 }
    }
}

/// Bytes of one field that are parsed and kept. Real fields are well under 1 KiB; a longer one is
/// padding or an attack on the parser, and what matters sits at its start and end.
const MAX_FIELD_BYTES: usize = 16 * 1024;

/// A delay longer than this between two hops is reported as clock skew rather than as a delay:
/// real queues retry for days, but a day-long gap between adjacent hops of a delivered phish is
/// almost always a wrong clock or an invented date.
const MAX_PLAUSIBLE_DELAY_SECS: i64 = 86_400;

/// Received headers top (newest) to bottom, parsed; defects for anything malformed or cut short.
pub fn extract_hops(msg: &Message<'_>, limits: &HopLimits) -> (Vec<Hop>, Vec<Defect>) {
    let mut hops: Vec<Hop> = Vec::new();
    let mut defects = Vec::new();
    let mut total = 0usize;
    let raw_message: &[u8] = msg.raw_message.as_ref();

    for header in msg.headers() {
        if header.name != HeaderName::Received {
            continue;
        }
        total += 1;
        if hops.len() >= limits.max_hops {
            continue;
        }
        let index = hops.len();
        let field = raw_message
            .get(header.offset_field as usize..header.offset_end as usize)
            .unwrap_or_default();
        let value = raw_message
            .get(header.offset_start as usize..header.offset_end as usize)
            .unwrap_or_default();
        let long = field.len() > MAX_FIELD_BYTES;
        if long {
            defects.push(defect(
                "received.long_field",
                format!(
                    "Received header {index} is {} bytes long; only the first {MAX_FIELD_BYTES} \
                     were read",
                    field.len()
                ),
            ));
        }
        let raw = unfold(field);
        let value = unfold(value);
        let parsed = match &header.value {
            HeaderValue::Received(r) => Some(r.as_ref()),
            _ => None,
        };
        let hop = parse_hop(index, raw, &value, parsed, &mut defects);
        hops.push(hop);
    }

    if total > hops.len() {
        defects.push(defect(
            "received.limit",
            format!(
                "the message has {total} Received headers; only the top {} were examined",
                hops.len()
            ),
        ));
    }
    compute_delays(&mut hops);
    (hops, defects)
}

fn defect(code: &str, detail: String) -> Defect {
    Defect {
        code: code.to_string(),
        detail,
    }
}

/// Unfolds a header (RFC 5322 §2.2.3): line breaks go, runs of folding white space become one
/// space, so the line can be quoted on one row of a report. Bounded to [`MAX_FIELD_BYTES`].
fn unfold(bytes: &[u8]) -> String {
    let bytes = bytes.get(..MAX_FIELD_BYTES).unwrap_or(bytes);
    let text = String::from_utf8_lossy(bytes);
    // Byte by byte: line breaks and indentation are ASCII, so dropping or replacing them keeps
    // every other (possibly multi-byte) character intact.
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut pending_space = false;
    for &b in text.as_bytes() {
        if b == b'\r' || b == b'\n' {
            pending_space = true;
        } else if pending_space && (b == b' ' || b == b'\t') {
            // Swallow the indentation of a continuation line.
        } else {
            if pending_space && !out.is_empty() {
                out.push(b' ');
            }
            pending_space = false;
            out.push(b);
        }
    }
    // Truncating at MAX_FIELD_BYTES may split a UTF-8 sequence; from_utf8_lossy made it U+FFFD.
    let out = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    let trimmed = out.trim();
    if trimmed.len() == out.len() {
        out
    } else {
        trimmed.to_string()
    }
}

fn host_text(host: &Host<'_>) -> String {
    match host {
        Host::Name(name) => name.trim_end_matches('.').to_string(),
        Host::IpAddr(ip) => ip.to_string(),
    }
}

fn tls_text(version: TlsVersion) -> &'static str {
    match version {
        TlsVersion::SSLv2 => "SSLv2",
        TlsVersion::SSLv3 => "SSLv3",
        TlsVersion::TLSv1_0 => "TLSv1.0",
        TlsVersion::TLSv1_1 => "TLSv1.1",
        TlsVersion::TLSv1_2 => "TLSv1.2",
        TlsVersion::TLSv1_3 => "TLSv1.3",
        TlsVersion::DTLSv1_0 => "DTLSv1.0",
        TlsVersion::DTLSv1_2 => "DTLSv1.2",
        TlsVersion::DTLSv1_3 => "DTLSv1.3",
    }
}

/// TLS version written in the field's comments in the spellings mail-parser does not know:
/// Exchange's `version=TLS1_2`, Gmail's `version=TLS1_3`, exim's `(TLS1.2)`.
fn tls_from_text(value: &str) -> Option<&'static str> {
    let upper = value.to_ascii_uppercase();
    [
        ("TLS1_3", "TLSv1.3"),
        ("TLS1.3", "TLSv1.3"),
        ("TLSV1.3", "TLSv1.3"),
        ("TLS1_2", "TLSv1.2"),
        ("TLS1.2", "TLSv1.2"),
        ("TLSV1.2", "TLSv1.2"),
        ("TLS1_1", "TLSv1.1"),
        ("TLSV1.1", "TLSv1.1"),
        ("TLS1_0", "TLSv1.0"),
        ("TLSV1:", "TLSv1.0"),
    ]
    .iter()
    .find(|(needle, _)| upper.contains(needle))
    .map(|(_, name)| *name)
}

fn parse_hop(
    index: usize,
    raw: String,
    value: &str,
    parsed: Option<&Received<'_>>,
    defects: &mut Vec<Defect>,
) -> Hop {
    let clauses = clause::split_clauses(value);
    // Exim puts the verified host name first and marks the HELO with `helo=`; the others put the
    // HELO first. Exim signs its fields with `(Exim x.y)` after the protocol.
    let layout = if value.contains("(Exim") {
        clause::Layout::Exim
    } else {
        clause::Layout::HeloFirst
    };
    let client = clause::read_client(&clauses, layout);

    let by = parsed
        .and_then(|r| r.by.as_ref())
        .map(host_text)
        .or_else(|| {
            clauses.by_name.map(|b| {
                b.trim_start_matches('[')
                    .trim_end_matches([']', '.'])
                    .to_string()
            })
        })
        .filter(|b| !b.is_empty());
    let with = clause::protocol(&clauses.with_words).or_else(|| {
        parsed
            .and_then(|r| r.with)
            .map(|p| format!("{p:?}").to_ascii_uppercase())
    });
    let id = parsed
        .and_then(|r| r.id.as_deref())
        .or(clauses.id)
        .map(|s| s.trim_matches(['<', '>', ';']).to_string())
        .filter(|s| !s.is_empty());
    let for_addr = parsed
        .and_then(|r| r.for_.as_deref())
        .or(clauses.for_addr)
        .map(|s| s.trim_matches(['<', '>', ';']).to_string())
        .filter(|s| !s.is_empty());
    let tls = parsed
        .and_then(|r| r.tls_version)
        .map(tls_text)
        .or_else(|| tls_from_text(value))
        .map(str::to_string);

    let timestamp = parsed
        .and_then(|r| r.date.as_ref())
        .filter(|d| d.is_valid())
        .map(|d| d.to_timestamp())
        .or_else(|| clauses.date_text.and_then(parse_date_fallback));
    let date = timestamp.and_then(rfc3339);
    if date.is_none() && clauses.date_text.is_some() {
        defects.push(defect(
            "received.bad_date",
            format!("the date of Received header {index} could not be read"),
        ));
    }

    let helo = client
        .helo
        .clone()
        .or_else(|| parsed.and_then(|r| r.helo.as_ref()).map(host_text));
    let rdns = client.rdns.clone();
    let ip = client.ip.map(|ip| ip.to_canonical());

    let mut notes = Vec::new();
    if let Some(h) = &helo
        && let Some(helo_ip) = clause::parse_ip_literal(h)
    {
        // A name is what RFC 5321 §4.1.1.1 asks for; an address literal, and above all a
        // loopback one, is typical of bulk-sending scripts and compromised hosts.
        if ip_scope(helo_ip) == IpScope::Loopback {
            notes.push(format!(
                "HELO is the loopback address {h}: the client did not give its own name"
            ));
        } else if Some(helo_ip.to_canonical()) == ip {
            notes.push(format!("HELO is a bare IP literal {h} (its own address)"));
        } else {
            notes.push(format!("HELO is a bare IP literal {h}"));
        }
    }
    if client.may_be_forged {
        notes.push("the receiving server marked the client's name as possibly forged".into());
    }

    let has_client = helo.is_some() || rdns.is_some() || ip.is_some();
    if !has_client && by.is_none() && timestamp.is_none() {
        defects.push(defect(
            "received.unrecognised",
            format!("Received header {index} names no client, no server and no date"),
        ));
    }

    Hop {
        index,
        raw,
        helo,
        rdns,
        ip,
        ip_scope: ip.map(ip_scope),
        by,
        with,
        id,
        for_addr,
        tls,
        date,
        timestamp,
        delay_secs: None,
        skew: false,
        role: HopRole::Unknown,
        notes,
    }
}

/// RFC 2822 dates that mail-parser's `Received` reader leaves out, through jiff. A trailing zone
/// comment such as `(PDT)` is dropped first.
fn parse_date_fallback(text: &str) -> Option<i64> {
    static PARSER: jiff::fmt::rfc2822::DateTimeParser = jiff::fmt::rfc2822::DateTimeParser::new();
    let text = text.split('(').next().unwrap_or(text).trim();
    PARSER.parse_timestamp(text).ok().map(|t| t.as_second())
}

fn rfc3339(seconds: i64) -> Option<String> {
    jiff::Timestamp::from_second(seconds)
        .ok()
        .map(|t| t.to_string())
}

fn compute_delays(hops: &mut [Hop]) {
    for i in 0..hops.len() {
        let older = hops.get(i + 1).and_then(|h| h.timestamp);
        let Some(hop) = hops.get_mut(i) else { break };
        let (Some(newer), Some(older)) = (hop.timestamp, older) else {
            continue;
        };
        let delay = newer.saturating_sub(older);
        hop.delay_secs = Some(delay);
        if delay < 0 {
            hop.skew = true;
            hop.notes.push(format!(
                "clock skew: dated {} s before the hop below it",
                delay.unsigned_abs()
            ));
        } else if delay > MAX_PLAUSIBLE_DELAY_SECS {
            hop.skew = true;
            hop.notes.push(format!(
                "clock skew or invented date: {delay} s after the hop below it"
            ));
        }
    }
}

/// How public an address is. IPv4-mapped IPv6 addresses are judged by the IPv4 address inside.
pub fn ip_scope(ip: IpAddr) -> IpScope {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4_scope(v4),
        IpAddr::V6(v6) => v6_scope(v6),
    }
}

fn v4_scope(ip: Ipv4Addr) -> IpScope {
    let [a, b, c, _] = ip.octets();
    if ip.is_loopback() {
        IpScope::Loopback
    } else if ip.is_private() {
        IpScope::Private
    } else if ip.is_link_local() {
        IpScope::LinkLocal
    } else if a == 100 && (64..128).contains(&b) {
        // RFC 6598 shared address space (carrier-grade NAT).
        IpScope::SharedCgnat
    } else if (a, b, c) == (192, 0, 2) || (a, b, c) == (198, 51, 100) || (a, b, c) == (203, 0, 113)
    {
        // RFC 5737 TEST-NET-1/2/3.
        IpScope::Documentation
    } else if a == 0 || a >= 224 || (a, b, c) == (192, 0, 0) || (a == 198 && (b == 18 || b == 19)) {
        // "This network", multicast, class E and broadcast, IETF protocol assignments, and the
        // RFC 2544 benchmarking range: none of them can be a mail client on the Internet.
        IpScope::Reserved
    } else {
        IpScope::Public
    }
}

fn v6_scope(ip: Ipv6Addr) -> IpScope {
    let seg = ip.segments();
    let first = seg.first().copied().unwrap_or(0);
    let second = seg.get(1).copied().unwrap_or(0);
    if ip.is_loopback() {
        IpScope::Loopback
    } else if ip.is_unspecified() || ip.is_multicast() {
        IpScope::Reserved
    } else if first & 0xffc0 == 0xfe80 {
        IpScope::LinkLocal
    } else if first & 0xfe00 == 0xfc00 {
        // RFC 4193 unique local addresses.
        IpScope::Private
    } else if first == 0x2001 && second == 0x0db8 {
        // RFC 3849.
        IpScope::Documentation
    } else if first & 0xe000 != 0x2000 {
        // Outside 2000::/3, the only global unicast block assigned so far.
        IpScope::Reserved
    } else {
        IpScope::Public
    }
}

/// The lower-case registrable domain (public suffix + 1) of a host name, if it has one.
fn registrable(name: &str) -> Option<String> {
    let lower = name.trim().trim_end_matches('.').to_ascii_lowercase();
    if !lower.contains('.') || !lower.is_ascii() || lower.parse::<IpAddr>().is_ok() {
        return None;
    }
    if lower.starts_with('[') {
        return None;
    }
    psl::domain_str(&lower).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        for (ip, want) in [
            ("185.202.223.128", IpScope::Public),
            ("10.233.253.34", IpScope::Private),
            ("127.0.0.1", IpScope::Loopback),
            ("169.254.1.1", IpScope::LinkLocal),
            ("100.64.0.1", IpScope::SharedCgnat),
            ("198.51.100.7", IpScope::Documentation),
            ("0.0.0.0", IpScope::Reserved),
            ("240.0.0.1", IpScope::Reserved),
            ("::1", IpScope::Loopback),
            ("fe80::1", IpScope::LinkLocal),
            ("fd00::1", IpScope::Private),
            ("2001:db8::1", IpScope::Documentation),
            ("2603:10a6:10:130::24", IpScope::Public),
            ("::ffff:192.168.0.1", IpScope::Private),
            ("ff02::1", IpScope::Reserved),
        ] {
            assert_eq!(ip_scope(ip.parse().unwrap()), want, "{ip}");
        }
    }

    #[test]
    fn unfolding_joins_continuation_lines() {
        assert_eq!(
            unfold(b"Received: from a\r\n\tby b;\r\n Mon, 1 Jan 2024 00:00:00 +0000\r\n"),
            "Received: from a by b; Mon, 1 Jan 2024 00:00:00 +0000"
        );
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(
            registrable("DB8EUR06FT032.mail.protection.outlook.com").as_deref(),
            Some("outlook.com")
        );
        assert_eq!(
            registrable("mx.example.co.jp.").as_deref(),
            Some("example.co.jp")
        );
        assert_eq!(registrable("localhost"), None);
        assert_eq!(registrable("192.0.2.1"), None);
    }
}
