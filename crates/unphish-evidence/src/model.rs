//! The evidence model: everything the later stages may reason about, extracted from one message.
//!
//! These types carry no judgement (no scores, no verdicts). Every value keeps the raw text it was
//! read from, so a finding can quote it.

use serde::Serialize;
use std::net::IpAddr;

/// Where in the message a piece of evidence sits, so a report can cite it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Location {
    /// A header field; `index` counts fields of that name from the top (0 = first).
    Header { name: String, index: usize },
    /// A MIME body part (0-based, in the order the parser walks them).
    Part { index: usize },
    /// A link, by its index in [`Evidence::links`].
    Link { index: usize },
    /// An attachment, by its index in [`Evidence::attachments`].
    Attachment { index: usize },
}

/// A defect: something malformed, cut short or suspicious about the message's structure.
pub use unphish_mime::Defect;

/// How public an IP address is (RFC 1918, RFC 6598, loopback, link-local, documentation ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IpScope {
    Public,
    Private,
    Loopback,
    LinkLocal,
    SharedCgnat,
    Documentation,
    Reserved,
}

/// Which side of the trust boundary a hop was recorded on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HopRole {
    /// Recorded by the receiving side, about a hand-over inside the receiving side.
    Internal,
    /// Recorded by the receiving side's first server: its `from` part is the origin.
    Boundary,
    /// Written before the mail reached the receiving side: claims of the sender, not verified.
    External,
    /// Not classified (too little information).
    Unknown,
}

/// One `Received` header, parsed. Index 0 is the top-most (newest) header.
#[derive(Debug, Clone, Serialize)]
pub struct Hop {
    pub index: usize,
    /// The header line as written, unfolded (`Received: from ...`).
    pub raw: String,
    /// The name the client gave in HELO/EHLO (may be a bare IP or `[127.0.0.1]`).
    pub helo: Option<String>,
    /// The reverse-DNS name the receiving server recorded for the client.
    pub rdns: Option<String>,
    /// The client's IP address as recorded by the receiving server.
    pub ip: Option<IpAddr>,
    pub ip_scope: Option<IpScope>,
    /// The receiving server's name.
    pub by: Option<String>,
    /// `with` protocol (ESMTP, ESMTPSA, HTTP, LMTP, "Microsoft SMTP Server" ...).
    pub with: Option<String>,
    pub id: Option<String>,
    #[serde(rename = "for")]
    pub for_addr: Option<String>,
    pub tls: Option<String>,
    /// The hop's timestamp, RFC 3339 in UTC.
    pub date: Option<String>,
    /// Unix seconds of `date`.
    pub timestamp: Option<i64>,
    /// Seconds between the previous (older) hop and this one; negative means the clocks disagree.
    pub delay_secs: Option<i64>,
    /// True when `delay_secs` is negative or implausibly large: reported as clock skew, not delay.
    pub skew: bool,
    pub role: HopRole,
    /// Observations about this hop (English, short), e.g. "HELO is a bare IP literal".
    pub notes: Vec<String>,
}

/// The client that handed the message to the receiving side, with the reasoning.
#[derive(Debug, Clone, Serialize)]
pub struct Origin {
    /// Index into [`Evidence::hops`].
    pub hop_index: usize,
    pub ip: Option<IpAddr>,
    pub rdns: Option<String>,
    pub helo: Option<String>,
    /// The Received line that names the origin, unfolded.
    pub raw: String,
    /// True when the origin hop is an authenticated submission (ESMTPA/ESMTPSA, ...).
    pub authenticated: bool,
    /// Why this hop was chosen, in English and Japanese.
    pub why: Bilingual,
}

/// A sentence in both report languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Bilingual {
    pub en: String,
    pub ja: String,
}

/// A mailbox as written in a header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Mailbox {
    pub display_name: Option<String>,
    pub address: Option<String>,
    /// The domain after `@`, lower-case.
    pub domain: Option<String>,
    /// The registrable domain (public suffix + 1) of `domain`.
    pub registrable_domain: Option<String>,
    /// An address written inside the display name (`"support@paypal.com" <x@evil.example>`),
    /// whether or not it matches `address`: the victim reads this one, the server used the other.
    pub display_name_address: Option<String>,
    /// The header line it came from, unfolded.
    pub raw: String,
}

/// One method result from `Authentication-Results`, `ARC-Authentication-Results` or `Received-SPF`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthResult {
    /// `authentication-results`, `arc-authentication-results` or `received-spf`.
    pub source: String,
    pub authserv_id: Option<String>,
    /// The ARC instance (`i=` of `ARC-Authentication-Results`, RFC 8617 §4.1.1): 1 is the first
    /// forwarder's view. `None` for the other sources.
    pub arc_instance: Option<u32>,
    /// `spf`, `dkim`, `dmarc`, `compauth`, `arc`, `iprev`, ...
    pub method: String,
    /// `pass`, `fail`, `softfail`, `neutral`, `none`, `temperror`, `permerror`, ...
    pub result: String,
    /// Properties such as `smtp.mailfrom`, `header.from`, `header.d`, `reason`.
    pub props: Vec<(String, String)>,
    /// The header line, unfolded.
    pub raw: String,
}

