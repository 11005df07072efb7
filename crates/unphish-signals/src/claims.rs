//! Claims: who the message says it is, and whether the sending identity backs that up.
//!
//! Several signals need the same derived facts (which brands the mail claims, where it claims them,
//! whether authentication aligns with the From domain). They are computed once here so that every
//! signal reads the same answer.

use crate::enrich::Enrichment;
use serde::Serialize;
use unphish_evidence::{AuthResult, Evidence, Location};
use unphish_intel::brands::BrandDb;
use unphish_intel::lures::{LureDb, LureHit};
use unphish_intel::text::{Folded, MATCH_FOLD};

/// Where a brand claim was found.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimSource {
    /// `display_name`, `from_address`, `subject`, `footer`, `body`, `link_text`,
    /// `forwarded_from` (the sender name in the quoted header of a mail forwarded inline).
    pub field: &'static str,
    /// What was matched (the alias or domain as written).
    pub matched: String,
    /// The line or excerpt it stands in.
    pub quote: String,
    pub location: Location,
}

impl ClaimSource {
    /// Display name, subject, From address and copyright footer are deliberate claims of identity;
    /// a brand merely named in running text is not.
    pub fn is_strong(&self) -> bool {
        matches!(
            self.field,
            "display_name" | "subject" | "from_address" | "footer" | "forwarded_from"
        )
    }
}

/// One brand the message claims to come from.
#[derive(Debug, Clone, Serialize)]
pub struct BrandClaim {
    /// Index into the brand data.
    #[serde(skip)]
    pub brand: usize,
    /// Canonical brand id (`KAGOYA`, `Amazon`).
    pub id: String,
    pub sources: Vec<ClaimSource>,
    /// The From domain belongs to the brand and the receiving side's authentication aligns with it.
    pub sender_verified: bool,
    /// The From domain belongs to the brand (whether or not it is verified).
    pub from_owned: bool,
}

impl BrandClaim {
    pub fn has_strong_source(&self) -> bool {
        self.sources.iter().any(ClaimSource::is_strong)
    }
}

/// A lure phrase and where it was found.
#[derive(Debug, Clone, Serialize)]
pub struct LureFound {
    pub hit: LureHit,
    /// `subject`, `body`, `link_text`, `display_name`.
    pub field: &'static str,
    pub location: Location,
    /// A short excerpt around the phrase.
    pub context: String,
}

/// Authentication results of the receiving side, summarised for the From domain.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AuthSummary {
    /// Indexes into `Identity::auth` of the results that count (the top-most header that has them).
    pub spf: Option<usize>,
    pub dkim: Vec<usize>,
    pub dmarc: Option<usize>,
    pub compauth: Option<usize>,
    /// DMARC pass, or DKIM pass with `header.d` aligned to the From domain, or SPF pass aligned.
    pub aligned_pass: bool,
}

/// Facts derived once per message for all signals.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Claims {
    pub from_domain: Option<String>,
    pub from_registrable: Option<String>,
    pub auth: AuthSummary,
    pub brands: Vec<BrandClaim>,
    pub lures: Vec<LureFound>,
    pub subject_tags: Vec<LureHit>,
    /// The origin's reverse-DNS name (never its HELO) lies in the From domain.
    pub origin_in_sender_domain: bool,
}

/// Bytes of body text scanned for brands and lures; phishing puts its claim up front.
const BODY_SCAN_BYTES: usize = 64 * 1024;

fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A short excerpt around `start..end` of `s`, on char boundaries, one line.
pub fn context_of(s: &str, start: usize, end: usize) -> String {
    let a = floor_boundary(s, start.saturating_sub(60));
    let b = floor_boundary(s, end.saturating_add(60));
    let seg = &s[a..b.max(a)];
    let line_start = seg[..floor_boundary(seg, start - a)]
        .rfind('\n')
        .map(|p| p + 1)
        .unwrap_or(0);
    let seg = &seg[line_start..];
    let line = seg.split('\n').next().unwrap_or(seg);
    unphish_mime::unfold(line)
}

/// The From line for quoting: as written, unless it is RFC 2047-encoded, in which case the decoded
/// name and address (an encoded word proves nothing to a reader).
pub fn from_line(m: &unphish_evidence::Mailbox) -> String {
    if !m.raw.contains("=?") {
        return m.raw.clone();
    }
    match (&m.display_name, &m.address) {
        (Some(n), Some(a)) => format!("From: \"{n}\" <{a}>"),
        (None, Some(a)) => format!("From: <{a}>"),
        _ => m.raw.clone(),
    }
}

fn same_or_sub(domain: &str, reg: &str) -> bool {
    domain == reg || domain.ends_with(&format!(".{reg}"))
}

