//! Links: finding URLs in plain text (including defanged and masked ones) and describing a link's
//! target (host, registrable domain, IP literal, punycode) next to its visible text.
//!
//! Nothing here judges a link; the signals do that from the fields filled in here.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::sync::LazyLock;

use regex::Regex;
use url::{Host, Url};

use crate::domain::{host_to_unicode, looks_like_domain, registrable_domain};
use crate::model::{Link, LinkKind};

/// Bounds on link extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkLimits {
    /// Most links kept in the output vector (counting what it already held).
    pub max_links: usize,
}

impl Default for LinkLimits {
    fn default() -> Self {
        LinkLimits { max_links: 500 }
    }
}

/// A link as found, before analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLink {
    pub kind: LinkKind,
    /// The target exactly as written (entity-decoded for HTML).
    pub raw: String,
    /// Visible text (anchor text, image alt), whitespace-collapsed.
    pub text: Option<String>,
    /// Index of the body part it was found in.
    pub part: usize,
    /// The HTML document's `<base href>`, against which a relative `raw` is resolved.
    pub base: Option<String>,
}

/// Appends the URLs written in `text` to `out`, as links of kind [`LinkKind::Text`].
///
/// Finds defanged and masked forms too (`hxxps://`, `h**ps://`, `ttps://`, `[.]`, `[:]`,
/// fullwidth letters), bracketed IPv6 literals, and `www.` hosts without a scheme; a bare
/// `example.com` only counts when it carries a path or was defanged, because plain-text mentions
/// of domains are not links. The same URL is kept once per call.
///
/// Stops when `out` holds `limits.max_links` links, so one budget can span several parts; returns
/// true when links were left out.
pub fn text_links(text: &str, part: usize, limits: &LinkLimits, out: &mut Vec<RawLink>) -> bool {
    let mut seen = BTreeSet::new();
    // Repeats are dropped below, so look at more candidates than can be kept, but not at all of
    // a body made of millions of URLs.
    let budget = limits.max_links.saturating_mul(8).max(64);
    let (spans, cut) = find_spans(text, budget);
    for (start, end) in spans {
        let Some(raw) = text.get(start..end) else {
            continue;
        };
        if !seen.insert(raw) {
            continue;
        }
        if out.len() >= limits.max_links {
            return true;
        }
        out.push(RawLink {
            kind: LinkKind::Text,
            raw: raw.to_owned(),
            text: None,
            part,
            base: None,
        });
    }
    cut
}

/// Describes a link: parses its target with the WHATWG URL rules (as a browser would), and says
/// what host the visible text names, if any.
///
/// Text links are re-fanged first; HTML targets are not, since a browser would not do that either
/// (`href="hxxps://..."` is a link to a scheme called `hxxps`). A target that does not parse is
/// kept, with `parse_error` set and the host taken from the text as well as can be done.
pub fn analyze(raw: RawLink) -> Link {
    let (target, defanged) = if raw.kind == LinkKind::Text {
        let r = refang(&raw.raw);
        (r.text, r.changed)
    } else {
        (raw.raw.clone(), false)
    };
    let target = target.trim_matches(|c: char| c.is_whitespace() || c.is_control());
    // Mail clients turn a schemeless "www.example.com" into an http link.
    let target = if raw.kind == LinkKind::Text && !target.contains("://") {
        format!("http://{target}")
    } else {
        target.to_owned()
    };
    let parsed = match raw.base.as_deref().and_then(|b| Url::parse(b.trim()).ok()) {
        Some(base) => base.join(&target),
        None => Url::parse(&target),
    };

    let text_host = raw.text.as_deref().and_then(looks_like_domain);
    let text_registrable_domain = text_host.as_deref().and_then(registrable_domain);
    let mut link = Link {
        url: target.clone(),
        raw: raw.raw,
        text: raw.text,
        kind: raw.kind,
        part: raw.part,
        scheme: None,
        host: None,
        host_unicode: None,
        registrable_domain: None,
        ip: None,
        path: None,
        query: None,
        defanged,
        parse_error: None,
        text_host,
        text_registrable_domain,
    };
    match parsed {
        Ok(url) => describe_url(&mut link, &url),
        Err(e) => {
            link.parse_error = Some(e.to_string());
            describe_unparsed(&mut link, &target);
        }
    }
    link
}

