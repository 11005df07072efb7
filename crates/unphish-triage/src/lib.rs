//! unphish-triage: read a whole mailbox, analyse every message, group the messages into
//! campaigns and remember them, so the next run can say which campaigns are new.
//!
//! ```text
//! sources ─read + hash (reader thread)─▶ batches ─analyse (rayon pool)─▶ fingerprints
//!         ─store (caller's thread, one transaction per batch, in input order)─▶ campaigns
//!         ─▶ TriageReport
//! ```
//!
//! Memory is bounded by the batch size, not the mailbox: every stage hands the next a batch
//! through a bounded channel (a few batches in flight at most), and grouping looks keys up in
//! the store instead of holding them in memory.

pub mod fingerprint;
pub mod minhash;
pub mod source;
pub mod store;

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::mpsc::{SyncSender, sync_channel};
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
    /// The language a new campaign's founding analysis is kept in (for the Markdown digest and
    /// `campaigns show`); `None`: the message's own language, as `analyze` picks it.
    pub analysis_lang: Option<unphish::text::Lang>,
    /// Keep each new campaign's founding analysis (rendered Markdown) in the store. Rendering
    /// is a fifth of an analysis per founder and most founders are single messages, so a run
    /// whose digest does not show the analyses (the CLI's text and JSON formats) skips it.
    pub keep_analyses: bool,
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
            analysis_lang: None,
            keep_analyses: true,
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

/// Analyses one message whose [`fingerprint::content_hash`] is `hash`; never panics (a panic
/// inside analysis gives an empty fingerprint, so the message is still stored once and
/// counted). Received times after `not_after` are not believed.
pub fn analyse(
    analyzer: &Analyzer,
    raw: &[u8],
    hash: String,
    not_after: Option<i64>,
) -> Fingerprint {
    analyse_with(analyzer, raw, hash, not_after, true)
}

/// [`analyse`], keeping the full report in the fingerprint only when `keep_report` is set:
/// grouping needs the judgement, not its wording, and building the explained bilingual report
/// is a tenth of an analysis (see [`fingerprint::Judgement`]).
pub fn analyse_with(
    analyzer: &Analyzer,
    raw: &[u8],
    hash: String,
    not_after: Option<i64>,
    keep_report: bool,
) -> Fingerprint {
    let fallback = hash.clone();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let ev = analyzer.evidence(raw);
        let assessment = analyzer.assess(&ev);
        if keep_report {
            let report = analyzer.report(&ev, &assessment);
            let judged = fingerprint::Judgement::from_report(&report);
            let mut fp = fingerprint::fingerprint_at(hash, &ev, &judged, not_after);
            fp.report = Some(Box::new(report));
            fp
        } else {
            let judged = fingerprint::Judgement::from_assessment(analyzer, &ev, &assessment);
            fingerprint::fingerprint_at(hash, &ev, &judged, not_after)
        }
    }))
    .unwrap_or_else(|_| Fingerprint {
        hash: fallback,
        verdict: "error".into(),
        ..Fingerprint::default()
    })
}

/// A message as it flows from the reader to the writer: its hash is taken by the reader (one
/// pass over the bytes, off the analysis threads).
struct Item {
    label: String,
    bytes: Vec<u8>,
    hash: String,
    truncated: bool,
    read_bytes: u64,
    /// The store has it already: not analysed again.
    known: bool,
}

/// An analysed message, ready for the store.
struct Done {
    label: String,
    fp: Fingerprint,
    truncated: bool,
    read_bytes: u64,
}

