//! unphish: dissect a suspicious e-mail the way an analyst does by hand.
//!
//! This facade wires the stages together:
//! bytes ─parse─▶ message ─extract─▶ evidence ─enrich─▶ claims ─signals─▶ hits ─score─▶ verdict ─▶ report.
//!
//! ```no_run
//! let analyzer = unphish::Analyzer::new(unphish::Options::default()).unwrap();
//! let report = analyzer.analyze(b"From: a@b.example\r\nSubject: hi\r\n\r\nbody");
//! println!("{}", serde_json::to_string(&report).unwrap());
//! ```

use std::path::PathBuf;

pub use unphish_evidence::Evidence;
pub use unphish_evidence::extract::ExtractLimits;
pub use unphish_report::{Report, SCHEMA, text};
pub use unphish_signals::{Level, Scoring};

use unphish_intel::brands::BrandDb;
use unphish_intel::ip::{CityDb, IpIntel};
use unphish_intel::lures::LureDb;
use unphish_signals::{Context, claims, enrich};

/// What an analysis may use and how it reports.
#[derive(Debug, Clone)]
pub struct Options {
    /// Mask recipient addresses in the report (on by default: reports are meant to be shared).
    pub mask_recipients: bool,
    /// A MaxMind/DB-IP city database for city-level locations.
    pub city_db: Option<PathBuf>,
    /// A scoring file replacing the shipped weights and thresholds.
    pub scoring_file: Option<PathBuf>,
    /// What one message may cost: size, header fields, MIME parts and depth, embedded messages,
    /// text per part and in all (work per message), attachment size, hops, links. Hitting a
    /// bound records a `limit.*` defect in the report and the analysis goes on with what was
    /// kept; see `docs/fuzzing.md` for the defaults.
    pub limits: ExtractLimits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mask_recipients: true,
            city_db: None,
            scoring_file: None,
            limits: ExtractLimits::default(),
        }
    }
}

/// Why an analyzer could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("city database {path}: {message}")]
    CityDb { path: String, message: String },
    #[error("scoring file {path}: {message}")]
    Scoring { path: String, message: String },
}

/// What [`Analyzer::assess`] found: everything the verdict rests on, before any wording.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub enrichment: unphish_signals::Enrichment,
    pub claims: unphish_signals::Claims,
    pub hits: Vec<unphish_signals::Hit>,
    pub verdict: unphish_signals::Verdict,
}

enum ScoringRef {
    Embedded(&'static Scoring),
    Owned(Box<Scoring>),
}

/// A ready-to-use analyser; cheap to share across threads.
pub struct Analyzer {
    ip: &'static IpIntel,
    city: Option<CityDb>,
    brands: &'static BrandDb,
    lures: &'static LureDb,
    scoring: ScoringRef,
    options: Options,
}

impl Analyzer {
    pub fn new(options: Options) -> Result<Analyzer, Error> {
        let city = match &options.city_db {
            Some(p) => Some(CityDb::open(p).map_err(|e| Error::CityDb {
                path: p.display().to_string(),
                message: e.to_string(),
            })?),
            None => None,
        };
        let scoring = match &options.scoring_file {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| Error::Scoring {
                    path: p.display().to_string(),
                    message: e.to_string(),
                })?;
                ScoringRef::Owned(Box::new(Scoring::from_toml(&text).map_err(|e| {
                    Error::Scoring {
                        path: p.display().to_string(),
                        message: e,
                    }
                })?))
            }
            None => ScoringRef::Embedded(Scoring::embedded()),
        };
        Ok(Analyzer {
            ip: IpIntel::embedded(),
            city,
            brands: BrandDb::embedded(),
            lures: LureDb::embedded(),
            scoring,
            options,
        })
    }

    fn scoring(&self) -> &Scoring {
        match &self.scoring {
            ScoringRef::Embedded(s) => s,
            ScoringRef::Owned(s) => s,
        }
    }

    /// Extracts the evidence of a raw message (no judgement).
    pub fn evidence(&self, raw: &[u8]) -> Evidence {
        unphish_evidence::extract::extract_raw(raw, &self.options.limits)
    }

    /// Analyses one raw message. Never fails and never panics: an internal failure gives a report
    /// that says so.
    pub fn analyze(&self, raw: &[u8]) -> Report {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let ev = self.evidence(raw);
            self.judge(&ev)
        })) {
            Ok(r) => r,
            Err(_) => {
                let mut ev = Evidence {
                    language: "en".into(),
                    ..Evidence::default()
                };
                ev.defects.push(unphish_evidence::Defect::new(
                    "internal.panic",
                    "unphish failed while analysing this message; this is a bug, please report it with the message",
                ));
                self.judge(&ev)
            }
        }
    }

    /// Scores evidence and builds its report (nested messages included).
    pub fn judge(&self, ev: &Evidence) -> Report {
        let a = self.assess(ev);
        self.report(ev, &a)
    }

    /// The judgement without the report: enrichment, claims, signals and verdict of the message
    /// itself (not of attached messages). For callers that need the verdict and its grounds but
    /// not the explained, bilingual report (`triage` builds the report only for a campaign's
    /// founder); [`judge`](Self::judge) is `assess` + [`report`](Self::report).
    pub fn assess(&self, ev: &Evidence) -> Assessment {
        let enrichment = enrich::enrich_offline(ev, self.ip, self.city.as_ref(), self.brands);
        let claims = claims::derive(ev, &enrichment, self.brands, self.lures);
        let cx = Context {
            evidence: ev,
            enrichment: &enrichment,
            claims: &claims,
            brands: self.brands,
            lures: self.lures,
        };
        let hits = unphish_signals::run_all(&cx);
        let verdict = self.scoring().verdict(&hits);
        Assessment {
            enrichment,
            claims,
            hits,
            verdict,
        }
    }

    /// Builds the report of `ev` from its assessment (attached messages are judged here).
    pub fn report(&self, ev: &Evidence, a: &Assessment) -> Report {
        let nested = ev.nested.iter().map(|n| self.judge(n)).collect();
        unphish_report::build(unphish_report::BuildInput {
            evidence: ev,
            enrichment: &a.enrichment,
            claims: &a.claims,
            hits: &a.hits,
            verdict: &a.verdict,
            scoring: self.scoring(),
            brands: self.brands,
            mask_recipients: self.options.mask_recipients,
            nested,
        })
    }

    /// The brand knowledge base in use.
    pub fn brands(&self) -> &'static BrandDb {
        self.brands
    }

    /// Whether reports mask recipient addresses.
    pub fn masks_recipients(&self) -> bool {
        self.options.mask_recipients
    }
}
