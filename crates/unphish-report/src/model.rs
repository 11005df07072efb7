//! The report model: the versioned JSON contract (documented in `docs/report.schema.json`).
//!
//! Field names here are the contract; internal types do not leak into it except where they are
//! plain data (hops, defects).

use serde::Serialize;
use unphish_evidence::{Defect, Hop};

/// A sentence in both languages.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Bilingual {
    pub en: String,
    pub ja: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    /// Input path for batch output, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Language of the message (`ja`, `en`, ...), used as the default report language.
    pub language: String,
    pub verdict: VerdictOut,
    pub subject: Option<String>,
    pub date: Option<String>,
    pub origin: Option<OriginOut>,
    pub hops: Vec<HopOut>,
    pub sender: SenderOut,
    pub authentication: Vec<AuthOut>,
    pub links: Vec<LinkOut>,
    pub impersonation: Vec<ImpersonationOut>,
    pub findings: Vec<FindingOut>,
    pub attachments: Vec<AttachmentOut>,
    /// The readable body, trimmed, recipients masked.
    pub body_excerpt: Option<String>,
    /// The same excerpt with the message's link URLs defanged, for published reports.
    pub body_excerpt_defanged: Option<String>,
    pub advice: Vec<Bilingual>,
    pub defects: Vec<Defect>,
    /// Nested `message/rfc822` parts, each analysed as a message.
    pub nested: Vec<Report>,
    pub data: DataOut,
    /// Sentences for the article-style reports (Markdown, HTML), worded from the facts above.
    pub story: StoryOut,
    /// Places to pin on the map: the origin and link hosts with a known location.
    pub pins: Vec<PinOut>,
    /// Indicators of compromise for export (CSV, STIX, MISP), each tagged with its findings.
    pub indicators: Vec<IndicatorOut>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct StoryOut {
    /// What the From line claims and why it cannot be trusted.
    pub sender: Option<Bilingual>,
    /// What the Received chain shows as a whole (how many hops, which side wrote them).
    pub hops: Bilingual,
}

