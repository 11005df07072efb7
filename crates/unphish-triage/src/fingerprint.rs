//! What a message contributes to campaign grouping: explainable keys (link template, landing
//! domain, subject template, sender pattern, origin network, body MinHash bands) plus the facts a
//! digest shows (brand, lure, providers, link domains).
//!
//! Every key is a string a person can read back ("same landing domain evil-shop.example"), so the
//! reason two messages were grouped is never a bare similarity score.

use crate::minhash::{self, Sketch};
use sha2::{Digest, Sha256};
use unphish::{Assessment, Evidence, Report};
use unphish_intel::lures::{LureCategory, LureDb};

/// How much a shared key says about two messages coming from the same actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyKind {
    /// Same link on a shared host (free hosting, shortener…) after tokens are normalised.
    LinkTemplate,
    /// Same registrable domain of a link on an ordinary (attacker-owned) host.
    LandingDomain,
    /// Same site on a shared host (a free-hosting subdomain, a bucket and page): the actor's
    /// own, like a landing domain, and like one often a hub every offer of theirs goes through.
    Site,
    /// Same subject once numbers, dates and recipient names are normalised.
    Subject,
    /// Same sender domain pattern.
    Sender,
    /// Same origin network (AS number).
    Network,
    /// One of the MinHash LSH bands; confirmed by the full sketch similarity.
    BodyBand,
    /// Exactly the same body text (of at least a sketch's worth of tokens).
    SameBody,
}

impl KeyKind {
    pub fn prefix(self) -> &'static str {
        match self {
            KeyKind::LinkTemplate => "url",
            KeyKind::LandingDomain => "dom",
            KeyKind::Site => "site",
            KeyKind::Subject => "subj",
            KeyKind::Sender => "snd",
            KeyKind::Network => "asn",
            KeyKind::BodyBand => "mh",
            KeyKind::SameBody => "body",
        }
    }

    pub fn from_key(key: &str) -> Option<KeyKind> {
        let p = key.split(':').next()?;
        Some(match p {
            "url" => KeyKind::LinkTemplate,
            "dom" => KeyKind::LandingDomain,
            "site" => KeyKind::Site,
            "subj" => KeyKind::Subject,
            "snd" => KeyKind::Sender,
            "asn" => KeyKind::Network,
            "body" => KeyKind::SameBody,
            _ if p.starts_with("mh") => KeyKind::BodyBand,
            _ => return None,
        })
    }
}

/// One message reduced to what triage stores and groups on.
#[derive(Debug, Clone, Default)]
pub struct Fingerprint {
    /// SHA-256 (hex) of the message with line endings normalised: the same message from an mbox,
    /// a Maildir or an .eml file is one message.
    pub hash: String,
    pub subject: Option<String>,
    pub from: Option<String>,
    /// When the mailbox got it, by the receiving side's clock (see [`seen_time`]).
    pub seen_ts: Option<i64>,
    /// The message's language (`ja`, `en`, ...), for the digest's language.
    pub language: Option<String>,
    /// The full analysis, kept only until the message is stored: a campaign's founder has its
    /// report rendered for the Markdown digest.
    pub report: Option<Box<Report>>,
    pub verdict: String,
    pub score: f64,
    pub brand: Option<String>,
    pub brand_name: Option<String>,
    pub lure: Option<String>,
    pub origin_provider: Option<String>,
    pub link_domains: Vec<String>,
    pub sender_domain: Option<String>,
    pub subject_template: Option<String>,
    pub sketch: Option<Sketch>,
    /// Grouping keys, `kind:value`, sorted and unique.
    pub keys: Vec<String>,
}

/// Links looked at per message: the lure is in the first few; a message with 5,000 links must
/// not cost 5,000 keys.
const MAX_LINKS: usize = 24;

