//! Who the message claims to be from: From, Reply-To, Return-Path, Sender, Message-ID, the DKIM
//! signing domains, and what the receiving servers recorded about authentication.
//!
//! Everything here is a claim of the sender except the authentication headers, and even those can
//! be forged above the receiver's own; this module only extracts, quoting the raw header line.

use crate::auth::{parse_authentication_results, parse_dkim_domain, parse_received_spf};
use crate::model::{AuthResult, Defect, Identity, Mailbox};
use mail_parser::parsers::MessageStream;
use mail_parser::{Addr, Header, HeaderValue, Message};
use std::borrow::Cow;
use std::net::IpAddr;

/// A quoted header line is cut at this many bytes: enough for any honest header, and a report
/// never has to carry a hostile megabyte.
const MAX_RAW_BYTES: usize = 8 * 1024;
/// Caps on list sizes, so a message with thousands of headers costs bounded memory.
const MAX_REPLY_TO: usize = 32;
const MAX_DKIM: usize = 64;
const MAX_AUTH: usize = 256;

/// Extracts the identity headers of the top-level message, in header order (top first).
///
/// Defects: `from.missing`, `from.multiple` (RFC 5322 §3.6 allows one From; DMARC, RFC 7489
/// §6.6.1, treats several as a reason to reject), `from.multiple_mailboxes`, `from.unparsed` (the
/// parser could not split name and address; the address was recovered from the raw text) and
/// `from.no_address`, `message_id.missing`.
pub fn extract_identity(msg: &Message<'_>) -> (Identity, Vec<Defect>) {
    let mut id = Identity::default();
    let mut defects = Vec::new();
    let mut from_headers: Vec<&Header<'_>> = Vec::new();
    let mut message_id_seen = false;

    for header in msg.headers() {
        let name = header.name.as_str().to_ascii_lowercase();
        match name.as_str() {
            "from" => from_headers.push(header),
            "reply-to" => {
                let raw = raw_line(msg, header);
                for mailbox in header_mailboxes(msg, header, &raw).0 {
                    if id.reply_to.len() < MAX_REPLY_TO {
                        id.reply_to.push(mailbox);
                    }
                }
            }
            "sender" if id.sender.is_none() => {
                let raw = raw_line(msg, header);
                id.sender = header_mailboxes(msg, header, &raw).0.into_iter().next();
            }
            // The top-most Return-Path is the one the final delivery agent wrote (RFC 5321
            // §4.4); lower ones travelled inside the message and are the sender's word.
            "return-path" if id.return_path.is_none() => {
                let raw = raw_line(msg, header);
                id.return_path = Some(return_path(msg, header, &raw));
            }
            "message-id" if !message_id_seen => {
                message_id_seen = true;
                let mid = match &header.value {
                    HeaderValue::Text(text) => text.trim().to_owned(),
                    HeaderValue::TextList(list) => list
                        .first()
                        .map(|t| t.trim().to_owned())
                        .unwrap_or_default(),
                    _ => raw_value(msg, header)
                        .trim()
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .trim()
                        .to_owned(),
                };
                if !mid.is_empty() {
                    id.message_id_domain = mid
                        .rsplit_once('@')
                        .map(|(_, d)| d.trim().trim_end_matches('>').to_lowercase())
                        .filter(|d| !d.is_empty());
                    id.message_id = Some(mid);
                }
            }
            "dkim-signature" => {
                if let Some(d) = parse_dkim_domain(&raw_value(msg, header))
                    && id.dkim_domains.len() < MAX_DKIM
                {
                    id.dkim_domains.push(d);
                }
            }
            "authentication-results" | "arc-authentication-results" => {
                let raw = raw_line(msg, header);
                let results =
                    parse_authentication_results(&decoded_value(msg, header), &name, &raw);
                push_auth(&mut id.auth, results);
            }
            "received-spf" => {
                let raw = raw_line(msg, header);
                push_auth(
                    &mut id.auth,
                    parse_received_spf(&decoded_value(msg, header), &raw),
                );
            }
            _ => {}
        }
    }

    if !message_id_seen {
        defects.push(defect(
            "message_id.missing",
            "The message has no Message-ID header (RFC 5322 §3.6.4 says it should).",
        ));
    }

    match from_headers.as_slice() {
        [] => defects.push(defect("from.missing", "The message has no From header.")),
        [first, rest @ ..] => {
            if !rest.is_empty() {
                defects.push(defect(
                    "from.multiple",
                    &format!(
                        "The message has {} From headers; mail clients and DMARC may disagree \
                         about which one is the sender. The first is used.",
                        rest.len() + 1
                    ),
                ));
            }
            let raw = raw_line(msg, first);
            let (mailboxes, recovered) = header_mailboxes(msg, first, &raw);
            if mailboxes.len() > 1 {
                defects.push(defect(
                    "from.multiple_mailboxes",
                    &format!(
                        "The From header names {} mailboxes; the first is used.",
                        mailboxes.len()
                    ),
                ));
            }
            let mailbox = mailboxes.into_iter().next();
            match &mailbox {
                Some(m) if m.address.is_some() && recovered => defects.push(defect(
                    "from.unparsed",
                    "The From header is malformed: it could not be split cleanly into display \
                     name and address, so the address was recovered from the raw text.",
                )),
                Some(m) if m.address.is_some() => {}
                _ => defects.push(defect(
                    "from.no_address",
                    "The From header holds no usable address.",
                )),
            }
            id.from = Some(mailbox.unwrap_or_else(|| Mailbox {
                raw,
                ..Mailbox::default()
            }));
        }
    }

    (id, defects)
}

