//! HTML scanning: every link with its visible text, the text a reader sees, the text hidden from
//! them, and counts of forms, images and scripts.
//!
//! Built on a tokenizer rather than a tree builder: an attacker controls the markup, and a token
//! stream is linear in time with memory bounded by the limits below, whatever the nesting depth.
//! The price is that implied end tags are approximated (see `Scanner::open`).
//!
//! Two tokenizers feed the same `Scanner`, so the link, text and hiding rules live in one
//! place: the byte-level one in `html/fast.rs` reads nearly every real body, several times
//! faster than html5ever's, and hands what it does not imitate exactly to html5ever's (see
//! [`scan_html_fast`] and the differential test in `tests/html.rs`).

use std::cell::RefCell;
use std::collections::BTreeSet;

use html5ever::TokenizerResult;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use crate::links::{LinkLimits, RawLink, text_links};
use crate::model::{HtmlStats, LinkKind};

mod fast;

/// Bounds on what one HTML body may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HtmlLimits {
    /// Most links kept (tag links first, then URLs written in the text).
    pub max_links: usize,
    /// Most bytes of visible text kept; the same cap applies to hidden text.
    pub max_text_bytes: usize,
}

/// Bytes of markup read at most; the rest is ignored and the scan marked truncated.
pub const MAX_INPUT_BYTES: usize = 32 << 20;

/// Tokenizer parse errors tolerated before the rest of the markup is ignored: html5ever formats a
/// message for each one, which makes junk like 50 MB of `<` slow (about 0.5 µs a character in a
/// debug build) while well-formed markup of the same size takes a fraction of that. Real bodies
/// produce hundreds at most.
pub const MAX_PARSE_ERRORS: usize = 100_000;

impl Default for HtmlLimits {
    fn default() -> Self {
        HtmlLimits {
            max_links: 500,
            max_text_bytes: 1 << 20,
        }
    }
}

/// What [`scan_html`] found in one HTML body.
#[derive(Debug, Clone, Default)]
pub struct HtmlScan {
    /// Tag links in document order (anchors when they close), then plain-text URLs.
    pub links: Vec<RawLink>,
    /// Text a mail client shows, whitespace-collapsed, block elements on their own lines.
    pub visible_text: String,
    /// Text inside elements styled or marked to be invisible.
    pub hidden_text: String,
    pub stats: HtmlStats,
    /// A limit was reached: links or text were left out.
    pub truncated: bool,
}

/// Scans one HTML body. Never fails and never fetches anything.
///
/// `stats.visible_chars` and `stats.hidden_chars` count non-whitespace characters of the whole
/// body, beyond the text caps; `hidden_chars` also counts zero-width characters, which are dropped
/// from the visible text because they exist to split words that filters look for.
pub fn scan_html(html: &str, part: usize, limits: &HtmlLimits) -> HtmlScan {
    scan_html_fast(html, part, limits).unwrap_or_else(|| scan_html_reference(html, part, limits))
}

/// The markup within [`MAX_INPUT_BYTES`], cut on a char boundary.
fn within_cap(html: &str) -> &str {
    let mut cut = MAX_INPUT_BYTES.min(html.len());
    while !html.is_char_boundary(cut) {
        cut -= 1;
    }
    html.get(..cut).unwrap_or("")
}

/// The scan by the byte-level tokenizer in `html/fast.rs` alone; `None` where it hands the body
/// over to html5ever (script data with `<!--`, many parse errors). Public for the differential
/// test against [`scan_html_reference`].
#[doc(hidden)]
pub fn scan_html_fast(html: &str, part: usize, limits: &HtmlLimits) -> Option<HtmlScan> {
    let markup = within_cap(html);
    let mut scanner = Scanner::new(part, limits);
    scanner.truncated = markup.len() < html.len();
    fast::tokenize(markup, &mut scanner).ok()?;
    Some(scanner.finish())
}

