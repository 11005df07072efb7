//! Lure phrases (urgency, threats, account and credential bait, payment, delivery, rewards) in
//! Japanese, English, Portuguese, Spanish and German, and the tags that filters put on subjects.
//!
//! The phrases are data (`data/lures.toml`). Almost every phrase also occurs in honest mail
//! (genuine card notices say 【重要】 and ご利用確認 too), so each entry carries a strength:
//! `weak` for single common words (`password`, `パスワード`, `fatura`) that a consumer should
//! weigh low, `strong` for phrasings that are characteristic of lures (`アカウントが停止されました`,
//! `verify your account within 24 hours`). A lure becomes evidence together with a brand claim and
//! a link that does not belong to that brand; on its own it is colour.

use crate::text::{CaseMode, DataError, Folded, MATCH_FOLD, PhraseSet, PhraseSpec};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

const FILE: &str = "data/lures.toml";
const EMBEDDED: &str = include_str!("../data/lures.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LureCategory {
    Urgency,
    Threat,
    Account,
    Credential,
    Payment,
    Delivery,
    Reward,
    SpamTag,
}

/// How much a phrase says on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LureStrength {
    /// Characteristic of lures.
    Strong,
    /// A common word that honest mail uses too: weigh low, count only in company.
    Weak,
}