/// Everything the message says about who sent it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Identity {
    pub from: Option<Mailbox>,
    pub reply_to: Vec<Mailbox>,
    pub return_path: Option<Mailbox>,
    pub sender: Option<Mailbox>,
    pub message_id: Option<String>,
    pub message_id_domain: Option<String>,
    /// `d=` of every DKIM-Signature, lower-case.
    pub dkim_domains: Vec<String>,
    pub auth: Vec<AuthResult>,
}

/// Where a link was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// `<a href>`
    Anchor,
    /// `<area href>`
    Area,
    /// `<form action>`
    Form,
    /// `<meta http-equiv=refresh content="0;url=...">`
    MetaRefresh,
    /// A URL written in plain text (text part, or text inside HTML).
    Text,
}

/// One link with its visible text and what its host is.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    /// The target as a browser would use it: re-fanged (`hxxps` → `https`), entity-decoded, trimmed.
    pub url: String,
    /// The target exactly as written in the message.
    pub raw: String,
    /// The visible text of the link (anchor text, image alt), whitespace-collapsed.
    pub text: Option<String>,
    pub kind: LinkKind,
    /// Index of the body part it was found in.
    pub part: usize,
    pub scheme: Option<String>,
    /// The host, lower-case ASCII (punycode).
    pub host: Option<String>,
    /// The host with punycode decoded, when it differs from `host`.
    pub host_unicode: Option<String>,
    /// Public suffix + 1 of `host` (none for IP literals).
    pub registrable_domain: Option<String>,
    /// Set when the host is an IP literal.
    pub ip: Option<IpAddr>,
    pub path: Option<String>,
    pub query: Option<String>,
    /// The target was written defanged or masked (`hxxps://`, `h**ps://`, `[.]`).
    pub defanged: bool,
    /// Why the URL could not be parsed, when it could not.
    pub parse_error: Option<String>,
    /// When the visible text itself looks like a URL or a domain: that host, lower-case ASCII.
    pub text_host: Option<String>,
    /// Registrable domain of `text_host`.
    pub text_registrable_domain: Option<String>,
}

/// A body part's readable text.
#[derive(Debug, Clone, Serialize)]
pub struct BodyText {
    pub part: usize,
    /// `text/plain` or `text/html` (for HTML: the visible text).
    pub content_type: String,
    /// Charset used to decode (declared or detected).
    pub charset: Option<String>,
    /// True when the charset was not declared and was detected.
    pub charset_detected: bool,
    pub text: String,
    /// Characters of text that a mail client would not show (display:none, zero font, ...).
    pub hidden_chars: usize,
}

/// A MIME part that is an attachment or inline file.
#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub part: usize,
    pub name: Option<String>,
    pub content_type: Option<String>,
    pub size: usize,
    pub md5: String,
    pub sha1: String,
    pub sha256: String,
    /// For HTML attachments: whether they contain a form or a script.
    pub html_form: bool,
    pub html_script: bool,
}

/// What an HTML body contains besides links (for structure tells).
#[derive(Debug, Clone, Default, Serialize)]
pub struct HtmlStats {
    pub images: usize,
    pub remote_images: usize,
    pub forms: usize,
    /// `<input type=password>` fields: a form asking for a password inside a mail is a phish tell.
    pub password_inputs: usize,
    pub scripts: usize,
    /// `<iframe>` and `<frame>` elements.
    pub iframes: usize,
    pub visible_chars: usize,
    pub hidden_chars: usize,
}

/// The header block of a mail forwarded inline, as the forwarding program quoted it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Forwarded {
    /// The quoted `From:` (`De:`, `Von:` ...) line; `raw` is the line as written.
    pub from: Mailbox,
    /// The quoted `Subject:` (`Assunto:`, `Betreff:` ...), when the block has one.
    pub subject: Option<String>,
    /// The body part the block is in.
    pub part: usize,
}

/// Everything extracted from one message.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Evidence {
    pub subject: Option<String>,
    /// The Subject header line, unfolded as written.
    pub subject_raw: Option<String>,
    pub date: Option<String>,
    /// `ja`, `en`, ... guessed from subject and text.
    pub language: String,
    pub hops: Vec<Hop>,
    pub origin: Option<Origin>,
    pub identity: Identity,
    pub links: Vec<Link>,
    pub bodies: Vec<BodyText>,
    pub html: HtmlStats,
    pub attachments: Vec<Attachment>,
    /// Recipient addresses (To, Cc, Delivered-To, `for` in Received), lower-case: masked in reports.
    pub recipients: Vec<String>,
    /// Nested `message/rfc822` parts, analysed as messages of their own.
    pub nested: Vec<Evidence>,
    /// The quoted header block of a mail forwarded inline (a forward only).
    pub forwarded: Option<Forwarded>,
    pub defects: Vec<Defect>,
}