/// Splits the sources into batches for `tx`, hashing each message. The first batches are small
/// and double up to `batch_max`, so a run killed early has still committed something.
fn read_batches(
    sources: Vec<Source>,
    batch_max: usize,
    batch_bytes: usize,
    tx: &SyncSender<Vec<Result<Item, SourceError>>>,
) {
    let mut batch = Vec::with_capacity(batch_max);
    let mut bytes = 0usize;
    let mut size = FIRST_BATCH.min(batch_max);
    for item in source::messages(sources) {
        let item = item.map(|m| {
            bytes += m.bytes.len();
            Item {
                hash: fingerprint::content_hash(&m.bytes),
                label: m.label,
                bytes: m.bytes,
                truncated: m.truncated,
                read_bytes: m.read_bytes,
                known: false,
            }
        });
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
}

/// Analyses a batch on the current rayon pool, in input order.
fn analyse_batch(
    analyzer: &Analyzer,
    batch: Vec<Result<Item, SourceError>>,
    not_after: Option<i64>,
    keep_analyses: bool,
) -> Vec<Result<Done, String>> {
    use rayon::prelude::*;
    batch
        .into_par_iter()
        .map(|item| {
            let m = item.map_err(|e| e.to_string())?;
            let fp = if m.known {
                Fingerprint {
                    hash: m.hash,
                    ..Fingerprint::default()
                }
            } else {
                analyse_with(analyzer, &m.bytes, m.hash, not_after, keep_analyses)
            };
            Ok(Done {
                label: m.label,
                fp,
                truncated: m.truncated,
                read_bytes: m.read_bytes,
            })
        })
        .collect()
}

/// Batches handed to the pool and not yet stored: the caller stores one while the pool finishes
/// the next and starts the one after (so no worker idles at a batch's last long message).
const IN_FLIGHT: usize = 3;

/// Runs triage over `sources` into `store` and reports this run. The run stays incomplete in the
/// store until the caller has shown the report and calls [`Store::complete_run`].
///
/// Three stages, joined by bounded channels so memory stays flat: a reader thread splits the
/// sources into batches and hashes each message; the worker pool analyses a batch; the calling
/// thread alone writes to the store (input order decides campaign membership), one transaction
/// per batch, while the pool analyses the next one.
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
    let batch_max = opts.batch.max(1);
    let batch_bytes = opts.batch_bytes.max(1);
    let analysis_lang = opts.analysis_lang;
    let keep_analyses = opts.keep_analyses;

    let mut stats = BatchStats::default();
    let mut errors = Vec::new();
    let mut truncated = 0u64;
    let mut prog = Progress::default();
    let mut batches = 0usize;
    let mut stopped = false;

    let outcome = std::thread::scope(|scope| -> Result<(), Error> {
        // The reader stays at most one batch ahead of the analysis.
        let (raw_tx, raw_rx) = sync_channel::<Vec<Result<Item, SourceError>>>(1);
        scope.spawn(move || read_batches(sources, batch_max, batch_bytes, &raw_tx));
        // The pool is fed through a channel of its own so the caller's thread is free to store.
        // Batches are numbered: each is a job of its own, so they may finish out of order.
        let (work_tx, work_rx) = sync_channel::<(usize, Vec<Result<Item, SourceError>>)>(IN_FLIGHT);
        let (done_tx, done_rx) = sync_channel::<(usize, Vec<Result<Done, String>>)>(IN_FLIGHT);
        let pool = &pool;
        scope.spawn(move || {
            // One pool job per batch (not one `install` after another): a worker that runs out
            // of the current batch starts the next instead of waiting for its slowest message.
            pool.in_place_scope(|s| {
                for (seq, batch) in work_rx {
                    let done_tx = done_tx.clone();
                    s.spawn(move |_| {
                        let done = analyse_batch(analyzer, batch, not_after, keep_analyses);
                        // The caller has stopped when this fails: the result is not wanted.
                        let _ = done_tx.send((seq, done));
                    });
                }
            });
        });
        let render = |reports: &[&unphish::Report]| -> Vec<Vec<(&'static str, String)>> {
            use rayon::prelude::*;
            pool.install(|| {
                reports
                    .par_iter()
                    .map(|r| store::render_analysis(r, analysis_lang))
                    .collect()
            })
        };
        let mut in_flight = 0usize;
        let mut raw_open = true;
        let (mut sent, mut next) = (0usize, 0usize);
        // Batches analysed ahead of their turn (at most IN_FLIGHT).
        let mut early: BTreeMap<usize, Vec<Result<Done, String>>> = BTreeMap::new();
        loop {
            // Keep the pool busy: hand it batches until IN_FLIGHT are out.
            while raw_open && in_flight < IN_FLIGHT {
                let Ok(mut batch) = raw_rx.recv() else {
                    raw_open = false;
                    break;
                };
                // A rerun over the same mailbox only hashes: messages the store has are not
                // analysed. (A copy inside a batch not yet stored is analysed again; storing
                // dedups it.)
                let hashes: Vec<Option<&str>> = batch
                    .iter()
                    .map(|i| i.as_ref().ok().map(|m| m.hash.as_str()))
                    .collect();
                let known = store.known(&hashes)?;
                for (item, known) in batch.iter_mut().zip(known) {
                    if known && let Ok(m) = item {
                        m.known = true;
                        m.bytes = Vec::new();
                    }
                }
                if work_tx.send((sent, batch)).is_err() {
                    raw_open = false;
                    break;
                }
                sent += 1;
                in_flight += 1;
            }
            if in_flight == 0 {
                return Ok(());
            }
            // Stored in input order: membership depends on what was stored before.
            let done = loop {
                if let Some(d) = early.remove(&next) {
                    break d;
                }
                let Ok((seq, d)) = done_rx.recv() else {
                    return Ok(());
                };
                early.insert(seq, d);
            };
            next += 1;
            in_flight -= 1;
            if stop_after.is_some_and(|n| batches >= n) {
                stopped = true;
                return Ok(());
            }
            let mut ok = Vec::with_capacity(done.len());
            for d in done {
                match d {
                    Ok(d) => {
                        prog.read += 1;
                        prog.bytes += d.read_bytes;
                        if d.truncated {
                            truncated += 1;
                            errors.push(format!(
                                "{}: longer than {} bytes, analysed the start only",
                                d.label,
                                source::MAX_MESSAGE_BYTES
                            ));
                        }
                        ok.push((d.label, d.fp));
                    }
                    Err(e) => errors.push(e),
                }
            }
            let s = store.ingest_with(run, &ok, &render)?;
            stats.messages += s.messages;
            stats.new_messages += s.new_messages;
            stats.duplicates += s.duplicates;
            batches += 1;
            progress(prog);
        }
        // Leaving the scope drops the receivers: a reader or pool still sending sees the
        // channel closed and stops, so a failed or stopped run does not wait for the mailbox.
    });
    outcome?;
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
