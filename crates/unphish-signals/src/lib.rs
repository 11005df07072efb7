//! Signals, score and verdict.
//!
//! A *signal* is one check with a permanent ID (`LINK-003`), a slug named after the pattern it
//! flags, a group, a confidence and bilingual text. It reads [`Context`] (evidence, offline
//! enrichment, the claims derived from both) and emits [`Hit`]s, each citing the header line, URL or
//! body excerpt it rests on. Weights, group caps, cancellations and verdict thresholds are data
//! (`data/scoring.toml`), never code.

pub mod claims;
pub mod enrich;
pub mod scoring;
pub mod signals;

use serde::Serialize;
use unphish_evidence::{Evidence, Location};
use unphish_intel::brands::BrandDb;
use unphish_intel::lures::LureDb;

pub use claims::Claims;
pub use enrich::Enrichment;
pub use scoring::{Level, Scoring, Verdict};

/// A pair of texts, English and Japanese.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Text {
    pub en: &'static str,
    pub ja: &'static str,
}

/// How sure a signal is when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    High,
    Medium,
    Low,
}

/// Groups share a score cap, so ten weak link tells cannot outweigh the rest of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Origin,
    Identity,
    Auth,
    Brand,
    Link,
    Lure,
    Structure,
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Origin => "origin",
            Group::Identity => "identity",
            Group::Auth => "auth",
            Group::Brand => "brand",
            Group::Link => "link",
            Group::Lure => "lure",
            Group::Structure => "structure",
        }
    }
}

/// What a signal is, independent of any message.
#[derive(Debug, Serialize)]
pub struct SignalMeta {
    /// Permanent ID; never reused, never changed on rename.
    pub id: &'static str,
    /// Named after the suspicious pattern.
    pub slug: &'static str,
    pub group: Group,
    pub confidence: Confidence,
    /// Needs DNS/HTTP; skipped (and reported as skipped) offline.
    pub needs_network: bool,
    /// Short title; `{name}` placeholders are filled from the hit's variables.
    pub title: Text,
    /// One or two sentences a non-expert understands, with placeholders.
    pub explain: Text,
}

/// One quoted piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cite {
    pub location: Location,
    /// The header line, URL or excerpt exactly as it stands in the message (unfolded).
    pub quote: String,
}

impl Cite {
    pub fn header(name: &str, index: usize, quote: impl Into<String>) -> Self {
        Cite {
            location: Location::Header {
                name: name.to_string(),
                index,
            },
            quote: quote.into(),
        }
    }
    pub fn link(index: usize, quote: impl Into<String>) -> Self {
        Cite {
            location: Location::Link { index },
            quote: quote.into(),
        }
    }
    pub fn part(index: usize, quote: impl Into<String>) -> Self {
        Cite {
            location: Location::Part { index },
            quote: quote.into(),
        }
    }
    pub fn attachment(index: usize, quote: impl Into<String>) -> Self {
        Cite {
            location: Location::Attachment { index },
            quote: quote.into(),
        }
    }
}

/// A signal that fired on a message.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: &'static str,
    /// Values for the placeholders of the title and explanation.
    pub vars: Vec<(&'static str, String)>,
    /// Never empty: no evidence, no finding.
    pub evidence: Vec<Cite>,
}

impl Hit {
    pub fn new(meta: &SignalMeta) -> Self {
        Hit {
            id: meta.id,
            vars: Vec::new(),
            evidence: Vec::new(),
        }
    }
    pub fn var(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.vars.push((name, value.into()));
        self
    }
    /// The brand's names in both languages and its canonical id (which the report uses to list
    /// impersonated brands).
    pub fn brand(self, b: &unphish_intel::brands::Brand) -> Self {
        let ja = b.name_ja.clone().unwrap_or_else(|| b.name_en.clone());
        self.var("brand", b.name_en.clone())
            .var("brand_ja", ja)
            .var("brand_id", b.id.clone())
    }
    pub fn cite(mut self, cite: Cite) -> Self {
        if !self.evidence.contains(&cite) {
            self.evidence.push(cite);
        }
        self
    }
}

/// Everything a signal may read.
pub struct Context<'a> {
    pub evidence: &'a Evidence,
    pub enrichment: &'a Enrichment,
    pub claims: &'a Claims,
    pub brands: &'a BrandDb,
    pub lures: &'a LureDb,
}

/// One check.
pub trait Signal: Sync {
    fn meta(&self) -> &'static SignalMeta;
    /// Appends hits; every hit must cite evidence.
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>);
}

/// Runs every registered signal; drops (and debug-asserts against) hits without evidence.
pub fn run_all(cx: &Context<'_>) -> Vec<Hit> {
    let mut hits = Vec::new();
    for s in signals::ALL {
        let before = hits.len();
        s.check(cx, &mut hits);
        hits[before..]
            .iter()
            .for_each(|h| debug_assert!(!h.evidence.is_empty(), "{} fired without evidence", h.id));
    }
    hits.retain(|h| !h.evidence.is_empty());
    hits
}

/// Looks a signal up by ID.
pub fn meta(id: &str) -> Option<&'static SignalMeta> {
    signals::ALL.iter().map(|s| s.meta()).find(|m| m.id == id)
}

/// Fills `{name}` placeholders from the hit's variables; unknown names stay as written.
pub fn fill(template: &str, vars: &[(&'static str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match vars.iter().find(|(n, _)| *n == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Shortens a quote for a report line, on a char boundary.
pub fn excerpt(s: &str, max_chars: usize) -> String {
    let mut out: String = s.chars().take(max_chars).collect();
    if s.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_and_keeps_unknown() {
        let v = vec![("a", "X".to_string())];
        assert_eq!(fill("{a} and {b} {", &v), "X and {b} {");
    }

    #[test]
    fn every_signal_has_unique_id_and_both_languages() {
        let mut ids: Vec<&str> = signals::ALL.iter().map(|s| s.meta().id).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate signal id");
        for s in signals::ALL {
            let m = s.meta();
            for t in [m.title, m.explain] {
                assert!(
                    !t.en.trim().is_empty() && !t.ja.trim().is_empty(),
                    "{} lacks a language",
                    m.id
                );
                assert!(
                    t.ja.chars().any(|c| c as u32 > 0x3000),
                    "{}: Japanese text is not Japanese",
                    m.id
                );
            }
            assert!(
                m.slug.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} slug",
                m.id
            );
        }
    }

    #[test]
    fn every_signal_has_a_weight() {
        let sc = Scoring::embedded();
        for s in signals::ALL {
            assert!(
                sc.weight(s.meta().id).is_some(),
                "{} has no weight in scoring.toml",
                s.meta().id
            );
        }
    }
}