#[derive(Debug, Clone, Serialize)]
pub struct PinOut {
    /// `origin` or `link`.
    pub role: &'static str,
    /// The IP (defanged) or host the pin stands for.
    pub label: String,
    pub provider: Option<String>,
    /// City and country, or country alone.
    pub place: Bilingual,
    pub lat: f64,
    pub lon: f64,
    /// `city` (from a city database) or `country` (the country's centroid).
    pub precision: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorOut {
    /// `ipv4`, `ipv6`, `email`, `domain`, `hostname`, `url`, `md5`, `sha1`, `sha256`, `filename`.
    pub kind: &'static str,
    pub value: String,
    /// Where in the message it was seen: `origin`, `from`, `reply_to`, `return_path`,
    /// `link`, `attachment`.
    pub role: &'static str,
    /// True when the value belongs to a legitimate brand (its domain spoofed in a header, or
    /// its real site linked for decoration): worth recording, harmful to block.
    pub brand_owned: bool,
    /// IDs of the findings that cite it.
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerdictOut {
    /// `phishing`, `suspicious` or `clean`.
    pub level: &'static str,
    pub score: f64,
    pub headline: Bilingual,
    pub thresholds: Thresholds,
    /// Signals that fired but were cancelled by a composite, with the reason.
    pub cancelled: Vec<Cancelled>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Thresholds {
    pub phishing: f64,
    pub suspicious: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cancelled {
    pub id: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OriginOut {
    pub ip: Option<String>,
    pub ip_defanged: Option<String>,
    pub rdns: Option<String>,
    pub rdns_defanged: Option<String>,
    pub helo: Option<String>,
    pub asn: Option<u32>,
    pub as_org: Option<String>,
    /// ISO 3166 alpha-2 of where the IP is located.
    pub country: Option<String>,
    pub country_name: Option<Bilingual>,
    pub city: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Friendly provider name ("Contabo", "Amazon AWS").
    pub provider: Option<String>,
    /// `cloud`, `cdn`, `mail_provider`, `isp`, `private`, `unknown`.
    pub network_class: String,
    /// One phrase for the report: "a rented server at Contabo (Germany)".
    pub description: Bilingual,
    pub authenticated_submission: bool,
    /// The Received line that names the origin.
    pub received: String,
    /// `received` with the origin's IP and host name defanged.
    pub received_defanged: String,
    pub hop_index: usize,
    pub why: Bilingual,
    pub why_defanged: Bilingual,
}

#[derive(Debug, Clone, Serialize)]
pub struct HopOut {
    #[serde(flatten)]
    pub hop: Hop,
    pub ip_defanged: Option<String>,
    pub rdns_defanged: Option<String>,
    pub asn: Option<u32>,
    pub as_org: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MailboxOut {
    pub display_name: Option<String>,
    pub address: Option<String>,
    pub domain: Option<String>,
    pub registrable_domain: Option<String>,
    pub display_name_address: Option<String>,
    pub raw: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SenderOut {
    pub from: Option<MailboxOut>,
    pub reply_to: Vec<MailboxOut>,
    pub return_path: Option<MailboxOut>,
    pub sender: Option<MailboxOut>,
    pub message_id: Option<String>,
    pub message_id_domain: Option<String>,
    pub dkim_domains: Vec<String>,
    /// For a forward: the sender of the forwarded mail, from its quoted header block.
    pub forwarded_from: Option<MailboxOut>,
    /// For a forward: the quoted subject of the forwarded mail.
    pub forwarded_subject: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuthOut {
    pub source: String,
    pub authserv_id: Option<String>,
    pub method: String,
    pub result: String,
    pub props: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkOut {
    pub url: String,
    pub url_defanged: String,
    pub raw: String,
    pub text: Option<String>,
    /// `anchor`, `area`, `form`, `meta_refresh`, `text`.
    pub kind: String,
    pub host: Option<String>,
    pub host_defanged: Option<String>,
    pub host_unicode: Option<String>,
    pub registrable_domain: Option<String>,
    pub ip: Option<String>,
    pub host_class: String,
    /// The brand that owns the host, when it is a brand's own.
    pub owner: Option<String>,
    pub defanged_in_mail: bool,
    pub parse_error: Option<String>,
    /// IDs of findings that cite this link.
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClaimSourceOut {
    pub field: String,
    pub matched: String,
    pub quote: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImpersonationOut {
    /// Canonical brand name (`KAGOYA`, `Amazon`).
    pub brand: String,
    pub name: Bilingual,
    pub category: String,
    pub official_url: Option<String>,
    pub report_url: Option<String>,
    pub legitimate_domains: Vec<String>,
    /// The distinct places the claim was made (`display_name`, `from_address`, `footer`, ...).
    pub fields: Vec<String>,
    pub sources: Vec<ClaimSourceOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceOut {
    /// `header`, `part`, `link`, `attachment`.
    pub kind: String,
    /// Header name, part/link/attachment index.
    pub at: String,
    pub quote: String,
    pub quote_defanged: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingOut {
    pub id: String,
    pub slug: String,
    pub group: String,
    pub confidence: String,
    pub weight: f64,
    pub title: Bilingual,
    pub explanation: Bilingual,
    /// `title` and `explanation` with attacker URLs, hosts and IPs defanged.
    pub title_defanged: Bilingual,
    pub explanation_defanged: Bilingual,
    pub evidence: Vec<EvidenceOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentOut {
    pub name: Option<String>,
    pub content_type: Option<String>,
    pub size: usize,
    pub md5: String,
    pub sha1: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataOut {
    pub scoring: String,
    pub intel: Vec<String>,
    /// Checks that need the network and were skipped (offline analysis).
    pub skipped_online: Vec<String>,
    pub unphish_version: &'static str,
}