fn prop<'a>(r: &'a AuthResult, name: &str) -> Option<&'a str> {
    r.props
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn summarise_auth(ev: &Evidence, from_reg: Option<&str>) -> AuthSummary {
    let auth = &ev.identity.auth;
    // Only the top-most Authentication-Results header is the receiving side's own word; lower ones
    // may have been written by the sender. Fall back to ARC or Received-SPF when there is none.
    let first_raw = auth
        .iter()
        .find(|r| r.source == "authentication-results")
        .or_else(|| {
            auth.iter()
                .find(|r| r.source == "arc-authentication-results")
        })
        .or_else(|| auth.first())
        .map(|r| r.raw.clone());
    let mut s = AuthSummary::default();
    for (i, r) in auth.iter().enumerate() {
        let from_top = Some(&r.raw) == first_raw.as_ref();
        let is_spf_fallback = r.source == "received-spf" && s.spf.is_none();
        if !from_top && !is_spf_fallback {
            continue;
        }
        match r.method.as_str() {
            "spf" if s.spf.is_none() => s.spf = Some(i),
            "dkim" if from_top => s.dkim.push(i),
            "dmarc" if from_top && s.dmarc.is_none() => s.dmarc = Some(i),
            "compauth" if from_top && s.compauth.is_none() => s.compauth = Some(i),
            _ => {}
        }
    }
    let Some(reg) = from_reg else { return s };
    let aligned = |v: Option<&str>| {
        v.map(|d| d.trim().trim_start_matches('@').to_ascii_lowercase())
            .is_some_and(|d| {
                let d = d.rsplit('@').next().unwrap_or(&d).to_string();
                same_or_sub(&d, reg)
            })
    };
    let dmarc_pass = s.dmarc.is_some_and(|i| auth[i].result == "pass");
    let dkim_pass = s.dkim.iter().any(|&i| {
        auth[i].result == "pass"
            && (aligned(prop(&auth[i], "header.d")) || aligned(prop(&auth[i], "header.i")))
    });
    let spf_pass = s.spf.is_some_and(|i| {
        auth[i].result == "pass"
            && (aligned(prop(&auth[i], "smtp.mailfrom"))
                || aligned(prop(&auth[i], "envelope-from")))
    });
    s.aligned_pass = dmarc_pass || dkim_pass || spf_pass;
    s
}

