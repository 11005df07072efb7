//! A small tokenizer for the text of one `Received` field.
//!
//! mail-parser reads the clauses of RFC 5321 §4.4 well, but the part that matters most to an
//! analyst, the `from` clause, is written differently by every MTA and mail-parser does not know
//! which name is the HELO and which the reverse DNS. This module splits the field into words,
//! parenthesised comments and the date, so `hops.rs` can read the `from` clause per MTA family.
//! Everything here is linear in the input and never panics.

use std::net::IpAddr;

/// One lexical piece of a `Received` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    /// A run of characters outside comments, up to whitespace, `(` or `;`.
    Word(&'a str),
    /// The inside of a top-level `( ... )`, nested parentheses included.
    Comment(&'a str),
    Semicolon,
}

fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == ';' {
            chars.next();
            tokens.push(Token::Semicolon);
        } else if c == '(' {
            chars.next();
            let mut depth = 1usize;
            let mut end = text.len();
            for (i, c) in chars.by_ref() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            // An unterminated comment runs to the end of the field (RFC 5322 would call it
            // malformed; a best-effort reader still wants what is inside).
            let inner = text.get(start + 1..end).unwrap_or("");
            tokens.push(Token::Comment(inner));
        } else {
            let mut end = text.len();
            while let Some(&(i, c)) = chars.peek() {
                if c.is_whitespace() || c == '(' || c == ';' {
                    end = i;
                    break;
                }
                chars.next();
            }
            if let Some(word) = text.get(start..end) {
                tokens.push(Token::Word(word));
            }
        }
    }
    tokens
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Clause {
    Start,
    From,
    By,
    Via,
    With,
    Id,
    For,
    Other,
}

fn keyword(word: &str) -> Option<Clause> {
    let clause = match word.to_ascii_lowercase().as_str() {
        "from" => Clause::From,
        "by" => Clause::By,
        "via" => Clause::Via,
        "with" => Clause::With,
        "id" => Clause::Id,
        "for" => Clause::For,
        _ => return None,
    };
    Some(clause)
}

/// The clauses of one `Received` field as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct RawClauses<'a> {
    /// The first word after `from` (a HELO name, a reverse-DNS name, `[ip]` or `unknown`).
    pub from_name: Option<&'a str>,
    /// Further bare words in the `from` clause (fetchmail writes `from host [ip]`).
    pub from_words: Vec<&'a str>,
    /// Comments inside the `from` clause, in order.
    pub from_comments: Vec<&'a str>,
    pub by_name: Option<&'a str>,
    /// Up to four words after `with` (`Microsoft SMTP Server` is three).
    pub with_words: Vec<&'a str>,
    pub id: Option<&'a str>,
    pub for_addr: Option<&'a str>,
    /// The text after the last top-level `;`: the date (RFC 5321 §4.4 `";" date-time`).
    pub date_text: Option<&'a str>,
}

/// Splits the value of a `Received` field (without the `Received:` name) into its clauses.
pub(super) fn split_clauses(value: &str) -> RawClauses<'_> {
    let mut out = RawClauses::default();
    // The date follows the *last* top-level semicolon; anything after the first one is date
    // material even if a broken MTA wrote more semicolons.
    let tokens = tokenize(value);
    let last_semicolon = tokens.iter().rposition(|t| *t == Token::Semicolon);
    let clause_tokens = match last_semicolon {
        Some(pos) => tokens.get(..pos).unwrap_or(&[]),
        None => &tokens[..],
    };
    if last_semicolon.is_some() {
        out.date_text = date_after_last_semicolon(value).filter(|d| !d.is_empty());
    }

    let mut clause = Clause::Start;
    let mut fresh = false;
    for token in clause_tokens {
        match *token {
            Token::Word(word) => {
                if let Some(next) = keyword(word) {
                    clause = next;
                    fresh = true;
                    continue;
                }
                match clause {
                    Clause::From if fresh => out.from_name = Some(word),
                    Clause::From => out.from_words.push(word),
                    Clause::By if fresh => out.by_name = Some(word),
                    Clause::With if out.with_words.len() < 4 => out.with_words.push(word),
                    Clause::Id if fresh => out.id = Some(word),
                    Clause::For if fresh => out.for_addr = Some(word),
                    _ => {}
                }
                fresh = false;
            }
            Token::Comment(inner) => {
                if clause == Clause::From {
                    out.from_comments.push(inner);
                }
                // A comment ends the protocol name: `with esmtp (Exim 4.92)`.
                if clause == Clause::With {
                    clause = Clause::Other;
                }
                fresh = false;
            }
            Token::Semicolon => {
                clause = Clause::Other;
                fresh = false;
            }
        }
    }
    out
}

/// The text after the last `;` that is outside any comment, trimmed.
fn date_after_last_semicolon(value: &str) -> Option<&str> {
    let mut depth = 0usize;
    let mut last = None;
    for (i, c) in value.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => last = Some(i),
            _ => {}
        }
    }
    last.and_then(|i| value.get(i + 1..)).map(str::trim)
}

