//! The triage memory: messages (once each, keyed by content hash), campaigns, their grouping
//! keys and shared indicators, and runs.
//!
//! SQLite by default. The SQL is kept plain (no SQLite-only syntax; `ON CONFLICT … DO NOTHING`
//! and `DO UPDATE` exist in PostgreSQL too) so a PostgreSQL backend is a connection away, and
//! the schema only changes through the numbered migrations below.
//!
//! Crash safety: a run writes one transaction per batch, and the WAL journal makes a commit all
//! or nothing, so a run killed at any moment (SIGKILL included) leaves whole batches; a rerun
//! finds those messages by hash and processes the rest, so nothing is stored twice or skipped.

use crate::fingerprint::{Fingerprint, KeyKind};
use crate::minhash;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::path::Path;
use unphish::Report;

/// Schema migrations, applied in order, each in its own transaction. Never edit one that has
/// shipped: add the next.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        sources TEXT NOT NULL,
        completed INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE campaigns (
        id TEXT PRIMARY KEY,
        seq BIGINT NOT NULL,
        brand TEXT,
        brand_name TEXT,
        lure TEXT,
        subject TEXT,
        representative TEXT NOT NULL,
        size BIGINT NOT NULL,
        first_ts BIGINT,
        last_ts BIGINT,
        created_run BIGINT NOT NULL
    );
    CREATE INDEX campaigns_created_run ON campaigns (created_run);
    CREATE INDEX campaigns_seq ON campaigns (seq);
    CREATE TABLE messages (
        hash TEXT PRIMARY KEY,
        seq BIGINT NOT NULL,
        campaign TEXT NOT NULL,
        source TEXT NOT NULL,
        subject TEXT,
        sender TEXT,
        seen_ts BIGINT,
        verdict TEXT NOT NULL,
        score DOUBLE PRECISION NOT NULL,
        brand TEXT,
        lure TEXT,
        origin TEXT,
        sketch TEXT,
        sketch_tokens BIGINT,
        reason TEXT NOT NULL,
        run BIGINT NOT NULL
    );
    CREATE INDEX messages_campaign ON messages (campaign, seq);
    CREATE INDEX messages_seq ON messages (seq);
    CREATE TABLE campaign_keys (
        key TEXT NOT NULL,
        campaign TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (key, campaign)
    );
    CREATE TABLE campaign_indicators (
        campaign TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        n BIGINT NOT NULL,
        PRIMARY KEY (campaign, kind, value)
    );
    CREATE TABLE run_messages (
        run BIGINT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (run, hash)
    );",
    ),
    (
        2,
        "ALTER TABLE runs ADD COLUMN started BIGINT;
    ALTER TABLE messages ADD COLUMN lang TEXT;
    CREATE TABLE campaign_reports (
        campaign TEXT NOT NULL,
        lang TEXT NOT NULL,
        markdown TEXT NOT NULL,
        PRIMARY KEY (campaign, lang)
    );",
    ),
];

/// Campaigns read per grouping key. A key is stored once per campaign (with the first member
/// that had it), so a key every message has (a big cloud's AS number) costs the same as a rare
/// one, and a large campaign cannot crowd the others out of the answer.
const KEY_ROWS: i64 = 16;
/// A key already seen in this many campaigns is common infrastructure or boilerplate, not an
/// actor's fingerprint.
const COMMON_KEY_CAMPAIGNS: usize = 3;
/// Bodies with at least this many tokens that are near-identical are a campaign on their own.
const STRONG_BODY_TOKENS: i64 = 40;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("database {path}: {message}")]
    Open { path: String, message: String },
    #[error("database schema version {found} is newer than this unphish knows ({known})")]
    TooNew { found: i64, known: i64 },
}

/// Counts of one ingested batch.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct BatchStats {
    /// Distinct messages read this run (a copy seen twice in one run counts once).
    pub messages: u64,
    /// Of those, not in the store before.
    pub new_messages: u64,
    /// Copies of a message already read earlier in this run.
    pub duplicates: u64,
}

/// A counted indicator value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Counted {
    pub value: String,
    pub count: i64,
}

/// Indicators the members of a campaign share, most common first.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Indicators {
    pub link_domains: Vec<Counted>,
    pub origin_providers: Vec<Counted>,
    pub sender_domains: Vec<Counted>,
    pub subject_templates: Vec<Counted>,
}

/// One stored message, as listed under its campaign.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Member {
    pub hash: String,
    pub source: String,
    pub subject: Option<String>,
    pub sender: Option<String>,
    pub seen: Option<String>,
    pub verdict: String,
    pub brand: Option<String>,
    pub origin: Option<String>,
    /// Why it joined the campaign (or that it founded it).
    pub reason: String,
}

/// A campaign as reported.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Campaign {
    pub id: String,
    pub label: String,
    pub new: bool,
    pub size: i64,
    /// Members read in this run (0 when listed outside a run).
    pub seen_this_run: i64,
    pub brand: Option<String>,
    pub lure: Option<String>,
    pub subject: Option<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub indicators: Indicators,
    /// Why members were grouped, most common first.
    pub reasons: Vec<Counted>,
    pub representative: Option<Member>,
}