/// Derives the claims of one message.
pub fn derive(ev: &Evidence, en: &Enrichment, brands: &BrandDb, lures: &LureDb) -> Claims {
    let _ = en;
    let from = ev.identity.from.as_ref();
    let from_domain = from.and_then(|m| m.domain.clone());
    let from_registrable = from.and_then(|m| m.registrable_domain.clone());
    let auth = summarise_auth(ev, from_registrable.as_deref());
    let from_owner = from_domain.as_deref().and_then(|d| brands.owner_of(d));

    let mut claims: Vec<BrandClaim> = Vec::new();
    let mut add = |brand: usize, src: ClaimSource| {
        let idx = match claims.iter().position(|c| c.brand == brand) {
            Some(i) => i,
            None => {
                claims.push(BrandClaim {
                    brand,
                    id: brands.get(brand).id.clone(),
                    sources: Vec::new(),
                    sender_verified: false,
                    from_owned: from_owner == Some(brand),
                });
                claims.len() - 1
            }
        };
        let c = &mut claims[idx];
        if c.sources.len() < 12
            && !c
                .sources
                .iter()
                .any(|s| s.field == src.field && s.matched == src.matched)
        {
            c.sources.push(src);
        }
    };

    let from_loc = Location::Header {
        name: "From".into(),
        index: 0,
    };
    if let Some(m) = from {
        let from_quote = from_line(m);
        if let Some(name) = &m.display_name {
            for mention in brands.find_mentions(name) {
                add(
                    mention.brand,
                    ClaimSource {
                        field: "display_name",
                        matched: mention.alias,
                        quote: from_quote.clone(),
                        location: from_loc.clone(),
                    },
                );
            }
            for (b, d, _, _) in brands.domains_in(name) {
                add(
                    b,
                    ClaimSource {
                        field: "display_name",
                        matched: d,
                        quote: from_quote.clone(),
                        location: from_loc.clone(),
                    },
                );
            }
        }
        if let (Some(owner), Some(addr)) = (from_owner, &m.address) {
            add(
                owner,
                ClaimSource {
                    field: "from_address",
                    matched: addr.clone(),
                    quote: m.raw.clone(),
                    location: from_loc.clone(),
                },
            );
        }
        // A brand's domain in the local part ("amazon.co.jp-support@evil.example") claims the brand.
        if let Some(local) = m
            .address
            .as_deref()
            .and_then(|a| a.rsplit_once('@'))
            .map(|(l, _)| l)
        {
            for (b, d, _, _) in brands.domains_in(local) {
                add(
                    b,
                    ClaimSource {
                        field: "from_address",
                        matched: d,
                        quote: from_quote.clone(),
                        location: from_loc.clone(),
                    },
                );
            }
        }
    }
    // A forward: the mail the person forwarded named itself in its own From line. A name whose
    // quoted address is the brand's own is the brand's mail (or a spoof this copy cannot tell).
    if let Some(f) = &ev.forwarded
        && let Some(name) = &f.from.display_name
    {
        let quoted_owner = f.from.domain.as_deref().and_then(|d| brands.owner_of(d));
        for mention in brands.find_mentions(name) {
            if quoted_owner == Some(mention.brand) {
                continue;
            }
            add(
                mention.brand,
                ClaimSource {
                    field: "forwarded_from",
                    matched: mention.alias,
                    quote: f.from.raw.clone(),
                    location: Location::Part { index: f.part },
                },
            );
        }
    }
    let subj_loc = Location::Header {
        name: "Subject".into(),
        index: 0,
    };
    let mut lure_found = Vec::new();
    let mut subject_tags = Vec::new();
    if let Some(subject) = &ev.subject {
        let quote = ev
            .subject_raw
            .clone()
            .unwrap_or_else(|| format!("Subject: {subject}"));
        for mention in brands.find_mentions(subject) {
            add(
                mention.brand,
                ClaimSource {
                    field: "subject",
                    matched: mention.alias,
                    quote: quote.clone(),
                    location: subj_loc.clone(),
                },
            );
        }
        for hit in lures.scan(subject) {
            lure_found.push(LureFound {
                hit,
                field: "subject",
                location: subj_loc.clone(),
                context: quote.clone(),
            });
        }
        subject_tags = lures.subject_tags(subject);
    }
    for body in &ev.bodies {
        let text = &body.text[..floor_boundary(&body.text, BODY_SCAN_BYTES)];
        let loc = Location::Part { index: body.part };
        // One fold of the body serves both matchers: folding is most of their cost.
        let folded = Folded::new(text, MATCH_FOLD);
        for mention in brands.find_mentions_folded(&folded, text) {
            let ctx = context_of(text, mention.start, mention.end);
            let lower = ctx.to_lowercase();
            let footer = ctx.contains('©')
                || lower.contains("copyright")
                || lower.contains("all rights reserved")
                || lower.contains("(c)");
            add(
                mention.brand,
                ClaimSource {
                    field: if footer { "footer" } else { "body" },
                    matched: mention.alias,
                    quote: ctx,
                    location: loc.clone(),
                },
            );
        }
        for hit in lures.scan_folded(&folded, text) {
            let ctx = context_of(text, hit.start, hit.end);
            if lure_found.len() < 64 {
                lure_found.push(LureFound {
                    hit,
                    field: "body",
                    location: loc.clone(),
                    context: ctx,
                });
            }
        }
    }
    for (i, link) in ev.links.iter().enumerate() {
        if let Some(t) = &link.text {
            for mention in brands.find_mentions(t) {
                add(
                    mention.brand,
                    ClaimSource {
                        field: "link_text",
                        matched: mention.alias,
                        quote: t.clone(),
                        location: Location::Link { index: i },
                    },
                );
            }
        }
    }
    // A copyright footer belongs to the identity the mail claims: when the sender name or address
    // claims one brand and the footer names another (seed 2: KAGOYA with the footer of QUALITIA, the
    // vendor of its webmail), the footer is part of the first brand's disguise.
    let primary = claims.iter().position(|c| {
        c.sources
            .iter()
            .any(|s| matches!(s.field, "display_name" | "from_address"))
    });
    if let Some(p) = primary {
        let mut moved = Vec::new();
        for (i, c) in claims.iter_mut().enumerate() {
            if i == p || c.sources.iter().any(|s| s.field != "footer") {
                continue;
            }
            moved.append(&mut c.sources);
        }
        claims[p].sources.extend(moved);
        claims.retain(|c| !c.sources.is_empty());
    }
    for c in &mut claims {
        c.sender_verified = c.from_owned && auth.aligned_pass;
    }
    let origin_in_sender_domain = match (&ev.origin, &from_registrable) {
        // Only the name the receiving server looked up: the HELO is the client's own word, and a
        // bot that greets as `smbc-card.com` from a rented droplet must not pass as the brand's
        // server (that cleared ORIG-001, ORIG-002 and BRAND-002 at once).
        (Some(o), Some(reg)) => o.rdns.as_deref().is_some_and(|n| {
            same_or_sub(
                &n.trim_matches(|c| c == '[' || c == ']')
                    .to_ascii_lowercase(),
                reg,
            )
        }),
        _ => false,
    };
    Claims {
        from_domain,
        from_registrable,
        auth,
        brands: claims,
        lures: lure_found,
        subject_tags,
        origin_in_sender_domain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_one_line_on_char_boundaries() {
        let s = "一行目\n©1998 QUALITIA CO., LTD. All Rights Reserved\n三行目";
        let start = s.find("QUALITIA").unwrap();
        let c = context_of(s, start, start + 8);
        assert_eq!(c, "©1998 QUALITIA CO., LTD. All Rights Reserved");
    }
}
