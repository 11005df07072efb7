//! A byte-level HTML tokenizer for the markup mail actually contains, feeding the same
//! [`Scanner`] as html5ever's tokenizer does, several times faster.
//!
//! It follows the HTML tokenizer states (WHATWG HTML §13.2.5) that matter to the scanner: data,
//! tags and attributes, comments, bogus comments and doctypes (skipped to their end), RCDATA and
//! RAWTEXT content, plaintext, and character references (§13.2.5.72-80, with html5ever's own
//! entity table so both paths decode alike). Every delimiter is ASCII, so byte offsets found by
//! searching for one are char boundaries.
//!
//! It gives up (`Err(Bail)`) where it would have to imitate rarer machinery: `<!` inside script
//! data (the script escape states), and markup with many parse errors, where html5ever's own
//! error budget decides how much is read. The caller then scans the whole body with html5ever.

use std::borrow::Cow;

use html5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};

use super::{ATTRIBUTES_READ, Attrs, Content, Scanner};

/// The fast path hands over to html5ever.
#[derive(Debug)]
pub(super) struct Bail;

/// Parse errors tolerated before handing over: a tenth of html5ever's [`super::MAX_PARSE_ERRORS`],
/// which this tokenizer counts less exactly, so that markup html5ever would cut short is always
/// left to html5ever. Real bodies stay far below.
const MAX_ERRORS: usize = super::MAX_PARSE_ERRORS / 10;

type Attr<'a> = (Cow<'a, str>, Cow<'a, str>);

impl Attrs for [Attr<'_>] {
    fn get(&self, name: &str) -> Option<&str> {
        debug_assert!(ATTRIBUTES_READ.contains(&name), "{name} is not kept");
        self.iter().find(|(n, _)| n == name).map(|(_, v)| &**v)
    }
}

/// Tokenizes `html` into `scanner`.
pub(super) fn tokenize(html: &str, scanner: &mut Scanner) -> Result<(), Bail> {
    let mut t = Fast {
        s: html,
        b: html.as_bytes(),
        pos: 0,
        errors: 0,
        attrs: Vec::new(),
        mode: Mode::Data,
    };
    while t.pos < t.b.len() {
        match std::mem::replace(&mut t.mode, Mode::Data) {
            Mode::Data => t.data(scanner),
            Mode::Raw(content, name) => t.raw(scanner, content, name)?,
            Mode::Plaintext => t.plaintext(scanner),
        }
        if t.errors > MAX_ERRORS {
            return Err(Bail);
        }
    }
    scanner.parse_errors = t.errors;
    Ok(())
}

/// The tokenizer state between tokens.
enum Mode<'a> {
    Data,
    /// Inside an RCDATA, RAWTEXT or script element with this (lowercase) name.
    Raw(Content, Cow<'a, str>),
    Plaintext,
}

struct Fast<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    errors: usize,
    /// The current tag's attributes, reused from tag to tag.
    attrs: Vec<Attr<'a>>,
    mode: Mode<'a>,
}

fn is_space(c: u8) -> bool {
    // `\r` is a line feed after input preprocessing (§13.2.3.5).
    matches!(c, b'\t' | b'\n' | b'\x0C' | b' ' | b'\r')
}

/// The first index at or after `from` whose byte satisfies `f`, or the length.
fn find(b: &[u8], from: usize, f: impl Fn(u8) -> bool) -> usize {
    b.get(from..)
        .and_then(|rest| rest.iter().position(|&c| f(c)))
        .map_or(b.len(), |i| from + i)
}

impl<'a> Fast<'a> {
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.s.get(from..to).unwrap_or("")
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    /// Data state (§13.2.5.1): text up to the next `<`, `&` or NUL.
    fn data(&mut self, sc: &mut Scanner) {
        let start = self.pos;
        let end = find(self.b, start, |c| matches!(c, b'<' | b'&' | 0));
        if end > start {
            sc.text(self.slice(start, end));
        }
        self.pos = end;
        match self.at(end) {
            None => {}
            // html5ever emits a NUL here as its own token, which the scanner ignores.
            Some(0) => {
                self.errors += 1;
                self.pos += 1;
            }
            Some(b'&') => self.text_char_ref(sc),
            Some(_) => self.markup(sc),
        }
    }

