//! `unphish campaigns`: the campaigns the triage store remembers.

use crate::triage::{
    LangArg, Words, campaign_md, campaign_text, label, md, members_text, open_store,
};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use unphish_triage::CampaignFilter;

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    /// Markdown (a table; `show` adds the members and the founding message's analysis, which
    /// `triage --format md` keeps).
    Md,
}

#[derive(Args, Debug)]
pub struct CampaignsArgs {
    #[command(subcommand)]
    action: Option<Action>,
    /// The campaign store (default: unphish/triage.db in the platform data directory).
    #[arg(long, value_name = "PATH", global = true)]
    db: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text", global = true)]
    format: Format,
    /// Language (auto: Japanese when most stored messages are Japanese, else English).
    #[arg(long, value_enum, default_value = "auto", global = true)]
    lang: LangArg,
    /// Only campaigns seen on or after this day (YYYY-MM-DD, UTC). Campaigns whose mail carries
    /// no believable date count from the day they were stored.
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    /// Only campaigns first seen before this day (YYYY-MM-DD, UTC).
    #[arg(long, value_name = "DATE")]
    until: Option<String>,
    /// Only campaigns impersonating this brand (id or name, substring).
    #[arg(long)]
    brand: Option<String>,
    /// At most this many.
    #[arg(long)]
    limit: Option<i64>,
}

#[derive(Subcommand, Debug)]
enum Action {
    /// One campaign with its members.
    Show {
        /// The campaign id (C-…).
        id: String,
    },
}

fn day(s: &str) -> Result<i64> {
    let d: jiff::civil::Date = s
        .parse()
        .with_context(|| format!("{s}: expected a date as YYYY-MM-DD"))?;
    Ok(d.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp().as_second())
}

pub fn run(args: CampaignsArgs) -> Result<ExitCode> {
    let store = open_store(args.db.as_ref())?;
    let lang = args.lang.resolve(&store.language()?);
    let w = Words(lang);
    let code = w.t("en", "ja");
    let mut buf = Vec::with_capacity(16 * 1024);
    match &args.action {
        Some(Action::Show { id }) => {
            let id = if id.starts_with("C-") {
                id.clone()
            } else {
                format!("C-{id}")
            };
            let Some((c, members)) = store.campaign(&id)? else {
                bail!("no campaign {id} in the store");
            };
            match args.format {
                Format::Json => {
                    serde_json::to_writer_pretty(
                        &mut buf,
                        &serde_json::json!({ "campaign": c, "members": members }),
                    )?;
                    buf.push(b'\n');
                }
                Format::Text => {
                    campaign_text(&c, w, &mut buf)?;
                    members_text(&members, w, &mut buf)?;
                }
                Format::Md => {
                    campaign_md(&c, w, 1, &mut buf)?;
                    writeln!(buf, "## {}\n", w.t("Members", "メンバー"))?;
                    writeln!(
                        buf,
                        "| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
                        w.t("Seen", "受信"),
                        w.t("Verdict", "判定"),
                        w.t("Subject", "件名"),
                        w.t("Source", "入力"),
                        w.t("Why grouped", "グループ化の根拠")
                    )?;
                    for m in &members {
                        writeln!(
                            buf,
                            "| {} | {} | {} | {} | {} |",
                            md(m.seen.as_deref().unwrap_or("-")),
                            md(&w.verdict(&m.verdict)),
                            md(m.subject.as_deref().unwrap_or("")),
                            md(&m.source),
                            md(&w.reason(&m.reason))
                        )?;
                    }
                    if let Some(doc) = store.campaign_report(&c.id, code)? {
                        writeln!(
                            buf,
                            "\n## {}\n",
                            w.t("Analysis of the founding message", "最初の1通の分析")
                        )?;
                        crate::triage::nest_md(&doc, 2, &mut buf)?;
                    } else {
                        // Analyses are rendered only by runs that show them.
                        writeln!(
                            buf,
                            "\n{}",
                            w.t(
                                "(The founding message's analysis is kept by `unphish triage --format md`.)",
                                "(最初の1通の分析は `unphish triage --format md` で保存されます。)"
                            )
                        )?;
                    }
                }
            }
        }
        None => {
            let filter = CampaignFilter {
                since: args.since.as_deref().map(day).transpose()?,
                until: args
                    .until
                    .as_deref()
                    .map(|d| day(d).map(|t| t + 86_400))
                    .transpose()?,
                brand: args.brand.clone(),
                limit: args.limit,
            };
            let list = store.campaigns(&filter)?;
            match args.format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut buf, &list)?;
                    buf.push(b'\n');
                }
                Format::Text => {
                    for c in &list {
                        writeln!(
                            buf,
                            "{}  {:>5}  {:<20}  {}",
                            c.id,
                            c.size,
                            c.last_seen.as_deref().unwrap_or("-"),
                            label(c, w)
                        )?;
                    }
                }
                Format::Md => {
                    writeln!(
                        buf,
                        "# {}\n\n| {} | {} | {} | {} | {} |\n|---|---|---|---|---|",
                        w.t("Campaigns", "キャンペーン一覧"),
                        w.t("Campaign", "キャンペーン"),
                        w.t("Size", "件数"),
                        w.t("First seen", "初観測"),
                        w.t("Last seen", "最終観測"),
                        w.t("Label", "概要")
                    )?;
                    for c in &list {
                        writeln!(
                            buf,
                            "| `{}` | {} | {} | {} | {} |",
                            c.id,
                            c.size,
                            md(c.first_seen.as_deref().unwrap_or("-")),
                            md(c.last_seen.as_deref().unwrap_or("-")),
                            md(&label(c, w))
                        )?;
                    }
                }
            }
        }
    }
    let mut out = std::io::stdout().lock();
    out.write_all(&buf)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
