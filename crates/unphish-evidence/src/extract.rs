//! Assembles [`Evidence`] from a parsed message: every extractor of this crate, in one pass.

use crate::hops::{HopLimits, determine_origin, extract_hops};
use crate::html::{HtmlLimits, scan_html};
use crate::identity::extract_identity;
use crate::links::{LinkLimits, RawLink, analyze, text_links};
use crate::model::*;
use mail_parser::{Address, HeaderValue, Message, MessagePart, MimeHeaders, PartType};
use std::borrow::Cow;
use unphish_mime::{Limits, TextPart};

/// Bounds for one message's extraction. Each bound hit records a `limit.*` defect.
#[derive(Debug, Clone, Default)]
pub struct ExtractLimits {
    pub mime: Limits,
    pub hops: HopLimits,
    pub links: LinkLimits,
    pub html: HtmlLimits,
}

/// Extracts the evidence of a raw message. Never fails: what cannot be read becomes a defect.
pub fn extract_raw(raw: &[u8], limits: &ExtractLimits) -> Evidence {
    extract_raw_at(raw, limits, 0)
}

/// [`extract_raw`] for a message nested `depth` levels deep.
///
/// Attached messages the screen had to bound are parsed again only after this level's parse is
/// dropped, from byte ranges of the screened input: mail-parser parses every level below again,
/// decoded attachments included, and holding each level's parse during the recursion would
/// multiply the peak memory by the depth.
fn extract_raw_at(raw: &[u8], limits: &ExtractLimits, depth: usize) -> Evidence {
    let screened = unphish_mime::screen(raw, &limits.mime);
    let mut sources = Vec::new();
    let mut ev = {
        let parsed = screened.parse();
        let mut ev = match &parsed.message {
            Some(msg) => extract_level(msg, limits, depth, &mut sources),
            None => Evidence {
                language: "en".into(),
                ..Evidence::default()
            },
        };
        let mut defects = parsed.defects;
        defects.append(&mut ev.defects);
        ev.defects = defects;
        ev
    };
    for source in sources {
        let bytes = match source {
            Nested::Done(done) => {
                ev.nested.push(*done);
                continue;
            }
            Nested::Range(start, end) => {
                Cow::Borrowed(screened.bytes.get(start..end).unwrap_or_default())
            }
            Nested::Decoded(bytes) => Cow::Owned(bytes),
        };
        ev.nested.push(extract_raw_at(&bytes, limits, depth + 1));
    }
    ev
}

/// An attached message already extracted, or where its bytes are for a second parse: a range of
/// its parent's raw bytes, or a decoded copy when it was sent base64 or quoted-printable.
enum Nested {
    Done(Box<Evidence>),
    Range(usize, usize),
    Decoded(Vec<u8>),
}

/// An attached message: extracted at once from the parent's parse when its bytes pass the screen
/// unchanged (the usual case, and no second parse), otherwise left to be parsed again from its
/// screened bytes once the parent's parse is gone.
fn nested(
    msg: &Message<'_>,
    part: &MessagePart<'_>,
    inner: &Message<'_>,
    limits: &ExtractLimits,
    depth: usize,
) -> Nested {
    let raw = msg.raw_message();
    let start = (part.offset_body as usize).min(raw.len());
    let end = (part.offset_end as usize).clamp(start, raw.len());
    let source = match part.encoding {
        mail_parser::Encoding::None => Nested::Range(start, end),
        _ => unphish_mime::part_bytes(msg, part).map_or(Nested::Range(start, end), Nested::Decoded),
    };
    let bytes = match &source {
        Nested::Decoded(bytes) => bytes.as_slice(),
        _ => raw.get(start..end).unwrap_or_default(),
    };
    let screened = unphish_mime::screen(bytes, &limits.mime);
    let unchanged = matches!(screened.bytes, Cow::Borrowed(b) if b.len() == bytes.len());
    if !unchanged || screened.bytes.is_empty() {
        return source;
    }
    let mut ev = extract(inner, limits, depth + 1);
    let mut defects = screened.defects;
    defects.append(&mut ev.defects);
    ev.defects = defects;
    Nested::Done(Box::new(ev))
}

