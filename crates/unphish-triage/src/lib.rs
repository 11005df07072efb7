//! unphish-triage: read a whole mailbox, analyse every message, group the messages into
//! campaigns and remember them, so the next run can say which campaigns are new.
//!
//! ```text
//! sources ─stream─▶ batches of raw messages ─analyse (rayon)─▶ fingerprints
//!         ─store (one transaction per batch, in input order)─▶ campaigns ─▶ TriageReport
//! ```
//!
//! Memory is bounded by the batch size, not the mailbox: a reader thread stays at most two
//! batches ahead, and grouping looks keys up in the store instead of holding them in memory.

pub mod fingerprint;
pub mod minhash;
pub mod source;
pub mod store;

use serde::Serialize;
use std::sync::mpsc::sync_channel;
use unphish::Analyzer;

pub use fingerprint::{Fingerprint, fingerprint};
pub use source::{RawMessage, Source, SourceError, resolve};
pub use store::{BatchStats, Campaign, CampaignFilter, Member, Store, StoreError};

/// The version of the triage JSON output.
pub const SCHEMA: &str = "unphish.triage/1";

/// How a triage run works.
#[derive(Debug, Clone)]
pub struct TriageOptions {
    /// Worker threads for analysis (0 = all cores).
    pub threads: usize,
    /// Messages per batch (and per store transaction).
    pub batch: usize,
    /// Bytes per batch at most: a few huge messages make a batch on their own.
    pub batch_bytes: usize,
    /// The run's own time (Unix seconds), from the caller's clock: received times later than
    /// this (plus a day for skewed clocks) are forged, and undated campaigns are dated by it.
    /// `None` (tests) trusts every time after 1990 and leaves undated campaigns undated.
    pub now: Option<i64>,
}

/// The first batches are small and grow to [`TriageOptions::batch`]: something is committed
/// within a fraction of a second, so a run killed early has still saved work.
const FIRST_BATCH: usize = 4;
/// Received times up to this far ahead of the run's clock are clock skew, not forgery.
const CLOCK_SLACK: i64 = 86_400;

impl Default for TriageOptions {
    fn default() -> Self {
        TriageOptions {
            threads: 0,
            batch: 64,
            batch_bytes: 32 * 1024 * 1024,
            now: None,
        }
    }
}

/// Progress after each batch.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Messages read so far (copies included).
    pub read: u64,
    /// Source bytes consumed so far.
    pub bytes: u64,
}

/// What a run found.
#[derive(Debug, Clone, Serialize)]
pub struct TriageReport {
    pub schema: &'static str,
    pub run: i64,
    /// Distinct messages this run read.
    pub messages: u64,
    /// Of those, messages the store did not have.
    pub new_messages: u64,
    /// Copies of a message read earlier in the same run.
    pub duplicates: u64,
    /// Messages cut at the size limit (still analysed).
    pub truncated: u64,
    /// Sources or messages that could not be read.
    pub errors: Vec<String>,
    pub new_campaigns: usize,
    /// The language most of this run's messages are in (`ja`, `en`, ...), for the digest.
    pub language: String,
    /// Campaigns with a member in this run: new ones first, then by size.
    pub campaigns: Vec<Campaign>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    #[error("stopped after {0} batches")]
    Stopped(usize),
}

/// Analyses one message; never panics (a panic inside analysis gives an empty fingerprint, so
/// the message is still stored once and counted). Received times after `not_after` are not
/// believed.
pub fn analyse(analyzer: &Analyzer, raw: &[u8], not_after: Option<i64>) -> Fingerprint {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let ev = analyzer.evidence(raw);
        let report = analyzer.judge(&ev);
        let mut fp = fingerprint::fingerprint_at(raw, &ev, &report, not_after);
        fp.report = Some(Box::new(report));
        fp
    }))
    .unwrap_or_else(|_| Fingerprint {
        hash: fingerprint::content_hash(raw),
        verdict: "error".into(),
        ..Fingerprint::default()
    })
}