/// The scan by html5ever's tokenizer alone: the reference the fast path must agree with, and
/// the fallback for what the fast path does not handle.
#[doc(hidden)]
pub fn scan_html_reference(html: &str, part: usize, limits: &HtmlLimits) -> HtmlScan {
    let markup = within_cap(html);
    let sink = Sink(RefCell::new(Scanner::new(part, limits)));
    sink.0.borrow_mut().truncated = markup.len() < html.len();
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    // Feeding in slices keeps the tokenizer's copy of the input small, far from tendril's 4 GiB
    // length limit, and lets the error budget be checked as the markup is read.
    for chunk in chunks(markup, 64 << 10) {
        input.push_back(StrTendril::from_slice(chunk));
        while !input.is_empty() {
            if let TokenizerResult::Done = tokenizer.feed(&input) {
                break;
            }
        }
        let mut scanner = tokenizer.sink.0.borrow_mut();
        if scanner.parse_errors > MAX_PARSE_ERRORS {
            scanner.truncated = true;
            break;
        }
    }
    tokenizer.end();
    tokenizer.sink.0.into_inner().finish()
}

/// Splits `s` into pieces of about `size` bytes, on char boundaries.
fn chunks(s: &str, size: usize) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut cut = size.min(rest.len());
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let (head, tail) = rest.split_at_checked(cut)?;
        rest = tail;
        Some(head)
    })
}

/// Deeper nesting than this inherits the hidden state of the deepest tracked element.
const MAX_DEPTH: usize = 256;
/// Anchor text longer than this is cut: it is evidence to quote, not content.
const MAX_ANCHOR_CHARS: usize = 300;

struct Sink(RefCell<Scanner>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut s = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => {
                    return match s.start_tag(&tag.name, &tag) {
                        Content::Normal => TokenSinkResult::Continue,
                        Content::Rcdata => TokenSinkResult::RawData(RawKind::Rcdata),
                        Content::Rawtext => TokenSinkResult::RawData(RawKind::Rawtext),
                        Content::Script => TokenSinkResult::RawData(RawKind::ScriptData),
                        Content::Plaintext => TokenSinkResult::Plaintext,
                    };
                }
                TagKind::EndTag => s.end_tag(&tag.name),
            },
            Token::CharacterTokens(text) => s.text(&text),
            Token::ParseError(_) => s.parse_errors += 1,
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// An open element, for hidden-state tracking.
///
/// The three ways of hiding inherit differently in CSS: nothing inside `display:none` can show,
/// but a child may set its own `font-size` or `visibility:visible`. Email templates (MJML and
/// its kin) put `font-size:0` on every layout cell to kill gaps and reset it on the text inside,
/// so treating zero font as final would hide whole newsletters.
#[derive(Debug, Clone, Copy, Default)]
struct Hiding {
    gone: bool,
    zero_font: bool,
    invisible: bool,
}

impl Hiding {
    fn hidden(self) -> bool {
        self.gone || self.zero_font || self.invisible
    }

    /// The state of a child element with the given markup.
    fn child<A: Attrs + ?Sized>(self, name: &str, attrs: &A) -> Hiding {
        let mut h = self;
        if name == "template" || attrs.get("hidden").is_some() {
            h.gone = true;
        }
        if let Some(style) = attrs.get("style") {
            let css = parse_style(style);
            h.gone |= css.gone;
            h.zero_font = css.zero_font.unwrap_or(h.zero_font);
            h.invisible = css.invisible.unwrap_or(h.invisible);
        }
        h
    }
}

struct Open {
    name: TagName,
    hiding: Hiding,
}

/// How the tokenizer must read an element's content (HTML "parsing HTML fragments", step 4):
/// without a tree builder it cannot know that `<style>a<b</style>` holds no tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    Normal,
    /// Text with character references, up to the matching end tag (`title`, `textarea`).
    Rcdata,
    /// Text without character references (`style`, `xmp`, `iframe`, `noembed`, `noframes`).
    Rawtext,
    /// `script`: like raw text, plus the `<!--` escape states.
    Script,
    /// Everything after `<plaintext>` is text.
    Plaintext,
}

