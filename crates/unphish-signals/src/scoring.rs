//! Score and verdict from hits, with every number taken from `data/scoring.toml`.

use crate::{Group, Hit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The verdict levels, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Phishing,
    Suspicious,
    Clean,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Phishing => "phishing",
            Level::Suspicious => "suspicious",
            Level::Clean => "clean",
        }
    }
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "phishing" => Some(Level::Phishing),
            "suspicious" => Some(Level::Suspicious),
            "clean" => Some(Level::Clean),
            _ => None,
        }
    }
}

/// The outcome of scoring.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub level: Level,
    /// Sum of the (capped) group scores, rounded to 0.1.
    pub score: f64,
    /// Per-signal contribution after cancellations, in hit order.
    pub contributions: Vec<(String, f64)>,
    /// Signals that fired but were cancelled by a composite rule, with the rule's reason.
    pub cancelled: Vec<(String, String)>,
    /// Which scoring data produced this verdict.
    pub scoring_version: String,
}

#[derive(Debug, Deserialize)]
struct Thresholds {
    phishing: f64,
    suspicious: f64,
}

#[derive(Debug, Deserialize)]
struct SignalCfg {
    weight: f64,
}

#[derive(Debug, Deserialize)]
struct GroupCfg {
    cap: f64,
}

/// A composite: when every `when` signal fired, the `cancel` signals do not count.
#[derive(Debug, Deserialize)]
struct Composite {
    name: String,
    when: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    cancel: Vec<String>,
    reason: String,
}

#[derive(Debug, Deserialize)]
struct ScoringFile {
    version: String,
    thresholds: Thresholds,
    groups: BTreeMap<String, GroupCfg>,
    signals: BTreeMap<String, SignalCfg>,
    #[serde(default)]
    composites: Vec<Composite>,
}

/// The scoring data in force.
pub struct Scoring {
    file: ScoringFile,
}

const EMBEDDED: &str = include_str!("../data/scoring.toml");

impl Scoring {
    /// The scoring data shipped inside the binary.
    pub fn embedded() -> &'static Scoring {
        static S: OnceLock<Scoring> = OnceLock::new();
        S.get_or_init(|| {
            Scoring::from_toml(EMBEDDED).expect("embedded scoring.toml is checked by the tests")
        })
    }

    /// Scoring data from a user's file.
    pub fn from_toml(text: &str) -> Result<Scoring, String> {
        let file: ScoringFile = toml::from_str(text).map_err(|e| e.to_string())?;
        Ok(Scoring { file })
    }

    pub fn version(&self) -> &str {
        &self.file.version
    }

    pub fn weight(&self, id: &str) -> Option<f64> {
        self.file.signals.get(id).map(|s| s.weight)
    }

    pub fn thresholds(&self) -> (f64, f64) {
        (
            self.file.thresholds.phishing,
            self.file.thresholds.suspicious,
        )
    }

    /// Scores the hits: each signal counts once (its weight), composites cancel signals in
    /// context, each group's positive sum is capped, and the total is compared to the thresholds.
    pub fn verdict(&self, hits: &[Hit]) -> Verdict {
        let fired: Vec<&str> = hits.iter().map(|h| h.id).collect();
        let mut cancelled: Vec<(String, String)> = Vec::new();
        for c in &self.file.composites {
            let active = c.when.iter().all(|w| fired.contains(&w.as_str()))
                && !c.unless.iter().any(|u| fired.contains(&u.as_str()));
            if active {
                for id in &c.cancel {
                    if fired.contains(&id.as_str()) && !cancelled.iter().any(|(i, _)| i == id) {
                        cancelled.push((id.clone(), format!("{}: {}", c.name, c.reason)));
                    }
                }
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        let mut contributions = Vec::new();
        let mut group_sums: BTreeMap<Group, f64> = BTreeMap::new();
        for h in hits {
            if seen.contains(&h.id) || cancelled.iter().any(|(i, _)| i == h.id) {
                continue;
            }
            seen.push(h.id);
            let w = self.weight(h.id).unwrap_or(0.0);
            let group = crate::meta(h.id)
                .map(|m| m.group)
                .unwrap_or(Group::Structure);
            *group_sums.entry(group).or_insert(0.0) += w;
            contributions.push((h.id.to_string(), w));
        }
        let mut score = 0.0;
        for (g, sum) in group_sums {
            let cap = self
                .file
                .groups
                .get(g.as_str())
                .map(|c| c.cap)
                .unwrap_or(f64::INFINITY);
            score += if sum > cap { cap } else { sum };
        }
        let score = (score * 10.0).round() / 10.0;
        let (p, s) = self.thresholds();
        let level = if score >= p {
            Level::Phishing
        } else if score >= s {
            Level::Suspicious
        } else {
            Level::Clean
        };
        Verdict {
            level,
            score,
            contributions,
            cancelled,
            scoring_version: self.file.version.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_scoring_parses_and_names_only_known_signals() {
        let s = Scoring::embedded();
        for id in s.file.signals.keys() {
            assert!(
                crate::meta(id).is_some(),
                "scoring.toml weighs unknown signal {id}"
            );
        }
        for c in &s.file.composites {
            for id in c.when.iter().chain(&c.cancel).chain(&c.unless) {
                assert!(
                    crate::meta(id).is_some(),
                    "composite {} names unknown signal {id}",
                    c.name
                );
            }
        }
        let (p, su) = s.thresholds();
        assert!(p > su && su > 0.0);
    }

    #[test]
    fn group_caps_bound_the_score() {
        let s = Scoring::from_toml(
            r#"version = "t"
[thresholds]
phishing = 5.0
suspicious = 2.0
[groups.link]
cap = 3.0
[signals."LINK-001"]
weight = 2.5
[signals."LINK-003"]
weight = 2.5
"#,
        )
        .unwrap();
        let hits = vec![
            Hit {
                id: "LINK-001",
                vars: vec![],
                evidence: vec![],
            },
            Hit {
                id: "LINK-003",
                vars: vec![],
                evidence: vec![],
            },
        ];
        let v = s.verdict(&hits);
        assert_eq!(v.score, 3.0);
        assert_eq!(v.level, Level::Suspicious);
    }
}
