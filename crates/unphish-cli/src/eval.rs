//! `unphish eval`: detection figures over labelled folders.
//!
//! Every message goes through the same [`Analyzer`] as `unphish analyze`; only the summary of each
//! report (file, verdict, score, which signals fired) is kept, so memory stays flat on large
//! corpora. The figures are the ones the project is judged on: for phishing folders the flagged
//! rate (phishing + suspicious) and the labelled-phishing rate, for legitimate folders the
//! phishing and suspicious rates, plus the hit rate of each signal and the misses and false alarms
//! to look at next. With `--floor`, the run fails when a figure is worse than the recorded floor
//! (the CI ratchet in `eval/floor.toml`).
//!
//! Measure on copies stripped of upstream verdicts (`tools/eval.sh` makes them): a corpus saved
//! from a filtered mailbox carries someone else's verdict in its headers.

use crate::inputs::{Input, expand};
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;
use unphish::{Analyzer, Level, Options};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EvalFormat {
    /// A readable summary.
    Text,
    /// One JSON document (`unphish.eval/1`).
    Json,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// A folder of phishing .eml files (repeatable).
    #[arg(long = "phish", value_name = "DIR")]
    phish: Vec<PathBuf>,
    /// A folder of legitimate .eml files (repeatable).
    #[arg(long = "ham", value_name = "DIR")]
    ham: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: EvalFormat,
    /// Worker threads (default: all cores; 1 = a single worker).
    #[arg(short = 'j', long = "threads", value_name = "N")]
    threads: Option<usize>,
    /// Replace the shipped weights and thresholds with this scoring file (TOML).
    #[arg(long, value_name = "FILE")]
    scoring: Option<PathBuf>,
    /// Exit with status 1 when a figure is worse than the `[floor]` in this file.
    #[arg(long, value_name = "FILE")]
    floor: Option<PathBuf>,
    /// List at most N misses and N false alarms per folder (0: all).
    #[arg(long, value_name = "N", default_value_t = 40)]
    list: usize,
    /// Also write one JSON line per message (folder, file, verdict, score, every finding and
    /// cancelled signal) to FILE: the raw material for grouping misses by what they share.
    #[arg(long, value_name = "FILE")]
    dump: Option<PathBuf>,
}