/// Hashes a message so that CRLF/LF and trailing blank lines do not make two copies differ.
pub fn content_hash(raw: &[u8]) -> String {
    let mut end = raw.len();
    while end > 0 && matches!(raw.get(end - 1), Some(b'\n' | b'\r')) {
        end -= 1;
    }
    let mut rest = raw.get(..end).unwrap_or(raw);
    let mut h = Sha256::new();
    // Only the CR of a CRLF goes: a lone CR is content. Whole runs between CRs are fed at
    // once, so the hash costs what SHA-256 costs, not a call per line.
    while let Some(i) = memchr::memchr(b'\r', rest) {
        let crlf = rest.get(i + 1) == Some(&b'\n');
        let keep = if crlf { i } else { i + 1 };
        h.update(rest.get(..keep).unwrap_or(&[]));
        rest = rest.get(i + 1..).unwrap_or(&[]);
    }
    h.update(rest);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(64);
    for b in h.finalize().iter() {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

/// Normalises a subject into a template: reply prefixes dropped, recipient names, addresses and
/// numbers (dates, order numbers, amounts) replaced, case and spacing folded. `None` when too
/// little text is left to tell one lure from another.
pub fn subject_template(subject: &str, recipients: &[String]) -> Option<String> {
    let mut s = subject.trim().to_lowercase();
    loop {
        let t = s.trim_start();
        let mut stripped = None;
        for p in [
            "re:", "fw:", "fwd:", "aw:", "wg:", "tr:", "rv:", "sv:", "re：", "fw：",
        ] {
            if let Some(r) = t.strip_prefix(p) {
                stripped = Some(r.to_string());
                break;
            }
        }
        match stripped {
            Some(r) => s = r,
            None => break,
        }
    }
    // Phishing greets the victim by mailbox name in the subject ("john.smith, verify now").
    for r in recipients {
        let local = r.split('@').next().unwrap_or("").to_lowercase();
        if local.chars().count() >= 3 {
            s = s.replace(&local, "<name>");
        }
    }
    let mut out = String::with_capacity(s.len());
    for tok in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if tok.contains('@') {
            out.push_str("<email>");
            continue;
        }
        // Long random-looking tokens are tracking ids.
        // Only an unbroken run: `Your.transaction.0.7495.Bitcoin.` is words, not a token.
        let alnum = tok.chars().filter(|c| c.is_ascii_alphanumeric()).count();
        if alnum >= 16 && alnum == tok.len() && tok.chars().any(|c| c.is_ascii_digit()) {
            out.push('#');
            continue;
        }
        let mut prev_hash = false;
        for c in tok.chars() {
            if c.is_numeric() {
                if !prev_hash {
                    out.push('#');
                }
                prev_hash = true;
            } else {
                out.push(c);
                prev_hash = false;
            }
        }
    }
    let letters = out.chars().filter(|c| c.is_alphabetic()).count();
    // Four CJK characters carry as much as a short English phrase.
    let cjk = out
        .chars()
        .filter(|c| !c.is_ascii() && c.is_alphabetic())
        .count();
    if letters >= 8 || cjk >= 4 {
        Some(out)
    } else {
        None
    }
}

/// A path with its variable segments (ids, tokens, numbers) replaced by `*`; the query is
/// dropped (tracking tokens live there).
pub fn path_template(path: &str) -> String {
    let mut out = String::new();
    for seg in path.split('/').filter(|s| !s.is_empty()).take(6) {
        out.push('/');
        let digits = seg.chars().filter(|c| c.is_ascii_digit()).count();
        if digits > 0 || seg.len() > 24 || seg.contains('%') {
            out.push('*');
        } else {
            out.push_str(&seg.to_lowercase());
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// True when a path on a shared service names one page rather than the service's own endpoint:
/// `/ls/click`, `/unsubscribe` and `/forms/viewform` are everyone's (the token is in the query);
/// `/r/8KQ2ZX`, `/e/free-phone-tickets-123` or `/bucket/page.html` is one customer's. A
/// segment is the customer's when it has a digit, a slug or file-name separator, or is long.
pub fn actor_path(path: &str) -> bool {
    path.split('/').filter(|s| !s.is_empty()).any(|seg| {
        seg.chars().count() > 16
            || seg
                .chars()
                .any(|c| c.is_ascii_digit() || matches!(c, '-' | '_' | '.' | '%'))
    })
}

/// At most `max` bytes, cut on a char boundary: a key is an index entry, not a copy of the URL.
fn bounded(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// Unix seconds of 1990-01-01: mail dated earlier is a broken or forged clock.
pub const EARLIEST_TS: i64 = 631_152_000;

/// When the mailbox got the message. The receiving side's own clock is the one to trust: the
/// boundary hop (the first server of the receiving side), then the other hops it wrote, then any
/// hop, then the Date header (the sender's word). A time before 1990 or after `not_after` (the
/// run's own time) is a forged or broken clock and is skipped.
pub fn seen_time(ev: &Evidence, not_after: Option<i64>) -> Option<i64> {
    use unphish_evidence::model::HopRole;
    let ok = |t: i64| t >= EARLIEST_TS && not_after.is_none_or(|n| t <= n);
    let by_role = |role: HopRole| {
        ev.hops
            .iter()
            .filter(|h| h.role == role)
            .find_map(|h| h.timestamp.filter(|t| ok(*t)))
    };
    by_role(HopRole::Boundary)
        .or_else(|| by_role(HopRole::Internal))
        .or_else(|| ev.hops.iter().find_map(|h| h.timestamp.filter(|t| ok(*t))))
        .or_else(|| {
            let d = ev.date.as_deref()?;
            // Extraction stores it as RFC 3339; an unnormalised header is RFC 5322.
            let t = match d.trim().parse::<jiff::Timestamp>() {
                Ok(t) => t.as_second(),
                Err(_) => jiff::fmt::rfc2822::parse(d.trim())
                    .ok()?
                    .timestamp()
                    .as_second(),
            };
            ok(t).then_some(t)
        })
}

fn digits_to_hash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            if !prev {
                out.push('#');
            }
            prev = true;
        } else {
            out.push(c);
            prev = false;
        }
    }
    out
}

fn split_url(url: &str) -> Option<(&str, &str)> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let path_and_more = rest.get(end..).unwrap_or("");
    let path = path_and_more
        .split(['?', '#'])
        .next()
        .unwrap_or(path_and_more);
    Some((rest.get(..end).unwrap_or(""), path))
}

/// The lure category a message leads with: strong phrases count double, and plain urgency only
/// wins when nothing more specific is there (urgency rides along with every lure).
fn lure_category(subject: Option<&str>, body: &str, lures: &LureDb) -> Option<String> {
    let mut counts: Vec<(&'static str, u32)> = Vec::new();
    let mut add = |text: &str, weight: u32| {
        for hit in lures.scan(text) {
            let cat = category_code(hit.category);
            let w = weight
                * if matches!(hit.strength, unphish_intel::lures::LureStrength::Strong) {
                    2
                } else {
                    1
                };
            match counts.iter_mut().find(|(c, _)| *c == cat) {
                Some(e) => e.1 += w,
                None => counts.push((cat, w)),
            }
        }
    };
    if let Some(s) = subject {
        add(s, 2);
    }
    let mut end = body.len().min(4096);
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    add(body.get(..end).unwrap_or(""), 1);
    counts.sort_by(|a, b| {
        let ua = a.0 == "urgency";
        let ub = b.0 == "urgency";
        ua.cmp(&ub).then(b.1.cmp(&a.1)).then(a.0.cmp(b.0))
    });
    // One weak phrase in the body ("log in" in a footer) is not a lure: the winner needs a
    // strong phrase, a subject hit, or two phrases.
    counts
        .into_iter()
        .next()
        .filter(|(_, w)| *w >= 2)
        .map(|(c, _)| c.to_string())
}

/// The category's name in lures.toml and the store (its serde name), without a serde round
/// trip per phrase found.
fn category_code(c: LureCategory) -> &'static str {
    match c {
        LureCategory::Urgency => "urgency",
        LureCategory::Threat => "threat",
        LureCategory::Account => "account",
        LureCategory::Credential => "credential",
        LureCategory::Payment => "payment",
        LureCategory::Delivery => "delivery",
        LureCategory::Reward => "reward",
        LureCategory::SpamTag => "spam_tag",
    }
}

/// What grouping needs of a message's judgement: the verdict, the origin network, the links as
/// the report shows them (recipient addresses masked) and the first impersonated brand. Taken
/// from a full [`Report`], or from an [`Assessment`] without building one (a triage run that
/// does not show analyses builds no report): both give the same values.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub level: String,
    pub score: f64,
    pub origin_provider: Option<String>,
    pub origin_asn: Option<u32>,
    /// The first links (at most 24: the lure is in the first few).
    pub links: Vec<JudgedLink>,
    /// The first impersonated brand: id and English name.
    pub brand: Option<(String, String)>,
}