/// Filters for `unphish campaigns`.
#[derive(Debug, Clone, Default)]
pub struct CampaignFilter {
    /// Last seen at or after (Unix seconds).
    pub since: Option<i64>,
    /// First seen before (Unix seconds).
    pub until: Option<i64>,
    /// Brand id or name contains this (case-insensitive).
    pub brand: Option<String>,
    pub limit: Option<i64>,
}

pub struct Store {
    conn: Connection,
}

fn fmt_ts(ts: Option<i64>) -> Option<String> {
    let t = jiff::Timestamp::from_second(ts?).ok()?;
    Some(t.strftime("%Y-%m-%d %H:%M UTC").to_string())
}

/// The label a person reads: who is impersonated, with what lure, and how it opens.
pub fn label(brand: Option<&str>, lure: Option<&str>, subject: Option<&str>) -> String {
    let mut out = String::new();
    out.push_str(brand.unwrap_or("Unknown sender"));
    if let Some(l) = lure {
        out.push_str(" · ");
        out.push_str(l);
    }
    if let Some(s) = subject {
        let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
        let short: String = s.chars().take(70).collect();
        out.push_str(" · “");
        out.push_str(&short);
        if short.len() < s.len() {
            out.push('…');
        }
        out.push('”');
    }
    out
}

/// Renders founders' analyses: per report, (language code, Markdown) pairs.
pub type Renderer<'a> = dyn Fn(&[&Report]) -> Vec<Vec<(&'static str, String)>> + Sync + 'a;

/// One message's analysis as `analyze --format md` writes it: in `lang`, or with `None` in the
/// message's own language (what `analyze --lang auto` picks).
///
/// One language, not both: rendering a report costs about a fifth of analysing the message,
/// and storing a second copy doubled the store's writes; a campaign is shown in the other
/// language with this analysis (see [`Store::campaign_report`]).
pub fn render_analysis(
    report: &Report,
    lang: Option<unphish::text::Lang>,
) -> Vec<(&'static str, String)> {
    use unphish::text::Lang;
    let lang = lang.unwrap_or_else(|| Lang::from_code(&report.language));
    let code = match lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    };
    let opts = unphish_report::RenderOptions::new(lang);
    match unphish_report::markdown::render(report, &opts) {
        Ok(md) => vec![(code, md)],
        Err(_) => Vec::new(),
    }
}

#[derive(Debug)]
struct Candidate {
    campaign: String,
    strong: Vec<String>,
    /// Shared attacker link domains: strong only with the same lure or brand, or another
    /// agreeing key (see [`find_campaign`]).
    domains: Vec<String>,
    /// A content key agrees (subject template, sender pattern, similar body): unlike the
    /// origin network, which is infrastructure like the link domain.
    content: bool,
    weak_points: u32,
    weak: Vec<String>,
}

