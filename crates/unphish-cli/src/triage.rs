//! `unphish triage`: a whole mailbox, grouped into campaigns, the new ones first.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use unphish::{Analyzer, Options};
use unphish_triage::{Campaign, Store, TriageOptions, TriageReport};

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// A digest: new campaigns in full, known ones in one line each.
    Text,
    /// One JSON object (`unphish.triage/1`).
    Json,
    /// The digest as Markdown.
    Md,
}

#[derive(Args, Debug)]
pub struct TriageArgs {
    /// mbox files, Maildirs (with cur/ and new/), folders of .eml files, or - for an mbox on
    /// standard input.
    #[arg(required = true, value_name = "SOURCE")]
    sources: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long = "threads", value_name = "N")]
    threads: Option<usize>,
    /// The campaign store (SQLite). Default: unphish/triage.db in the platform data directory.
    #[arg(long, value_name = "PATH")]
    db: Option<PathBuf>,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
    /// Messages per batch and per store transaction.
    #[arg(long, default_value_t = 128, hide = true)]
    batch: usize,
}

/// `$XDG_DATA_HOME/unphish/triage.db` (Linux and BSD), `~/Library/Application Support/unphish`
/// (macOS), `%APPDATA%\unphish` (Windows).
pub fn default_db() -> Result<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(windows) {
        env("APPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        env("XDG_DATA_HOME").or_else(|| env("HOME").map(|h| h.join(".local/share")))
    };
    let base = base.context("no data directory (set --db, XDG_DATA_HOME or HOME)")?;
    Ok(base.join("unphish").join("triage.db"))
}

pub fn open_store(db: Option<&PathBuf>) -> Result<Store> {
    let path = match db {
        Some(p) => p.clone(),
        None => default_db()?,
    };
    Store::open(&path).with_context(|| format!("cannot open the store {}", path.display()))
}