/// What the `from` clause says about the client, read per MTA habit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Client {
    pub helo: Option<String>,
    pub rdns: Option<String>,
    pub ip: Option<IpAddr>,
    /// Sendmail's `(may be forged)`: the reverse DNS did not confirm forward.
    pub may_be_forged: bool,
    /// Sendmail's `(authenticated ...)` or similar marker in the `from` comments.
    pub authenticated_comment: bool,
}

/// Parses an IP written as `1.2.3.4`, `[1.2.3.4]`, `[IPv6:2001:db8::1]`, `[1.2.3.4]:25`,
/// `1.2.3.4:25` or `fe80::1%5`.
pub(super) fn parse_ip_literal(text: &str) -> Option<IpAddr> {
    // Gmail writes a client's `EHLO [IPv6:...]` as `?IPV6:...?`.
    let mut t = text.trim().trim_matches('?').trim_end_matches(['.', ',']);
    if let Some(rest) = t.strip_prefix('[') {
        // `[ip]:port` (exim with port logging) keeps the port outside the brackets.
        t = rest.split(']').next().unwrap_or(rest);
    }
    let t = match t.get(..5) {
        Some(prefix) if prefix.eq_ignore_ascii_case("IPv6:") => t.get(5..).unwrap_or(t),
        _ => t,
    };
    // A zone index (`%5`, as Exchange writes for link-local peers) is not part of the address.
    let t = t.split('%').next().unwrap_or(t);
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Some(ip);
    }
    // `a.b.c.d:port` (IPv4 only: an IPv6 address is full of colons).
    let (host, port) = t.rsplit_once(':')?;
    if port.bytes().all(|b| b.is_ascii_digit()) && host.contains('.') {
        return host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4);
    }
    None
}

fn is_hostname_like(word: &str) -> bool {
    !word.is_empty()
        && word.len() <= 253
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        && word.bytes().any(|b| b.is_ascii_alphabetic())
}

fn clean_name(word: &str) -> &str {
    word.trim_end_matches('.')
}

/// Which MTA family wrote the field, as far as the `from` clause layout depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    /// Exim: `from RDNS ([IP] helo=HELO)`, `from [IP] (helo=HELO)`; the name is the verified one.
    Exim,
    /// Everything else: the first name is what the client said in HELO/EHLO (Postfix, sendmail,
    /// Exchange, Gmail, qmail when it writes `(HELO x)` is handled by the explicit marker).
    HeloFirst,
}

/// Reads the client out of the `from` clause.
pub(super) fn read_client(raw: &RawClauses<'_>, layout: Layout) -> Client {
    let mut client = Client::default();
    let mut explicit_helo: Option<&str> = None;
    let mut comment_ip: Option<IpAddr> = None;
    let mut comment_rdns: Option<&str> = None;

    for comment in &raw.from_comments {
        let lower = comment.to_ascii_lowercase();
        if lower.contains("may be forged") {
            client.may_be_forged = true;
        }
        if lower.starts_with("authenticated") {
            client.authenticated_comment = true;
        }
        let pieces: Vec<&str> = comment.split_whitespace().collect();
        let mut previous: Option<&str> = None;
        let mut pieces_iter = pieces.iter().copied().peekable();
        while let Some(piece) = pieces_iter.next() {
            let piece_lower = piece.to_ascii_lowercase();
            if piece_lower == "helo" || piece_lower == "ehlo" {
                // qmail: `(HELO name)`; the next piece is the name.
                if let Some(next) = pieces_iter.next() {
                    explicit_helo.get_or_insert(next);
                }
                previous = None;
                continue;
            }
            if let Some(name) = piece_lower
                .strip_prefix("helo=")
                .and_then(|_| piece.get("helo=".len()..))
            {
                // Exim: `helo=name`.
                if !name.is_empty() {
                    explicit_helo.get_or_insert(name);
                }
                previous = None;
                continue;
            }
            if let Some(ip) = parse_ip_literal(piece) {
                if comment_ip.is_none() {
                    comment_ip = Some(ip);
                    // The reverse-DNS name comes right before the address in the same comment:
                    // Postfix/sendmail `(rdns [ip])`, sendmail `(ident@rdns [ip])`.
                    if let Some(prev) = previous {
                        let host = prev.rsplit('@').next().unwrap_or(prev);
                        let host = clean_name(host);
                        if is_hostname_like(host) && !host.eq_ignore_ascii_case("unknown") {
                            comment_rdns = Some(host);
                        }
                    }
                }
                previous = None;
                continue;
            }
            previous = Some(piece);
        }
    }

    // fetchmail writes `from host [ip] by localhost`: the address is a bare word, not a comment.
    let word_ip = raw.from_words.iter().find_map(|w| parse_ip_literal(w));

    // qmail-scanner writes the envelope sender where the client belongs
    // (`from owner-list@example.org by mailhost with qmail-scanner`): that is no host.
    let from_name = raw.from_name.filter(|n| !n.contains('@'));
    let name = from_name
        .map(clean_name)
        .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case("unknown"));
    let name_ip = name.and_then(parse_ip_literal);

    client.ip = comment_ip.or(word_ip);
    match (explicit_helo, layout) {
        (Some(helo), _) => {
            // With an explicit HELO marker (qmail, exim) the first name is the server's own
            // view of the client: its reverse DNS, or `[ip]` when there is none.
            client.helo = Some(helo.to_string());
            match name_ip {
                Some(ip) => {
                    client.ip = client.ip.or(Some(ip));
                }
                None => client.rdns = name.map(str::to_string),
            }
        }
        (None, Layout::Exim) => {
            // Exim leaves out `helo=` when the HELO equals the verified host name.
            match name_ip {
                Some(ip) => client.ip = client.ip.or(Some(ip)),
                None => {
                    client.rdns = name.map(str::to_string);
                    client.helo = name.map(str::to_string);
                }
            }
        }
        (None, Layout::HeloFirst) => {
            // Postfix, sendmail, Exchange, Gmail: `from HELO (rdns [ip])`. A HELO that is an IP
            // literal is only the client's claim, so it does not become the address.
            client.helo = from_name
                .map(clean_name)
                .filter(|n| !n.is_empty())
                .map(str::to_string);
        }
    }
    if client.rdns.is_none() {
        client.rdns = comment_rdns.map(str::to_string);
    }
    client
}