impl Store {
    /// Opens (creating when needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
        }
        let conn = Connection::open(path)?;
        // WAL: a commit is durable against a killed process and readers do not block the run.
        // synchronous = NORMAL skips the fsync per commit: a committed transaction is in the
        // WAL file before COMMIT returns, so killing the process (SIGKILL included) loses
        // nothing committed; only a power cut or OS crash can lose the last commits, which a
        // rerun then stores again (the store is never corrupted either way).
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        // Checkpoints every 10,000 pages (40 MB of WAL) instead of 1,000: a run rewrites the
        // same index pages batch after batch, and copying them back on every 4 MB cost a
        // tenth of the store's time; the WAL is checkpointed when the store closes.
        conn.execute_batch(
            "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000; PRAGMA wal_autocheckpoint = 10000;",
        )?;
        Store::init(conn)
    }

    /// A throwaway store (tests).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store, StoreError> {
        // Every statement of the ingest path is prepared once per connection: compiling SQL
        // for each message cost more than running it. The default cache (16) is smaller than
        // the set of statements a batch and the digest use together.
        conn.set_prepared_statement_cache_capacity(48);
        // With a bound LIMIT (or other planner-visible parameter) SQLite re-prepares a cached
        // statement on every new binding so the plan can follow the value (STAT4 builds, as
        // rusqlite's bundled one): the grouping lookups recompiled per key. A stable plan is
        // what a fixed schema and these queries want.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )?;
        let mut s = Store { conn };
        s.migrate()?;
        Ok(s)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)",
        )?;
        let current: i64 = self.conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?;
        let known = MIGRATIONS.last().map_or(0, |m| m.0);
        if current > known {
            return Err(StoreError::TooNew {
                found: current,
                known,
            });
        }
        for (v, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.execute("INSERT INTO schema_migrations (version) VALUES (?1)", [v])?;
            tx.commit()?;
        }
        Ok(())
    }

    /// The schema version in use.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?)
    }

    /// Starts a run. Campaigns founded by an earlier run that never completed (killed before
    /// it reported) were never shown to anyone, so they count as new in this one.
    /// `started` is the caller's clock (Unix seconds): it dates campaigns whose messages carry
    /// no believable time.
    pub fn begin_run(&mut self, sources: &str, started: Option<i64>) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO runs (id, sources, completed, started) VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM runs), ?1, 0, ?2)",
            params![sources, started],
        )?;
        let run: i64 = tx.query_row("SELECT MAX(id) FROM runs", [], |r| r.get(0))?;
        tx.execute(
            "UPDATE campaigns SET created_run = ?1 WHERE created_run IN (SELECT id FROM runs WHERE completed = 0 AND id <> ?1)",
            [run],
        )?;
        tx.execute("DELETE FROM runs WHERE completed = 0 AND id <> ?1", [run])?;
        tx.commit()?;
        Ok(run)
    }

    /// Marks a run reported: its campaigns are no longer new to the next run.
    pub fn complete_run(&mut self, run: i64) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE runs SET completed = 1 WHERE id = ?1", [run])?;
        Ok(())
    }

    /// Stores a batch of analysed messages in one transaction, grouping each new one into a
    /// campaign. Messages are handled in order, so a later one sees the earlier ones of the batch.
    pub fn ingest(
        &mut self,
        run: i64,
        batch: &[(String, Fingerprint)],
    ) -> Result<BatchStats, StoreError> {
        self.ingest_with(run, batch, &|reports| {
            reports.iter().map(|r| render_analysis(r, None)).collect()
        })
    }

    /// [`Store::ingest`] with the founders' analyses rendered by `render` (one call per batch,
    /// so the caller can render them in parallel). They are stored in the batch's transaction.
    pub fn ingest_with(
        &mut self,
        run: i64,
        batch: &[(String, Fingerprint)],
        render: &Renderer<'_>,
    ) -> Result<BatchStats, StoreError> {
        let tx = self.conn.transaction()?;
        let mut founders: Vec<(String, &Report)> = Vec::new();
        let mut stats = BatchStats::default();
        for (source, fp) in batch {
            let fresh = tx
                .prepare_cached(
                    "INSERT INTO run_messages (run, hash) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                )?
                .execute(params![run, fp.hash])?;
            if fresh == 0 {
                stats.duplicates += 1;
                continue;
            }
            stats.messages += 1;
            if tx
                .prepare_cached("SELECT 1 FROM messages WHERE hash = ?1")?
                .exists([&fp.hash])?
            {
                continue;
            }
            stats.new_messages += 1;
            if let (Some(id), Some(report)) = (add_message(&tx, run, source, fp)?, &fp.report) {
                founders.push((id, report));
            }
        }
        if !founders.is_empty() {
            // The digest shows a new campaign with its founder's full analysis; the raw mail is
            // not kept, so the analysis is rendered now, in both languages.
            let reports: Vec<&Report> = founders.iter().map(|f| f.1).collect();
            let rendered = render(&reports);
            let mut rep = tx.prepare_cached(
                "INSERT INTO campaign_reports (campaign, lang, markdown) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            )?;
            for ((id, _), docs) in founders.iter().zip(rendered) {
                for (lang, md) in docs {
                    rep.execute(params![id, lang, md])?;
                }
            }
        }
        tx.commit()?;
        Ok(stats)
    }

    /// Which of these message hashes the store already has.
    pub fn known(&self, hashes: &[Option<&str>]) -> Result<Vec<bool>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM messages WHERE hash = ?1")?;
        let mut out = Vec::with_capacity(hashes.len());
        for h in hashes {
            out.push(match h {
                Some(h) => stmt.exists([h])?,
                None => false,
            });
        }
        Ok(out)
    }

    /// Campaigns with a member read in `run`: new ones first, then by size.
    pub fn run_campaigns(&self, run: i64) -> Result<Vec<Campaign>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT m.campaign, COUNT(*) FROM run_messages r JOIN messages m ON m.hash = r.hash
             WHERE r.run = ?1 GROUP BY m.campaign",
        )?;
        let ids: Vec<(String, i64)> = stmt
            .query_map([run], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for (id, seen) in ids {
            if let Some(mut c) = self.campaign_row(&id, Some(run))? {
                c.seen_this_run = seen;
                out.push(c);
            }
        }
        out.sort_by(|a, b| {
            b.new
                .cmp(&a.new)
                .then(b.size.cmp(&a.size))
                .then(a.id.cmp(&b.id))
        });
        Ok(out)
    }

    /// Stored campaigns, most recently active first.
    pub fn campaigns(&self, f: &CampaignFilter) -> Result<Vec<Campaign>, StoreError> {
        let brand = f.brand.as_ref().map(|b| format!("%{}%", b.to_lowercase()));
        let mut stmt = self.conn.prepare(
            // A campaign whose messages carry no believable time is dated by the run that
            // stored it; with no date at all it is kept (hiding it would hide a campaign).
            "SELECT id FROM campaigns
             WHERE (?1 IS NULL OR COALESCE(last_ts, (SELECT started FROM runs WHERE runs.id = campaigns.created_run), ?1) >= ?1)
               AND (?2 IS NULL OR COALESCE(first_ts, (SELECT started FROM runs WHERE runs.id = campaigns.created_run), ?2 - 1) < ?2)
               AND (?3 IS NULL OR LOWER(COALESCE(brand, '')) LIKE ?3 OR LOWER(COALESCE(brand_name, '')) LIKE ?3)
             ORDER BY COALESCE(last_ts, 0) DESC, seq DESC
             LIMIT ?4",
        )?;
        let ids: Vec<String> = stmt
            .query_map(
                params![f.since, f.until, brand, f.limit.unwrap_or(i64::MAX)],
                |r| r.get(0),
            )?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(c) = self.campaign_row(&id, None)? {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// One campaign and its members in the order they were stored.
    pub fn campaign(&self, id: &str) -> Result<Option<(Campaign, Vec<Member>)>, StoreError> {
        let Some(c) = self.campaign_row(id, None)? else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {MEMBER_COLS} FROM messages WHERE campaign = ?1 ORDER BY seq"
        ))?;
        let members = stmt
            .query_map([id], member)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some((c, members)))
    }

    /// The language most of the messages read in `run` are in: `ja` when more than half are
    /// Japanese, otherwise `en` (the digest's two languages).
    pub fn run_language(&self, run: i64) -> Result<String, StoreError> {
        let (ja, all): (i64, i64) = self.conn.query_row(
            "SELECT COALESCE(SUM(CASE WHEN m.lang = 'ja' THEN 1 ELSE 0 END), 0), COUNT(*)
             FROM run_messages r JOIN messages m ON m.hash = r.hash WHERE r.run = ?1",
            [run],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(if ja * 2 > all { "ja" } else { "en" }.to_string())
    }

    /// The language most stored messages are in: `ja` when more than half are Japanese, else `en`.
    pub fn language(&self) -> Result<String, StoreError> {
        let (ja, all): (i64, i64) = self.conn.query_row(
            "SELECT COALESCE(SUM(CASE WHEN lang = 'ja' THEN 1 ELSE 0 END), 0), COUNT(*) FROM messages",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(if ja * 2 > all { "ja" } else { "en" }.to_string())
    }

    /// The Markdown analysis of a campaign's founding message, in `lang` (`ja` or `en`) when
    /// the store has it in that language, else in the language it was kept in.
    pub fn campaign_report(&self, id: &str, lang: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT markdown FROM campaign_reports WHERE campaign = ?1
                 ORDER BY CASE WHEN lang = ?2 THEN 0 ELSE 1 END, lang LIMIT 1",
            )?
            .query_row([id, lang], |r| r.get(0))
            .optional()?)
    }

    /// Number of stored messages.
    pub fn message_count(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM messages", [], |r| r.get(0))?)
    }

    fn campaign_row(&self, id: &str, run: Option<i64>) -> Result<Option<Campaign>, StoreError> {
        type Row = (
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
            i64,
            Option<i64>,
            Option<i64>,
            i64,
        );
        let row: Option<Row> = self
            .conn
            .prepare_cached(
                "SELECT id, brand, brand_name, lure, subject, representative, size, first_ts, last_ts, created_run
                 FROM campaigns WHERE id = ?1",
            )?
            .query_row([id], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                        r.get(8)?,
                        r.get(9)?,
                    ))
            })
            .optional()?;
        let Some((id, brand, brand_name, lure, subject, rep, size, first, last, created)) = row
        else {
            return Ok(None);
        };
        // One query for all five lists (a digest reads every campaign of the run): sorted by
        // kind, then most common first, each list cut at its own length.
        let mut indicators = Indicators::default();
        let mut reasons = Vec::new();
        // The most common impersonated brand among the members, with its count.
        let mut top_brand: Option<(String, i64)> = None;
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, value, n FROM campaign_indicators WHERE campaign = ?1
             ORDER BY kind, n DESC, value",
        )?;
        let mut rows = stmt.query([&id])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(0)?;
            if kind == "brand" {
                if top_brand.is_none() {
                    top_brand = Some((r.get(1)?, r.get(2)?));
                }
                continue;
            }
            let (list, max) = match kind.as_str() {
                "link_domain" => (&mut indicators.link_domains, 8),
                "origin" => (&mut indicators.origin_providers, 5),
                "sender_domain" => (&mut indicators.sender_domains, 5),
                "subject_template" => (&mut indicators.subject_templates, 3),
                "reason" => (&mut reasons, 6),
                _ => continue,
            };
            if list.len() < max {
                list.push(Counted {
                    value: r.get(1)?,
                    count: r.get(2)?,
                });
            }
        }
        drop(rows);
        drop(stmt);
        let representative = self
            .conn
            .prepare_cached(MEMBER_BY_HASH)?
            .query_row([&rep], member)
            .optional()?;
        // The label names a brand a good share of the members impersonate, not the one a single
        // member named in a footer (a casino campaign is not "OpenAI" because one mail said
        // ChatGPT). Stores written before brands were counted keep the campaign's first brand.
        let shown_brand = match top_brand {
            Some((b, n)) if n * 3 >= size => Some(b),
            Some(_) => None,
            None => brand_name.or(brand),
        };
        Ok(Some(Campaign {
            label: label(shown_brand.as_deref(), lure.as_deref(), subject.as_deref()),
            new: run == Some(created),
            id,
            size,
            seen_this_run: 0,
            brand: shown_brand,
            lure,
            subject,
            first_seen: fmt_ts(first),
            last_seen: fmt_ts(last),
            indicators,
            reasons,
            representative,
        }))
    }
}