    /// A character reference in text; `pos` is at the `&`.
    fn text_char_ref(&mut self, sc: &mut Scanner) {
        let (decoded, next) = char_ref(self.s, self.pos + 1, false, &mut self.errors);
        match decoded {
            Some(d) => sc.text(d.as_str()),
            None => sc.text("&"),
        }
        self.pos = next;
    }

    /// Tag open state (§13.2.5.6); `pos` is at the `<`.
    fn markup(&mut self, sc: &mut Scanner) {
        let p = self.pos + 1;
        match self.at(p) {
            Some(c) if c.is_ascii_alphabetic() => self.tag(sc, p, true),
            Some(b'/') => match self.at(p + 1) {
                Some(c) if c.is_ascii_alphabetic() => self.tag(sc, p + 1, false),
                Some(b'>') => {
                    self.errors += 1;
                    self.pos = p + 2;
                }
                Some(_) => {
                    self.errors += 1;
                    self.skip_past_gt(p + 1);
                }
                None => {
                    self.errors += 1;
                    sc.text("</");
                    self.pos = p + 1;
                }
            },
            Some(b'!') => self.declaration(p + 1),
            Some(b'?') => {
                self.errors += 1;
                self.skip_past_gt(p);
            }
            // Not a tag: the `<` is text and what follows is read again as data.
            _ => {
                self.errors += 1;
                sc.text("<");
                self.pos = p;
            }
        }
    }

    /// Bogus comment state (§13.2.5.41), also the end of every doctype state: up to the first `>`.
    fn skip_past_gt(&mut self, from: usize) {
        let gt = find(self.b, from, |c| c == b'>');
        self.pos = (gt + 1).min(self.b.len());
    }

    /// Markup declaration open state (§13.2.5.42); `from` is after `<!`. `<![CDATA[` is a bogus
    /// comment outside foreign content, which a tokenizer without a tree builder never enters.
    fn declaration(&mut self, from: usize) {
        let rest = self.b.get(from..).unwrap_or_default();
        if rest.starts_with(b"--") {
            self.comment(from + 2);
        } else {
            let doctype = rest
                .get(..7)
                .is_some_and(|d| d.eq_ignore_ascii_case(b"doctype"));
            if !doctype {
                self.errors += 1;
            }
            self.skip_past_gt(from);
        }
    }

    /// Comment states (§13.2.5.43-52); `from` is after `<!--`. The comment ends at the first
    /// `-->` or `--!>`, or right away at `>` or `->`; nothing inside (not even `<!--`) changes that.
    fn comment(&mut self, from: usize) {
        let rest = self.b.get(from..).unwrap_or_default();
        if rest.starts_with(b">") || rest.starts_with(b"->") {
            self.errors += 1;
            self.pos = from + if rest.starts_with(b">") { 1 } else { 2 };
            return;
        }
        let mut i = from;
        loop {
            let dash = find(self.b, i, |c| c == b'-');
            if dash >= self.b.len() {
                self.errors += 1;
                self.pos = self.b.len();
                return;
            }
            if self.at(dash + 1) == Some(b'-') {
                match self.at(dash + 2) {
                    Some(b'>') => {
                        self.pos = dash + 3;
                        return;
                    }
                    Some(b'!') if self.at(dash + 3) == Some(b'>') => {
                        self.errors += 1;
                        self.pos = dash + 4;
                        return;
                    }
                    _ => {}
                }
            }
            i = dash + 1;
        }
    }

    /// A start or end tag whose name begins at `from`.
    fn tag(&mut self, sc: &mut Scanner, from: usize, start: bool) {
        let end = find(self.b, from, |c| is_space(c) || c == b'/' || c == b'>');
        if end >= self.b.len() {
            // EOF in a tag: the tag is dropped (§13.2.5.8).
            self.errors += 1;
            self.pos = self.b.len();
            return;
        }
        let name = lower(self.slice(from, end));
        self.finish_tag(sc, name, end, start);
    }

    /// Reads the attributes after a tag name ending at `from` and hands the tag to the scanner.
    fn finish_tag(&mut self, sc: &mut Scanner, name: Cow<'a, str>, from: usize, start: bool) {
        self.attrs.clear();
        let Some(after) = self.attributes(from) else {
            self.errors += 1;
            self.pos = self.b.len();
            return;
        };
        self.pos = after;
        if !start {
            if !self.attrs.is_empty() {
                self.errors += 1;
            }
            sc.end_tag(&name);
            return;
        }
        self.mode = match sc.start_tag(&name, &self.attrs[..]) {
            Content::Normal => Mode::Data,
            Content::Plaintext => Mode::Plaintext,
            raw => Mode::Raw(raw, name),
        };
    }

