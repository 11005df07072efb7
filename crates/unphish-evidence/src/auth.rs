//! What the receiving servers said: `Authentication-Results` (RFC 8601),
//! `ARC-Authentication-Results` (RFC 8617) and `Received-SPF` (RFC 7208 §9.1), and the `d=` of
//! `DKIM-Signature` (RFC 6376).
//!
//! These headers are written by servers, but anyone can add one before the mail reaches the
//! receiver, so the parsers keep the authserv-id and the raw line: deciding which header to
//! trust is a later stage's job. Real servers bend the grammar (Microsoft leaves out the
//! authserv-id, puts `action=` after `dmarc=`, omits spaces after `;`), so parsing is lenient and
//! never fails; garbage yields no results.

use crate::model::AuthResult;

/// Only this much of a header value is read: real ones are well under 4 KiB, and the cap keeps a
/// hostile megabyte-long header from costing more than a bounded amount of work.
const MAX_VALUE_BYTES: usize = 64 * 1024;

/// At most this many results are taken from one header.
const MAX_RESULTS_PER_HEADER: usize = 64;

/// Method names registered with IANA for RFC 8601 (plus Microsoft's `compauth`). A key with one of
/// these names starts a new result even when the writer forgot the `;` before it.
const KNOWN_METHODS: &[&str] = &[
    "arc",
    "auth",
    "bimi",
    "compauth",
    "dkim",
    "dkim-adsp",
    "dkim-atps",
    "dmarc",
    "dnswl",
    "domainkeys",
    "iprev",
    "rrvs",
    "sender-id",
    "smime",
    "spf",
    "vbr",
];

/// SPF results (RFC 7208 §8) plus the RFC 4408 spellings `error` and `unknown` that old receivers
/// still write.
const SPF_RESULTS: &[&str] = &[
    "pass",
    "fail",
    "softfail",
    "neutral",
    "none",
    "temperror",
    "permerror",
    "error",
    "unknown",
];

/// Parses one `Authentication-Results` or `ARC-Authentication-Results` value into its results.
///
/// `source` is the header name in lower case; for `arc-authentication-results` a leading `i=N;`
/// is read into [`AuthResult::arc_instance`]. `raw` is the unfolded header line, quoted in every
/// result. An authserv-id followed by `none` (RFC 8601 §2.2, no authentication done) gives an
/// empty list, as does garbage.
pub fn parse_authentication_results(value: &str, source: &str, raw: &str) -> Vec<AuthResult> {
    let mut cur = Cursor::new(cap(value));
    let source = source.to_ascii_lowercase();
    let mut arc_instance = None;

    if source == "arc-authentication-results" {
        // RFC 8617 §4.1.1: `i=N;` comes before the authserv-id.
        let save = cur.pos;
        cur.skip_cfws();
        let key = cur.word();
        cur.skip_cfws();
        if key.eq_ignore_ascii_case("i") && cur.eat('=') {
            cur.skip_cfws();
            arc_instance = cur.value().trim().parse::<u32>().ok();
            cur.skip_cfws();
            cur.eat(';');
        } else {
            cur.pos = save;
        }
    }

    // RFC 8601 §2.2: the authserv-id comes first, optionally followed by a version. Microsoft
    // leaves it out and starts with `spf=...`, so a first word followed by `=` is a method.
    cur.skip_cfws();
    let save = cur.pos;
    let first = if cur.peek() == Some('"') {
        cur.quoted()
    } else {
        cur.word().to_owned()
    };
    cur.skip_cfws();
    let authserv_id = if first.trim().is_empty() || cur.peek() == Some('=') {
        cur.pos = save;
        None
    } else {
        Some(first.to_ascii_lowercase())
    };

    let mut results = Vec::new();
    let mut current: Option<AuthResult> = None;
    let new_result = |method: &str, result: String| AuthResult {
        source: source.clone(),
        authserv_id: authserv_id.clone(),
        arc_instance,
        method: method.to_owned(),
        result,
        props: Vec::new(),
        raw: raw.to_owned(),
    };

    loop {
        cur.skip_cfws();
        let Some(c) = cur.peek() else { break };
        if c == ';' {
            cur.bump();
            results.extend(current.take());
            if results.len() >= MAX_RESULTS_PER_HEADER {
                break;
            }
            continue;
        }
        let key = cur.word();
        if key.is_empty() {
            // A stray `=` or `"` where a key should be: skip it so the loop always advances.
            if cur.peek() == Some('"') {
                cur.quoted();
            } else {
                cur.bump();
            }
            continue;
        }
        cur.skip_cfws();
        if !cur.eat('=') {
            // A bare word: the authserv-id's version, the `none` of a no-result header, or
            // noise. None of these carries a result.
            continue;
        }
        cur.skip_cfws();
        let value = cur.value();
        let key = key.to_ascii_lowercase();
        // RFC 8601 §2.2 allows `method/version`; the version says nothing about the outcome.
        let method = key.split('/').next().unwrap_or_default();
        match current.as_mut() {
            Some(result) if !KNOWN_METHODS.contains(&method) => {
                result.props.push((key, strip_angles(&value).to_owned()));
            }
            _ => {
                results.extend(current.take());
                if results.len() >= MAX_RESULTS_PER_HEADER {
                    break;
                }
                current = Some(new_result(method, value.to_ascii_lowercase()));
            }
        }
    }
    results.extend(current.take());
    results.truncate(MAX_RESULTS_PER_HEADER);
    results
}