/// A lure phrase found in text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LureHit {
    /// Stable id of the lure entry (`ja.threat.suspended`); never changes on rename.
    pub id: String,
    pub category: LureCategory,
    /// Language(s) of the entry: `ja`, `en`, `pt`, `es`, `de`, or `pt,es` for shared words.
    pub lang: String,
    pub strength: LureStrength,
    /// The phrase exactly as written in the text.
    pub phrase: String,
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LureEntry {
    id: String,
    category: LureCategory,
    lang: String,
    strength: LureStrength,
    phrases: Vec<String>,
    /// Phrases in this entry must match exactly as written (`PIN`, `CVV`).
    #[serde(default)]
    exact_case: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TagEntry {
    id: String,
    lang: String,
    phrases: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LureFile {
    lure: Vec<LureEntry>,
    tag: Vec<TagEntry>,
}

/// One compiled entry (lure or subject tag).
#[derive(Debug)]
struct Entry {
    id: String,
    category: LureCategory,
    lang: String,
    strength: LureStrength,
}

/// The lure database with its compiled matchers.
#[derive(Debug)]
pub struct LureDb {
    entries: Vec<Entry>,
    lures: PhraseSet,
    lure_entry: Vec<usize>,
    tags: PhraseSet,
    tag_entry: Vec<usize>,
}

impl LureDb {
    /// The database compiled into the binary, parsed once.
    pub fn embedded() -> &'static LureDb {
        static DB: OnceLock<LureDb> = OnceLock::new();
        // Constant input checked by tests/lures.rs; a broken file degrades to no lures, never a crash.
        DB.get_or_init(|| LureDb::from_toml(EMBEDDED).unwrap_or_else(|_| LureDb::empty()))
    }

    /// The embedded data file's text.
    pub fn embedded_source() -> &'static str {
        EMBEDDED
    }

    fn empty() -> LureDb {
        let none = || {
            PhraseSet::new(&[], true)
                .unwrap_or_else(|_| unreachable!("an empty set always compiles"))
        };
        LureDb {
            entries: Vec::new(),
            lures: none(),
            lure_entry: Vec::new(),
            tags: none(),
            tag_entry: Vec::new(),
        }
    }

    /// Parses and checks a lure file: ids unique, every entry has phrases, no phrase twice.
    pub fn from_toml(src: &str) -> Result<LureDb, DataError> {
        let file: LureFile =
            toml::from_str(src).map_err(|e| DataError::new(FILE, e.to_string()))?;
        let err = |m: String| DataError::new(FILE, m);
        let mut entries = Vec::new();
        let mut ids: HashMap<String, ()> = HashMap::new();
        let mut seen: HashMap<(String, bool), String> = HashMap::new();
        let mut lure_specs = Vec::new();
        let mut lure_entry = Vec::new();
        let mut tag_specs = Vec::new();
        let mut tag_entry = Vec::new();

        let lures = file.lure.into_iter().map(|l| {
            (
                l.id,
                l.category,
                l.lang,
                l.strength,
                l.phrases,
                l.exact_case,
                false,
            )
        });
        let tags = file.tag.into_iter().map(|t| {
            (
                t.id,
                LureCategory::SpamTag,
                t.lang,
                LureStrength::Strong,
                t.phrases,
                false,
                true,
            )
        });
        for (id, category, lang, strength, phrases, exact_case, is_tag) in lures.chain(tags) {
            if id.trim().is_empty() || lang.trim().is_empty() || phrases.is_empty() {
                return Err(err(format!(
                    "entry {id:?}: id, lang and phrases are required"
                )));
            }
            if ids.insert(id.clone(), ()).is_some() {
                return Err(err(format!("duplicate lure id {id}")));
            }
            if (category == LureCategory::SpamTag) != is_tag {
                return Err(err(format!(
                    "{id}: spam_tag belongs in [[tag]] and only there"
                )));
            }
            let ei = entries.len();
            for p in phrases {
                let case = if exact_case {
                    CaseMode::Exact
                } else {
                    CaseMode::Insensitive
                };
                let key = crate::text::Folded::new(
                    p.trim(),
                    crate::text::FoldOptions {
                        lowercase: !exact_case,
                        confusables: false,
                    },
                );
                let key = (key.as_str().to_string(), exact_case);
                if key.0.is_empty() {
                    return Err(err(format!("{id}: empty phrase")));
                }
                if let Some(other) = seen.insert(key, id.clone()) {
                    return Err(err(format!("phrase {p:?} of {id} is already in {other}")));
                }
                let spec = PhraseSpec {
                    text: p,
                    case,
                    ja_context: false,
                };
                if is_tag {
                    tag_specs.push(spec);
                    tag_entry.push(ei);
                } else {
                    lure_specs.push(spec);
                    lure_entry.push(ei);
                }
            }
            entries.push(Entry {
                id,
                category,
                lang,
                strength,
            });
        }
        Ok(LureDb {
            entries,
            // Folded like brand names (look-alike letters of other scripts read as Latin), so one
            // fold of a body serves both matchers; `vеrify` with a Cyrillic е is still the lure.
            lures: PhraseSet::new(&lure_specs, true).map_err(err)?,
            lure_entry,
            tags: PhraseSet::new(&tag_specs, false).map_err(err)?,
            tag_entry,
        })
    }

    /// Lure phrases in free text, in text order, longest phrase first where they overlap
    /// (`アカウントが停止されました` rather than `停止`). Subject tags are not included.
    pub fn scan(&self, text: &str) -> Vec<LureHit> {
        self.scan_folded(&Folded::new(text, MATCH_FOLD), text)
    }

    /// [`scan`](Self::scan) on `text` already folded with [`MATCH_FOLD`].
    pub fn scan_folded(&self, folded: &Folded, text: &str) -> Vec<LureHit> {
        self.hits(&self.lures, &self.lure_entry, folded, text)
    }

    /// Tags an upstream filter or the sender put on the subject: `[spam]`, `***SPAM***`,
    /// `[迷惑メール]`, `[SUSPECTED SPAM]`, `[meiwaku]`...
    pub fn subject_tags(&self, subject: &str) -> Vec<LureHit> {
        self.hits(
            &self.tags,
            &self.tag_entry,
            &Folded::new(subject, MATCH_FOLD),
            subject,
        )
    }

    /// Number of lure entries and phrases (for `--version`-style data summaries).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn hits(&self, set: &PhraseSet, map: &[usize], folded: &Folded, text: &str) -> Vec<LureHit> {
        set.find_folded(folded, text)
            .into_iter()
            .filter_map(|m| {
                let e = self.entries.get(*map.get(m.phrase)?)?;
                Some(LureHit {
                    id: e.id.clone(),
                    category: e.category,
                    lang: e.lang.clone(),
                    strength: e.strength,
                    phrase: text.get(m.start..m.end)?.to_string(),
                    start: m.start,
                    end: m.end,
                })
            })
            .collect()
    }
}
