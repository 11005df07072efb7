//! `unphish analyze`.

use crate::inputs::{Input, expand};
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use unphish::text::Lang;
use unphish::{Analyzer, Options, Report};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// A readable report (coloured on a terminal; plain when piped or NO_COLOR is set).
    Text,
    /// One JSON report (an array when several messages are given).
    Json,
    /// One JSON report per line, each with its input `file`.
    Jsonl,
    /// A blog-style Markdown article (one per message).
    Md,
    /// A standalone, script-free HTML page (one per message).
    Html,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    /// The message's own language.
    Auto,
    Ja,
    En,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    /// Exit 1 when any message is judged phishing.
    Phishing,
    /// Exit 1 when any message is judged phishing or suspicious.
    Suspicious,
}

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// .eml files, folders (every *.eml below them) or - for standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Report language for text, md and html (JSON always carries both).
    #[arg(long, value_enum, default_value = "auto")]
    lang: LangArg,
    /// Worker threads (default: all cores; 1 = a single worker).
    #[arg(short = 'j', long = "threads", value_name = "N")]
    threads: Option<usize>,
    /// Exit with status 1 when a message reaches this verdict.
    #[arg(long, value_enum, value_name = "LEVEL")]
    fail_on: Option<FailOn>,
    /// Show recipient addresses instead of masking them.
    #[arg(long)]
    no_mask: bool,
    /// A city-level GeoIP database (MaxMind or DB-IP .mmdb) for city and coordinates.
    #[arg(long, value_name = "FILE.mmdb")]
    geoip_city: Option<PathBuf>,
    /// Replace the shipped weights and thresholds with this scoring file (TOML).
    #[arg(long, value_name = "FILE")]
    scoring: Option<PathBuf>,
    /// Print attacker URLs, hosts and IPs as they are (text, md and html defang them by default).
    #[arg(long)]
    no_defang: bool,
    /// A minijinja template replacing the shipped one for --format text, md or html. It receives
    /// `r` (the report, fields as in --format json), `lang` ("ja"/"en"), `defang` and `color`
    /// (text: true on a terminal); values are escaped for the format (text: control characters
    /// shown as \u{..}). Filters: text `style("bold"|"dim"|"phishing"|"suspicious"|"clean")`;
    /// md `code`, `block`, `quote`; all `short(n)`. The shipped templates are in
    /// crates/unphish-report/templates/.
    #[arg(long, value_name = "FILE")]
    template: Option<PathBuf>,
    /// The --template file's contents, read once before any message is analysed.
    #[arg(skip)]
    template_source: Option<String>,
    /// Also write the map of the origin and link hosts as an SVG file (one input only).
    #[arg(long, value_name = "FILE.svg")]
    map: Option<PathBuf>,
    /// Print the indicators of all inputs in this format instead of the reports.
    #[arg(long, value_enum, value_name = "FORMAT")]
    iocs: Option<IocsArg>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum IocsArg {
    /// One indicator per line, with a header row.
    Csv,
    /// A STIX 2.1 bundle (JSON).
    Stix,
    /// A MISP event (JSON).
    Misp,
}

fn lang_of(report: &Report, arg: LangArg) -> Lang {
    match arg {
        LangArg::Auto => Lang::from_code(&report.language),
        LangArg::Ja => Lang::Ja,
        LangArg::En => Lang::En,
    }
}

fn render(report: &Report, args: &AnalyzeArgs, multi: bool, color: bool) -> Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(8192);
    match args.format {
        Format::Json => {
            if multi {
                serde_json::to_writer(&mut buf, report)?;
            } else {
                serde_json::to_writer_pretty(&mut buf, report)?;
                buf.push(b'\n');
            }
        }
        Format::Jsonl => {
            serde_json::to_writer(&mut buf, report)?;
            buf.push(b'\n');
        }
        Format::Text | Format::Md | Format::Html => {
            let mut opts = unphish_report::RenderOptions::new(lang_of(report, args.lang));
            opts.defang = !args.no_defang;
            opts.color = color;
            opts.template = args.template_source.clone();
            let out = match args.format {
                Format::Md => unphish_report::markdown::render(report, &opts)?,
                Format::Html => unphish_report::html::render(report, &opts)?,
                _ => unphish_report::text::render(report, &opts)?,
            };
            buf.extend_from_slice(out.as_bytes());
        }
    }
    Ok(buf)
}