/// Builds a [`Mailbox`] from a display name and an address as a parser split them.
///
/// The address is trimmed (phishers pad it with spaces) and stripped of `<>`. When it still
/// holds whitespace, the split went wrong (`From: Amazon support@amazon.co.jp`): the last
/// address-like token is taken as the address and the rest as the display name. `domain` is the
/// part after the last `@`, lower-case as written (so a report shows what the victim saw);
/// `registrable_domain` is computed from its IDNA ASCII form, so it compares with link hosts.
pub fn mailbox_from(display_name: Option<&str>, address: Option<&str>, raw: &str) -> Mailbox {
    build_mailbox(display_name, address, raw).0
}

/// [`mailbox_from`], also telling whether the address had to be recovered from a bad split.
fn build_mailbox(display_name: Option<&str>, address: Option<&str>, raw: &str) -> (Mailbox, bool) {
    let mut name = display_name
        .map(clean_display_name)
        .filter(|n| !n.is_empty());
    let mut recovered = false;
    let mut addr = address
        .map(|a| {
            a.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .trim()
        })
        .filter(|a| !a.is_empty())
        .map(str::to_owned);

    if let Some(a) = addr.as_deref()
        && !is_plausible_address(a)
    {
        recovered = true;
        let found = find_address(a);
        if name.is_none()
            && let Some((start, end, _)) = &found
        {
            let rest = format!(
                "{} {}",
                a.get(..*start).unwrap_or_default(),
                a.get(*end..).unwrap_or_default()
            );
            name = Some(clean_display_name(&rest)).filter(|n| !n.is_empty());
        }
        addr = found.map(|(_, _, found)| found);
    }

    let domain = addr
        .as_deref()
        .and_then(|a| a.rsplit_once('@'))
        // `<service@stayfriends.de.>` (seen in a German campaign): the root dot names the same
        // domain.
        .map(|(_, d)| d.trim().trim_end_matches('.').to_lowercase())
        .filter(|d| !d.is_empty());
    let registrable_domain = domain.as_deref().and_then(registrable_domain);
    let display_name_address = name.as_deref().and_then(find_address).map(|(_, _, a)| a);
    let mailbox = Mailbox {
        display_name: name,
        address: addr,
        domain,
        registrable_domain,
        display_name_address,
        raw: raw.to_owned(),
    };
    (mailbox, recovered)
}

