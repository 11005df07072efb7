//! `unphish campaigns`: the campaigns the triage store remembers.

use crate::triage::{campaign_text, open_store};
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
    /// Only campaigns seen on or after this day (YYYY-MM-DD, UTC).
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
                    campaign_text(&c, &mut buf)?;
                    writeln!(buf, "\nMembers\n")?;
                    for m in &members {
                        writeln!(
                            buf,
                            "{}  {}  {}  {}",
                            m.seen.as_deref().unwrap_or("-"),
                            m.verdict,
                            m.subject.as_deref().unwrap_or("(no subject)"),
                            m.source
                        )?;
                        writeln!(buf, "    {}", m.reason)?;
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
                            "{}  {:>5}  {:<16}  {}",
                            c.id,
                            c.size,
                            c.last_seen.as_deref().unwrap_or("-"),
                            c.label
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