fn describe_url(link: &mut Link, url: &Url) {
    link.url = url.as_str().to_owned();
    link.scheme = Some(url.scheme().to_owned());
    match url.host() {
        Some(Host::Domain(d)) => set_domain_host(link, d),
        Some(Host::Ipv4(ip)) => {
            link.ip = Some(IpAddr::V4(ip));
            link.host = Some(ip.to_string());
        }
        Some(Host::Ipv6(ip)) => {
            link.ip = Some(IpAddr::V6(ip));
            link.host = Some(ip.to_string());
        }
        None => {}
    }
    let path = url.path();
    link.path = (!path.is_empty()).then(|| path.to_owned());
    link.query = url.query().map(str::to_owned);
}

fn set_domain_host(link: &mut Link, host: &str) {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() {
        return;
    }
    link.host_unicode = host_to_unicode(&host);
    link.registrable_domain = registrable_domain(&host);
    link.host = Some(host);
}

/// Best-effort host for a target the URL parser refused (invalid punycode, bad port, ...): the
/// host is still the best evidence of where the link points.
fn describe_unparsed(link: &mut Link, target: &str) {
    let Some((scheme, rest)) = target.split_once("://") else {
        // `href="evil.example.com/login"` is relative for a browser, but some mail clients open
        // it as http, and it names the host either way.
        if let Some(host) = looks_like_domain(target) {
            set_host(link, &host);
        }
        return;
    };
    if !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        link.scheme = Some(scheme.to_ascii_lowercase());
    }
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(inner) = host_port.strip_prefix('[') {
        inner.split(']').next().unwrap_or("")
    } else {
        match host_port.rsplit_once(':') {
            Some((h, _port)) => h,
            None => host_port,
        }
    };
    set_host(link, host);
}

fn set_host(link: &mut Link, host: &str) {
    if let Ok(ip) = host.parse::<IpAddr>() {
        link.ip = Some(ip);
        link.host = Some(ip.to_string());
    } else {
        set_domain_host(link, host);
    }
}

/// A text with defanging undone, and how to map its positions back to the original.
#[derive(Debug, Clone)]
pub(crate) struct Refanged {
    pub text: String,
    /// Something was rewritten.
    pub changed: bool,
    /// One list of replacements per rewriting pass, in the order the passes ran.
    passes: Vec<Vec<Repl>>,
}

/// `in_start..in_end` of a pass's input became `out_start..out_end` of its output.
#[derive(Debug, Clone, Copy)]
struct Repl {
    out_start: usize,
    out_end: usize,
    in_start: usize,
    in_end: usize,
}

impl Refanged {
    /// Position in the original text of a span starting at `pos` in the re-fanged text.
    fn map_start(&self, mut pos: usize) -> usize {
        for repls in self.passes.iter().rev() {
            let i = repls.partition_point(|r| r.out_start <= pos);
            if let Some(r) = i.checked_sub(1).and_then(|i| repls.get(i)) {
                pos = if pos < r.out_end {
                    r.in_start
                } else {
                    r.in_end + (pos - r.out_end)
                };
            }
        }
        pos
    }

    /// Position in the original text of a span ending at `pos` in the re-fanged text.
    fn map_end(&self, mut pos: usize) -> usize {
        for repls in self.passes.iter().rev() {
            let i = repls.partition_point(|r| r.out_start < pos);
            if let Some(r) = i.checked_sub(1).and_then(|i| repls.get(i)) {
                pos = if pos <= r.out_end {
                    r.in_end
                } else {
                    r.in_end + (pos - r.out_end)
                };
            }
        }
        pos
    }
}

/// Copies a text while recording each replacement.
struct Rewriter<'a> {
    src: &'a str,
    out: String,
    repls: Vec<Repl>,
    copied_to: usize,
}

impl<'a> Rewriter<'a> {
    fn new(src: &'a str) -> Self {
        Rewriter {
            src,
            out: String::with_capacity(src.len()),
            repls: Vec::new(),
            copied_to: 0,
        }
    }

    /// Replaces `src[start..end]` (char boundaries, at or after everything already copied).
    fn replace(&mut self, start: usize, end: usize, with: &str) {
        self.out
            .push_str(self.src.get(self.copied_to..start).unwrap_or(""));
        let out_start = self.out.len();
        self.out.push_str(with);
        self.repls.push(Repl {
            out_start,
            out_end: self.out.len(),
            in_start: start,
            in_end: end,
        });
        self.copied_to = end;
    }