    /// Attribute states (§13.2.5.32-40) from just after the tag name; the position after the
    /// closing `>`, or `None` at EOF, where the tag is dropped.
    fn attributes(&mut self, mut i: usize) -> Option<usize> {
        loop {
            // Before attribute name; also where a self-closing `/` not followed by `>` and a
            // quoted value not followed by a space lead.
            i = find(self.b, i, |c| !is_space(c));
            match self.at(i)? {
                b'>' => return Some(i + 1),
                b'/' => {
                    if self.at(i + 1)? == b'>' {
                        return Some(i + 2);
                    }
                    self.errors += 1;
                    i += 1;
                    continue;
                }
                _ => {}
            }
            // Attribute name: a leading `=` is part of it.
            let name_start = i;
            if self.at(i) == Some(b'=') {
                self.errors += 1;
                i += 1;
            }
            let name_end = find(self.b, i, |c| {
                is_space(c) || matches!(c, b'/' | b'>' | b'=' | b'"' | b'\'' | b'<')
            });
            let name_end = match self.at(name_end) {
                // Quotes and `<` are kept in the name, with a parse error.
                Some(b'"' | b'\'' | b'<') => {
                    self.errors += 1;
                    find(self.b, name_end, |c| {
                        is_space(c) || matches!(c, b'/' | b'>' | b'=')
                    })
                }
                _ => name_end,
            };
            let name = lower(self.slice(name_start, name_end));
            // Only the first of duplicate names counts (html5ever drops the others).
            let keep =
                ATTRIBUTES_READ.contains(&&*name) && !self.attrs.iter().any(|(n, _)| *n == name);
            // After attribute name.
            i = find(self.b, name_end, |c| !is_space(c));
            if self.at(i)? != b'=' {
                if keep {
                    self.attrs.push((name, Cow::Borrowed("")));
                }
                continue;
            }
            // Before attribute value.
            i = find(self.b, i + 1, |c| !is_space(c));
            // The value lies between `from` and `to`; reading resumes at `next`.
            let (from, to, next) = match self.at(i)? {
                q @ (b'"' | b'\'') => {
                    let end = find(self.b, i + 1, |c| c == q);
                    if end >= self.b.len() {
                        return None;
                    }
                    // After attribute value (quoted): anything but a space, `/` or `>` starts
                    // the next attribute, with a parse error.
                    if !self
                        .at(end + 1)
                        .is_some_and(|c| is_space(c) || matches!(c, b'/' | b'>'))
                    {
                        self.errors += 1;
                    }
                    (i + 1, end, end + 1)
                }
                b'>' => {
                    self.errors += 1;
                    if keep {
                        self.attrs.push((name, Cow::Borrowed("")));
                    }
                    return Some(i + 1);
                }
                _ => {
                    let end = find(self.b, i, |c| is_space(c) || c == b'>');
                    if end >= self.b.len() {
                        return None;
                    }
                    (i, end, end)
                }
            };
            if keep {
                let value = self.value(from, to);
                self.attrs.push((name, value));
            }
            i = next;
        }
    }