/// Every attribute name the scanner asks [`Attrs::get`] for. The fast tokenizer keeps only
/// these, which bounds its memory on a tag with millions of attributes and spares decoding
/// values nobody reads; asking for another name is a bug, caught by a debug assertion.
const ATTRIBUTES_READ: [&str; 11] = [
    "href",
    "xlink:href",
    "alt",
    "action",
    "formaction",
    "type",
    "http-equiv",
    "content",
    "src",
    "hidden",
    "style",
];

/// A start tag's attributes, whichever tokenizer read them. The first of duplicate names counts,
/// as in HTML.
trait Attrs {
    fn get(&self, name: &str) -> Option<&str>;
}

impl Attrs for Tag {
    fn get(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| &*a.name.local == name)
            .map(|a| &*a.value)
    }
}

/// An element name, stored inline when short (every standard one is) so the hidden-state stack
/// costs no allocation per element.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TagName {
    Inline { len: u8, buf: [u8; 22] },
    Long(Box<str>),
}

impl TagName {
    fn new(name: &str) -> Self {
        let mut buf = [0u8; 22];
        match buf.get_mut(..name.len()) {
            Some(head) => {
                head.copy_from_slice(name.as_bytes());
                TagName::Inline {
                    len: name.len() as u8,
                    buf,
                }
            }
            None => TagName::Long(name.into()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            TagName::Inline { len, buf } => buf
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or(""),
            TagName::Long(s) => s,
        }
    }
}

/// The `<a>` being read.
struct Anchor {
    href: String,
    text: Collapsed,
    alt: Collapsed,
}

struct Scanner {
    part: usize,
    max_links: usize,
    links: Vec<RawLink>,
    /// (kind, target, text) already emitted: a newsletter repeats the same link many times.
    seen: BTreeSet<(u8, String, Option<String>)>,
    anchor_hrefs: BTreeSet<String>,
    base: Option<String>,
    visible: Collapsed,
    hidden: Collapsed,
    /// Visible text outside anchors, where plain-text URLs are looked for: a URL shown as anchor
    /// text is that anchor's text, not a second link.
    outside: Collapsed,
    stack: Vec<Open>,
    /// Elements opened beyond `MAX_DEPTH` and not yet closed.
    overflow: usize,
    /// Inside a raw-text element whose content is never shown (script, style, title, ...).
    skip_until: Option<TagName>,
    anchor: Option<Anchor>,
    stats: HtmlStats,
    parse_errors: usize,
    truncated: bool,
}

impl Scanner {
    fn new(part: usize, limits: &HtmlLimits) -> Self {
        Scanner {
            part,
            max_links: limits.max_links,
            links: Vec::new(),
            seen: BTreeSet::new(),
            anchor_hrefs: BTreeSet::new(),
            base: None,
            visible: Collapsed::new(limits.max_text_bytes, true),
            hidden: Collapsed::new(limits.max_text_bytes, true),
            outside: Collapsed::new(limits.max_text_bytes, true),
            stack: Vec::new(),
            overflow: 0,
            skip_until: None,
            anchor: None,
            stats: HtmlStats::default(),
            parse_errors: 0,
            truncated: false,
        }
    }

    fn hiding_now(&self) -> Hiding {
        self.stack.last().map(|o| o.hiding).unwrap_or_default()
    }

