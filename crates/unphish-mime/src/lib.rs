//! MIME parsing for unphish: a best-effort parse that never fails, with the defects found on the way,
//! and readable text for every body part (declared charset, or detected when none is declared).
//!
//! The heavy lifting is mail-parser's; this crate adds what an analyser needs around it: a panic
//! boundary (the library promises never to panic and has broken that promise before), a screen
//! that bounds what the library would otherwise spend on hostile input ([`screen`], then
//! [`Screened::parse`]), charset detection for undeclared 8-bit text, and raw header access for
//! quoting.

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

/// Bounds on what one message may cost. Hitting one records a defect; analysis goes on with what
/// was kept.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Bytes of the message that are parsed at all.
    pub max_message_bytes: usize,
    /// Header fields of the top-level header kept. Real mail has tens to a few hundred; beyond
    /// the bound the first half and the last half are kept (see [`parse`]).
    pub max_header_fields: usize,
    /// Bytes of one top-level header field kept (folding included); the rest of the field is cut.
    pub max_header_bytes: usize,
    /// `Content-Type` fields that can nest a message (`message/*`, `multipart/digest`) honoured
    /// in the raw message; later ones are disabled. mail-parser builds nested messages as nested
    /// values, so a long chain costs memory per level and recursion when dropped.
    pub max_embedded_messages: usize,
    /// Lines starting with `--` (possible MIME boundaries) before the input is cut: mail-parser
    /// allocates a part for each boundary it meets.
    pub max_boundary_lines: usize,
    /// MIME parts examined for text, links and attachments.
    pub max_parts: usize,
    /// Multipart levels examined: parts nested deeper are left out.
    pub max_mime_depth: usize,
    /// Bytes of decoded text kept per part.
    pub max_text_bytes: usize,
    /// Work per message: bytes of decoded text examined over all parts together.
    pub max_total_text_bytes: usize,
    /// Decoded size above which an attachment is listed but neither hashed nor scanned.
    pub max_attachment_bytes: usize,
    /// Nested `message/rfc822` levels analysed as messages of their own.
    pub max_nested_messages: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 64 << 20,
            max_header_fields: 1000,
            max_header_bytes: 64 << 10,
            max_embedded_messages: 64,
            max_boundary_lines: 20_000,
            max_parts: 1000,
            max_mime_depth: 32,
            max_text_bytes: 2 << 20,
            max_total_text_bytes: 16 << 20,
            max_attachment_bytes: 32 << 20,
            max_nested_messages: 8,
        }
    }
}

/// The result of parsing: the message when anything could be parsed, and what was wrong.
pub struct Parsed<'a> {
    pub message: Option<Message<'a>>,
    pub defects: Vec<Defect>,
}

/// The bytes mail-parser is given: the input itself, a prefix of it, or a bounded rewrite, with
/// the defects that say what the screen changed.
///
/// Parsing borrows from this value, so a rewrite costs one copy of the input. (Turning a parse of
/// a temporary buffer into an owned message instead would copy the whole buffer once per nested
/// message, which mail-parser keeps as the raw bytes of each level.)
pub struct Screened<'a> {
    pub bytes: Cow<'a, [u8]>,
    pub defects: Vec<Defect>,
}

impl Screened<'_> {
    /// Parses the screened bytes. Never panics and never fails: an unparseable input gives
    /// `message: None` and a defect saying why.
    pub fn parse(&self) -> Parsed<'_> {
        let mut defects = self.defects.clone();
        if self.bytes.is_empty() {
            return Parsed {
                message: None,
                defects,
            };
        }
        let (message, failure) = parse_bytes(&self.bytes);
        defects.extend(failure);
        Parsed { message, defects }
    }
}