/// Runs triage over `sources` into `store` and reports this run. The run stays incomplete in the
/// store until the caller has shown the report and calls [`Store::complete_run`].
///
/// `stop_after` ends the run after that many batches without completing it, the way a killed
/// process would (tests).
pub fn triage(
    sources: Vec<Source>,
    store: &mut Store,
    analyzer: &Analyzer,
    opts: &TriageOptions,
    stop_after: Option<usize>,
    progress: &mut dyn FnMut(Progress),
) -> Result<TriageReport, Error> {
    let names: Vec<String> = sources
        .iter()
        .map(|s| match s {
            Source::Stdin => "-".to_string(),
            Source::Mbox(p) | Source::Maildir(p, _) | Source::Files(p, _) => {
                p.display().to_string()
            }
        })
        .collect();
    let run = store.begin_run(&names.join("\n"), opts.now)?;
    let not_after = opts.now.map(|n| n.saturating_add(CLOCK_SLACK));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| Error::Threads(e.to_string()))?;

    // The reader runs ahead by at most two batches: memory stays flat whatever the mailbox size.
    let (tx, rx) = sync_channel::<Vec<Result<RawMessage, SourceError>>>(2);
    let batch_max = opts.batch.max(1);
    let batch_bytes = opts.batch_bytes.max(1);
    let reader = std::thread::spawn(move || {
        let mut batch = Vec::with_capacity(batch_max);
        let mut bytes = 0usize;
        let mut size = FIRST_BATCH.min(batch_max);
        for item in source::messages(sources) {
            if let Ok(m) = &item {
                bytes += m.bytes.len();
            }
            batch.push(item);
            if batch.len() >= size || bytes >= batch_bytes {
                if tx.send(std::mem::take(&mut batch)).is_err() {
                    return;
                }
                bytes = 0;
                size = size.saturating_mul(2).min(batch_max);
            }
        }
        if !batch.is_empty() {
            let _ = tx.send(batch);
        }
    });

    let mut stats = BatchStats::default();
    let mut errors = Vec::new();
    let mut truncated = 0u64;
    let mut prog = Progress::default();
    let mut batches = 0usize;
    let mut stopped = false;
    let render = |reports: &[&unphish::Report]| -> Vec<Vec<(&'static str, String)>> {
        use rayon::prelude::*;
        pool.install(|| {
            reports
                .par_iter()
                .map(|r| store::render_analysis(r))
                .collect()
        })
    };
    // Storing is one thread by design (input order decides campaign membership), so it runs
    // while the pool analyses the next batch: `pending` is the analysed batch awaiting storage.
    let mut pending: Option<Vec<(String, Fingerprint)>> = None;
    let mut add = |s: BatchStats, batches: &mut usize| {
        stats.messages += s.messages;
        stats.new_messages += s.new_messages;
        stats.duplicates += s.duplicates;
        *batches += 1;
    };
    for batch in rx.iter() {
        if stop_after.is_some_and(|n| batches >= n) {
            stopped = true;
            break;
        }
        // A rerun over the same mailbox only hashes: messages the store has are not analysed.
        // (A copy inside the batch being stored meanwhile is analysed again; storing dedups.)
        let hashes: Vec<Option<String>> = pool.install(|| {
            use rayon::prelude::*;
            batch
                .par_iter()
                .map(|item| {
                    item.as_ref()
                        .ok()
                        .map(|m| fingerprint::content_hash(&m.bytes))
                })
                .collect()
        });
        let known = store.known(&hashes)?;
        let previous = pending.take();
        let store_ref = &mut *store;
        let (analysed, stored) = pool.install(|| {
            rayon::join(
                || -> Vec<Result<(String, Fingerprint, u64, bool), String>> {
                    use rayon::prelude::*;
                    batch
                        .into_par_iter()
                        .zip(hashes.into_par_iter().zip(known.into_par_iter()))
                        .map(|(item, (hash, known))| match item {
                            Ok(m) => {
                                let fp = match hash {
                                    Some(hash) if known => Fingerprint {
                                        hash,
                                        ..Fingerprint::default()
                                    },
                                    _ => analyse(analyzer, &m.bytes, not_after),
                                };
                                Ok((m.label, fp, m.read_bytes, m.truncated))
                            }
                            Err(e) => Err(e.to_string()),
                        })
                        .collect()
                },
                || match &previous {
                    Some(ok) => store_ref.ingest_with(run, ok, &render).map(Some),
                    None => Ok(None),
                },
            )
        });
        if let Some(s) = stored? {
            add(s, &mut batches);
            progress(prog);
        }
        let mut ok = Vec::with_capacity(analysed.len());
        for a in analysed {
            match a {
                Ok((label, fp, read_bytes, cut)) => {
                    prog.read += 1;
                    prog.bytes += read_bytes;
                    if cut {
                        truncated += 1;
                        errors.push(format!(
                            "{label}: longer than {} bytes, analysed the start only",
                            source::MAX_MESSAGE_BYTES
                        ));
                    }
                    ok.push((label, fp));
                }
                Err(e) => errors.push(e),
            }
        }
        pending = Some(ok);
    }
    if !stopped && let Some(ok) = pending.take() {
        let s = store.ingest_with(run, &ok, &render)?;
        add(s, &mut batches);
        progress(prog);
    }
    drop(rx);
    let _ = reader.join();
    if stopped {
        return Err(Error::Stopped(batches));
    }
    let campaigns = store.run_campaigns(run)?;
    let language = store.run_language(run)?;
    Ok(TriageReport {
        schema: SCHEMA,
        run,
        messages: stats.messages,
        new_messages: stats.new_messages,
        duplicates: stats.duplicates,
        truncated,
        errors,
        new_campaigns: campaigns.iter().filter(|c| c.new).count(),
        language,
        campaigns,
    })
}