/// Rates in percent. In `[floor]` a breach fails the run; `[target]` is only printed beside.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    /// Phishing folders together: minimum share judged phishing or suspicious.
    phish_flagged_min: Option<f64>,
    /// Phishing folders together: minimum share judged phishing.
    phish_phishing_min: Option<f64>,
    /// Legitimate folders together: maximum share judged phishing.
    ham_phishing_max: Option<f64>,
    /// Legitimate folders together: maximum share judged suspicious.
    ham_suspicious_max: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FloorFile {
    floor: Bounds,
    #[serde(default)]
    target: Bounds,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Label {
    Phish,
    Ham,
}

/// What is kept of one report.
struct Outcome {
    file: String,
    level: Level,
    score: f64,
    /// Counted findings, strongest first (the report's order).
    findings: Vec<(String, f64)>,
    /// Signals that fired but a composite cancelled.
    cancelled: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Listed {
    file: String,
    level: &'static str,
    score: f64,
    /// The strongest counted findings as `ID (weight)`.
    top: Vec<String>,
}

#[derive(Debug, Serialize)]
struct FolderOut {
    path: String,
    label: Label,
    messages: usize,
    unreadable: usize,
    phishing: usize,
    suspicious: usize,
    clean: usize,
    /// Percent judged phishing or suspicious.
    flagged_pct: f64,
    phishing_pct: f64,
    suspicious_pct: f64,
    /// Percent of messages on which each signal fired (cancelled ones included), by ID.
    signals_pct: BTreeMap<String, f64>,
    /// Phishing folders: messages judged clean. Legitimate folders: messages judged
    /// phishing or suspicious. Worst first, at most `--list` of them.
    listed: Vec<Listed>,
    listed_total: usize,
}

#[derive(Debug, Serialize)]
struct Totals {
    messages: usize,
    flagged_pct: f64,
    phishing_pct: f64,
    suspicious_pct: f64,
}

#[derive(Debug, Serialize)]
struct Breach {
    figure: &'static str,
    value: f64,
    bound: f64,
}

#[derive(Debug, Serialize)]
struct EvalOut {
    schema: &'static str,
    scoring: String,
    folders: Vec<FolderOut>,
    phish: Option<Totals>,
    ham: Option<Totals>,
    /// Wall-clock throughput of the analysis (reading included); not deterministic.
    messages_per_second: f64,
    seconds: f64,
    threads: usize,
    floor: Option<Bounds>,
    target: Option<Bounds>,
    breaches: Vec<Breach>,
}

fn pct(n: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        // Two decimals: enough for a 0.3 % bound on a thousand messages, stable in diffs.
        (n as f64 * 10000.0 / total as f64).round() / 100.0
    }
}

fn analyse_folder(
    analyzer: &Analyzer,
    pool: &rayon::ThreadPool,
    dir: &Path,
) -> Result<(Vec<Outcome>, usize)> {
    let inputs = expand(&[dir.display().to_string()])?;
    let mut out = Vec::with_capacity(inputs.len());
    let mut unreadable = 0usize;
    // Chunks bound memory to a few hundred raw messages at a time.
    for chunk in inputs.chunks(256) {
        let results: Vec<Result<Outcome, String>> = pool.install(|| {
            chunk
                .par_iter()
                .map(|input: &Input| {
                    let raw = input
                        .read()
                        .map_err(|e| format!("{}: {e}", input.label()))?;
                    let report = analyzer.analyze(&raw);
                    let file = match input {
                        Input::File(p) => p.strip_prefix(dir).unwrap_or(p).display().to_string(),
                        Input::Stdin => "-".into(),
                    };
                    Ok(Outcome {
                        file,
                        level: Level::parse(report.verdict.level).unwrap_or(Level::Clean),
                        score: report.verdict.score,
                        findings: report
                            .findings
                            .iter()
                            .map(|f| (f.id.clone(), f.weight))
                            .collect(),
                        cancelled: report
                            .verdict
                            .cancelled
                            .iter()
                            .map(|c| c.id.clone())
                            .collect(),
                    })
                })
                .collect()
        });
        for r in results {
            match r {
                Ok(o) => out.push(o),
                Err(e) => {
                    unreadable += 1;
                    eprintln!("unphish: {e}");
                }
            }
        }
    }
    Ok((out, unreadable))
}

fn summarise(
    dir: &Path,
    label: Label,
    outcomes: &[Outcome],
    unreadable: usize,
    list: usize,
) -> FolderOut {
    let n = outcomes.len();
    let count = |l: Level| outcomes.iter().filter(|o| o.level == l).count();
    let (phishing, suspicious, clean) = (
        count(Level::Phishing),
        count(Level::Suspicious),
        count(Level::Clean),
    );
    let mut fired: BTreeMap<String, usize> = BTreeMap::new();
    for o in outcomes {
        let mut ids: Vec<&str> = o
            .findings
            .iter()
            .map(|(i, _)| i.as_str())
            .chain(o.cancelled.iter().map(String::as_str))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            *fired.entry(id.to_string()).or_insert(0) += 1;
        }
    }
    let mut wrong: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| match label {
            Label::Phish => o.level == Level::Clean,
            Label::Ham => o.level != Level::Clean,
        })
        .collect();
    // Worst first: for misses the lowest scores (furthest from a verdict), for false alarms the
    // highest; the file name breaks ties so the list is stable.
    wrong.sort_by(|a, b| {
        let by_score = match label {
            Label::Phish => a.score.total_cmp(&b.score),
            Label::Ham => b.score.total_cmp(&a.score),
        };
        by_score.then_with(|| a.file.cmp(&b.file))
    });
    let listed_total = wrong.len();
    let take = if list == 0 { usize::MAX } else { list };
    FolderOut {
        path: dir.display().to_string(),
        label,
        messages: n,
        unreadable,
        phishing,
        suspicious,
        clean,
        flagged_pct: pct(phishing + suspicious, n),
        phishing_pct: pct(phishing, n),
        suspicious_pct: pct(suspicious, n),
        signals_pct: fired.into_iter().map(|(k, v)| (k, pct(v, n))).collect(),
        listed: wrong
            .into_iter()
            .take(take)
            .map(|o| Listed {
                file: o.file.clone(),
                level: o.level.as_str(),
                score: o.score,
                top: top_findings(&o.findings, 4),
            })
            .collect(),
        listed_total,
    }
}