/// The mailboxes of an address header, and whether the header was malformed (an address had to
/// be recovered from the raw text, or stray text stood beside the mailbox).
fn header_mailboxes(msg: &Message<'_>, header: &Header<'_>, raw: &str) -> (Vec<Mailbox>, bool) {
    let mut parsed = Vec::new();
    let mut recovered = false;
    if let HeaderValue::Address(address) = &header.value {
        for addr in address.iter() {
            let (mailbox, was_recovered) = from_addr(addr, raw);
            recovered |= was_recovered;
            parsed.push(mailbox);
        }
    }
    let Some(first_addressed) = parsed.iter().position(|m| m.address.is_some()) else {
        // mail-parser gave up (or only found a name): look for an address in the raw value, so a
        // From like `Amazon <support@amazon.co.jp` (no closing bracket) or `<<x@y>>` still
        // yields the domain that matters.
        let value = raw_value(msg, header);
        if let Some((start, end, found)) = find_address(&value) {
            let before = value.get(..start).unwrap_or_default();
            let after = value.get(end..).unwrap_or_default();
            let name = clean_display_name(&format!("{before} {after}"));
            let name = Some(name.as_str()).filter(|n| !n.is_empty());
            return (vec![mailbox_from(name, Some(&found), raw)], true);
        }
        return (parsed, recovered);
    };
    if first_addressed > 0 {
        // A campaign writes `From: Microsoft account team ,_<no-reply@evil.example>`: the comma
        // makes the parser see a name-only mailbox and then the real one. A mail client shows
        // the whole text as the sender's name, so the names are joined back together.
        let names: Vec<&str> = parsed
            .iter()
            .take(first_addressed + 1)
            .filter_map(|m| m.display_name.as_deref())
            .collect();
        let name = names.join(", ");
        let address = parsed.get(first_addressed).and_then(|m| m.address.clone());
        let merged = mailbox_from(Some(&name), address.as_deref(), raw);
        if let Some(slot) = parsed.get_mut(first_addressed) {
            *slot = merged;
        }
        recovered = true;
    }
    // Name-only entries carry no sender; the addressed mailboxes are what the header names.
    parsed.retain(|m| m.address.is_some());
    (parsed, recovered)
}

fn from_addr(addr: &Addr<'_>, raw: &str) -> (Mailbox, bool) {
    build_mailbox(addr.name(), addr.address(), raw)
}

/// Return-Path as mail-parser reads it (`Text` without brackets); `<>` (a bounce, RFC 5321
/// §4.5.5) is kept as a mailbox without address so the null sender stays visible.
fn return_path(msg: &Message<'_>, header: &Header<'_>, raw: &str) -> Mailbox {
    let text: Option<Cow<'_, str>> = match &header.value {
        HeaderValue::Text(t) => Some(Cow::Borrowed(t.as_ref())),
        HeaderValue::TextList(list) => list.first().map(|t| Cow::Borrowed(t.as_ref())),
        HeaderValue::Address(a) => a.first().and_then(|a| a.address()).map(Cow::Borrowed),
        _ => None,
    };
    match text {
        Some(t) => mailbox_from(None, Some(&t), raw),
        None => {
            let value = raw_value(msg, header);
            let found = find_address(&value).map(|(_, _, a)| a);
            mailbox_from(None, found.as_deref(), raw)
        }
    }
}

fn push_auth(out: &mut Vec<AuthResult>, results: impl IntoIterator<Item = AuthResult>) {
    for result in results {
        if out.len() >= MAX_AUTH {
            break;
        }
        out.push(result);
    }
}

fn defect(code: &str, detail: &str) -> Defect {
    Defect {
        code: code.to_owned(),
        detail: detail.to_owned(),
    }
}

/// The whole header line (`From: ...`) as written, unfolded and capped.
fn raw_line(msg: &Message<'_>, header: &Header<'_>) -> String {
    raw_slice(msg, header.offset_field, header.offset_end)
}

/// The header value as written (encoded-words not decoded), unfolded and capped.
fn raw_value(msg: &Message<'_>, header: &Header<'_>) -> String {
    raw_slice(msg, header.offset_start, header.offset_end)
}

/// The header value with RFC 2047 encoded-words decoded. Exchange Online encodes its whole
/// Authentication-Results this way when a value in it is not ASCII, e.g. a From domain written
/// in mathematical bold letters (`header.from=𝐚𝐨𝐤.𝐝𝐞`), which is exactly the case worth reading.
fn decoded_value(msg: &Message<'_>, header: &Header<'_>) -> String {
    let bytes = raw_bytes(msg, header.offset_start, header.offset_end);
    if !bytes.windows(2).any(|w| w == b"=?") {
        return unfold(&String::from_utf8_lossy(bytes));
    }
    match MessageStream::new(bytes).parse_unstructured() {
        HeaderValue::Text(text) => unfold(&text),
        _ => unfold(&String::from_utf8_lossy(bytes)),
    }
}