pub fn run(mut args: AnalyzeArgs) -> Result<ExitCode> {
    if let Some(t) = &args.template {
        args.template_source =
            Some(std::fs::read_to_string(t).with_context(|| format!("template {}", t.display()))?);
    }
    let inputs = expand(&args.inputs)?;
    let analyzer = Analyzer::new(Options {
        mask_recipients: !args.no_mask,
        city_db: args.geoip_city.clone(),
        scoring_file: args.scoring.clone(),
        ..Options::default()
    })?;
    let threads = args.threads.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("cannot start worker threads")?;
    let multi = inputs.len() > 1;
    if multi && args.map.is_some() {
        anyhow::bail!("--map draws one message: give a single input");
    }
    let mut iocs: Vec<unphish_report::iocs::IocMessage> = Vec::new();
    // Only the text report carries colour, and only on a terminal without NO_COLOR (anstream's
    // choice); the template writes it. The colour adapter still wraps text output so a user
    // template's own escape codes are stripped when piped. Machine formats go straight out.
    let text_out = matches!(args.format, Format::Text) && args.iocs.is_none();
    let color = text_out
        && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never;
    let mut out: Box<dyn Write> = if text_out {
        Box::new(anstream::stdout().lock())
    } else {
        Box::new(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout().lock(),
        ))
    };
    let json_array = matches!(args.format, Format::Json) && multi && args.iocs.is_none();
    if json_array {
        out.write_all(b"[")?;
    }
    let mut read_errors = 0usize;
    let mut worst: Option<unphish::Level> = None;
    let mut first = true;
    // Chunks keep memory bounded on huge folders while the output stays in input order.
    for (chunk_index, chunk) in inputs.chunks(256).enumerate() {
        type Rendered = (
            Vec<u8>,
            unphish::Level,
            Vec<unphish_report::iocs::IocMessage>,
        );
        let results: Vec<Result<Rendered, String>> = pool.install(|| {
            chunk
                .par_iter()
                .enumerate()
                .map(|(i, input): (usize, &Input)| {
                    let raw = input
                        .read()
                        .map_err(|e| format!("{}: {e}", input.label()))?;
                    let mut report = analyzer.analyze(&raw);
                    if multi
                        || matches!(args.format, Format::Jsonl)
                        || matches!(input, Input::File(_))
                    {
                        report.file = Some(input.label());
                    }
                    let level = unphish::Level::parse(report.verdict.level)
                        .unwrap_or(unphish::Level::Clean);
                    if let Some(path) = &args.map {
                        let svg = unphish_report::map::svg(
                            &report,
                            lang_of(&report, args.lang),
                            !args.no_defang,
                        );
                        std::fs::write(path, svg)
                            .map_err(|e| format!("{}: {e}", path.display()))?;
                    }
                    if args.iocs.is_some() {
                        // Messages without a file name or Message-ID are numbered in input order.
                        let index = chunk_index * 256 + i;
                        let m = unphish_report::iocs::IocMessage::from_report_tree(&report, index);
                        return Ok((Vec::new(), level, m));
                    }
                    render(&report, &args, multi, color)
                        .map(|b| (b, level, Vec::new()))
                        .map_err(|e| format!("{}: {e}", input.label()))
                })
                .collect()
        });
        for r in results {
            match r {
                Ok((bytes, level, ioc)) => {
                    iocs.extend(ioc);
                    if json_array && !first {
                        out.write_all(b",\n")?;
                    }
                    first = false;
                    out.write_all(&bytes)?;
                    worst = Some(worst.map_or(level, |w| w.min(level)));
                }
                Err(e) => {
                    read_errors += 1;
                    eprintln!("unphish: {e}");
                }
            }
        }
    }
    if json_array {
        out.write_all(b"]\n")?;
    }
    if let Some(fmt) = args.iocs {
        let fmt = match fmt {
            IocsArg::Csv => unphish_report::iocs::IocFormat::Csv,
            IocsArg::Stix => unphish_report::iocs::IocFormat::Stix,
            IocsArg::Misp => unphish_report::iocs::IocFormat::Misp,
        };
        out.write_all(unphish_report::iocs::export(&iocs, fmt).as_bytes())?;
    }
    out.flush()?;
    if read_errors > 0 {
        return Ok(ExitCode::from(2));
    }
    let failed = matches!(
        (args.fail_on, worst),
        (Some(FailOn::Phishing), Some(unphish::Level::Phishing))
            | (
                Some(FailOn::Suspicious),
                Some(unphish::Level::Phishing | unphish::Level::Suspicious)
            )
    );
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