    fn finish(mut self) -> (String, Vec<Repl>) {
        self.out
            .push_str(self.src.get(self.copied_to..).unwrap_or(""));
        (self.out, self.repls)
    }
}

/// Undoes the ways people and phishers write a URL so that it is not clickable.
///
/// Pass 1 folds fullwidth ASCII (`ｈｔｔｐｓ：／／`) and ideographic full stops between letters;
/// pass 2 rewrites the ASCII tricks: masked schemes (`hxxp`, `h**p`, `h..p`, `ttp://`), bracketed
/// dots (`[.]`, `(.)`, `{.}`, `[dot]`, `\.`) and colons (`[:]`, `[://]`).
pub(crate) fn refang(text: &str) -> Refanged {
    let mut passes = Vec::new();
    let mut current = None;
    if !text.is_ascii() {
        let (out, repls) = fold_fullwidth(text);
        if !repls.is_empty() {
            passes.push(repls);
            current = Some(out);
        }
    }
    let (out, repls) = rewrite_ascii_tricks(current.as_deref().unwrap_or(text));
    if !repls.is_empty() {
        passes.push(repls);
        current = Some(out);
    }
    Refanged {
        changed: !passes.is_empty(),
        text: current.unwrap_or_else(|| text.to_owned()),
        passes,
    }
}

fn fullwidth_to_ascii(c: char) -> Option<char> {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
        _ => None,
    }
}

fn fold_fullwidth(text: &str) -> (String, Vec<Repl>) {
    let mut rw = Rewriter::new(text);
    let mut prev: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let end = i + c.len_utf8();
        let mapped = match c {
            // A full stop is a label separator for IDNA, but in Japanese prose it ends a
            // sentence right after a URL, so fold it only between two ASCII letters or digits.
            '\u{3002}' | '\u{FF0E}' | '\u{FF61}' => {
                let next = chars
                    .peek()
                    .map(|&(_, n)| fullwidth_to_ascii(n).unwrap_or(n));
                let between = prev.is_some_and(|p| p.is_ascii_alphanumeric())
                    && next.is_some_and(|n| n.is_ascii_alphanumeric());
                between.then_some('.')
            }
            '\u{3000}' => Some(' '),
            _ => fullwidth_to_ascii(c),
        };
        match mapped {
            Some(m) => {
                let mut buf = [0u8; 4];
                rw.replace(i, end, m.encode_utf8(&mut buf));
                prev = Some(m);
            }
            None => prev = Some(c),
        }
    }
    rw.finish()
}

const SCHEME_MASK: &[u8] = b"xX*._-#";

fn rewrite_ascii_tricks(text: &str) -> (String, Vec<Repl>) {
    let mut rw = Rewriter::new(text);
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(rest) = bytes.get(i..).filter(|r| !r.is_empty()) {
        let word_start = i == 0 || bytes.get(i - 1).is_none_or(|b| !b.is_ascii_alphanumeric());
        // Every trick starts with a bracket or backslash, or with `h`/`t` at a word start: any
        // other byte is passed over at once (this loop reads every byte of every text part).
        let may_start = match rest.first() {
            Some(b'[' | b'(' | b'{' | b'\\') => true,
            Some(b'h' | b'H' | b't' | b'T') => word_start,
            _ => false,
        };
        if !may_start {
            i += 1;
            continue;
        }
        if let Some((len, with)) = ascii_trick_at(rest, word_start) {
            rw.replace(i, i + len, with);
            i += len.max(1);
            // An inserted "h" (`ttp://`) consumed nothing; step past the letter it preceded.
            continue;
        }
        i += 1;
    }
    rw.finish()
}