/// One link of a [`Judgement`].
#[derive(Debug, Clone, PartialEq)]
pub struct JudgedLink {
    /// The URL with recipient addresses masked (when the analysis masks them).
    pub url: String,
    pub registrable_domain: Option<String>,
    pub ip: Option<String>,
    /// `shortener`, `free_hosting`, ... (the report's names).
    pub host_class: String,
    /// The brand that legitimately owns the host.
    pub owner: Option<String>,
}

fn provider_of(
    provider: Option<&String>,
    as_org: Option<&String>,
    asn: Option<u32>,
) -> Option<String> {
    provider
        .cloned()
        .or_else(|| as_org.cloned())
        .or_else(|| asn.map(|a| format!("AS{a}")))
}

impl Judgement {
    pub fn from_report(r: &Report) -> Judgement {
        let o = r.origin.as_ref();
        Judgement {
            level: r.verdict.level.to_string(),
            score: r.verdict.score,
            origin_provider: o
                .and_then(|o| provider_of(o.provider.as_ref(), o.as_org.as_ref(), o.asn)),
            origin_asn: o.and_then(|o| o.asn),
            links: r
                .links
                .iter()
                .take(MAX_LINKS)
                .map(|l| JudgedLink {
                    url: l.url.clone(),
                    registrable_domain: l.registrable_domain.clone(),
                    ip: l.ip.clone(),
                    host_class: l.host_class.clone(),
                    owner: l.owner.clone(),
                })
                .collect(),
            brand: r
                .impersonation
                .first()
                .map(|i| (i.brand.clone(), i.name.en.clone())),
        }
    }