fn hex(bytes: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(H[(b >> 4) as usize] as char);
        s.push(H[(b & 15) as usize] as char);
    }
    s
}

/// An attachment entry; `hashed` is false past the size bound, where a prefix hash would be a
/// wrong indicator and the hashes stay empty.
fn attachment(
    index: usize,
    part: &MessagePart<'_>,
    hashed: bool,
    form: bool,
    script: bool,
) -> Attachment {
    let data = part.contents();
    let (md5, sha1, sha256) = if hashed {
        hashes(data)
    } else {
        Default::default()
    };
    Attachment {
        part: index,
        name: part.attachment_name().map(str::to_string),
        content_type: content_type(part),
        size: data.len(),
        md5,
        sha1,
        sha256,
        html_form: form,
        html_script: script,
    }
}

fn hashes(data: &[u8]) -> (String, String, String) {
    use md5::Digest as _;
    let md5 = hex(&md5::Md5::digest(data));
    let sha1 = hex(&sha1::Sha1::digest(data));
    let sha256 = hex(&sha2::Sha256::digest(data));
    (md5, sha1, sha256)
}

/// The message's language, as the report's default: Japanese when kana appear in the subject or
/// the first text, otherwise English.
fn guess_language(subject: Option<&str>, bodies: &[BodyText]) -> String {
    let kana = |s: &str| {
        s.chars()
            .take(4000)
            .any(|c| matches!(c, '\u{3040}'..='\u{30FF}'))
    };
    if subject.is_some_and(kana) || bodies.iter().any(|b| kana(&b.text)) {
        "ja".into()
    } else {
        "en".into()
    }
}

fn push_addresses(addr: Option<&Address<'_>>, out: &mut Vec<String>) {
    let Some(addr) = addr else { return };
    for a in addr.iter() {
        if let Some(s) = a.address.as_deref() {
            let s = s.trim().to_lowercase();
            if s.contains('@') && !out.contains(&s) && out.len() < 100 {
                out.push(s);
            }
        }
    }
}

fn recipients(msg: &Message<'_>, hops: &[Hop]) -> Vec<String> {
    let mut out = Vec::new();
    push_addresses(msg.to(), &mut out);
    push_addresses(msg.cc(), &mut out);
    for h in msg.headers() {
        let n = h.name.as_str();
        if (n.eq_ignore_ascii_case("Delivered-To")
            || n.eq_ignore_ascii_case("X-Original-To")
            || n.eq_ignore_ascii_case("Envelope-To"))
            && let HeaderValue::Text(t) = &h.value
        {
            let s = t.trim().trim_matches(['<', '>']).to_lowercase();
            if s.contains('@') && !out.contains(&s) && out.len() < 100 {
                out.push(s);
            }
        }
    }
    for h in hops {
        if let Some(f) = &h.for_addr {
            let s = f.trim().trim_matches(['<', '>', ';']).to_lowercase();
            if s.contains('@') && !out.contains(&s) && out.len() < 100 {
                out.push(s);
            }
        }
    }
    out
}

/// Attached messages analysed per message (a digest can hold hundreds).
const MAX_NESTED_PER_MESSAGE: usize = 16;

/// The depth to which the HTML scanner tracks open elements (`html::MAX_DEPTH`).
const HTML_TRACKED_DEPTH: usize = 256;

/// The deepest element nesting of `html`, estimated from the raw tags, when it exceeds `tracked`.
///
/// The scanner itself is a token stream and stays linear whatever the depth; this pass only exists
/// so the report can say that hidden-text tracking was cut short. It counts start tags up and end
/// tags down and ignores void elements; implied end tags make it an upper estimate.
fn html_depth_beyond(html: &str, tracked: usize) -> Option<usize> {
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr",
    ];
    let bytes = html.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut pos = 0usize;
    while let Some(rel) = bytes
        .get(pos..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        let at = pos + rel + 1;
        pos = at;
        let closing = bytes.get(at) == Some(&b'/');
        let name_start = if closing { at + 1 } else { at };
        let name_len = bytes.get(name_start..).map_or(0, |rest| {
            rest.iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count()
        });
        if name_len == 0 || !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name = html.get(name_start..name_start + name_len).unwrap_or("");
        if VOID.iter().any(|v| v.eq_ignore_ascii_case(name)) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    (deepest > tracked).then_some(deepest)
}