/// Enforces, in linear passes over the raw bytes and before mail-parser sees them, the bounds the
/// library itself has none for: the message size, MIME boundary lines, embedded messages, and
/// the number and size of top-level header fields.
pub fn screen<'a>(raw: &'a [u8], limits: &Limits) -> Screened<'a> {
    let mut defects = Vec::new();
    let mut input = if raw.len() > limits.max_message_bytes {
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
        return Screened {
            bytes: Cow::Borrowed(input),
            defects,
        };
    }
    if input.contains(&0) {
        defects.push(Defect::new(
            "mime.nul_bytes",
            "the message contains NUL bytes",
        ));
    }
    if std::str::from_utf8(header_block(input)).is_err() {
        // RFC 5322 headers are ASCII and RFC 6532 allows UTF-8; anything else is raw 8-bit text
        // written without encoded-words, a mark of bulk-mail tooling. It is still decoded (see
        // `header_text`), so this is a note, not a loss.
        defects.push(Defect::new(
            "mime.header_8bit",
            "the header contains bytes that are not valid UTF-8 (raw 8-bit text without RFC 2047 encoding)",
        ));
    }
    if let Some(cut) = boundary_cut(input, limits.max_boundary_lines) {
        defects.push(Defect::new(
            "limit.boundaries",
            format!(
                "the message has more than {} MIME boundary lines; only the first {cut} bytes, before the next one, were parsed",
                limits.max_boundary_lines
            ),
        ));
        input = input.get(..cut).unwrap_or(input);
    }
    let mut owned: Option<Vec<u8>> = None;
    if let Some((rewritten, declared)) = neutralise_embedded(input, limits.max_embedded_messages) {
        defects.push(Defect::new(
            "limit.embedded_messages",
            format!(
                "the message has {declared} Content-Type fields that can nest a message (message/*, multipart/digest); beyond the first {} they were disabled and those parts read as plain text",
                limits.max_embedded_messages
            ),
        ));
        owned = Some(rewritten);
    }
    if let Some(rewritten) = screen_header(owned.as_deref().unwrap_or(input), limits, &mut defects)
    {
        owned = Some(rewritten);
    }
    Screened {
        bytes: owned.map_or(Cow::Borrowed(input), Cow::Owned),
        defects,
    }
}

/// [`screen`] and parse in one call, for callers that cannot keep the [`Screened`] bytes alive.
///
/// When the screen had to rewrite the input, the parsed message is copied into an owned one, and
/// mail-parser's owned copy repeats the whole buffer for every nested message (up to
/// `max_embedded_messages` of them): analysis code uses `screen(raw, limits).parse()` instead.
pub fn parse<'a>(raw: &'a [u8], limits: &Limits) -> Parsed<'a> {
    let screened = screen(raw, limits);
    match screened.bytes {
        Cow::Borrowed(bytes) => {
            let mut defects = screened.defects;
            if bytes.is_empty() {
                return Parsed {
                    message: None,
                    defects,
                };
            }
            let (message, failure) = parse_bytes(bytes);
            defects.extend(failure);
            Parsed { message, defects }
        }
        Cow::Owned(ref bytes) => {
            let mut defects = screened.defects.clone();
            let (message, failure) = parse_bytes(bytes);
            defects.extend(failure);
            Parsed {
                message: message.map(Message::into_owned),
                defects,
            }
        }
    }
}

/// Where the `max + 1`st line starting with `--` begins, if there is one.
///
/// mail-parser allocates a part, with its headers, for every boundary it meets, so 64 MB of tiny
/// parts would cost gigabytes. Lines that merely look like delimiters (a `-- ` signature, a
/// dashed rule) count too, which only matters far past any real message.
fn boundary_cut(input: &[u8], max: usize) -> Option<usize> {
    // `--` at the very start, then after every newline; memmem finds them at memory speed, which
    // matters because this pass reads every byte of every message.
    let starts = input
        .starts_with(b"--")
        .then_some(0)
        .into_iter()
        .chain(memchr::memmem::find_iter(input, b"\n--").map(|p| p + 1));
    starts
        .enumerate()
        .find(|&(seen, _)| seen >= max)
        .map(|(_, pos)| pos)
}