    /// The same values as [`from_report`](Self::from_report) of the report `analyzer` would
    /// build from `a`, without building it.
    pub fn from_assessment(
        analyzer: &unphish::Analyzer,
        ev: &Evidence,
        a: &Assessment,
    ) -> Judgement {
        let mk = if analyzer.masks_recipients() {
            unphish_report::mask::Masker::new(&ev.recipients)
        } else {
            unphish_report::mask::Masker::default()
        };
        // The report names a brand when a counted finding does, in finding order.
        let brands = analyzer.brands();
        let counted: Vec<&str> = a
            .verdict
            .contributions
            .iter()
            .map(|(i, _)| i.as_str())
            .collect();
        let brand = a
            .hits
            .iter()
            .filter(|h| counted.contains(&h.id))
            .filter_map(|h| h.vars.iter().find(|(k, _)| *k == "brand_id"))
            .find_map(|(_, id)| {
                let b = brands.get(brands.by_id(id)?);
                Some((b.id.clone(), b.name_en.clone()))
            });
        let origin = ev
            .origin
            .as_ref()
            .map(|_| a.enrichment.origin.clone().unwrap_or_default());
        Judgement {
            level: a.verdict.level.as_str().to_string(),
            score: a.verdict.score,
            origin_provider: origin
                .as_ref()
                .and_then(|o| provider_of(o.provider.as_ref(), o.as_org.as_ref(), o.asn)),
            origin_asn: origin.as_ref().and_then(|o| o.asn),
            links: ev
                .links
                .iter()
                .zip(
                    a.enrichment
                        .links
                        .iter()
                        .map(Some)
                        .chain(std::iter::repeat(None)),
                )
                .take(MAX_LINKS)
                .map(|(l, intel)| JudgedLink {
                    url: mk.apply(&l.url),
                    registrable_domain: l.registrable_domain.clone(),
                    ip: l.ip.map(|i| i.to_string()),
                    host_class: intel
                        .map_or("", |x| host_class_name(x.host_class))
                        .to_string(),
                    owner: intel.and_then(|x| x.owner.clone()),
                })
                .collect(),
            brand,
        }
    }
}