/// The strongest `n` findings as `ID (weight)`, each signal once (a signal may cite several links).
fn top_findings(findings: &[(String, f64)], n: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (id, w) in findings {
        if out.len() == n {
            break;
        }
        if !seen.contains(&id.as_str()) {
            seen.push(id);
            out.push(format!("{id} ({w})"));
        }
    }
    out
}

fn totals(folders: &[FolderOut], label: Label) -> Option<Totals> {
    let fs: Vec<&FolderOut> = folders.iter().filter(|f| f.label == label).collect();
    if fs.is_empty() {
        return None;
    }
    let n: usize = fs.iter().map(|f| f.messages).sum();
    let p: usize = fs.iter().map(|f| f.phishing).sum();
    let s: usize = fs.iter().map(|f| f.suspicious).sum();
    Some(Totals {
        messages: n,
        flagged_pct: pct(p + s, n),
        phishing_pct: pct(p, n),
        suspicious_pct: pct(s, n),
    })
}

fn breaches(floor: &Bounds, phish: Option<&Totals>, ham: Option<&Totals>) -> Vec<Breach> {
    let mut out = Vec::new();
    let mut min = |figure, value: Option<f64>, bound: Option<f64>| {
        if let (Some(v), Some(b)) = (value, bound)
            && v < b
        {
            out.push(Breach {
                figure,
                value: v,
                bound: b,
            });
        }
    };
    min(
        "phish_flagged",
        phish.map(|t| t.flagged_pct),
        floor.phish_flagged_min,
    );
    min(
        "phish_phishing",
        phish.map(|t| t.phishing_pct),
        floor.phish_phishing_min,
    );
    // A maximum is a minimum of the negation.
    min(
        "ham_phishing",
        ham.map(|t| -t.phishing_pct),
        floor.ham_phishing_max.map(|b| -b),
    );
    min(
        "ham_suspicious",
        ham.map(|t| -t.suspicious_pct),
        floor.ham_suspicious_max.map(|b| -b),
    );
    for b in &mut out {
        if b.figure.starts_with("ham") {
            b.value = -b.value;
            b.bound = -b.bound;
        }
    }
    out
}

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    if args.phish.is_empty() && args.ham.is_empty() {
        anyhow::bail!("give at least one --phish DIR or --ham DIR");
    }
    let floor_file = match &args.floor {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            Some(
                toml::from_str::<FloorFile>(&text)
                    .with_context(|| format!("floor file {}", p.display()))?,
            )
        }
        None => None,
    };
    let analyzer = Analyzer::new(Options {
        scoring_file: args.scoring.clone(),
        ..Options::default()
    })?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;

    let labelled: Vec<(&PathBuf, Label)> = args
        .phish
        .iter()
        .map(|d| (d, Label::Phish))
        .chain(args.ham.iter().map(|d| (d, Label::Ham)))
        .collect();
    let mut dump = match &args.dump {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => None,
    };
    let started = Instant::now();
    let mut folders = Vec::new();
    let mut unreadable_total = 0usize;
    for (dir, label) in labelled {
        let (outcomes, unreadable) = analyse_folder(&analyzer, &pool, dir)?;
        unreadable_total += unreadable;
        if let Some(w) = dump.as_mut() {
            write_dump(w, dir, label, &outcomes)?;
        }
        folders.push(summarise(dir, label, &outcomes, unreadable, args.list));
    }
    let seconds = started.elapsed().as_secs_f64();
    // The analyzer names its scoring data only in reports; an empty message is the cheapest one.
    let scoring_version = analyzer.analyze(b"").data.scoring;
    let messages: usize = folders.iter().map(|f| f.messages).sum();
    let phish = totals(&folders, Label::Phish);
    let ham = totals(&folders, Label::Ham);
    let found = floor_file
        .as_ref()
        .map(|f| breaches(&f.floor, phish.as_ref(), ham.as_ref()))
        .unwrap_or_default();
    let out = EvalOut {
        schema: "unphish.eval/1",
        scoring: scoring_version,
        folders,
        phish,
        ham,
        messages_per_second: if seconds > 0.0 {
            (messages as f64 / seconds * 10.0).round() / 10.0
        } else {
            0.0
        },
        seconds: (seconds * 100.0).round() / 100.0,
        threads: pool.current_num_threads(),
        floor: floor_file.as_ref().map(|f| f.floor.clone()),
        target: floor_file.as_ref().map(|f| f.target.clone()),
        breaches: found,
    };

    let mut stdout = anstream::stdout().lock();
    match args.format {
        EvalFormat::Json => {
            serde_json::to_writer_pretty(&mut stdout, &out)?;
            stdout.write_all(b"\n")?;
        }
        EvalFormat::Text => {
            let mut buf = Vec::new();
            render_text(&out, &mut buf)?;
            stdout.write_all(&buf)?;
        }
    }
    stdout.flush()?;
    if unreadable_total > 0 {
        return Ok(ExitCode::from(2));
    }
    Ok(if out.breaches.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// One line of `--dump`.
#[derive(Serialize)]
struct DumpLine<'a> {
    folder: String,
    label: Label,
    file: &'a str,
    level: &'static str,
    score: f64,
    findings: Vec<(&'a str, f64)>,
    cancelled: &'a [String],
}

fn write_dump(w: &mut impl Write, dir: &Path, label: Label, outcomes: &[Outcome]) -> Result<()> {
    for o in outcomes {
        let line = DumpLine {
            folder: dir.display().to_string(),
            label,
            file: &o.file,
            level: o.level.as_str(),
            score: o.score,
            findings: o.findings.iter().map(|(i, s)| (i.as_str(), *s)).collect(),
            cancelled: &o.cancelled,
        };
        serde_json::to_writer(&mut *w, &line)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    Ok(())
}

fn bound(b: Option<f64>, cmp: &str) -> String {
    b.map(|v| format!(" {cmp} {v} %")).unwrap_or_default()
}

fn render_text(out: &EvalOut, w: &mut Vec<u8>) -> std::io::Result<()> {
    for f in &out.folders {
        let kind = match f.label {
            Label::Phish => "phishing",
            Label::Ham => "legitimate",
        };
        writeln!(w, "== {} ({kind}, {} messages)", f.path, f.messages)?;
        if f.unreadable > 0 {
            writeln!(w, "  unreadable: {}", f.unreadable)?;
        }
        writeln!(
            w,
            "  verdicts: phishing {} ({} %), suspicious {} ({} %), clean {}",
            f.phishing, f.phishing_pct, f.suspicious, f.suspicious_pct, f.clean
        )?;
        match f.label {
            Label::Phish => writeln!(
                w,
                "  flagged {} %, labelled phishing {} %",
                f.flagged_pct, f.phishing_pct
            )?,
            Label::Ham => writeln!(
                w,
                "  phishing {} %, suspicious {} %",
                f.phishing_pct, f.suspicious_pct
            )?,
        }
        let mut sig: Vec<(&String, &f64)> = f.signals_pct.iter().collect();
        sig.sort_by(|a, b| b.1.total_cmp(a.1).then_with(|| a.0.cmp(b.0)));
        let line: Vec<String> = sig.iter().map(|(id, p)| format!("{id} {p}")).collect();
        writeln!(w, "  signal hit rates (%): {}", line.join(", "))?;
        let what = match f.label {
            Label::Phish => "misses",
            Label::Ham => "false alarms",
        };
        writeln!(
            w,
            "  {what}: {} (listed {})",
            f.listed_total,
            f.listed.len()
        )?;
        for l in &f.listed {
            writeln!(
                w,
                "    {:<48} {:<10} {:>5}  {}",
                l.file,
                l.level,
                l.score,
                l.top.join(", ")
            )?;
        }
    }
    writeln!(w, "== summary (scoring {})", out.scoring)?;
    let floor = out.floor.clone().unwrap_or_default();
    let target = out.target.clone().unwrap_or_default();
    if let Some(t) = &out.phish {
        writeln!(
            w,
            "  phishing folders ({} messages): flagged {} %{}{}, labelled phishing {} %{}{}",
            t.messages,
            t.flagged_pct,
            bound(floor.phish_flagged_min, "floor ≥"),
            bound(target.phish_flagged_min, "target ≥"),
            t.phishing_pct,
            bound(floor.phish_phishing_min, "floor ≥"),
            bound(target.phish_phishing_min, "target ≥"),
        )?;
    }
    if let Some(t) = &out.ham {
        writeln!(
            w,
            "  legitimate folders ({} messages): phishing {} %{}{}, suspicious {} %{}{}",
            t.messages,
            t.phishing_pct,
            bound(floor.ham_phishing_max, "floor ≤"),
            bound(target.ham_phishing_max, "target ≤"),
            t.suspicious_pct,
            bound(floor.ham_suspicious_max, "floor ≤"),
            bound(target.ham_suspicious_max, "target ≤"),
        )?;
    }
    writeln!(
        w,
        "  throughput: {} messages/s ({} s, {} threads)",
        out.messages_per_second, out.seconds, out.threads
    )?;
    if out.floor.is_some() {
        if out.breaches.is_empty() {
            writeln!(w, "  floor: ok")?;
        } else {
            for b in &out.breaches {
                writeln!(
                    w,
                    "  FLOOR BREACHED: {} is {} %, floor {} %",
                    b.figure, b.value, b.bound
                )?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(flagged: f64, phishing: f64, suspicious: f64) -> Totals {
        Totals {
            messages: 100,
            flagged_pct: flagged,
            phishing_pct: phishing,
            suspicious_pct: suspicious,
        }
    }

    #[test]
    fn floor_breaches_in_both_directions() {
        let floor = Bounds {
            phish_flagged_min: Some(50.0),
            phish_phishing_min: Some(30.0),
            ham_phishing_max: Some(0.5),
            ham_suspicious_max: Some(3.0),
        };
        let ok = breaches(&floor, Some(&t(50.0, 30.0, 20.0)), Some(&t(3.5, 0.5, 3.0)));
        assert!(ok.is_empty(), "{ok:?}");
        let bad = breaches(&floor, Some(&t(49.9, 31.0, 18.9)), Some(&t(4.0, 0.6, 3.4)));
        let figs: Vec<&str> = bad.iter().map(|b| b.figure).collect();
        assert_eq!(figs, ["phish_flagged", "ham_phishing", "ham_suspicious"]);
        assert_eq!(bad[1].value, 0.6);
        assert_eq!(bad[1].bound, 0.5);
    }

    #[test]
    fn missing_folders_or_bounds_never_breach() {
        let floor = Bounds {
            phish_flagged_min: Some(99.0),
            ..Bounds::default()
        };
        assert!(breaches(&floor, None, Some(&t(100.0, 100.0, 0.0))).is_empty());
    }

    #[test]
    fn top_findings_name_each_signal_once() {
        let f: Vec<(String, f64)> = [("LINK-001", 3.0), ("LINK-001", 3.0), ("ORIG-001", 1.5)]
            .iter()
            .map(|(i, w)| (i.to_string(), *w))
            .collect();
        assert_eq!(top_findings(&f, 4), ["LINK-001 (3)", "ORIG-001 (1.5)"]);
        assert_eq!(top_findings(&f, 1), ["LINK-001 (3)"]);
    }

    #[test]
    fn percent_is_rounded_and_safe_on_empty_folders() {
        assert_eq!(pct(0, 0), 0.0);
        assert_eq!(pct(1, 3), 33.33);
        assert_eq!(pct(3, 1000), 0.3);
    }

    #[test]
    fn the_shipped_floor_file_parses() {
        let text = include_str!("../../../eval/floor.toml");
        let f: FloorFile = toml::from_str(text).expect("eval/floor.toml");
        assert!(f.floor.phish_flagged_min.is_some());
        assert!(f.floor.ham_phishing_max.is_some());
    }
}