/// `s` with every CR that precedes an LF removed (found with memchr: text parts of CRLF mail are
/// long). Only ASCII bytes are removed, so the result is as valid UTF-8 as the input.
fn crlf_to_lf(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut last = 0;
    for i in memchr::memchr_iter(b'\r', b) {
        if b.get(i + 1) == Some(&b'\n') {
            out.extend_from_slice(b.get(last..i).unwrap_or_default());
            last = i + 1;
        }
    }
    out.extend_from_slice(b.get(last..).unwrap_or_default());
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The end of the line starting at `pos` (after its `\n`, or the end of the input).
fn line_end(input: &[u8], pos: usize) -> usize {
    input
        .get(pos..)
        .and_then(|rest| memchr::memchr(b'\n', rest))
        .map_or(input.len(), |nl| pos + nl + 1)
}

/// The top-level header: everything before the first empty line.
fn header_block(input: &[u8]) -> &[u8] {
    if input.starts_with(b"\n") || input.starts_with(b"\r\n") {
        return &[];
    }
    let lf = memchr::memmem::find(input, b"\n\n");
    // A CRLF blank line can only end the header before the first LF one.
    let crlf = memchr::memmem::find(
        input
            .get(..lf.map_or(input.len(), |p| p + 2))
            .unwrap_or(input),
        b"\n\r\n",
    );
    let end = lf
        .into_iter()
        .chain(crlf)
        .min()
        .map_or(input.len(), |p| p + 1);
    input.get(..end).unwrap_or(input)
}

/// mail-parser behind a panic boundary, with the defect for each way it can give up.
fn parse_bytes(input: &[u8]) -> (Option<Message<'_>>, Option<Defect>) {
    // mail-parser documents that it never panics, but releases have broken that twice; a crafted
    // message must cost one report, not the whole run.
    match std::panic::catch_unwind(|| MessageParser::default().parse(input)) {
        Ok(Some(message)) => {
            let defect = message.headers().is_empty().then(|| {
                Defect::new(
                    "mime.no_headers",
                    "no header fields could be read; the input may not be an e-mail message",
                )
            });
            (Some(message), defect)
        }
        Ok(None) => (
            None,
            Some(Defect::new(
                "mime.unparseable",
                "the input could not be parsed as a message",
            )),
        ),
        Err(_) => (
            None,
            Some(Defect::new(
                "mime.parser_panic",
                "the MIME parser failed on this input; the message was analysed without its structure",
            )),
        ),
    }
}

/// Every `Content-Type` field of the raw bytes, at any level: where its first line starts, and
/// whether it could nest a message, that is names `message/...` or `multipart/digest` (whose
/// untyped children are messages, RFC 2046 §5.1.5).
///
/// mail-parser reads media types leniently (comments, spaces around the slash, quotes), so the
/// test is a plain substring search of the whole field rather than a grammar that an attacker
/// could step around.
fn content_type_fields(input: &[u8], mut f: impl FnMut(usize, bool)) {
    const NAME: &[u8] = b"content-type";
    let mut pos = 0usize;
    let mut field: Option<(usize, bool)> = None;
    while pos < input.len() {
        let end = line_end(input, pos);
        let line = input.get(pos..end).unwrap_or_default();
        let continuation = matches!(line.first(), Some(b' ' | b'\t'));
        if !continuation && let Some((start, nests)) = field.take() {
            f(start, nests);
        }
        if continuation {
            if let Some((_, nests)) = &mut field {
                *nests |= names_nesting_type(line);
            }
        } else if line
            .get(..NAME.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(NAME))
            && line
                .get(NAME.len()..)
                .unwrap_or_default()
                .iter()
                .find(|&&b| b != b' ' && b != b'\t')
                == Some(&b':')
        {
            field = Some((pos, names_nesting_type(line)));
        }
        pos = end;
    }
    if let Some((start, nests)) = field {
        f(start, nests);
    }
}

fn names_nesting_type(line: &[u8]) -> bool {
    let has = |needle: &[u8]| {
        line.windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    has(b"message") || has(b"digest")
}

/// When more `Content-Type` fields than `max` could nest a message, a copy in which each one
/// after the first `max` is disabled (`Content-Type` becomes `Xontent-Type`), and how many there
/// were.
///
/// mail-parser builds nested messages as nested values, so a chain thousands deep costs memory
/// per level and recursion when it is dropped (a stack overflow is an abort, not a panic).
/// Disabling the field instead of cutting the input keeps the rest readable as plain text.
fn neutralise_embedded(input: &[u8], max: usize) -> Option<(Vec<u8>, usize)> {
    let mut count = 0usize;
    content_type_fields(input, |_, nests| count += usize::from(nests));
    if count <= max {
        return None;
    }
    let mut out = input.to_vec();
    let mut seen = 0usize;
    content_type_fields(input, |start, nests| {
        if nests {
            seen += 1;
            if seen > max
                && let Some(first) = out.get_mut(start)
            {
                *first = b'X';
            }
        }
    });
    Some((out, count))
}

/// Checks the top-level header against the field count and size bounds in one linear pass, and
/// returns a rewritten message when a bound was hit.
///
/// Too many fields: the first half and the last half of the bound are kept. Trace fields are
/// prepended by each server (RFC 5322 §3.6.7), so the top holds the newest hops, the ones the
/// receiving side wrote and the origin is read from; the originator fields (From, Subject,
/// Content-Type) that the sender wrote sit at the bottom. Padding goes in between.
fn screen_header(input: &[u8], limits: &Limits, defects: &mut Vec<Defect>) -> Option<Vec<u8>> {
    let keep_top = limits.max_header_fields.div_ceil(2);
    let keep_bottom = limits.max_header_fields - keep_top;
    let mut top: Vec<(usize, usize)> = Vec::new();
    let mut bottom: std::collections::VecDeque<(usize, usize)> = std::collections::VecDeque::new();
    let mut fields = 0usize;
    let mut oversized = 0usize;
    let mut longest = 0usize;
    let mut current: Option<(usize, usize)> = None;
    let mut pos = 0usize;
    let mut body_start = input.len();
    let mut finish = |field: (usize, usize)| {
        fields += 1;
        let len = field.1 - field.0;
        if len > limits.max_header_bytes {
            oversized += 1;
            longest = longest.max(len);
        }
        if top.len() < keep_top {
            top.push(field);
        } else {
            bottom.push_back(field);
            if bottom.len() > keep_bottom {
                bottom.pop_front();
            }
        }
    };
    while pos < input.len() {
        let end = line_end(input, pos);
        let line = input.get(pos..end).unwrap_or_default();
        if line == b"\n" || line == b"\r\n" {
            body_start = pos;
            break;
        }
        match (&mut current, line.first()) {
            (Some(field), Some(b' ' | b'\t')) => field.1 = end,
            _ => {
                if let Some(field) = current.take() {
                    finish(field);
                }
                current = Some((pos, end));
            }
        }
        pos = end;
    }
    if let Some(field) = current.take() {
        finish(field);
    }
    if fields <= limits.max_header_fields && oversized == 0 {
        return None;
    }
    if fields > limits.max_header_fields {
        defects.push(Defect::new(
            "limit.header_fields",
            format!(
                "the header has {fields} fields; only the first {} and the last {} were examined",
                top.len(),
                bottom.len()
            ),
        ));
    }
    if oversized > 0 {
        defects.push(Defect::new(
            "limit.header_size",
            format!(
                "{oversized} header field(s) are longer than {} bytes (the longest {longest}); only their first {} bytes were examined",
                limits.max_header_bytes, limits.max_header_bytes
            ),
        ));
    }
    let mut out = Vec::with_capacity(input.len().min(limits.max_message_bytes));
    for &(start, end) in top.iter().chain(bottom.iter()) {
        let field = input.get(start..end).unwrap_or_default();
        if field.len() <= limits.max_header_bytes {
            out.extend_from_slice(field);
            continue;
        }
        let eol: &[u8] = if field.ends_with(b"\r\n") {
            b"\r\n"
        } else {
            b"\n"
        };
        let mut head = field.get(..limits.max_header_bytes).unwrap_or_default();
        while let [rest @ .., b'\r' | b'\n'] = head {
            head = rest;
        }
        out.extend_from_slice(head);
        out.extend_from_slice(eol);
    }
    out.extend_from_slice(input.get(body_start..).unwrap_or_default());
    Some(out)
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
    // A map, not a list searched per field: 100,000 distinct names made the list quadratic.
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    let mut out = Vec::with_capacity(msg.headers().len());
    for h in msg.headers() {
        let name = h.name.as_str();
        let count = counts.entry(name.to_ascii_lowercase()).or_insert(0);
        let index = *count;
        *count += 1;
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
    let depths = part_depths(msg);
    let deepest = depths.iter().copied().max().unwrap_or(0);
    if deepest > limits.max_mime_depth {
        defects.push(Defect::new(
            "limit.mime_depth",
            format!(
                "multipart parts are nested {deepest} levels deep; parts below level {} were not examined",
                limits.max_mime_depth
            ),
        ));
    }
    let mut budget = limits.max_total_text_bytes;
    for (index, part) in msg.parts.iter().enumerate().take(limits.max_parts) {
        let (text, html) = match &part.body {
            PartType::Text(t) => (t, false),
            PartType::Html(t) => (t, true),
            _ => continue,
        };
        if depths
            .get(index)
            .is_some_and(|&d| d > limits.max_mime_depth)
        {
            continue;
        }
        if budget == 0 {
            defects.push(Defect::new(
                "limit.work",
                format!(
                    "the text parts hold more than {} bytes in all; part {index} and the text parts after it were not examined",
                    limits.max_total_text_bytes
                ),
            ));
            break;
        }
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
            text = crlf_to_lf(&text);
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
        budget = budget.saturating_sub(text.len());
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

/// The multipart nesting level of every part of `msg` (the root is 0), by index.
///
/// mail-parser keeps parts flat with child indexes, a parent before its children, so one pass in
/// index order is enough, with no recursion however deep the nesting.
pub fn part_depths(msg: &Message<'_>) -> Vec<usize> {
    let mut depths = vec![0usize; msg.parts.len()];
    for (index, part) in msg.parts.iter().enumerate() {
        if let PartType::Multipart(children) = &part.body {
            let depth = depths.get(index).copied().unwrap_or(0) + 1;
            for &child in children {
                // A child listed before its parent would be a library bug; its depth stays put.
                if (child as usize) > index
                    && let Some(d) = depths.get_mut(child as usize)
                {
                    *d = depth;
                }
            }
        }
    }
    depths
}

/// Whether a part is meant as a file rather than a body.
pub fn is_attachment(part: &MessagePart<'_>) -> bool {
    part.content_disposition()
        .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"))
        || part.attachment_name().is_some() && !part.is_text()
}

/// The body bytes of a part of `msg`, transfer decoding undone: for a `message/rfc822` part, the
/// attached message exactly as it would be saved to a file. `None` when the encoding is broken.
pub fn part_bytes(msg: &Message<'_>, part: &MessagePart<'_>) -> Option<Vec<u8>> {
    transfer_decoded(part, msg.raw_message())
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
    fn crlf_becomes_lf_and_lone_cr_stays() {
        assert_eq!(crlf_to_lf("a\r\nb\rc\r\n\r\nd\r"), "a\nb\rc\n\nd\r");
        assert_eq!(crlf_to_lf("日本\r\n語"), "日本\n語");
        assert_eq!(crlf_to_lf(""), "");
    }

    #[test]
    fn empty_input_is_a_defect_not_an_error() {
        let s = screen(b"", &Limits::default());
        let p = s.parse();
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
        let s = screen(&m, &limits);
        let p = s.parse();
        assert!(p.message.is_some());
        assert!(p.defects.iter().any(|d| d.code == "limit.message_size"));
    }

    fn codes(defects: &[Defect]) -> Vec<&str> {
        defects.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn too_many_header_fields_keep_top_and_bottom() {
        let mut m = Vec::new();
        m.extend_from_slice(b"Received: from top.example by mx.example\r\n");
        for i in 0..50 {
            m.extend_from_slice(format!("X-Pad-{i}: x\r\n").as_bytes());
        }
        m.extend_from_slice(b"Subject: kept\r\nFrom: a@b.example\r\n\r\nthe body\r\n");
        let limits = Limits {
            max_header_fields: 10,
            ..Limits::default()
        };
        let s = screen(&m, &limits);
        let p = s.parse();
        assert!(
            codes(&p.defects).contains(&"limit.header_fields"),
            "{:?}",
            p.defects
        );
        let msg = p.message.unwrap();
        assert_eq!(msg.headers().len(), 10);
        assert_eq!(header_text(&msg, "Subject").as_deref(), Some("kept"));
        assert!(msg.headers().iter().any(|h| h.name.as_str() == "Received"));
        assert!(!msg.headers().iter().any(|h| h.name.as_str() == "X-Pad-30"));
        let parts = text_parts(&msg, &limits, &mut Vec::new());
        assert!(parts[0].text.contains("the body"));
    }

    #[test]
    fn oversized_header_field_is_cut_and_the_body_kept() {
        let mut m = b"Subject: ".to_vec();
        m.extend(std::iter::repeat_n(b'a', 5000));
        m.extend_from_slice(b"\r\n\tfolded tail\r\nFrom: a@b.example\r\n\r\nthe body\r\n");
        let limits = Limits {
            max_header_bytes: 100,
            ..Limits::default()
        };
        let s = screen(&m, &limits);
        let p = s.parse();
        assert!(
            codes(&p.defects).contains(&"limit.header_size"),
            "{:?}",
            p.defects
        );
        let msg = p.message.unwrap();
        let subject = header_text(&msg, "Subject").unwrap();
        assert!(
            subject.len() <= 100 && subject.starts_with("aaa"),
            "{subject}"
        );
        assert!(msg.from().is_some());
        let parts = text_parts(&msg, &limits, &mut Vec::new());
        assert!(parts[0].text.contains("the body"));
    }

    #[test]
    fn raw_8bit_header_is_noted() {
        let s = screen(
            b"Subject: \xff\xfe\r\n\r\nbody \xff\r\n",
            &Limits::default(),
        );
        assert_eq!(codes(&s.defects), ["mime.header_8bit"]);
        let s = screen(
            "Subject: 日本語\r\n\r\nbody \u{ff}\r\n".as_bytes(),
            &Limits::default(),
        );
        assert!(s.defects.is_empty(), "{:?}", s.defects);
        let s = screen(b"Subject: a\n\nbody \xff\r\n", &Limits::default());
        let p = s.parse();
        assert!(p.defects.is_empty(), "{:?}", p.defects);
    }

    #[test]
    fn headers_within_bounds_are_not_rewritten() {
        let m = b"Subject: s\r\nFrom: a@b.example\r\n\r\nbody\r\n";
        let s = screen(m, &Limits::default());
        let p = s.parse();
        assert!(p.defects.is_empty(), "{:?}", p.defects);
        assert!(std::ptr::eq(
            p.message.unwrap().raw_message().as_ptr(),
            m.as_ptr()
        ));
    }

    #[test]
    fn embedded_message_chain_beyond_the_bound_is_read_as_opaque() {
        let mut m = Vec::new();
        for i in 0..20 {
            m.extend_from_slice(
                format!("From: l{i}@n.example\r\nSubject: level {i}\r\nContent-Type: Message/RFC822\r\n\r\n").as_bytes(),
            );
        }
        m.extend_from_slice(b"Subject: inner\r\n\r\ninnermost\r\n");
        let limits = Limits {
            max_embedded_messages: 5,
            ..Limits::default()
        };
        let s = screen(&m, &limits);
        let p = s.parse();
        assert!(
            codes(&p.defects).contains(&"limit.embedded_messages"),
            "{:?}",
            p.defects
        );
        let mut depth = 0;
        let mut msg = p.message.unwrap();
        while let Some(inner) = msg.parts.iter().find_map(|p| match &p.body {
            PartType::Message(m) => Some(m.clone()),
            _ => None,
        }) {
            msg = inner;
            depth += 1;
        }
        assert_eq!(depth, 5);
    }

    #[test]
    fn lenient_media_type_spellings_are_disabled_too() {
        // mail-parser accepts all of these as message/rfc822; a chain of them must not escape.
        for ct in [
            "message/rfc822",
            "message/ rfc822",
            "message /rfc822",
            "message/(c)rfc822",
            "\"message/rfc822\"",
            "multipart/digest; boundary=d",
        ] {
            let mut m = Vec::new();
            for i in 0..10 {
                m.extend_from_slice(
                    format!("Subject: level {i}\r\ncontent-type :\r\n  {ct}\r\n\r\n").as_bytes(),
                );
            }
            let limits = Limits {
                max_embedded_messages: 3,
                ..Limits::default()
            };
            let s = screen(&m, &limits);
            assert!(
                codes(&s.defects).contains(&"limit.embedded_messages"),
                "{ct}: {:?}",
                s.defects
            );
            assert_eq!(
                s.bytes
                    .windows(13)
                    .filter(|w| w == b"Xontent-type ")
                    .count(),
                7,
                "{ct}"
            );
        }
    }

    #[test]
    fn boundary_lines_beyond_the_bound_cut_the_input() {
        let mut m = b"Content-Type: multipart/mixed; boundary=a\r\n\r\n".to_vec();
        for i in 0..100 {
            m.extend_from_slice(format!("--a\r\n\r\npart {i}\r\n").as_bytes());
        }
        let limits = Limits {
            max_boundary_lines: 10,
            ..Limits::default()
        };
        let s = screen(&m, &limits);
        assert!(
            codes(&s.defects).contains(&"limit.boundaries"),
            "{:?}",
            s.defects
        );
        assert!(s.bytes.ends_with(b"part 9\r\n"));
        assert_eq!(s.parse().message.unwrap().parts.len(), 11);
    }

    #[test]
    fn part_depths_follow_multipart_nesting() {
        let m = b"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\ndeep\r\n--b--\r\n--a\r\nContent-Type: text/plain\r\n\r\nshallow\r\n--a--\r\n";
        let s = screen(m, &Limits::default());
        let p = s.parse();
        let msg = p.message.unwrap();
        let depths = part_depths(&msg);
        assert_eq!(depths, vec![0, 1, 2, 1]);
        let limits = Limits {
            max_mime_depth: 1,
            ..Limits::default()
        };
        let mut defects = Vec::new();
        let parts = text_parts(&msg, &limits, &mut defects);
        assert!(codes(&defects).contains(&"limit.mime_depth"));
        assert_eq!(parts.len(), 1);
        assert!(parts[0].text.contains("shallow"));
    }

    #[test]
    fn total_text_budget_stops_further_parts() {
        let mut m = b"Content-Type: multipart/mixed; boundary=a\r\n\r\n".to_vec();
        for i in 0..5 {
            m.extend_from_slice(
                format!("--a\r\nContent-Type: text/plain\r\n\r\npart {i} 0123456789\r\n")
                    .as_bytes(),
            );
        }
        m.extend_from_slice(b"--a--\r\n");
        let limits = Limits {
            max_total_text_bytes: 30,
            ..Limits::default()
        };
        let s = screen(&m, &limits);
        let msg = s.parse().message.unwrap();
        let mut defects = Vec::new();
        let parts = text_parts(&msg, &limits, &mut defects);
        assert!(codes(&defects).contains(&"limit.work"), "{defects:?}");
        assert_eq!(parts.len(), 2);
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
        let s = screen(&m, &Limits::default());
        let p = s.parse();
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
        let s = screen(m.as_bytes(), &Limits::default());
        let p = s.parse();
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
        let s = screen(&m, &Limits::default());
        let p = s.parse();
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
        let s = screen(m, &Limits::default());
        let p = s.parse();
        let msg = p.message.unwrap();
        let hs = raw_headers(&msg);
        assert_eq!(hs[1].index, 1);
        assert_eq!(hs[1].unfolded_line(), "Received: from c by d");
        assert_eq!(hs[2].index, 0);
    }
}