    fn start_tag<A: Attrs + ?Sized>(&mut self, name: &str, tag: &A) -> Content {
        match name {
            "a" => {
                self.close_anchor();
                let href = tag.get("href").or_else(|| tag.get("xlink:href"));
                if let Some(href) = href.filter(|h| is_target(h)) {
                    self.outside.brk();
                    self.anchor = Some(Anchor {
                        href: href.to_owned(),
                        text: Collapsed::new(MAX_ANCHOR_CHARS * 4, false),
                        alt: Collapsed::new(MAX_ANCHOR_CHARS * 4, false),
                    });
                }
            }
            "area" => {
                if let Some(href) = tag.get("href") {
                    let alt = tag.get("alt").map(collapse_short);
                    self.push_link(LinkKind::Area, href, alt);
                }
            }
            "form" => {
                self.stats.forms += 1;
                if let Some(action) = tag.get("action") {
                    self.push_link(LinkKind::Form, action, None);
                }
            }
            "input" | "button" => {
                if tag
                    .get("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("password"))
                {
                    self.stats.password_inputs += 1;
                }
                if let Some(action) = tag.get("formaction") {
                    self.push_link(LinkKind::Form, action, None);
                }
            }
            "meta" => {
                let refresh = tag
                    .get("http-equiv")
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("refresh"));
                if let Some(target) = tag.get("content").filter(|_| refresh).and_then(refresh_url) {
                    self.push_link(LinkKind::MetaRefresh, target, None);
                }
            }
            // Only the first <base href> counts (HTML "frozen base URL").
            "base" if self.base.is_none() => {
                self.base = tag
                    .get("href")
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                    .map(str::to_owned);
            }
            "img" => {
                self.stats.images += 1;
                if tag.get("src").is_some_and(is_remote) {
                    self.stats.remote_images += 1;
                }
                if let (Some(anchor), Some(alt)) = (self.anchor.as_mut(), tag.get("alt")) {
                    anchor.alt.space();
                    alt.chars().for_each(|c| anchor.alt.push(c));
                }
            }
            "script" => self.stats.scripts += 1,
            "iframe" | "frame" => self.stats.iframes += 1,
            _ => {}
        }
        if is_block(name) {
            self.brk();
        } else if matches!(name, "td" | "th") {
            self.space();
        }
        if !is_void(name) {
            self.open(name, tag);
        }
        // Without a tree builder the tokenizer does not know which elements hold raw text; tell
        // it, or `<style>a<b</style>` would produce tags.
        let content = match name {
            "script" => Content::Script,
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => Content::Rawtext,
            "title" | "textarea" => Content::Rcdata,
            "plaintext" => return Content::Plaintext,
            _ => Content::Normal,
        };
        if content != Content::Normal && !matches!(name, "textarea" | "xmp") {
            self.skip_until = Some(TagName::new(name));
        }
        content
    }

    /// Pushes an element on the hidden-state stack.
    ///
    /// HTML closes some elements implicitly (`<p>` before a block, `<td>` before the next cell,
    /// `<li>` before the next item); a hidden `<p>` left open would otherwise hide the rest of
    /// the body, which no browser does.
    fn open<A: Attrs + ?Sized>(&mut self, name: &str, tag: &A) {
        let implied: &[&str] = match name {
            "li" => &["li"],
            "dt" | "dd" => &["dt", "dd"],
            "td" | "th" => &["td", "th"],
            "tr" => &["td", "th", "tr"],
            "option" => &["option"],
            _ if closes_p(name) => &["p"],
            _ => &[],
        };
        while self.overflow == 0
            && self
                .stack
                .last()
                .is_some_and(|o| implied.contains(&o.name.as_str()))
        {
            self.stack.pop();
        }
        if self.stack.len() >= MAX_DEPTH {
            self.overflow += 1;
            return;
        }
        let hiding = self.hiding_now().child(name, tag);
        self.stack.push(Open {
            name: TagName::new(name),
            hiding,
        });
    }