pub fn run(args: TriageArgs) -> Result<ExitCode> {
    let mut sources = Vec::new();
    for s in &args.sources {
        sources.push(unphish_triage::resolve(s)?);
    }
    let mut store = open_store(args.db.as_ref())?;
    let analyzer = Analyzer::new(Options::default())?;
    let total: Option<u64> = sources.iter().map(|s| s.total_bytes()).sum();
    let bar = progress_bar(total, args.quiet);
    let opts = TriageOptions {
        threads: args.threads.unwrap_or(0),
        batch: args.batch,
        ..TriageOptions::default()
    };
    let report = unphish_triage::triage(sources, &mut store, &analyzer, &opts, None, &mut |p| {
        if let Some(b) = &bar {
            b.set_position(p.bytes);
            b.set_message(format!("{} messages", p.read));
        }
    })?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    for e in &report.errors {
        eprintln!("unphish: {e}");
    }
    let mut buf = Vec::with_capacity(16 * 1024);
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut buf, &report)?;
            buf.push(b'\n');
        }
        Format::Text => digest_text(&report, &mut buf)?,
        Format::Md => digest_md(&report, &mut buf)?,
    }
    let mut out = std::io::stdout().lock();
    out.write_all(&buf)?;
    out.flush()?;
    // Only a shown report makes its campaigns "known"; a run cut short re-announces them.
    store.complete_run(report.run)?;
    let read_errors = report.errors.len() as u64 > report.truncated;
    Ok(if read_errors {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn progress_bar(total: Option<u64>, quiet: bool) -> Option<indicatif::ProgressBar> {
    // Progress is for a person watching: nothing of it in a pipe, a log or with --quiet.
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = match total {
        Some(t) => {
            let b = indicatif::ProgressBar::new(t);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{bar:30} {binary_bytes}/{binary_total_bytes} {msg} ({binary_bytes_per_sec}, ETA {eta})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b
        }
        None => {
            let b = indicatif::ProgressBar::new_spinner();
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {binary_bytes} {msg} ({binary_bytes_per_sec})",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            b
        }
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    Some(bar)
}

fn counted(v: &[unphish_triage::store::Counted], max: usize) -> String {
    v.iter()
        .take(max)
        .map(|c| format!("{} ({})", c.value, c.count))
        .collect::<Vec<_>>()
        .join(", ")
}

fn heading(r: &TriageReport) -> String {
    format!(
        "{} messages read ({} new to the store, {} duplicate copies), {} campaigns, {} new",
        r.messages,
        r.new_messages,
        r.duplicates,
        r.campaigns.len(),
        r.new_campaigns
    )
}

fn seen(c: &Campaign) -> String {
    match (&c.first_seen, &c.last_seen) {
        (Some(a), Some(b)) if a == b => a.clone(),
        (Some(a), Some(b)) => format!("{a} → {b}"),
        _ => "unknown".into(),
    }
}

pub fn campaign_text(c: &Campaign, out: &mut Vec<u8>) -> Result<()> {
    writeln!(out, "{}  {}", c.id, c.label)?;
    writeln!(
        out,
        "    size      {} messages{}",
        c.size,
        if c.seen_this_run > 0 {
            format!(" ({} in this run)", c.seen_this_run)
        } else {
            String::new()
        }
    )?;
    writeln!(out, "    seen      {}", seen(c))?;
    if let Some(s) = &c.subject {
        writeln!(out, "    subject   {s}")?;
    }
    let i = &c.indicators;
    for (name, v) in [
        ("origin", &i.origin_providers),
        ("links", &i.link_domains),
        ("senders", &i.sender_domains),
    ] {
        if !v.is_empty() {
            writeln!(out, "    {name:<9} {}", counted(v, 6))?;
        }
    }
    if !c.reasons.is_empty() {
        writeln!(out, "    grouped   {}", counted(&c.reasons, 4))?;
    }
    if let Some(m) = &c.representative {
        writeln!(out, "    example   {} ({})", m.source, m.verdict)?;
    }
    Ok(())
}

fn digest_text(r: &TriageReport, out: &mut Vec<u8>) -> Result<()> {
    writeln!(out, "{}", heading(r))?;
    let (new, known): (Vec<&Campaign>, Vec<&Campaign>) = r.campaigns.iter().partition(|c| c.new);
    if !new.is_empty() {
        writeln!(out, "\nNew campaigns\n")?;
        for c in &new {
            campaign_text(c, out)?;
            writeln!(out)?;
        }
    }
    if !known.is_empty() {
        writeln!(out, "\nKnown campaigns\n")?;
        for c in &known {
            writeln!(
                out,
                "{}  {:>5} (+{})  {}",
                c.id, c.size, c.seen_this_run, c.label
            )?;
        }
    }
    Ok(())
}

/// Markdown cells must not break the table or inject markup: pipes and newlines are escaped.
fn md(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .replace('<', "&lt;")
}

fn digest_md(r: &TriageReport, out: &mut Vec<u8>) -> Result<()> {
    writeln!(out, "# unphish triage\n\n{}\n", heading(r))?;
    let (new, known): (Vec<&Campaign>, Vec<&Campaign>) = r.campaigns.iter().partition(|c| c.new);
    if !new.is_empty() {
        writeln!(out, "## New campaigns\n")?;
        for c in &new {
            writeln!(out, "### {} — `{}`\n", md(&c.label), c.id)?;
            writeln!(out, "| | |\n|---|---|")?;
            writeln!(
                out,
                "| Size | {} ({} in this run) |",
                c.size, c.seen_this_run
            )?;
            writeln!(out, "| Seen | {} |", md(&seen(c)))?;
            if let Some(s) = &c.subject {
                writeln!(out, "| Subject | {} |", md(s))?;
            }
            let i = &c.indicators;
            for (name, v) in [
                ("Origin", &i.origin_providers),
                ("Link domains", &i.link_domains),
                ("Senders", &i.sender_domains),
                ("Grouped by", &c.reasons),
            ] {
                if !v.is_empty() {
                    writeln!(out, "| {name} | {} |", md(&counted(v, 6)))?;
                }
            }
            writeln!(out)?;
        }
    }
    if !known.is_empty() {
        writeln!(out, "## Known campaigns\n")?;
        writeln!(
            out,
            "| Campaign | Size | This run | Label |\n|---|---|---|---|"
        )?;
        for c in &known {
            writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                c.id,
                c.size,
                c.seen_this_run,
                md(&c.label)
            )?;
        }
    }
    Ok(())
}