const MEMBER_COLS: &str = "hash, source, subject, sender, seen_ts, verdict, brand, origin, reason";
const MEMBER_BY_HASH: &str = "SELECT hash, source, subject, sender, seen_ts, verdict, brand, origin, reason FROM messages WHERE hash = ?1";

fn member(r: &rusqlite::Row<'_>) -> rusqlite::Result<Member> {
    Ok(Member {
        hash: r.get(0)?,
        source: r.get(1)?,
        subject: r.get(2)?,
        sender: r.get(3)?,
        seen: fmt_ts(r.get(4)?),
        verdict: r.get(5)?,
        brand: r.get(6)?,
        origin: r.get(7)?,
        reason: r.get(8)?,
    })
}

fn describe(key: &str) -> String {
    let value = key.split_once(':').map_or("", |(_, v)| v);
    match KeyKind::from_key(key) {
        Some(KeyKind::LinkTemplate) => format!("same link template {value}"),
        Some(KeyKind::LandingDomain) => format!("same link domain {value}"),
        Some(KeyKind::Site) => format!("same link site {value}"),
        Some(KeyKind::Subject) => format!("same subject template “{value}”"),
        Some(KeyKind::Sender) => format!("same sender pattern {value}"),
        Some(KeyKind::Network) => format!("same origin network AS{value}"),
        Some(KeyKind::SameBody) => "same body text".to_string(),
        Some(KeyKind::BodyBand) | None => "similar body text".to_string(),
    }
}