/// A host class by the name the report gives it (its serde name).
fn host_class_name(c: unphish_intel::hosts::HostClass) -> &'static str {
    use unphish_intel::hosts::HostClass;
    match c {
        HostClass::Shortener => "shortener",
        HostClass::FreeHosting => "free_hosting",
        HostClass::DynamicDns => "dynamic_dns",
        HostClass::Freemail => "freemail",
        HostClass::MailInfrastructure => "mail_infrastructure",
        HostClass::IpfsGateway => "ipfs_gateway",
        HostClass::Ordinary => "ordinary",
    }
}

/// Builds the fingerprint of one analysed message (no upper bound on its time).
pub fn fingerprint(raw: &[u8], ev: &Evidence, report: &Report) -> Fingerprint {
    fingerprint_at(content_hash(raw), ev, &Judgement::from_report(report), None)
}

/// Builds the fingerprint of one analysed message whose [`content_hash`] is `hash` (triage
/// hashes every message before analysis to skip known ones, and does not hash twice); times
/// after `not_after` (the run's own time) are not believed.
pub fn fingerprint_at(
    hash: String,
    ev: &Evidence,
    judged: &Judgement,
    not_after: Option<i64>,
) -> Fingerprint {
    let lures = LureDb::embedded();
    let mut keys: Vec<String> = Vec::new();

    let mut body = String::new();
    for b in &ev.bodies {
        if body.len() >= minhash::MAX_TEXT_BYTES {
            break;
        }
        body.push_str(&b.text);
        body.push('\n');
    }
    let sketch = minhash::sketch(&body);
    if let Some(sk) = sketch {
        keys.extend(minhash::bands(&sk.slots));
        // The same text sent to many recipients: an exact match needs no similarity estimate,
        // and it still groups when a crowded LSH bucket hides the sketch match.
        keys.push(format!(
            "body:{:016x}",
            xxhash_rust::xxh3::xxh3_64(body.as_bytes())
        ));
    }

    let subject = ev.subject.clone().filter(|s| !s.trim().is_empty());
    let subject_tpl = subject
        .as_deref()
        .and_then(|s| subject_template(s, &ev.recipients));
    if let Some(t) = &subject_tpl {
        keys.push(format!("subj:{t}"));
    }

    let from = ev.identity.from.as_ref();
    let sender_domain = from.and_then(|m| m.registrable_domain.clone().or(m.domain.clone()));
    if let Some(d) = &sender_domain {
        let freemail = unphish_intel::hosts::HostDb::embedded()
            .classify(d)
            .is_some_and(|c| matches!(c, unphish_intel::hosts::HostClass::Freemail));
        let pattern = if freemail {
            // On free mail the domain says nothing; the shape of the throwaway local part does.
            let local = from
                .and_then(|m| m.address.as_deref())
                .and_then(|a| a.split('@').next())
                .unwrap_or("");
            format!("{}@{d}", digits_to_hash(&local.to_lowercase()))
        } else {
            digits_to_hash(d)
        };
        keys.push(format!("snd:{pattern}"));
    }

    let origin_provider = judged.origin_provider.clone();
    if let Some(asn) = judged.origin_asn {
        keys.push(format!("asn:{asn}"));
    }

    let hosts = unphish_intel::hosts::HostDb::embedded();
    let mut link_domains: Vec<String> = Vec::new();
    for l in &judged.links {
        // A brand's own domain (the real privacy-policy link phishing copies to look genuine)
        // would tie every lure of that brand together.
        if l.owner.is_some() {
            continue;
        }
        let Some((host, path)) = split_url(&l.url) else {
            continue;
        };
        let host = host.to_lowercase();
        let Some(reg) = l.registrable_domain.clone().or(l.ip.clone()) else {
            continue;
        };
        if !link_domains.contains(&reg) {
            link_domains.push(reg.clone());
        }
        // Event, survey and form builders, ESP click trackers and big sites' redirectors serve
        // everyone: unrelated spam shares `eventbrite.com` or `sendgrid.net`. Only the exact page
        // (`/e/free-iphone-tickets-8123`, a form id) is the actor's.
        if hosts.is_shared_service(&host, Some(&reg)) {
            if actor_path(path) {
                // A page on a hosting service (a bucket's `offer.html`) is the actor's site and,
                // like a landing domain, often the hub every offer of theirs passes through; an
                // event or form page is one lure.
                let kind = match l.host_class.as_str() {
                    "free_hosting" | "dynamic_dns" | "ipfs_gateway" => "site",
                    _ => "url",
                };
                keys.push(format!("{kind}:{host}{}", bounded(path, 160)));
            }
            continue;
        }
        match l.host_class.as_str() {
            // A short link's code is the actor's own; its template (`is.gd/*`) is everyone's.
            "shortener" => {
                if path.len() > 1 {
                    keys.push(format!("url:{host}{}", bounded(path, 160)));
                }
            }
            // Shared hosts: the domain is everyone's; a subdomain, or a path with fixed words
            // (`/koin/topmarktingplace.html`), is the actor's.
            "free_hosting" | "dynamic_dns" | "ipfs_gateway" => {
                let tpl = path_template(path);
                if host != reg || tpl.split('/').any(|seg| !seg.is_empty() && seg != "*") {
                    keys.push(format!("site:{host}{tpl}"));
                }
            }
            // Click trackers and ESPs carry mail for everyone.
            "mail_infrastructure" | "freemail" => {}
            _ => keys.push(format!("dom:{reg}")),
        }
    }
    keys.sort();
    keys.dedup();

    let (brand, brand_name) = match judged.brand.clone() {
        Some((id, name)) => (Some(id), Some(name)),
        None => (None, None),
    };
    Fingerprint {
        hash,
        lure: lure_category(subject.as_deref(), &body, lures),
        subject,
        from: from.and_then(|m| m.address.clone()),
        seen_ts: seen_time(ev, not_after),
        language: Some(ev.language.clone()).filter(|l| !l.is_empty()),
        report: None,
        verdict: judged.level.clone(),
        score: judged.score,
        brand,
        brand_name,
        origin_provider,
        link_domains,
        sender_domain,
        subject_template: subject_tpl,
        sketch,
        keys,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_templates_fold_rotating_parts() {
        let r = vec!["john.smith@example.com".to_string()];
        let a = subject_template("Re: john.smith, your order #48213 ships 2024-05-01", &r);
        let b = subject_template("RE: Your order #99 ships 2025-12-31", &[]);
        assert_eq!(a.as_deref(), Some("<name>, your order ## ships #-#-#"));
        assert_eq!(b.as_deref(), Some("your order ## ships #-#-#"));
        assert_eq!(subject_template("Hi 123", &[]), None);
        assert_eq!(
            subject_template("Your.transaction.0.7495.Bitcoin.", &[]).as_deref(),
            Some("your.transaction.#.#.bitcoin.")
        );
        assert_eq!(
            subject_template("Ticket a8f3k29dj3k2l1p0q9 opened", &[]).as_deref(),
            Some("ticket # opened")
        );
        assert_eq!(
            subject_template("【重要】アカウント停止のお知らせ 12345", &[]).as_deref(),
            Some("【重要】アカウント停止のお知らせ #")
        );
    }

    #[test]
    fn path_templates_drop_tokens() {
        assert_eq!(path_template("/login/a8f3k2/verify"), "/login/*/verify");
        assert_eq!(path_template("/Login/Verify"), "/login/verify");
        assert_eq!(path_template(""), "/");
    }

    #[test]
    fn shared_service_paths_tell_endpoints_from_pages() {
        for generic in [
            "/ls/click",
            "/unsubscribe",
            "/forms/viewform",
            "/",
            "/track/click",
        ] {
            assert!(!actor_path(generic), "{generic}");
        }
        for page in [
            "/r/8KQ2ZX",
            "/e/free-phone-tickets-123",
            "/koin/topmarktingplace.html",
            "/s/averyveryverylongcustomername",
        ] {
            assert!(actor_path(page), "{page}");
        }
    }

    #[test]
    fn content_hash_ignores_line_endings() {
        let a = content_hash(b"Subject: x\r\n\r\nbody\r\n");
        let b = content_hash(b"Subject: x\n\nbody\n\n");
        let c = content_hash(b"Subject: y\n\nbody\n");
        assert_eq!(a, b);
        assert_ne!(a, c);
        // A lone CR is content; CR CR LF keeps the first CR.
        assert_ne!(content_hash(b"a\rb"), content_hash(b"ab"));
        assert_ne!(content_hash(b"a\r\r\nb"), content_hash(b"a\nb"));
        // Stores are keyed by this hash: it must equal the first (line by line) version's.
        let reference = |raw: &[u8]| {
            let mut end = raw.len();
            while end > 0 && matches!(raw[end - 1], b'\n' | b'\r') {
                end -= 1;
            }
            let body = &raw[..end];
            let mut h = Sha256::new();
            let mut start = 0;
            for (i, w) in body.windows(2).enumerate() {
                if w == b"\r\n" {
                    h.update(&body[start..i]);
                    start = i + 1;
                }
            }
            h.update(&body[start..]);
            h.finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        };
        for raw in [
            &b""[..],
            b"\r",
            b"\r\n\r\n",
            b"a\r\r\nb",
            b"a\rb\r",
            b"\ra\r\n\rb\r\r",
            b"x\r\ny\nz\r\n\r\n",
            "件名\r\n本文\r".as_bytes(),
        ] {
            assert_eq!(content_hash(raw), reference(raw), "{raw:?}");
        }
        // Pinned: stored stores are keyed by this hash, so it must never change.
        assert_eq!(
            content_hash(b"x\r\ny\r\n"),
            "9ab9de25768ac172235e119b76362ecddad33878fe9a7792cdddbe47236f9a87"
        );
    }

    #[test]
    fn category_codes_are_the_serde_names() {
        use LureCategory::*;
        for c in [
            Urgency, Threat, Account, Credential, Payment, Delivery, Reward, SpamTag,
        ] {
            let serde = serde_json::to_value(c).unwrap();
            assert_eq!(serde.as_str(), Some(category_code(c)));
        }
    }

    #[test]
    fn key_kinds_round_trip() {
        for k in [
            KeyKind::LinkTemplate,
            KeyKind::LandingDomain,
            KeyKind::Site,
            KeyKind::Subject,
            KeyKind::Sender,
            KeyKind::Network,
            KeyKind::SameBody,
        ] {
            assert_eq!(KeyKind::from_key(&format!("{}:x", k.prefix())), Some(k));
        }
        assert_eq!(KeyKind::from_key("mh3:1f"), Some(KeyKind::BodyBand));
    }
}