fn raw_bytes<'m>(msg: &'m Message<'_>, start: u32, end: u32) -> &'m [u8] {
    usize::try_from(start)
        .ok()
        .zip(usize::try_from(end).ok())
        .and_then(|(s, e)| msg.raw_message.get(s..e))
        .unwrap_or_default()
}

fn raw_slice(msg: &Message<'_>, start: u32, end: u32) -> String {
    unfold(&String::from_utf8_lossy(raw_bytes(msg, start, end)))
}

/// RFC 5322 §2.2.3 unfolding: a line break followed by white space is removed; the white space
/// run becomes one space so the quote reads as one line. Cut at [`MAX_RAW_BYTES`].
pub(crate) fn unfold(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_RAW_BYTES));
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if out.len() >= MAX_RAW_BYTES {
            out.push_str(" …");
            break;
        }
        if c == '\r' || c == '\n' {
            let mut folded = false;
            while let Some(&next) = chars.peek() {
                if next == '\r' || next == '\n' || next == ' ' || next == '\t' {
                    folded |= next == ' ' || next == '\t';
                    chars.next();
                } else {
                    break;
                }
            }
            if folded && chars.peek().is_some() && !out.ends_with(' ') {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
    }
    out.trim_end().to_owned()
}

/// Trims a display name and the quotes a parser may have left around it.
fn clean_display_name(name: &str) -> String {
    let name = name.trim();
    let name = name
        .strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .unwrap_or(name);
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An address mail-parser split cleanly: one `@` with text on both sides and no spaces.
fn is_plausible_address(addr: &str) -> bool {
    match addr.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !addr
                    .chars()
                    .any(|c| c.is_whitespace() || c == '<' || c == '>')
        }
        None => false,
    }
}

/// The first `local@domain.tld` in `text`, with its byte span. The local part is RFC 5322 atext
/// (ASCII); the domain may be Unicode (an IDN written as the victim sees it). Linear: each
/// character is looked at by at most the two `@` around it.
fn find_address(text: &str) -> Option<(usize, usize, String)> {
    let is_local = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
    let is_domain = |c: char| c.is_alphanumeric() || c == '.' || c == '-';
    for (at, _) in text.match_indices('@') {
        let before = text.get(..at).unwrap_or_default();
        let after = text.get(at + 1..).unwrap_or_default();
        let local_len: usize = before
            .chars()
            .rev()
            .take_while(|&c| is_local(c))
            .map(char::len_utf8)
            .sum();
        let domain_len: usize = after
            .chars()
            .take_while(|&c| is_domain(c))
            .map(char::len_utf8)
            .sum();
        let local = before
            .get(before.len() - local_len..)
            .unwrap_or_default()
            .trim_start_matches('.');
        let domain = after
            .get(..domain_len)
            .unwrap_or_default()
            .trim_end_matches(['.', '-']);
        let labels_ok = domain.split('.').count() >= 2 && domain.split('.').all(|l| !l.is_empty());
        if !local.is_empty() && labels_ok {
            let start = at - local.len();
            let end = at + 1 + domain.len();
            return Some((start, end, format!("{local}@{domain}")));
        }
    }
    None
}

/// Public suffix + 1 of a mail domain, in IDNA ASCII form; none for IP literals and bare
/// suffixes. A later cleanup merges this with `crate::domain`.
fn registrable_domain(domain: &str) -> Option<String> {
    let domain = domain.trim().trim_end_matches('.');
    if domain.is_empty()
        || domain.starts_with('[')
        || domain.parse::<IpAddr>().is_ok()
        || domain.len() > 253 * 4
    {
        return None;
    }
    // UTS #46 maps fullwidth and upper-case letters, so `ＡＭＡＺＯＮ.co.jp` compares as
    // `amazon.co.jp`, the way a mail client resolves it.
    let ascii = idna::domain_to_ascii(domain).ok()?;
    if ascii.parse::<IpAddr>().is_ok() {
        return None;
    }
    psl::domain_str(&ascii).map(str::to_owned)
}