    fn end_tag(&mut self, name: &str) {
        if self.skip_until.as_ref().is_some_and(|s| s.as_str() == name) {
            self.skip_until = None;
        }
        if name == "a" {
            self.close_anchor();
        }
        if name == "br" {
            // `</br>` is parsed as `<br>`.
            self.brk();
            return;
        }
        if is_block(name) {
            self.brk();
        } else if matches!(name, "td" | "th") {
            self.space();
        }
        if self.overflow > 0 {
            self.overflow -= 1;
        } else if let Some(pos) = self.stack.iter().rposition(|o| o.name.as_str() == name) {
            self.stack.truncate(pos);
        }
    }

    fn text(&mut self, text: &str) {
        if self.skip_until.is_some() {
            return;
        }
        let hidden = self.hiding_now().hidden();
        // Word by word rather than character by character: the same result, a fraction of the
        // work, which matters because text is most of a body.
        let mut word = None;
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            // ASCII is decided from the byte (never invisible; whitespace as `char::is_whitespace`
            // sees it), the rest from the char.
            let (blank, invisible, len) = if b < 0x80 {
                (matches!(b, b'\t'..=b'\r' | b' '), false, 1)
            } else {
                let c = text.get(i..).and_then(|r| r.chars().next()).unwrap_or(' ');
                (c.is_whitespace(), is_invisible(c), c.len_utf8())
            };
            if !blank && !invisible {
                word.get_or_insert(i);
                i += len;
                continue;
            }
            if let Some(start) = word.take() {
                self.word(text.get(start..i).unwrap_or(""), hidden);
            }
            if blank {
                self.blank(hidden);
            } else {
                // Dropped without a gap: it exists to split a word that filters look for.
                self.stats.hidden_chars += 1;
            }
            i += len;
        }
        if let Some(start) = word {
            self.word(text.get(start..).unwrap_or(""), hidden);
        }
    }

    /// A run of non-whitespace text.
    fn word(&mut self, word: &str, hidden: bool) {
        let chars = word.chars().count();
        if hidden {
            self.stats.hidden_chars += chars;
            self.hidden.push_word(word);
            return;
        }
        self.stats.visible_chars += chars;
        self.visible.push_word(word);
        match self.anchor.as_mut() {
            Some(anchor) => anchor.text.push_word(word),
            None => self.outside.push_word(word),
        }
    }

    /// A whitespace character in text.
    fn blank(&mut self, hidden: bool) {
        if hidden {
            self.hidden.space();
            return;
        }
        self.visible.space();
        match self.anchor.as_mut() {
            Some(anchor) => anchor.text.space(),
            None => self.outside.space(),
        }
    }

    fn brk(&mut self) {
        self.visible.brk();
        self.hidden.brk();
        self.outside.brk();
        if let Some(anchor) = self.anchor.as_mut() {
            anchor.text.space();
        }
    }

    fn space(&mut self) {
        self.visible.space();
        self.hidden.space();
        self.outside.space();
        if let Some(anchor) = self.anchor.as_mut() {
            anchor.text.space();
        }
    }

    fn close_anchor(&mut self) {
        let Some(anchor) = self.anchor.take() else {
            return;
        };
        self.outside.brk();
        let text = Some(anchor.text)
            .map(|t| t.s)
            .filter(|t| !t.is_empty())
            .or_else(|| Some(anchor.alt.s).filter(|a| !a.is_empty()))
            .map(|t| truncate_chars(&t, MAX_ANCHOR_CHARS));
        if self.links.len() < self.max_links {
            self.anchor_hrefs.insert(anchor.href.trim().to_owned());
        }
        self.push_link(LinkKind::Anchor, &anchor.href, text);
    }

    fn push_link(&mut self, kind: LinkKind, raw: &str, text: Option<String>) {
        if !is_target(raw) {
            return;
        }
        if self.links.len() >= self.max_links {
            self.truncated = true;
            return;
        }
        if !self.seen.insert((kind as u8, raw.to_owned(), text.clone())) {
            return;
        }
        self.links.push(RawLink {
            kind,
            raw: raw.to_owned(),
            text,
            part: self.part,
            base: None,
        });
    }