/// The trick starting at `rest`, as (bytes consumed, replacement).
fn ascii_trick_at(rest: &[u8], word_start: bool) -> Option<(usize, &'static str)> {
    const DOTS: &[&[u8]] = &[b"[.]", b"(.)", b"{.}", b"[dot]", b"(dot)", b"{dot}", b"\\."];
    for pat in DOTS {
        if starts_with_ignore_case(rest, pat) {
            return Some((pat.len(), "."));
        }
    }
    if rest.starts_with(b"[://]") {
        return Some((5, "://"));
    }
    if rest.starts_with(b"[:]") {
        return Some((3, ":"));
    }
    if !word_start {
        return None;
    }
    // hxxp / h**p / h..p / hXXp, but not http itself.
    if let [h, a, b, p, tail @ ..] = rest
        && h.eq_ignore_ascii_case(&b'h')
        && p.eq_ignore_ascii_case(&b'p')
        && SCHEME_MASK.contains(a)
        && SCHEME_MASK.contains(b)
    {
        let secure = tail.first().is_some_and(|s| s.eq_ignore_ascii_case(&b's'));
        let after = if secure { tail.get(1..)? } else { tail };
        if is_scheme_separator(after) {
            return Some(if secure { (5, "https") } else { (4, "http") });
        }
    }
    // "ttp://" is the old Japanese way of writing a URL that does not auto-link.
    if starts_with_ignore_case(rest, b"ttp") {
        let tail = rest.get(3..)?;
        let after = if tail.first().is_some_and(|s| s.eq_ignore_ascii_case(&b's')) {
            tail.get(1..)?
        } else {
            tail
        };
        if is_scheme_separator(after) {
            return Some((0, "h"));
        }
    }
    None
}

fn is_scheme_separator(s: &[u8]) -> bool {
    s.starts_with(b"://") || s.starts_with(b"[:]//") || s.starts_with(b"[://]")
}

fn starts_with_ignore_case(s: &[u8], pat: &[u8]) -> bool {
    s.get(..pat.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(pat))
}

/// linkify does not know bracketed IPv6 hosts.
static IPV6_URL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:https?|ftp)://\[[0-9a-f:.]+(?:%[0-9a-z]+)?\](?::[0-9]{1,5})?(?:[/?#][^\s<>]*)?",
    )
    .ok()
});

/// Byte ranges of the first `budget` URLs in `text`, in order, not overlapping; true when more
/// were left.
fn find_spans(text: &str, budget: usize) -> (Vec<(usize, usize)>, bool) {
    let fanged = refang(text);
    let t = fanged.text.as_str();
    let mut finder = linkify::LinkFinder::new();
    finder
        .kinds(&[linkify::LinkKind::Url])
        .url_must_have_scheme(false);

    let mut found = finder.links(t).map(|l| (l.start(), l.end()));
    let mut spans: Vec<(usize, usize)> = found.by_ref().take(budget).collect();
    let mut cut = found.next().is_some();
    if let Some(re) = IPV6_URL.as_ref()
        && t.contains("://[")
    {
        let mut v6 = re.find_iter(t).map(|m| (m.start(), m.end()));
        spans.extend(v6.by_ref().take(budget));
        cut |= v6.next().is_some();
    }
    spans.sort_by_key(|&(s, e)| (s, std::cmp::Reverse(e)));

    let mut out = Vec::with_capacity(spans.len());
    let mut last_end = 0;
    for (start, end) in spans {
        if start < last_end {
            continue;
        }
        let Some(found) = t.get(start..end) else {
            continue;
        };
        let end = start + url_len(found);
        let Some(found) = t.get(start..end) else {
            continue;
        };
        let (orig_start, orig_end) = (fanged.map_start(start), fanged.map_end(end));
        let Some(orig) = text.get(orig_start..orig_end) else {
            continue;
        };
        let has_scheme = found.contains("://");
        let keep = has_scheme
            || starts_with_ignore_case(found.as_bytes(), b"www.")
            || found.contains('/')
            || orig != found;
        if keep && !found.is_empty() {
            out.push((orig_start, orig_end));
            last_end = end;
        }
    }
    (out, cut)
}

/// Length of the URL at the start of `s`, cut where Japanese prose resumes.
///
/// linkify accepts any non-ASCII letter in a URL (IRIs), so "https://x.example/loginからログイン"
/// would swallow the sentence. Japanese punctuation ends the host; after the host any kana,
/// kanji or fullwidth form ends the URL, at the cost of cutting the rare raw Japanese path.
fn url_len(s: &str) -> usize {
    let host_start = s.find("://").map_or(0, |i| i + 3);
    let mut in_host = true;
    let mut end = s.len();
    for (i, c) in s.char_indices() {
        if i < host_start {
            continue;
        }
        if in_host && matches!(c, '/' | '?' | '#') {
            in_host = false;
        }
        let cjk_punct = matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}');
        let cjk_text = matches!(c, '\u{3040}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}');
        if cjk_punct || (!in_host && cjk_text) {
            end = i;
            break;
        }
    }
    let cut = s.get(..end).unwrap_or(s);
    cut.trim_end_matches(['.', ',', ':', ';', '!', '?', '\'', '"'])
        .len()
}