    /// An attribute value between `from` and `to`, character references decoded, NUL replaced
    /// and line breaks normalized as html5ever does.
    fn value(&mut self, from: usize, to: usize) -> Cow<'a, str> {
        let raw = self.slice(from, to);
        if !raw.bytes().any(|c| matches!(c, b'&' | 0 | b'\r')) {
            return Cow::Borrowed(raw);
        }
        let mut out = String::with_capacity(raw.len());
        let mut i = from;
        while i < to {
            let j = find(self.b, i, |c| matches!(c, b'&' | 0 | b'\r')).min(to);
            out.push_str(self.slice(i, j));
            i = j + 1;
            match self.at(j) {
                _ if j >= to => break,
                Some(b'&') => {
                    let (decoded, next) = char_ref(self.s, j + 1, true, &mut self.errors);
                    match decoded {
                        Some(d) => out.push_str(d.as_str()),
                        None => out.push('&'),
                    }
                    i = next.min(to);
                }
                Some(0) => {
                    self.errors += 1;
                    out.push('\u{FFFD}');
                }
                _ => {
                    out.push('\n');
                    if i < to && self.at(i) == Some(b'\n') {
                        i += 1;
                    }
                }
            }
        }
        Cow::Owned(out)
    }

    /// RCDATA, RAWTEXT and script data states (§13.2.5.2-4, 9-17) inside the element `name`.
    fn raw(&mut self, sc: &mut Scanner, content: Content, name: Cow<'a, str>) -> Result<(), Bail> {
        let rcdata = content == Content::Rcdata;
        let start = self.pos;
        let end = find(self.b, start, |c| {
            c == b'<' || c == 0 || (rcdata && c == b'&')
        });
        if end > start {
            sc.text(self.slice(start, end));
        }
        self.pos = end;
        match self.at(end) {
            None => {}
            Some(0) => {
                self.errors += 1;
                sc.text("\u{FFFD}");
                self.pos += 1;
            }
            Some(b'&') => self.text_char_ref(sc),
            Some(_) => match self.at(end + 1) {
                Some(b'/') => {
                    let letters = end + 2;
                    let after = find(self.b, letters, |c| !c.is_ascii_alphabetic());
                    let candidate = self.slice(letters, after);
                    let closes = candidate.eq_ignore_ascii_case(&name)
                        && self
                            .at(after)
                            .is_some_and(|c| is_space(c) || matches!(c, b'/' | b'>'));
                    if closes {
                        // An appropriate end tag; its attributes are read and dropped.
                        self.finish_tag(sc, name, after, false);
                        return Ok(());
                    }
                    sc.text(self.slice(end, after));
                    self.pos = after;
                }
                // `<!--` in a script switches to the script data escape states.
                Some(b'!') if content == Content::Script => return Err(Bail),
                _ => {
                    sc.text("<");
                    self.pos = end + 1;
                }
            },
        }
        self.mode = Mode::Raw(content, name);
        Ok(())
    }

    /// PLAINTEXT state (§13.2.5.5): the rest is text.
    fn plaintext(&mut self, sc: &mut Scanner) {
        let start = self.pos;
        let end = find(self.b, start, |c| c == 0);
        if end > start {
            sc.text(self.slice(start, end));
        }
        self.pos = end;
        if end < self.b.len() {
            self.errors += 1;
            sc.text("\u{FFFD}");
            self.pos += 1;
        }
        self.mode = Mode::Plaintext;
    }
}

/// A tag or attribute name as html5ever delivers it: ASCII lowercased, NUL replaced.
fn lower(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|c| c.is_ascii_uppercase() || c == 0) {
        Cow::Owned(name.to_ascii_lowercase().replace('\0', "\u{FFFD}"))
    } else {
        Cow::Borrowed(name)
    }
}

/// Up to two characters a reference stands for.
pub(super) struct Decoded {
    buf: [u8; 8],
    len: usize,
}

impl Decoded {
    fn new(chars: impl IntoIterator<Item = char>) -> Self {
        let mut d = Decoded {
            buf: [0; 8],
            len: 0,
        };
        for c in chars {
            if let Some(slot) = d.buf.get_mut(d.len..) {
                d.len += c.encode_utf8(slot).len();
            }
        }
        d
    }