/// The protocol after `with`, as written, with well-known names upper-cased.
pub(super) fn protocol(words: &[&str]) -> Option<String> {
    let first = words.first()?;
    if first.eq_ignore_ascii_case("Microsoft") {
        // Exchange writes `with Microsoft SMTP Server [(version=...)] id ...`.
        let phrase: Vec<&str> = words
            .iter()
            .copied()
            .take_while(|w| !w.eq_ignore_ascii_case("id"))
            .take(3)
            .collect();
        return Some(phrase.join(" "));
    }
    let upper = first.to_ascii_uppercase();
    const KNOWN: &[&str] = &[
        "SMTP",
        "ESMTP",
        "ESMTPA",
        "ESMTPS",
        "ESMTPSA",
        "LMTP",
        "LMTPA",
        "LMTPS",
        "LMTPSA",
        "UTF8SMTP",
        "UTF8SMTPA",
        "UTF8SMTPS",
        "UTF8SMTPSA",
        "UTF8LMTP",
        "UTF8LMTPA",
        "UTF8LMTPS",
        "UTF8LMTPSA",
        "HTTP",
        "HTTPS",
        "IMAP",
        "POP3",
        "MAPI",
        "LOCAL",
        "QMQP",
        "NNFMP",
    ];
    if KNOWN.contains(&upper.as_str()) {
        Some(upper)
    } else {
        Some(first.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_of_a_postfix_field() {
        let c = split_clauses(
            "from mx.example (mx.example [192.0.2.1]) (using TLSv1.2) by mail.example.jp \
             (Postfix) with ESMTPS id ABC for <u@example.jp>; Mon, 1 Jan 2024 00:00:00 +0900",
        );
        assert_eq!(c.from_name, Some("mx.example"));
        assert_eq!(
            c.from_comments,
            vec!["mx.example [192.0.2.1]", "using TLSv1.2"]
        );
        assert_eq!(c.by_name, Some("mail.example.jp"));
        assert_eq!(c.with_words, vec!["ESMTPS"]);
        assert_eq!(c.id, Some("ABC"));
        assert_eq!(c.for_addr, Some("<u@example.jp>"));
        assert_eq!(c.date_text, Some("Mon, 1 Jan 2024 00:00:00 +0900"));
    }

    #[test]
    fn unterminated_comment_and_multibyte_text_do_not_panic() {
        let c = split_clauses("from h\u{3042} (\u{3042}\u{3044} [192.0.2.1] by x");
        assert_eq!(c.from_name, Some("h\u{3042}"));
        assert_eq!(c.by_name, None);
        let client = read_client(&c, Layout::HeloFirst);
        assert_eq!(client.ip, Some("192.0.2.1".parse().unwrap()));
    }

    #[test]
    fn ip_literal_forms() {
        for (text, want) in [
            ("[192.0.2.1]", Some("192.0.2.1")),
            ("[192.0.2.1]:25", Some("192.0.2.1")),
            ("192.0.2.1:25", Some("192.0.2.1")),
            ("[IPv6:2001:db8::1]", Some("2001:db8::1")),
            ("?IPV6:2001:db8::2?", Some("2001:db8::2")),
            ("[fe80::1%5]", Some("fe80::1")),
            ("::1", Some("::1")),
            ("mx.example", None),
            ("[", None),
        ] {
            assert_eq!(
                parse_ip_literal(text),
                want.map(|w| w.parse().unwrap()),
                "{text}"
            );
        }
    }
}