/// Parses a `Received-SPF` value (RFC 7208 §9.1): `result (comment) key=value; ...`.
///
/// Returns `None` when the first word is not an SPF result. The authserv-id is the `receiver=`
/// key, or else the host name before the `:` that starts the comment, as Google
/// (`(google.com: domain of ...)`) and Microsoft (`(protection.outlook.com: ...)`) write it.
pub fn parse_received_spf(value: &str, raw: &str) -> Option<AuthResult> {
    let mut cur = Cursor::new(cap(value));
    cur.skip_ws();
    let result = cur.word().to_ascii_lowercase();
    if !SPF_RESULTS.contains(&result.as_str()) {
        return None;
    }
    let mut comment_host = None;
    let mut props: Vec<(String, String)> = Vec::new();
    loop {
        cur.skip_ws();
        match cur.peek() {
            None => break,
            Some('(') => {
                let text = cur.comment();
                if comment_host.is_none() {
                    comment_host = host_before_colon(&text);
                }
            }
            Some(';') => cur.bump(),
            Some(_) => {
                let key = cur.word();
                if key.is_empty() {
                    if cur.peek() == Some('"') {
                        cur.quoted();
                    } else {
                        cur.bump();
                    }
                    continue;
                }
                cur.skip_ws();
                if cur.eat('=') {
                    cur.skip_ws();
                    let value = cur.value();
                    if props.len() < MAX_RESULTS_PER_HEADER {
                        props.push((key.to_ascii_lowercase(), value));
                    }
                }
            }
        }
    }
    let receiver = props
        .iter()
        .find(|(k, _)| k == "receiver")
        .map(|(_, v)| v.to_ascii_lowercase());
    Some(AuthResult {
        source: "received-spf".to_owned(),
        authserv_id: receiver.or(comment_host),
        arc_instance: None,
        method: "spf".to_owned(),
        result,
        props,
        raw: raw.to_owned(),
    })
}

/// The signing domain (`d=` tag) of a `DKIM-Signature` value, lower-case, without a trailing dot.
///
/// RFC 6376 §3.2: tag names are case-sensitive and values may contain folding whitespace, which
/// is removed.
pub fn parse_dkim_domain(value: &str) -> Option<String> {
    cap(value).split(';').find_map(|tag| {
        let (name, val) = tag.split_once('=')?;
        if name.trim() != "d" {
            return None;
        }
        let domain: String = val
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        let domain = domain.trim_end_matches('.');
        (!domain.is_empty()).then(|| domain.to_owned())
    })
}

/// Cuts `value` to [`MAX_VALUE_BYTES`] at a character boundary.
fn cap(value: &str) -> &str {
    if value.len() <= MAX_VALUE_BYTES {
        return value;
    }
    let mut end = MAX_VALUE_BYTES;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    value.get(..end).unwrap_or_default()
}

/// `header.from=<user@example.com>` (seen from Zoho) means the same as without the brackets.
fn strip_angles(value: &str) -> &str {
    value
        .strip_prefix('<')
        .and_then(|v| v.strip_suffix('>'))
        .unwrap_or(value)
}

/// `google.com: domain of ...` → `google.com`; nothing when the comment does not start that way.
fn host_before_colon(comment: &str) -> Option<String> {
    let (head, _) = comment.split_once(':')?;
    let head = head.trim();
    let plausible = head.contains('.')
        && head
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_');
    plausible.then(|| head.to_ascii_lowercase())
}

/// A forward-only reader over a header value; every method advances or leaves `pos` unchanged,
/// and none can fail, so the parsers above are linear in the input.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(s: &'a str) -> Self {
        Cursor { s, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        self.s.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    fn eat(&mut self, want: char) -> bool {
        if self.peek() == Some(want) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// Skips whitespace and comments (RFC 5322 CFWS).
    fn skip_cfws(&mut self) {
        loop {
            self.skip_ws();
            if self.peek() == Some('(') {
                self.comment();
            } else {
                break;
            }
        }
    }

    /// Reads a comment starting at `(`, nested comments and `\` escapes included, and returns its
    /// text without the outer parentheses. An unclosed comment runs to the end.
    fn comment(&mut self) -> String {
        let mut depth = 0usize;
        let mut text = String::new();
        while let Some(c) = self.peek() {
            self.bump();
            match c {
                '\\' => {
                    if let Some(next) = self.peek() {
                        self.bump();
                        text.push(next);
                    }
                }
                '(' => {
                    if depth > 0 {
                        text.push(c);
                    }
                    depth += 1;
                }
                ')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                    text.push(c);
                }
                _ => text.push(c),
            }
        }
        text
    }

    /// Reads a quoted string starting at `"`, unescaped. An unclosed one runs to the end.
    fn quoted(&mut self) -> String {
        let mut text = String::new();
        self.bump();
        while let Some(c) = self.peek() {
            self.bump();
            match c {
                '"' => break,
                '\\' => {
                    if let Some(next) = self.peek() {
                        self.bump();
                        text.push(next);
                    }
                }
                _ => text.push(c),
            }
        }
        text
    }

    /// A key, method or authserv-id: up to whitespace or one of `;=("`.
    fn word(&mut self) -> &'a str {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_whitespace() || matches!(c, ';' | '=' | '(' | '"') {
                break;
            }
            self.bump();
        }
        self.s.get(start..self.pos).unwrap_or_default()
    }

    /// A value: a quoted string, or everything up to whitespace, `;` or `(`. `=` is allowed
    /// inside, because SRS and BATV envelope senders (`SRS0=hash=tt=example.com=user@...`) and
    /// base64 `header.b=` values contain it.
    fn value(&mut self) -> String {
        if self.peek() == Some('"') {
            return self.quoted();
        }
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c.is_whitespace() || matches!(c, ';' | '(') {
                break;
            }
            self.bump();
        }
        self.s.get(start..self.pos).unwrap_or_default().to_owned()
    }
}