    fn finish(mut self) -> HtmlScan {
        self.close_anchor();
        // The document's base URL applies to every link in it, also those before `<base>`.
        if let Some(base) = &self.base {
            for link in &mut self.links {
                link.base = Some(base.clone());
            }
        }
        let limits = LinkLimits {
            max_links: self.max_links,
        };
        let mut found = Vec::new();
        let mut cut = text_links(&self.outside.s, self.part, &limits, &mut found);
        for link in found {
            if self.anchor_hrefs.contains(link.raw.trim()) {
                continue;
            }
            if self.links.len() >= self.max_links {
                cut = true;
                break;
            }
            self.links.push(link);
        }
        HtmlScan {
            truncated: self.truncated
                || cut
                || self.visible.full
                || self.hidden.full
                || self.outside.full,
            links: self.links,
            visible_text: self.visible.s,
            hidden_text: self.hidden.s,
            stats: self.stats,
        }
    }
}

/// Gaps to write before the next character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    None,
    Space,
    Line,
}

/// A capped string with HTML whitespace collapsing.
struct Collapsed {
    s: String,
    cap: usize,
    /// Line breaks kept (body text) or turned into spaces (anchor text).
    lines: bool,
    gap: Gap,
    full: bool,
}

impl Collapsed {
    fn new(cap: usize, lines: bool) -> Self {
        Collapsed {
            s: String::new(),
            cap,
            lines,
            gap: Gap::None,
            full: false,
        }
    }

    fn push(&mut self, c: char) {
        // U+00A0 is a space to the reader, and phishers pad with it.
        if c.is_whitespace() {
            self.space();
            return;
        }
        if self.full {
            return;
        }
        let gap = match (self.s.is_empty(), self.gap) {
            (true, _) | (_, Gap::None) => None,
            (false, Gap::Space) => Some(' '),
            (false, Gap::Line) => Some('\n'),
        };
        let need = c.len_utf8() + gap.map_or(0, char::len_utf8);
        if self.s.len() + need > self.cap {
            self.full = true;
            return;
        }
        if let Some(g) = gap {
            self.s.push(g);
        }
        self.s.push(c);
        self.gap = Gap::None;
    }

    /// Characters without whitespace: [`Collapsed::push`] for each, in one step when they fit.
    fn push_word(&mut self, word: &str) {
        if self.full {
            return;
        }
        let gap = match (self.s.is_empty(), self.gap) {
            (true, _) | (_, Gap::None) => "",
            (false, Gap::Space) => " ",
            (false, Gap::Line) => "\n",
        };
        if self.s.len() + gap.len() + word.len() > self.cap {
            word.chars().for_each(|c| self.push(c));
            return;
        }
        self.s.push_str(gap);
        self.s.push_str(word);
        if !word.is_empty() {
            self.gap = Gap::None;
        }
    }

    fn space(&mut self) {
        self.gap = self.gap.max(Gap::Space);
    }

    fn brk(&mut self) {
        self.gap = if self.lines { Gap::Line } else { Gap::Space }.max(self.gap);
    }
}

/// Empty and fragment-only targets point back into the mail itself.
fn is_target(href: &str) -> bool {
    let t = href.trim();
    !t.is_empty() && !t.starts_with('#')
}

fn is_remote(src: &str) -> bool {
    let s = src.trim().as_bytes();
    let lower_starts = |p: &[u8]| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    lower_starts(b"http://") || lower_starts(b"https://") || lower_starts(b"//")
}