fn content_type(part: &MessagePart<'_>) -> Option<String> {
    part.content_type().map(|c| match c.subtype() {
        Some(s) => format!("{}/{}", c.ctype(), s),
        None => c.ctype().to_string(),
    })
}

/// Extracts the evidence of a parsed message; `depth` counts enclosing messages. Attached
/// messages are parsed again from their own bytes, through the same screen as the top level (a
/// nested header of 100,000 fields or an 8 MB Subject is as hostile as a top-level one).
pub fn extract(msg: &Message<'_>, limits: &ExtractLimits, depth: usize) -> Evidence {
    let mut sources = Vec::new();
    let mut ev = extract_level(msg, limits, depth, &mut sources);
    let raw = msg.raw_message();
    for source in sources {
        let bytes = match source {
            Nested::Done(done) => {
                ev.nested.push(*done);
                continue;
            }
            Nested::Range(start, end) => Cow::Borrowed(raw.get(start..end).unwrap_or_default()),
            Nested::Decoded(bytes) => Cow::Owned(bytes),
        };
        ev.nested.push(extract_raw_at(&bytes, limits, depth + 1));
    }
    ev
}

/// The evidence of one message level; attached messages are left in `sources` for the caller.
fn extract_level(
    msg: &Message<'_>,
    limits: &ExtractLimits,
    depth: usize,
    sources: &mut Vec<Nested>,
) -> Evidence {
    let mut defects = Vec::new();
    let subject = unphish_mime::header_text(msg, "Subject");
    let headers = unphish_mime::raw_headers(msg);
    let subject_raw = headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("Subject"))
        .map(|h| {
            // Quote the decoded subject: the encoded-word form is unreadable as evidence.
            match &subject {
                Some(s) => format!("Subject: {s}"),
                None => h.unfolded_line(),
            }
        });
    let date = msg.date().map(|d| d.to_rfc3339());

    let (mut hops, mut d) = extract_hops(msg, &limits.hops);
    defects.append(&mut d);
    let origin = determine_origin(&mut hops);
    let (identity, mut d) = extract_identity(msg);
    defects.append(&mut d);

    let parts: Vec<TextPart> = unphish_mime::text_parts(msg, &limits.mime, &mut defects);
    let mut raw_links: Vec<RawLink> = Vec::new();
    let mut bodies = Vec::new();
    let mut html = HtmlStats::default();
    let mut links_cut = false;
    let mut attachments = Vec::new();
    for p in &parts {
        if p.attachment {
            continue;
        }
        if p.html {
            if let Some(depth) = html_depth_beyond(&p.text, HTML_TRACKED_DEPTH) {
                defects.push(Defect::new(
                    "limit.html_depth",
                    format!(
                        "HTML elements in part {} nest about {depth} deep; hidden-text tracking stops at {HTML_TRACKED_DEPTH} levels and deeper elements inherit the state of the last tracked one",
                        p.part
                    ),
                ));
            }
            let room = limits.html.max_links.saturating_sub(raw_links.len());
            let scan = scan_html(
                &p.text,
                p.part,
                &HtmlLimits {
                    max_links: room,
                    ..limits.html
                },
            );
            links_cut |= scan.truncated && scan.links.len() >= room;
            html.images += scan.stats.images;
            html.remote_images += scan.stats.remote_images;
            html.forms += scan.stats.forms;
            html.scripts += scan.stats.scripts;
            html.visible_chars += scan.stats.visible_chars;
            html.hidden_chars += scan.stats.hidden_chars;
            html.password_inputs += scan.stats.password_inputs;
            html.iframes += scan.stats.iframes;
            raw_links.extend(scan.links);
            bodies.push(BodyText {
                part: p.part,
                content_type: "text/html".into(),
                charset: p.charset.clone(),
                charset_detected: p.detected,
                text: scan.visible_text,
                hidden_chars: scan.stats.hidden_chars,
            });
        } else {
            links_cut |= text_links(&p.text, p.part, &limits.links, &mut raw_links);
            bodies.push(BodyText {
                part: p.part,
                content_type: "text/plain".into(),
                charset: p.charset.clone(),
                charset_detected: p.detected,
                text: p.text.clone(),
                hidden_chars: 0,
            });
        }
    }
    if links_cut {
        defects.push(Defect::new(
            "limit.links",
            format!(
                "the message has more links than {}; only the first were examined",
                limits.links.max_links
            ),
        ));
    }

    let depths = unphish_mime::part_depths(msg);
    let mut unhashed = Vec::new();
    for (index, part) in msg.parts.iter().enumerate().take(limits.mime.max_parts) {
        // Deeper parts were left out of the text too (`limit.mime_depth` says so).
        if depths
            .get(index)
            .is_some_and(|&d| d > limits.mime.max_mime_depth)
        {
            continue;
        }
        let is_file = match part.body {
            PartType::Binary(_) | PartType::InlineBinary(_) => true,
            PartType::Text(_) | PartType::Html(_) => {
                unphish_mime::is_attachment(part) || part.attachment_name().is_some()
            }
            _ => false,
        };
        if is_file && part.contents().len() > limits.mime.max_attachment_bytes {
            // Hashing is linear and cheap, but the bound is the caller's to set (a bulk run may
            // want it low); a prefix hash would be a wrong IOC, so the hashes stay empty.
            unhashed.push(index);
            attachments.push(attachment(index, part, false, false, false));
            continue;
        }
        match &part.body {
            PartType::Message(inner) => {
                if depth + 1 > limits.mime.max_nested_messages {
                    if !defects.iter().any(|d| d.code == "limit.nesting") {
                        defects.push(Defect::new(
                            "limit.nesting",
                            format!("attached messages are nested deeper than {}; the deeper ones were not analysed", limits.mime.max_nested_messages),
                        ));
                    }
                } else if sources.len() < MAX_NESTED_PER_MESSAGE {
                    sources.push(nested(msg, part, inner, limits, depth));
                } else if !defects.iter().any(|d| d.code == "limit.attached_messages") {
                    defects.push(Defect::new(
                        "limit.attached_messages",
                        format!("the message has more than {MAX_NESTED_PER_MESSAGE} attached messages; only the first {MAX_NESTED_PER_MESSAGE} were analysed"),
                    ));
                }
            }
            PartType::Binary(_) | PartType::InlineBinary(_) => {
                attachments.push(attachment(index, part, true, false, false));
            }
            PartType::Text(_) | PartType::Html(_)
                if unphish_mime::is_attachment(part) || part.attachment_name().is_some() =>
            {
                let data = part.contents();
                let (mut form, mut script) = (false, false);
                if matches!(part.body, PartType::Html(_))
                    || part
                        .attachment_name()
                        .is_some_and(|n| n.to_ascii_lowercase().contains(".htm"))
                {
                    let text = String::from_utf8_lossy(data);
                    let scan = scan_html(
                        &text,
                        index,
                        &HtmlLimits {
                            max_links: 50,
                            max_text_bytes: 64 * 1024,
                        },
                    );
                    form = scan.stats.forms > 0;
                    script = scan.stats.scripts > 0;
                }
                attachments.push(attachment(index, part, true, form, script));
            }
            _ => {}
        }
    }

    if !unhashed.is_empty() {
        defects.push(Defect::new(
            "limit.attachment_size",
            format!(
                "attachment part(s) {unhashed:?} are larger than {} bytes decoded; they are listed with their size but were neither hashed nor scanned",
                limits.mime.max_attachment_bytes
            ),
        ));
    }

    let links: Vec<Link> = raw_links.into_iter().map(analyze).collect();
    let recipients = recipients(msg, &hops);
    let language = guess_language(subject.as_deref(), &bodies);
    let forwarded = crate::forward::find(subject.as_deref(), &bodies);
    Evidence {
        subject,
        subject_raw,
        date,
        language,
        hops,
        origin,
        identity,
        links,
        bodies,
        html,
        attachments,
        recipients,
        nested: Vec::new(),
        forwarded,
        defects,
    }
}
