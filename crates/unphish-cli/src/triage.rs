//! `unphish triage`: a whole mailbox, grouped into campaigns, the new ones first.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use unphish::text::Lang;
use unphish::{Analyzer, Options};
use unphish_triage::{Campaign, Member, Store, TriageOptions, TriageReport};

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// A digest: new campaigns in full, known ones in one line each.
    Text,
    /// One JSON object (`unphish.triage/1`).
    Json,
    /// The digest as Markdown, with each new campaign's founding analysis (also kept in the
    /// store for `campaigns show`).
    Md,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LangArg {
    /// Japanese when most messages are Japanese, else English.
    Auto,
    Ja,
    En,
}

impl LangArg {
    /// The language to write in; `majority` is the messages' majority language code.
    pub fn resolve(self, majority: &str) -> Lang {
        match self {
            LangArg::Auto => Lang::from_code(majority),
            LangArg::Ja => Lang::Ja,
            LangArg::En => Lang::En,
        }
    }
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
    /// Digest language (auto: Japanese when most messages are Japanese, else English).
    #[arg(long, value_enum, default_value = "auto")]
    lang: LangArg,
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
    #[arg(long, default_value_t = 64, hide = true)]
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
        // The run's own time: it bounds believable Received times and dates undated campaigns.
        now: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok()),
        // A chosen language is the digest's: the analyses it embeds follow it. With auto,
        // each founding message's analysis is in its own language, as `analyze` writes it.
        analysis_lang: match args.lang {
            LangArg::Auto => None,
            LangArg::Ja => Some(Lang::Ja),
            LangArg::En => Some(Lang::En),
        },
        // Only the Markdown digest embeds the founders' analyses; the other formats skip
        // rendering them (a fifth of the analysis cost per new campaign).
        keep_analyses: args.format == Format::Md,
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
    let lang = args.lang.resolve(&report.language);
    let mut buf = Vec::with_capacity(16 * 1024);
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut buf, &report)?;
            buf.push(b'\n');
        }
        Format::Text => digest_text(&report, lang, &mut buf)?,
        Format::Md => digest_md(&report, &store, lang, &mut buf)?,
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

/// The digest's words in the chosen language.
#[derive(Debug, Clone, Copy)]
pub struct Words(pub Lang);

impl Words {
    pub fn t<'a>(self, en: &'a str, ja: &'a str) -> &'a str {
        match self.0 {
            Lang::En => en,
            Lang::Ja => ja,
        }
    }

    pub fn verdict(self, v: &str) -> String {
        match (self.0, v) {
            (Lang::Ja, "phishing") => "フィッシング".into(),
            (Lang::Ja, "suspicious") => "要注意".into(),
            (Lang::Ja, "clean") => "問題なし".into(),
            (Lang::Ja, "error") => "解析エラー".into(),
            _ => v.to_string(),
        }
    }

    /// The lure categories of `lures.toml`.
    pub fn lure(self, l: &str) -> String {
        let ja = match l {
            "credential" => "認証情報の詐取",
            "payment" => "支払い・請求",
            "reward" => "当選・特典",
            "account" => "アカウント停止・確認",
            "delivery" => "配送通知",
            "threat" => "脅迫",
            "urgency" => "緊急の要求",
            _ => l,
        };
        let en = match l {
            "credential" => "credential theft",
            "payment" => "payment",
            "reward" => "prize or reward",
            "account" => "account suspension or check",
            "delivery" => "delivery notice",
            "threat" => "threat",
            "urgency" => "urgency",
            _ => l,
        };
        self.t(en, ja).to_string()
    }