/// Finds the campaign a new message belongs to, if any. Strong evidence (the same short link or
/// shared-service page, the same body, or a long near-identical body) suffices alone. An
/// attacker's link domain or hosted site is strong only with the same lure or brand, or with
/// agreeing content, and never across two different lures: otherwise an affiliate network's
/// redirector chains every offer it carries into one campaign. Weak evidence must add up (a subject template counts 2, a similar short body 2, the sender
/// pattern 1, the origin network 1, the same impersonated brand 1; 3 needed), so "same cloud
/// provider and same free-mail domain" never groups strangers.
fn find_campaign(
    tx: &rusqlite::Transaction<'_>,
    fp: &Fingerprint,
) -> Result<Option<Candidate>, StoreError> {
    let mut cands: Vec<Candidate> = Vec::new();
    // (campaign, similarity in percent, near-identical and long)
    let mut body_hits: Vec<(String, u32, bool)> = Vec::new();
    // Only a body band needs the other message's sketch; the other keys name a campaign alone
    // and skip the join (most keys of a message are not body bands).
    let mut with_sketch = tx.prepare_cached(
        "SELECT k.campaign, m.sketch, m.sketch_tokens FROM campaign_keys k
         JOIN messages m ON m.hash = k.message WHERE k.key = ?1 LIMIT ?2",
    )?;
    let mut campaigns_of = tx
        .prepare_cached("SELECT campaign, NULL, NULL FROM campaign_keys WHERE key = ?1 LIMIT ?2")?;
    for key in &fp.keys {
        let Some(kind) = KeyKind::from_key(key) else {
            continue;
        };
        let stmt = if kind == KeyKind::BodyBand {
            &mut with_sketch
        } else {
            &mut campaigns_of
        };
        let rows: Vec<(String, Option<String>, Option<i64>)> = stmt
            .query_map(params![key, KEY_ROWS], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        if kind == KeyKind::BodyBand {
            let Some(mine) = fp.sketch else { continue };
            for (c, sk, tokens) in rows {
                let Some(other) = sk.as_deref().and_then(minhash::decode) else {
                    continue;
                };
                let sim = minhash::similarity(&mine.slots, &other);
                if sim >= minhash::NEAR {
                    let long = tokens.unwrap_or(0).min(mine.tokens as i64) >= STRONG_BODY_TOKENS;
                    // Percent, so candidates sort and compare without floats.
                    body_hits.push((
                        c,
                        (sim * 100.0).round() as u32,
                        long && sim >= minhash::SAME,
                    ));
                }
            }
            continue;
        }
        let mut camps: Vec<String> = rows.into_iter().map(|r| r.0).collect();
        camps.sort();
        camps.dedup();
        if camps.len() >= COMMON_KEY_CAMPAIGNS {
            continue;
        }
        for c in camps {
            let idx = match cands.iter().position(|x| x.campaign == c) {
                Some(i) => i,
                None => {
                    cands.push(Candidate {
                        campaign: c,
                        strong: Vec::new(),
                        domains: Vec::new(),
                        content: false,
                        weak_points: 0,
                        weak: Vec::new(),
                    });
                    cands.len() - 1
                }
            };
            let Some(e) = cands.get_mut(idx) else {
                continue;
            };
            match kind {
                KeyKind::LinkTemplate | KeyKind::SameBody => e.strong.push(describe(key)),
                KeyKind::LandingDomain | KeyKind::Site => e.domains.push(describe(key)),
                KeyKind::Subject => {
                    e.content = true;
                    e.weak_points += 2;
                    e.weak.push(describe(key));
                }
                KeyKind::Sender | KeyKind::Network => {
                    e.content |= kind == KeyKind::Sender;
                    e.weak_points += 1;
                    e.weak.push(describe(key));
                }
                KeyKind::BodyBand => {}
            }
        }
    }
    // Near-identical text in many campaigns is boilerplate (an empty "view in browser" shell).
    let mut body_camps: Vec<&str> = body_hits.iter().map(|b| b.0.as_str()).collect();
    body_camps.sort();
    body_camps.dedup();
    let boilerplate = body_camps.len() >= COMMON_KEY_CAMPAIGNS;
    body_hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    body_hits.dedup_by(|a, b| a.0 == b.0);
    for (c, pct, long) in body_hits {
        let text = if long {
            format!("near-identical body text ({pct}% MinHash similarity)")
        } else {
            format!("similar body text ({pct}% MinHash similarity)")
        };
        let idx = match cands.iter().position(|x| x.campaign == c) {
            Some(i) => i,
            None => {
                cands.push(Candidate {
                    campaign: c,
                    strong: Vec::new(),
                    domains: Vec::new(),
                    content: false,
                    weak_points: 0,
                    weak: Vec::new(),
                });
                cands.len() - 1
            }
        };
        let Some(e) = cands.get_mut(idx) else {
            continue;
        };
        e.content = true;
        if long && !boilerplate {
            e.strong.push(text);
        } else {
            e.weak_points += 2;
            e.weak.push(text);
        }
    }
    let mut best: Option<(Candidate, i64)> = None;
    for mut c in cands {
        if c.strong.is_empty() && c.domains.is_empty() && c.weak_points < 2 {
            continue;
        }
        let (seq, brand, brand_name, lure): (i64, Option<String>, Option<String>, Option<String>) =
            tx.prepare_cached("SELECT seq, brand, brand_name, lure FROM campaigns WHERE id = ?1")?
                .query_row([&c.campaign], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?;
        let same_brand = brand.is_some() && brand == fp.brand;
        let same_lure = lure.is_some() && lure == fp.lure;
        let other_lure = matches!((&lure, &fp.lure), (Some(a), Some(b)) if a != b);
        // A link domain shared by messages with different lures is the affiliate network's
        // redirector (voucher, dating and horoscope spam all pass through it), not one campaign:
        // following it alone chains unrelated lures together. It counts with the same lure or
        // brand, or, when a lure is unknown, with agreeing content (the same origin network is
        // infrastructure too: the affiliate's mailer sends every offer).
        if !c.domains.is_empty() {
            let agreeing = c.content || !c.strong.is_empty();
            if same_lure || same_brand || (!other_lure && agreeing) {
                if same_lure && let Some(l) = &lure {
                    c.weak.push(format!("same lure {l}"));
                }
                let mut d = std::mem::take(&mut c.domains);
                d.append(&mut c.strong);
                c.strong = d;
            } else {
                c.domains.clear();
            }
        }
        if c.strong.is_empty() && c.weak_points < 2 {
            continue;
        }
        // The same impersonated brand adds to other evidence; on its own it is every lure
        // of that brand.
        if same_brand {
            c.weak_points += 1;
            c.weak.push(format!(
                "same impersonated brand {}",
                brand_name.as_deref().or(brand.as_deref()).unwrap_or("")
            ));
        }
        if c.strong.is_empty() && c.weak_points < 3 {
            continue;
        }
        // Weak evidence does not cross brands: the same subject wording for two different
        // impersonated brands is two lures.
        if c.strong.is_empty()
            && let (Some(a), Some(b)) = (&brand, &fp.brand)
            && a != b
        {
            continue;
        }
        let better = match &best {
            None => true,
            Some((b, bseq)) => {
                (c.strong.len(), c.weak_points, -seq) > (b.strong.len(), b.weak_points, -bseq)
            }
        };
        if better {
            best = Some((c, seq));
        }
    }
    Ok(best.map(|b| b.0))
}

/// Stores one new message; returns the campaign it founded, if it founded one.
fn add_message(
    tx: &rusqlite::Transaction<'_>,
    run: i64,
    source: &str,
    fp: &Fingerprint,
) -> Result<Option<String>, StoreError> {
    let mut founded = None;
    let seq: i64 = tx
        .prepare_cached("SELECT COALESCE(MAX(seq), 0) + 1 FROM messages")?
        .query_row([], |r| r.get(0))?;
    let (campaign, reason, reasons) = match find_campaign(tx, fp)? {
        Some(c) => {
            let mut parts = c.strong.clone();
            parts.extend(c.weak.iter().cloned());
            parts.dedup();
            tx.prepare_cached(
                "UPDATE campaigns SET size = size + 1,
                   first_ts = CASE WHEN first_ts IS NULL OR ?2 < first_ts THEN ?2 ELSE first_ts END,
                   last_ts = CASE WHEN last_ts IS NULL OR ?2 > last_ts THEN ?2 ELSE last_ts END,
                   brand = COALESCE(brand, ?3), brand_name = COALESCE(brand_name, ?4),
                   lure = COALESCE(lure, ?5)
                 WHERE id = ?1",
            )?
            .execute(params![
                c.campaign,
                fp.seen_ts,
                fp.brand,
                fp.brand_name,
                fp.lure
            ])?;
            (c.campaign, parts.join("; "), parts)
        }
        None => {
            // Stable across runs and machines: named after the message that founded it.
            let id = format!("C-{}", fp.hash.get(..12).unwrap_or(&fp.hash));
            let cseq: i64 = tx
                .prepare_cached("SELECT COALESCE(MAX(seq), 0) + 1 FROM campaigns")?
                .query_row([], |r| r.get(0))?;
            tx.prepare_cached(
                "INSERT INTO campaigns (id, seq, brand, brand_name, lure, subject, representative, size, first_ts, last_ts, created_run)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8, ?9)",
            )?
            .execute(params![id, cseq, fp.brand, fp.brand_name, fp.lure, fp.subject, fp.hash, fp.seen_ts, run])?;
            founded = Some(id.clone());
            (id, "founded the campaign".to_string(), Vec::new())
        }
    };
    tx.prepare_cached(
        "INSERT INTO messages (hash, seq, campaign, source, subject, sender, seen_ts, verdict, score, brand, lure, origin, sketch, sketch_tokens, reason, run, lang)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
            fp.hash,
            seq,
            campaign,
            source,
            fp.subject,
            fp.from,
            fp.seen_ts,
            fp.verdict,
            fp.score,
            fp.brand_name,
            fp.lure,
            fp.origin_provider,
            fp.sketch.map(|s| minhash::encode(&s.slots)),
            fp.sketch.map(|s| s.tokens as i64),
            reason,
            run,
            fp.language
        ])?;
    let mut key_stmt = tx.prepare_cached(
        "INSERT INTO campaign_keys (key, campaign, message) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
    )?;
    for k in &fp.keys {
        key_stmt.execute(params![k, campaign, fp.hash])?;
    }
    let mut ind = tx.prepare_cached(
        "INSERT INTO campaign_indicators (campaign, kind, value, n) VALUES (?1, ?2, ?3, 1)
         ON CONFLICT (campaign, kind, value) DO UPDATE SET n = campaign_indicators.n + 1",
    )?;
    for d in fp.link_domains.iter().take(8) {
        ind.execute(params![campaign, "link_domain", d])?;
    }
    if let Some(o) = &fp.origin_provider {
        ind.execute(params![campaign, "origin", o])?;
    }
    if let Some(s) = &fp.sender_domain {
        ind.execute(params![campaign, "sender_domain", s])?;
    }
    if let Some(t) = &fp.subject_template {
        ind.execute(params![campaign, "subject_template", t])?;
    }
    if let Some(b) = fp.brand_name.as_ref().or(fp.brand.as_ref()) {
        ind.execute(params![campaign, "brand", b])?;
    }
    for r in &reasons {
        // The distance varies per pair; the reason is the same.
        let r = if r.starts_with("near-identical body") {
            "near-identical body text"
        } else if r.starts_with("similar body") {
            "similar body text"
        } else {
            r.as_str()
        };
        ind.execute(params![campaign, "reason", r])?;
    }
    Ok(founded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_store_upgrades_in_place() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY)")
            .unwrap();
        let (_, v1) = MIGRATIONS[0];
        conn.execute_batch(v1).unwrap();
        conn.execute_batch(
            "INSERT INTO schema_migrations (version) VALUES (1);
             INSERT INTO runs (id, sources, completed) VALUES (1, 'inbox', 1);
             INSERT INTO campaigns (id, seq, representative, size, created_run)
               VALUES ('C-1', 1, 'h1', 1, 1);
             INSERT INTO messages (hash, seq, campaign, source, verdict, score, reason, run)
               VALUES ('h1', 1, 'C-1', 'inbox#1', 'phishing', 9.0, 'founded the campaign', 1);
             INSERT INTO run_messages (run, hash) VALUES (1, 'h1');",
        )
        .unwrap();
        let mut store = Store::init(conn).unwrap();
        assert_eq!(store.schema_version().unwrap(), 2);
        // Old rows survive and the new columns read as unknown.
        let all = store.campaigns(&CampaignFilter::default()).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(store.run_language(1).unwrap(), "en");
        assert_eq!(store.campaign_report("C-1", "ja").unwrap(), None);
        // An undated campaign from a run without a clock is kept by any date filter.
        let since = CampaignFilter {
            since: Some(2_000_000_000),
            ..CampaignFilter::default()
        };
        assert_eq!(store.campaigns(&since).unwrap().len(), 1);
        let run = store.begin_run("inbox", Some(1_700_000_000)).unwrap();
        assert_eq!(run, 2);
    }

    fn msg(hash: &str, keys: &[String]) -> (String, Fingerprint) {
        let mut keys = keys.to_vec();
        keys.sort();
        keys.dedup();
        (
            format!("inbox#{hash}"),
            Fingerprint {
                hash: hash.to_string(),
                verdict: "phishing".into(),
                link_domains: vec!["evil.example".into()],
                subject_template: Some("Your account #".into()),
                keys,
                ..Fingerprint::default()
            },
        )
    }

    fn count(store: &Store, sql: &str) -> i64 {
        store.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn the_label_names_a_brand_only_a_good_share_of_members_impersonate() {
        let mut store = Store::open_in_memory().unwrap();
        let run = store.begin_run("inbox", None).unwrap();
        let key = vec!["body:00000000000000aa".to_string()];
        let branded = |hash: &str, brand: &str| {
            let mut m = msg(hash, &key);
            m.1.brand = Some(brand.into());
            m.1.brand_name = Some(brand.into());
            m
        };
        // The founder names no brand; one member of six names one in its footer.
        let mut batch: Vec<_> = (0..5).map(|i| msg(&format!("b{i}"), &key)).collect();
        batch.push(branded("b5", "OpenAI"));
        store.ingest(run, &batch).unwrap();
        let c = store.run_campaigns(run).unwrap();
        assert_eq!((c.len(), c[0].size), (1, 6));
        assert_eq!(c[0].brand, None);
        assert!(c[0].label.starts_with("Unknown sender"), "{}", c[0].label);
        // Three more impersonate PayPal: 3 of 9 members, a third, is the campaign's brand.
        let more: Vec<_> = (6..9)
            .map(|i| branded(&format!("b{i}"), "PayPal"))
            .collect();
        store.ingest(run, &more).unwrap();
        let c = store.run_campaigns(run).unwrap();
        assert_eq!((c.len(), c[0].size), (1, 9));
        assert_eq!(c[0].brand.as_deref(), Some("PayPal"));
        assert!(c[0].label.starts_with("PayPal"), "{}", c[0].label);
    }

    #[test]
    fn batches_wider_than_one_statement_count_every_message_once() {
        let mut store = Store::open_in_memory().unwrap();
        let run = store.begin_run("inbox", None).unwrap();
        // 70 distinct messages: three IN lookups and three run_messages inserts, the last padded.
        let first: Vec<_> = (0..70).map(|i| msg(&format!("h{i:03}"), &[])).collect();
        let s = store.ingest(run, &first).unwrap();
        assert_eq!((s.messages, s.new_messages, s.duplicates), (70, 70, 0));
        // A copy inside the batch, copies of earlier batches, and 40 new ones.
        let mut second: Vec<_> = (60..110).map(|i| msg(&format!("h{i:03}"), &[])).collect();
        second.push(msg("h100", &[]));
        let s = store.ingest(run, &second).unwrap();
        assert_eq!((s.messages, s.new_messages, s.duplicates), (40, 40, 11));
        assert_eq!(count(&store, "SELECT COUNT(*) FROM messages"), 110);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM run_messages"), 110);
        assert_eq!(
            count(&store, "SELECT COUNT(DISTINCT seq) FROM messages"),
            110
        );
        assert_eq!(count(&store, "SELECT MAX(seq) FROM messages"), 110);
        let known = store
            .known(&[Some("h000"), None, Some("nope"), Some("h109")])
            .unwrap();
        assert_eq!(known, vec![true, false, false, true]);
        // The next run reads them again: read, not new, not duplicates.
        store.complete_run(run).unwrap();
        let run2 = store.begin_run("inbox", None).unwrap();
        let s = store.ingest(run2, &first).unwrap();
        assert_eq!((s.messages, s.new_messages, s.duplicates), (70, 0, 0));
    }

    #[test]
    fn a_key_past_the_first_lookup_statement_still_groups() {
        let mut store = Store::open_in_memory().unwrap();
        let run = store.begin_run("inbox", None).unwrap();
        // 40 keys: more than one statement's worth, both for the insert and the lookup.
        let mut many: Vec<String> = (0..39).map(|i| format!("dom:d{i:02}.example")).collect();
        many.push("url:is.gd/zz9".into());
        let a = msg("a1", &many);
        // Shares only the short link, which sorts after every other key of the first.
        let b = msg(
            "b1",
            &["url:is.gd/zz9".to_string(), "asn:64500".to_string()],
        );
        store.ingest(run, &[a]).unwrap();
        store.ingest(run, &[b]).unwrap();
        assert_eq!(count(&store, "SELECT COUNT(*) FROM campaign_keys"), 41);
        assert_eq!(
            count(&store, "SELECT COUNT(DISTINCT campaign) FROM messages"),
            1
        );
        assert_eq!(count(&store, "SELECT size FROM campaigns"), 2);
        // Indicators were counted once per member, each in one upsert.
        assert_eq!(
            count(
                &store,
                "SELECT n FROM campaign_indicators WHERE kind = 'link_domain' AND value = 'evil.example'"
            ),
            2
        );
        let (c, members) = store.campaign("C-a1").unwrap().unwrap();
        assert_eq!(members.len(), 2);
        assert!(
            c.reasons.iter().any(|r| r.value.contains("is.gd/zz9")),
            "{:?}",
            c.reasons
        );
    }
}