    pub(super) fn as_str(&self) -> &str {
        self.buf
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

/// Character reference state (§13.2.5.72-80) at `start`, just after an `&`: what it decodes to
/// and where reading resumes. `None`: the `&` stays as text and reading resumes at `start`.
///
/// Mirrors html5ever's `CharRefTokenizer`, so both paths agree on edge cases such as `&notit;`
/// (`¬` then `it;`) and `?a=1&amp=2` in an attribute (left as is, for historical reasons).
pub(super) fn char_ref(
    s: &str,
    start: usize,
    in_attribute: bool,
    errors: &mut usize,
) -> (Option<Decoded>, usize) {
    let b = s.as_bytes();
    match b.get(start) {
        Some(b'#') => numeric_ref(b, start, errors),
        Some(c) if c.is_ascii_alphanumeric() => named_ref(s, start, in_attribute, errors),
        _ => (None, start),
    }
}

fn numeric_ref(b: &[u8], start: usize, errors: &mut usize) -> (Option<Decoded>, usize) {
    let mut i = start + 1;
    let hex = matches!(b.get(i), Some(b'x' | b'X'));
    if hex {
        i += 1;
    }
    let base = if hex { 16 } else { 10 };
    let digits = i;
    let (mut num, mut too_big) = (0u32, false);
    while let Some(d) = b.get(i).and_then(|&c| char::from(c).to_digit(base)) {
        num = num.wrapping_mul(base);
        too_big |= num > 0x10FFFF;
        num = num.wrapping_add(d);
        i += 1;
    }
    if i == digits {
        *errors += 1;
        return (None, start);
    }
    if b.get(i) == Some(&b';') {
        i += 1;
    } else {
        *errors += 1;
    }
    let as_char = |n: u32| char::from_u32(n).unwrap_or('\u{FFFD}');
    let (c, error) = match num {
        n if n > 0x10FFFF || too_big => ('\u{FFFD}', true),
        0 | 0xD800..=0xDFFF => ('\u{FFFD}', true),
        // Windows-1252 meanings of C1 controls (§13.2.5.80 table).
        0x80..=0x9F => match C1_REPLACEMENTS
            .get((num - 0x80) as usize)
            .copied()
            .flatten()
        {
            Some(c) => (c, true),
            None => (as_char(num), true),
        },
        0x01..=0x08 | 0x0B | 0x0D..=0x1F | 0x7F | 0xFDD0..=0xFDEF => (as_char(num), true),
        n if n & 0xFFFE == 0xFFFE => (as_char(n), true),
        n => (as_char(n), false),
    };
    if error {
        *errors += 1;
    }
    (Some(Decoded::new([c])), i)
}

fn named_ref(
    s: &str,
    start: usize,
    in_attribute: bool,
    errors: &mut usize,
) -> (Option<Decoded>, usize) {
    let rest = s.get(start..).unwrap_or("");
    // Most references in mail are complete (`&nbsp;`, `&amp;`): no name continues past a `;`,
    // so a complete name up to the first `;` is the longest match, found with one lookup.
    let semi = rest
        .bytes()
        .take(33)
        .position(|c| !c.is_ascii_alphanumeric());
    let complete = semi
        .filter(|&e| rest.as_bytes().get(e) == Some(&b';'))
        .and_then(|e| Some((e, *rest.get(..=e).and_then(|n| NAMED_ENTITIES.get(n))?)))
        .filter(|&(_, (c1, _))| c1 != 0);
    if let Some((end, (c1, c2))) = complete {
        return (Some(decode_pair(c1, c2)), start + end + 1);
    }
    // The table holds every prefix of every name, complete names with a non-zero code point, so
    // the longest match is found one character at a time (names are at most 32 bytes).
    let mut matched: Option<((u32, u32), usize)> = None;
    let mut end_char = None;
    let mut consumed = 0;
    for (i, c) in rest.char_indices() {
        consumed = i + c.len_utf8();
        match rest.get(..consumed).and_then(|n| NAMED_ENTITIES.get(n)) {
            Some(&m) if m.0 != 0 => matched = Some((m, consumed)),
            Some(_) => {}
            None => {
                end_char = Some(c);
                break;
            }
        }
    }
    let Some(((c1, c2), len)) = matched else {
        match end_char {
            Some(c) if c.is_ascii_alphanumeric() => {
                let after = find(s.as_bytes(), start + consumed, |c| {
                    !c.is_ascii_alphanumeric()
                });
                if s.as_bytes().get(after) == Some(&b';') {
                    *errors += 1;
                }
            }
            Some(';') if consumed > 1 => *errors += 1,
            _ => {}
        }
        return (None, start);
    };
    let semicolon = rest.as_bytes().get(len - 1) == Some(&b';');
    if !semicolon {
        let next = rest.get(len..).and_then(|r| r.chars().next());
        if in_attribute && next.is_some_and(|c| c == '=' || c.is_ascii_alphanumeric()) {
            return (None, start);
        }
        *errors += 1;
    }
    (Some(decode_pair(c1, c2)), start + len)
}

/// The one or two code points of a named reference (the second is 0 when absent).
fn decode_pair(c1: u32, c2: u32) -> Decoded {
    Decoded::new(
        [c1, c2]
            .into_iter()
            .filter(|&c| c != 0)
            .filter_map(char::from_u32),
    )
}
