//! HTML scanning: every link with its visible text, the text a reader sees, the text hidden from
//! them, and counts of forms, images and scripts.
//!
//! Built on html5ever's tokenizer rather than a tree builder: an attacker controls the markup, and
//! a token stream is linear in time with memory bounded by the limits below, whatever the nesting
//! depth. The price is that implied end tags are approximated (see [`Scanner::open`]).

use std::cell::RefCell;
use std::collections::BTreeSet;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use html5ever::{LocalName, TokenizerResult};

use crate::links::{LinkLimits, RawLink, text_links};
use crate::model::{HtmlStats, LinkKind};

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
    let mut cut = MAX_INPUT_BYTES.min(html.len());
    while !html.is_char_boundary(cut) {
        cut -= 1;
    }
    let markup = html.get(..cut).unwrap_or("");
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
                TagKind::StartTag => return s.start_tag(&tag),
                TagKind::EndTag => s.end_tag(&tag),
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
    fn child(self, tag: &Tag) -> Hiding {
        let mut h = self;
        if &*tag.name == "template" || attr(tag, "hidden").is_some() {
            h.gone = true;
        }
        if let Some(style) = attr(tag, "style") {
            let css = parse_style(style);
            h.gone |= css.gone;
            h.zero_font = css.zero_font.unwrap_or(h.zero_font);
            h.invisible = css.invisible.unwrap_or(h.invisible);
        }
        h
    }
}

struct Open {
    name: LocalName,
    hiding: Hiding,
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
    skip_until: Option<LocalName>,
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

    fn start_tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        match name {
            "a" => {
                self.close_anchor();
                let href = attr(tag, "href").or_else(|| attr(tag, "xlink:href"));
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
                if let Some(href) = attr(tag, "href") {
                    let alt = attr(tag, "alt").map(collapse_short);
                    self.push_link(LinkKind::Area, href, alt);
                }
            }
            "form" => {
                self.stats.forms += 1;
                if let Some(action) = attr(tag, "action") {
                    self.push_link(LinkKind::Form, action, None);
                }
            }
            "input" | "button" => {
                if attr(tag, "type").is_some_and(|t| t.trim().eq_ignore_ascii_case("password")) {
                    self.stats.password_inputs += 1;
                }
                if let Some(action) = attr(tag, "formaction") {
                    self.push_link(LinkKind::Form, action, None);
                }
            }
            "meta" => {
                let refresh = attr(tag, "http-equiv")
                    .is_some_and(|v| v.trim().eq_ignore_ascii_case("refresh"));
                if let Some(target) = attr(tag, "content")
                    .filter(|_| refresh)
                    .and_then(refresh_url)
                {
                    self.push_link(LinkKind::MetaRefresh, target, None);
                }
            }
            // Only the first <base href> counts (HTML "frozen base URL").
            "base" if self.base.is_none() => {
                self.base = attr(tag, "href")
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                    .map(str::to_owned);
            }
            "img" => {
                self.stats.images += 1;
                if attr(tag, "src").is_some_and(is_remote) {
                    self.stats.remote_images += 1;
                }
                if let (Some(anchor), Some(alt)) = (self.anchor.as_mut(), attr(tag, "alt")) {
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
            self.open(tag);
        }
        // Without a tree builder the tokenizer does not know which elements hold raw text; tell
        // it, or `<style>a<b</style>` would produce tags.
        let raw = match name {
            "script" => Some(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
            "title" | "textarea" => Some(RawKind::Rcdata),
            "plaintext" => return TokenSinkResult::Plaintext,
            _ => None,
        };
        if raw.is_some() && !matches!(name, "textarea" | "xmp") {
            self.skip_until = Some(tag.name.clone());
        }
        raw.map_or(TokenSinkResult::Continue, TokenSinkResult::RawData)
    }

    /// Pushes an element on the hidden-state stack.
    ///
    /// HTML closes some elements implicitly (`<p>` before a block, `<td>` before the next cell,
    /// `<li>` before the next item); a hidden `<p>` left open would otherwise hide the rest of
    /// the body, which no browser does.
    fn open(&mut self, tag: &Tag) {
        let name: &str = &tag.name;
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
                .is_some_and(|o| implied.contains(&&*o.name))
        {
            self.stack.pop();
        }
        if self.stack.len() >= MAX_DEPTH {
            self.overflow += 1;
            return;
        }
        let hiding = self.hiding_now().child(tag);
        self.stack.push(Open {
            name: tag.name.clone(),
            hiding,
        });
    }

    fn end_tag(&mut self, tag: &Tag) {
        let name: &str = &tag.name;
        if self.skip_until.as_ref().is_some_and(|s| *s == tag.name) {
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
        } else if let Some(pos) = self.stack.iter().rposition(|o| o.name == tag.name) {
            self.stack.truncate(pos);
        }
    }

    fn text(&mut self, text: &str) {
        if self.skip_until.is_some() {
            return;
        }
        let hidden = self.hiding_now().hidden();
        for c in text.chars() {
            if is_invisible(c) {
                self.stats.hidden_chars += 1;
                continue;
            }
            if hidden {
                if !c.is_whitespace() {
                    self.stats.hidden_chars += 1;
                }
                self.hidden.push(c);
                continue;
            }
            if !c.is_whitespace() {
                self.stats.visible_chars += 1;
            }
            self.visible.push(c);
            match self.anchor.as_mut() {
                Some(anchor) => anchor.text.push(c),
                None => self.outside.push(c),
            }
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

    fn space(&mut self) {
        self.gap = self.gap.max(Gap::Space);
    }

    fn brk(&mut self) {
        self.gap = if self.lines { Gap::Line } else { Gap::Space }.max(self.gap);
    }
}

fn attr<'t>(tag: &'t Tag, name: &str) -> Option<&'t str> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
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
    let style = style.to_ascii_lowercase();
    let mut out = StyleHiding::default();
    let mut zero_box = false;
    let mut overflow_hidden = false;
    for decl in style.split(';') {
        let Some((prop, value)) = decl.split_once(':') else {
            continue;
        };
        let value = value.trim().trim_end_matches("!important").trim();
        match prop.trim() {
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