/// The target of `<meta http-equiv=refresh content="5; url='...'">` (HTML "shared declarative
/// refresh steps", simplified): the URL may come with or without `url=` and quotes.
fn refresh_url(content: &str) -> Option<&str> {
    let rest = content
        .trim_start()
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
        .trim_start();
    let rest = rest.strip_prefix([';', ',']).unwrap_or(rest).trim_start();
    let rest = match rest.get(..3) {
        Some(u) if u.eq_ignore_ascii_case("url") => {
            let after = rest.get(3..)?.trim_start();
            after.strip_prefix('=').map_or(rest, str::trim_start)
        }
        _ => rest,
    };
    let target = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let inner = rest.get(1..)?;
            inner.split(q).next().unwrap_or(inner)
        }
        _ => rest,
    };
    let target = target.trim();
    (!target.is_empty()).then_some(target)
}

/// What an inline style says about visibility. `None`: not set here, inherited.
#[derive(Debug, Default)]
struct StyleHiding {
    gone: bool,
    zero_font: Option<bool>,
    invisible: Option<bool>,
}

/// Reads the inline CSS that mail clients honour; stylesheet classes are not resolved.
fn parse_style(style: &str) -> StyleHiding {
    // Mail puts a style on nearly every element; only these properties are lowercased and read.
    const READ: [&str; 11] = [
        "display",
        "opacity",
        "visibility",
        "font-size",
        "max-height",
        "height",
        "max-width",
        "width",
        "overflow",
        "overflow-x",
        "overflow-y",
    ];
    let mut out = StyleHiding::default();
    let mut zero_box = false;
    let mut overflow_hidden = false;
    for decl in style.split(';') {
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        let prop = prop.trim();
        let Some(&prop) = READ.iter().find(|p| p.eq_ignore_ascii_case(prop)) else {
            continue;
        };
        let value = value.to_ascii_lowercase();
        let mut value = value.trim();
        // `strip_suffix` rather than `trim_end_matches`, which builds a substring searcher
        // for every declaration.
        while let Some(v) = value.strip_suffix("!important") {
            value = v;
        }
        let value = value.trim();
        match prop {
            "display" if value == "none" => out.gone = true,
            "opacity" if is_zero(value) => out.gone = true,
            "visibility" => out.invisible = Some(matches!(value, "hidden" | "collapse")),
            "font-size" => {
                if is_zero(value) {
                    out.zero_font = Some(true);
                } else if !is_relative_size(value) {
                    out.zero_font = Some(false);
                }
            }
            "max-height" | "height" | "max-width" | "width" if is_zero(value) => zero_box = true,
            "overflow" | "overflow-x" | "overflow-y" if value == "hidden" => {
                overflow_hidden = true;
            }
            _ => {}
        }
    }
    out.gone |= zero_box && overflow_hidden;
    out
}

/// A font size computed from the parent's, so zero stays zero.
fn is_relative_size(value: &str) -> bool {
    let v = value.trim();
    (v.ends_with("em") && !v.ends_with("rem"))
        || v.ends_with('%')
        || v.ends_with("ex")
        || v.ends_with("ch")
        || v.starts_with("calc")
        || matches!(v, "smaller" | "larger" | "inherit" | "unset" | "revert")
}

/// "0", "0px", "0.0em", "0%".
fn is_zero(value: &str) -> bool {
    let number = value.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == '%');
    number.parse::<f64>().is_ok_and(|n| n == 0.0)
}

/// Format characters with no glyph, used to split words that filters look for.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{180E}' | '\u{200B}' | '\u{200C}' | '\u{2060}' | '\u{FEFF}'
    )
}

fn collapse_short(s: &str) -> String {
    let mut c = Collapsed::new(MAX_ANCHOR_CHARS * 4, false);
    s.chars().for_each(|ch| c.push(ch));
    truncate_chars(&c.s, MAX_ANCHOR_CHARS)
}

fn truncate_chars(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Elements rendered on their own line.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "br"
            | "center"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "table"
            | "tr"
            | "ul"
    )
}

/// Start tags that close an open `<p>` (HTML "in body" insertion mode).
fn closes_p(name: &str) -> bool {
    name != "br" && (is_block(name) && !matches!(name, "dd" | "dt" | "li" | "tr"))
}