    /// The store keeps grouping reasons in English (they are data, shared by both languages);
    /// this puts the known phrasings into Japanese.
    pub fn reason(self, r: &str) -> String {
        if self.0 == Lang::En {
            return r.to_string();
        }
        const PHRASES: &[(&str, &str)] = &[
            ("founded the campaign", "このキャンペーンの最初の1通"),
            ("same link template ", "同じリンク形式 "),
            ("same link domain ", "同じリンク先ドメイン "),
            ("same link site ", "同じリンク先サイト "),
            ("same subject template ", "同じ件名パターン "),
            ("same sender pattern ", "同じ送信者パターン "),
            ("same origin network ", "同じ送信元ネットワーク "),
            ("same impersonated brand ", "同じなりすまし先 "),
            ("same lure ", "同じ誘導手口 "),
            ("same body text", "本文が同一"),
            ("near-identical body text", "本文がほぼ同一"),
            ("similar body text", "本文が類似"),
            ("MinHash similarity", "MinHash 類似度"),
            ("“", "「"),
            ("”", "」"),
        ];
        let mut out = r.to_string();
        for (en, ja) in PHRASES {
            out = out.replace(en, ja);
        }
        // Reasons are `; `-joined; a lure code follows its phrase in any of them.
        out.split("; ")
            .map(|part| match part.strip_prefix("同じ誘導手口 ") {
                Some(code) => format!("同じ誘導手口 {}", self.lure(code.trim())),
                None => part.to_string(),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The label a person reads: who is impersonated, with what lure, and how it opens.
pub fn label(c: &Campaign, w: Words) -> String {
    let mut out = String::new();
    out.push_str(
        c.brand
            .as_deref()
            .unwrap_or(w.t("Unknown sender", "なりすまし先不明")),
    );
    if let Some(l) = &c.lure {
        out.push_str(" · ");
        out.push_str(&w.lure(l));
    }
    if let Some(s) = &c.subject {
        let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let short: String = s.chars().take(70).collect();
        out.push_str(w.t(" · “", " ·「"));
        out.push_str(&short);
        if short.len() < s.len() {
            out.push('…');
        }
        out.push_str(w.t("”", "」"));
    }
    out
}

fn counted(v: &[unphish_triage::store::Counted], max: usize, w: Words) -> String {
    v.iter()
        .take(max)
        .map(|c| format!("{} ({})", w.reason(&c.value), c.count))
        .collect::<Vec<_>>()
        .join(", ")
}

fn heading(r: &TriageReport, w: Words) -> String {
    match w.0 {
        Lang::En => format!(
            "{} messages read ({} new to the store, {} duplicate copies), {} campaigns, {} new",
            r.messages,
            r.new_messages,
            r.duplicates,
            r.campaigns.len(),
            r.new_campaigns
        ),
        Lang::Ja => format!(
            "{} 通を読み込み(未保存の新着 {} 通、重複コピー {} 通)、キャンペーン {} 件(うち新規 {} 件)",
            r.messages,
            r.new_messages,
            r.duplicates,
            r.campaigns.len(),
            r.new_campaigns
        ),
    }
}

fn seen(c: &Campaign, w: Words) -> String {
    match (&c.first_seen, &c.last_seen) {
        (Some(a), Some(b)) if a == b => a.clone(),
        (Some(a), Some(b)) => format!("{a} → {b}"),
        _ => w.t("unknown", "不明").into(),
    }
}

fn size(c: &Campaign, w: Words) -> String {
    match (w.0, c.seen_this_run > 0) {
        (Lang::En, true) => format!("{} messages ({} in this run)", c.size, c.seen_this_run),
        (Lang::En, false) => format!("{} messages", c.size),
        (Lang::Ja, true) => format!("{} 通(今回 {} 通)", c.size, c.seen_this_run),
        (Lang::Ja, false) => format!("{} 通", c.size),
    }
}

/// The rows a campaign is described by: (label, value).
fn rows(c: &Campaign, w: Words) -> Vec<(&'static str, String)> {
    let mut out = vec![
        (w.t("size", "件数"), size(c, w)),
        (w.t("seen", "観測期間"), seen(c, w)),
    ];
    if let Some(s) = &c.subject {
        out.push((w.t("subject", "件名"), s.clone()));
    }
    let i = &c.indicators;
    for (name, v) in [
        (w.t("origin", "送信元"), &i.origin_providers),
        (w.t("links", "リンク先"), &i.link_domains),
        (w.t("senders", "送信者"), &i.sender_domains),
        (w.t("grouped", "根拠"), &c.reasons),
    ] {
        if !v.is_empty() {
            out.push((name, counted(v, 6, w)));
        }
    }
    if let Some(m) = &c.representative {
        out.push((
            w.t("example", "代表例"),
            format!("{} ({})", m.source, w.verdict(&m.verdict)),
        ));
    }
    out
}

pub fn campaign_text(c: &Campaign, w: Words, out: &mut Vec<u8>) -> Result<()> {
    writeln!(out, "{}  {}", c.id, label(c, w))?;
    for (name, value) in rows(c, w) {
        // Japanese labels are double width: pad by display columns, not chars.
        let cols: usize = name
            .chars()
            .map(|ch| if ch.is_ascii() { 1 } else { 2 })
            .sum();
        let pad = " ".repeat(10usize.saturating_sub(cols));
        writeln!(out, "    {name}{pad}{value}")?;
    }
    Ok(())
}

pub fn members_text(members: &[Member], w: Words, out: &mut Vec<u8>) -> Result<()> {
    writeln!(out, "\n{}\n", w.t("Members", "メンバー"))?;
    for m in members {
        writeln!(
            out,
            "{}  {}  {}  {}",
            m.seen.as_deref().unwrap_or("-"),
            w.verdict(&m.verdict),
            m.subject
                .as_deref()
                .unwrap_or(w.t("(no subject)", "(件名なし)")),
            m.source
        )?;
        writeln!(out, "    {}", w.reason(&m.reason))?;
    }
    Ok(())
}

fn digest_text(r: &TriageReport, lang: Lang, out: &mut Vec<u8>) -> Result<()> {
    let w = Words(lang);
    writeln!(out, "{}", heading(r, w))?;
    let (new, known): (Vec<&Campaign>, Vec<&Campaign>) = r.campaigns.iter().partition(|c| c.new);
    if !new.is_empty() {
        writeln!(out, "\n{}\n", w.t("New campaigns", "新しいキャンペーン"))?;
        for c in &new {
            campaign_text(c, w, out)?;
            writeln!(out)?;
        }
    }
    if !known.is_empty() {
        writeln!(out, "\n{}\n", w.t("Known campaigns", "既知のキャンペーン"))?;
        for c in &known {
            writeln!(
                out,
                "{}  {:>5} (+{})  {}",
                c.id,
                c.size,
                c.seen_this_run,
                label(c, w)
            )?;
        }
    }
    Ok(())
}

/// Markdown cells must not break the table or inject markup: pipes and newlines are escaped.
pub fn md(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "\\`")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

/// One campaign as a Markdown section (heading level `level`).
pub fn campaign_md(c: &Campaign, w: Words, level: usize, out: &mut Vec<u8>) -> Result<()> {
    let hashes = "#".repeat(level.clamp(1, 6));
    writeln!(out, "{hashes} {} — `{}`\n", md(&label(c, w)), c.id)?;
    writeln!(out, "| | |\n|---|---|")?;
    for (name, value) in rows(c, w) {
        writeln!(out, "| {} | {} |", md(name), md(&value))?;
    }
    writeln!(out)?;
    Ok(())
}

/// Puts a stand-alone Markdown report under a digest heading: its headings move down by
/// `by` levels (at most level 6); fenced code is left alone.
pub fn nest_md(doc: &str, by: usize, out: &mut Vec<u8>) -> Result<()> {
    let mut fence = false;
    for line in doc.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
        }
        let level = t.chars().take_while(|c| *c == '#').count();
        if !fence && level > 0 && level <= 6 && t.chars().nth(level).is_none_or(|c| c == ' ') {
            let rest = t.get(level..).unwrap_or("");
            writeln!(out, "{}{rest}", "#".repeat((level + by).min(6)))?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

fn digest_md(r: &TriageReport, store: &Store, lang: Lang, out: &mut Vec<u8>) -> Result<()> {
    let w = Words(lang);
    let code = match lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    };
    writeln!(
        out,
        "# {}\n\n{}\n",
        w.t("unphish triage", "unphish トリアージ"),
        heading(r, w)
    )?;
    let (new, known): (Vec<&Campaign>, Vec<&Campaign>) = r.campaigns.iter().partition(|c| c.new);
    if !new.is_empty() {
        writeln!(out, "## {}\n", w.t("New campaigns", "新しいキャンペーン"))?;
        for c in &new {
            campaign_md(c, w, 3, out)?;
            // The issue's promise: each new campaign comes with the full analysis of its
            // representative (founding) message, in the report format of `analyze`.
            if let Some(doc) = store.campaign_report(&c.id, code)? {
                // A label, not a heading: the report's own title becomes the level-4 heading,
                // so its sections and findings keep their levels (6 is Markdown's last).
                writeln!(
                    out,
                    "**{}**\n",
                    w.t(
                        "Analysis of the representative message",
                        "代表メッセージの分析"
                    )
                )?;
                nest_md(&doc, 3, out)?;
                writeln!(out)?;
            }
        }
    }
    if !known.is_empty() {
        writeln!(out, "## {}\n", w.t("Known campaigns", "既知のキャンペーン"))?;
        writeln!(
            out,
            "| {} | {} | {} | {} |\n|---|---|---|---|",
            w.t("Campaign", "キャンペーン"),
            w.t("Size", "件数"),
            w.t("This run", "今回"),
            w.t("Label", "概要")
        )?;
        for c in &known {
            writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                c.id,
                c.size,
                c.seen_this_run,
                md(&label(c, w))
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_reports_move_their_headings_down_but_not_code() {
        let doc = "# Title\n## Section\n### Finding\n```\n# not a heading\n```\n#hashtag\n";
        let mut out = Vec::new();
        nest_md(doc, 3, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "#### Title\n##### Section\n###### Finding\n```\n# not a heading\n```\n#hashtag\n"
        );
    }

    #[test]
    fn japanese_reasons_and_cells() {
        let w = Words(Lang::Ja);
        assert_eq!(
            w.reason("same link domain evil.example; same lure reward"),
            "同じリンク先ドメイン evil.example; 同じ誘導手口 当選・特典"
        );
        assert_eq!(
            w.reason("same subject template “x”"),
            "同じ件名パターン 「x」"
        );
        assert_eq!(
            Words(Lang::En).reason("same lure reward"),
            "same lure reward"
        );
        // A table cell cannot break the table or carry markup from the mail.
        assert_eq!(md("a|b\n<img>[x](y)"), "a\\|b &lt;img&gt;\\[x\\](y)");
    }
}
