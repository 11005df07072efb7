//! Brands that phishing impersonates, their real domains, and matchers for the three ways a mail
//! claims a brand: by name in text, by a brand domain written where it does not belong, and by a
//! registered look-alike domain.
//!
//! The data is `data/brands.toml`, compiled in. Two lists per brand decide ownership:
//! `domains` (the brand's own hosts, and every sub-domain of them) and `shared_domains` (customer
//! space under the brand: `*.lolipop.jp`, `*.sakura.ne.jp`, `*.web.app`, `docs.google.com`),
//! which is never evidence of the brand. The more specific entry wins, and an apex listed in both
//! (`lolipop.jp`) is the brand's while everything below it is the customers'.
//!
//! Decision on QUALITIA / Active! mail / どこでもメール: QUALITIA gets its own entry (it is a real
//! company whose webmail product's footer, "©1998 QUALITIA CO., LTD.", is pasted into fake
//! hosting notices), with Active! mail as its product alias. どこでもメール is KAGOYA's name for
//! its webmail, so it is a KAGOYA alias. A KAGOYA lure with the QUALITIA footer thus mentions
//! two brands, which is itself a tell (copy-paste footer of another brand).

use crate::text::{
    CaseMode, DataError, Folded, MATCH_FOLD, PhraseSet, PhraseSpec, skeleton, truncate_at_char,
};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

const FILE: &str = "data/brands.toml";
const EMBEDDED: &str = include_str!("../data/brands.toml");

/// Strings longer than this are only searched up to here by [`BrandDb::domains_in`].
const MAX_URL_BYTES: usize = 64 * 1024;

/// One impersonated brand.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Brand {
    /// Canonical display id (`KAGOYA`, `Amazon`, `Microsoft`); never changes on rename.
    pub id: String,
    pub name_en: String,
    #[serde(default)]
    pub name_ja: Option<String>,
    /// `ecommerce`, `bank`, `card`, `payment`, `delivery`, `telecom`, `government`, ...
    pub category: String,
    /// Names matched in text: ASCII case-insensitive, whole words for Latin script. An alias that
    /// is ASCII, has no lower-case letter and is at most 5 characters (`ANA`, `UPS`, `LINE`) is
    /// matched case-sensitively.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Names matched only exactly as written (`Apple`, `Chase`, `Visa`: ordinary words in lower case).
    #[serde(default)]
    pub exact_aliases: Vec<String>,
    /// Names matched exactly and only next to Japanese text (`au`, which is also French).
    #[serde(default)]
    pub ja_context_aliases: Vec<String>,
    /// Registrable domains and hosts the brand owns; sub-domains included.
    #[serde(default)]
    pub domains: Vec<String>,
    /// Customer space under the brand (hosting, user content): never evidence of the brand.
    #[serde(default)]
    pub shared_domains: Vec<String>,
    #[serde(default)]
    pub official_url: Option<String>,
    /// Where the brand asks for phishing reports (URL or `mailto:`).
    #[serde(default)]
    pub report_url: Option<String>,
    /// ISO 3166-1 alpha-2 of the brand's home market.
    #[serde(default)]
    pub country: Option<String>,
    /// The brand holds its name under many country TLDs (`amazon.de`), so the same name under
    /// another suffix is not counted as a look-alike.
    #[serde(default)]
    pub tld_variants: bool,
    /// A platform that sites run on and name in their own mail (self-hosted WordPress writes as
    /// "WordPress" <wordpress@the-site>, shops as "… Shopify Store"): from the site's own
    /// authenticated domain, the name in the sender is a description, not a claim.
    #[serde(default)]
    pub platform: bool,
}

/// A brand name found in text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrandMention {
    /// Index into [`BrandDb::brands`].
    pub brand: usize,
    /// The alias exactly as written in the text.
    pub alias: String,
    /// Byte range in the text.
    pub start: usize,
    pub end: usize,
    /// Written with zero-width characters or look-alike letters of another script (`Аmazon`).
    pub obfuscated: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BrandFile {
    /// Domain stems that are ordinary words or names (`apple`, `line`, `sakura`): a look-alike
    /// needs a lure word beside them (`apple-verify`), and typo distance is not used.
    generic_stems: Vec<String>,
    /// Words phishers glue to a brand name in look-alike domains (`-secure`, `-login`, `-jp`).
    lure_words: Vec<String>,
    brand: Vec<Brand>,
}

/// The stem of one brand registrable domain, for look-alike checks.
#[derive(Debug)]
struct Stem {
    brand: usize,
    /// `amazon` of `amazon.co.jp`.
    name: String,
    skel: String,
    /// `co.jp`
    suffix: String,
    /// `amazon.co.jp`
    registrable: String,
    generic: bool,
}

impl Stem {
    /// Long, distinctive names are matched at one typo (`amazom`, `netfiix`).
    fn typo_eligible(&self) -> bool {
        !self.generic && self.name.chars().count() >= 6
    }
}

/// The brand database with its compiled matchers.
#[derive(Debug)]
pub struct BrandDb {
    brands: Vec<Brand>,
    by_id: HashMap<String, usize>,
    mentions: PhraseSet,
    mention_brand: Vec<usize>,
    owned: HashMap<String, usize>,
    shared: HashMap<String, usize>,
    domain_ac: AhoCorasick,
    /// For each pattern of `domain_ac`: (brand, domain).
    domain_pat: Vec<(usize, String)>,
    stems: Vec<Stem>,
    /// Which stems a look-alike name can rank against, so a link domain is compared with a
    /// handful of candidates instead of every brand's every stem.
    stem_index: StemIndex,
    lure_words: Vec<String>,
    /// The file's `generic_stems`, lower-cased.
    generic_stems: Vec<String>,
}

/// Lookups from the parts of a candidate name to the stems it could imitate. Every way
/// [`BrandDb::lookalike_rank`] can rank a stem starts from one of these keys: the stem's name
/// (exact name, a hyphen token, a brand name glued to a word), its skeleton (letter swaps), the
/// stem and its one-letter deletions (one typo), or a hyphenated stem (checked always).
#[derive(Debug, Default)]
struct StemIndex {
    by_name: HashMap<String, Vec<usize>>,
    by_skel: HashMap<String, Vec<usize>>,
    /// The stem and each copy of it with one char deleted, for stems eligible for typo matching:
    /// two strings one edit apart (substitution, insertion, deletion, swap of neighbours) always
    /// share a key after at most one deletion on each side.
    by_deletion: HashMap<String, Vec<usize>>,
    hyphenated: Vec<usize>,
}

/// `s` with the char at each position deleted in turn.
fn deletions(s: &str) -> impl Iterator<Item = String> + '_ {
    s.char_indices().map(move |(i, c)| {
        let mut d = String::with_capacity(s.len());
        d.push_str(&s[..i]);
        d.push_str(&s[i + c.len_utf8()..]);
        d
    })
}

impl StemIndex {
    fn build(stems: &[Stem]) -> StemIndex {
        let mut ix = StemIndex::default();
        for (si, st) in stems.iter().enumerate() {
            ix.by_name.entry(st.name.clone()).or_default().push(si);
            ix.by_skel.entry(st.skel.clone()).or_default().push(si);
            if st.name.contains('-') {
                ix.hyphenated.push(si);
            }
            if st.typo_eligible() {
                ix.by_deletion.entry(st.name.clone()).or_default().push(si);
                for d in deletions(&st.name) {
                    ix.by_deletion.entry(d).or_default().push(si);
                }
            }
        }
        for v in ix
            .by_name
            .values_mut()
            .chain(ix.by_skel.values_mut())
            .chain(ix.by_deletion.values_mut())
        {
            v.dedup();
        }
        ix
    }

    /// Every stem `lookalike_rank` could rank for this name (a superset: each is still checked).
    fn candidates(
        &self,
        name: &str,
        name_skel: &str,
        tokens: &[&str],
        token_skels: &[String],
    ) -> Vec<usize> {
        let mut out: Vec<usize> = self.hyphenated.clone();
        let mut add = |m: &HashMap<String, Vec<usize>>, k: &str| {
            if let Some(v) = m.get(k) {
                out.extend_from_slice(v);
            }
        };
        add(&self.by_name, name);
        add(&self.by_skel, name_skel);
        add(&self.by_deletion, name);
        for d in deletions(name) {
            add(&self.by_deletion, &d);
        }
        for (t, sk) in tokens.iter().zip(token_skels) {
            add(&self.by_skel, sk);
            // The stem as a whole token, or as the head or tail of a token glued to a word.
            for (i, _) in t.char_indices() {
                add(&self.by_name, &t[..i]);
                add(&self.by_name, &t[i..]);
            }
            add(&self.by_name, t);
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl BrandDb {
    /// The database compiled into the binary, parsed once.
    pub fn embedded() -> &'static BrandDb {
        static DB: OnceLock<BrandDb> = OnceLock::new();
        // The embedded file is constant and `tests/brands.rs` loads it, so a broken file fails
        // the test suite; should one ever ship, the user gets an empty database, not a crash.
        DB.get_or_init(|| BrandDb::from_toml(EMBEDDED).unwrap_or_else(|_| BrandDb::empty()))
    }

    /// The embedded data file's text (for `--list-brands` style output and for tests).
    pub fn embedded_source() -> &'static str {
        EMBEDDED
    }

    fn empty() -> BrandDb {
        BrandDb::build(BrandFile {
            generic_stems: Vec::new(),
            lure_words: Vec::new(),
            brand: Vec::new(),
        })
        .unwrap_or_else(|_| unreachable!("an empty brand list always compiles"))
    }

    /// Parses and checks a brand file.
    pub fn from_toml(src: &str) -> Result<BrandDb, DataError> {
        let file: BrandFile =
            toml::from_str(src).map_err(|e| DataError::new(FILE, e.to_string()))?;
        BrandDb::build(file)
    }

    fn build(file: BrandFile) -> Result<BrandDb, DataError> {
        let err = |m: String| DataError::new(FILE, m);
        let mut by_id = HashMap::new();
        let mut owned: HashMap<String, usize> = HashMap::new();
        let mut shared: HashMap<String, usize> = HashMap::new();
        let mut specs = Vec::new();
        let mut mention_brand = Vec::new();
        let mut seen_alias: HashMap<(String, bool), usize> = HashMap::new();

        for (bi, b) in file.brand.iter().enumerate() {
            if b.id.trim().is_empty() || b.name_en.trim().is_empty() || b.category.trim().is_empty()
            {
                return Err(err(format!(
                    "brand #{bi}: id, name_en and category are required"
                )));
            }
            if by_id.insert(b.id.clone(), bi).is_some() {
                return Err(err(format!("duplicate brand id {}", b.id)));
            }
            if b.aliases.is_empty() && b.exact_aliases.is_empty() && b.ja_context_aliases.is_empty()
            {
                return Err(err(format!("{}: no aliases", b.id)));
            }
            let lists = [
                (&b.aliases, None),
                (&b.exact_aliases, Some(false)),
                (&b.ja_context_aliases, Some(true)),
            ];
            for (list, mode) in lists {
                for a in list {
                    let (case, ja_context) = match mode {
                        None if auto_exact(a) => (CaseMode::Exact, false),
                        None => (CaseMode::Insensitive, false),
                        Some(ja) => (CaseMode::Exact, ja),
                    };
                    let folded = crate::text::Folded::new(
                        a.trim(),
                        crate::text::FoldOptions {
                            lowercase: case == CaseMode::Insensitive,
                            confusables: true,
                        },
                    );
                    let key = (folded.as_str().to_string(), case == CaseMode::Exact);
                    if key.0.is_empty() {
                        return Err(err(format!("{}: empty alias", b.id)));
                    }
                    match seen_alias.get(&key) {
                        Some(&other) if other != bi => {
                            return Err(err(format!(
                                "alias {a:?} of {} is also an alias of {}",
                                b.id, file.brand[other].id
                            )));
                        }
                        Some(_) => continue,
                        None => {
                            seen_alias.insert(key, bi);
                        }
                    }
                    specs.push(PhraseSpec {
                        text: a.clone(),
                        case,
                        ja_context,
                    });
                    mention_brand.push(bi);
                }
            }
            for (list, map, what) in [
                (&b.domains, &mut owned, "domain"),
                (&b.shared_domains, &mut shared, "shared domain"),
            ] {
                for d in list {
                    if !is_plain_domain(d) {
                        return Err(err(format!(
                            "{}: {what} {d:?} is not lower-case ASCII",
                            b.id
                        )));
                    }
                    if let Some(other) = map.insert(d.clone(), bi)
                        && other != bi
                    {
                        return Err(err(format!(
                            "{what} {d} listed for both {} and {}",
                            file.brand[other].id, b.id
                        )));
                    }
                }
            }
        }
        // A domain owned by one brand must not be another brand's customer space.
        for (d, &ob) in &owned {
            if let Some(&sb) = shared.get(d)
                && sb != ob
            {
                return Err(err(format!(
                    "{d} is owned by one brand and shared under another"
                )));
            }
        }

        let mentions = PhraseSet::new(&specs, true).map_err(err)?;

        // Sorted so that pattern order (and thus tie-breaking) never depends on HashMap order.
        let mut domain_pat: Vec<(usize, String)> =
            owned.iter().map(|(d, &b)| (b, d.clone())).collect();
        domain_pat.sort_by(|a, b| a.1.cmp(&b.1));
        let domain_ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(domain_pat.iter().map(|(_, d)| d.as_str()))
            .map_err(|e| err(e.to_string()))?;

        let generic: Vec<String> = file
            .generic_stems
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .collect();
        let mut stems: Vec<Stem> = Vec::new();
        // Apex entries first, so `dcard.docomo.ne.jp` (d Card) does not claim docomo's stem.
        let entries = file
            .brand
            .iter()
            .enumerate()
            .flat_map(|(bi, b)| b.domains.iter().map(move |d| (bi, d)));
        let (apex, sub): (Vec<_>, Vec<_>) =
            entries.partition(|(_, d)| psl::domain_str(d) == Some(d.as_str()));
        for (bi, d) in apex.into_iter().chain(sub) {
            {
                let Some(reg) = psl::domain_str(d) else {
                    continue;
                };
                let Some((name, suffix)) = reg.split_once('.') else {
                    continue;
                };
                // One- and two-letter stems (t.co, wa.me, vr.de) say nothing about a look-alike.
                if name.len() < 3 || stems.iter().any(|s| s.registrable == reg) {
                    continue;
                }
                stems.push(Stem {
                    brand: bi,
                    name: name.to_string(),
                    skel: skeleton(name),
                    suffix: suffix.to_string(),
                    registrable: reg.to_string(),
                    generic: generic.iter().any(|g| g == name),
                });
            }
        }

        let stem_index = StemIndex::build(&stems);
        Ok(BrandDb {
            brands: file.brand,
            by_id,
            mentions,
            mention_brand,
            owned,
            shared,
            domain_ac,
            domain_pat,
            stems,
            stem_index,
            generic_stems: generic,
            lure_words: file
                .lure_words
                .iter()
                .map(|w| w.to_ascii_lowercase())
                .collect(),
        })
    }

    /// Whether the name of `domain` (`outlook` of `outlook.com`, or a bare stem) is one of the
    /// data's `generic_stems`: an ordinary word or common name, weak evidence on its own.
    pub fn is_generic_stem(&self, domain: &str) -> bool {
        let stem = domain.split('.').next().unwrap_or("").to_ascii_lowercase();
        self.generic_stems.contains(&stem)
    }

    pub fn brands(&self) -> &[Brand] {
        &self.brands
    }

    /// The brand at `idx`. Indices come from this database's own answers; an out-of-range index
    /// is a caller bug and panics like slice indexing.
    pub fn get(&self, idx: usize) -> &Brand {
        &self.brands[idx]
    }

    pub fn by_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Brand names/aliases mentioned in free text (display name, subject, body, link text, footer).
    /// Whole words for Latin script; `ONLINE` does not mention LINE, `banana` does not mention ANA.
    pub fn find_mentions(&self, text: &str) -> Vec<BrandMention> {
        self.find_mentions_folded(&Folded::new(text, MATCH_FOLD), text)
    }

    /// [`find_mentions`](Self::find_mentions) on `text` already folded with [`MATCH_FOLD`].
    pub fn find_mentions_folded(&self, folded: &Folded, text: &str) -> Vec<BrandMention> {
        self.mentions
            .find_folded(folded, text)
            .into_iter()
            .filter_map(|m| {
                Some(BrandMention {
                    brand: *self.mention_brand.get(m.phrase)?,
                    alias: text.get(m.start..m.end)?.to_string(),
                    start: m.start,
                    end: m.end,
                    obfuscated: m.obfuscated,
                })
            })
            .collect()
    }

    /// The brand that legitimately owns this host or registrable domain (exact or a sub-domain of
    /// an owned domain), never for shared/customer-space domains.
    pub fn owner_of(&self, host_or_domain: &str) -> Option<usize> {
        let h = clean_host(host_or_domain)?;
        let mut s = h.as_str();
        loop {
            let owned = self.owned.get(s).copied();
            let shared = self.shared.contains_key(s);
            match (owned, shared) {
                (Some(b), false) => return Some(b),
                (Some(b), true) if s.len() == h.len() => return Some(b),
                (_, true) => return None,
                (None, false) => {}
            }
            s = s.split_once('.')?.1;
        }
    }

    /// True when the host sits in a brand's customer space (`foo.lolipop.jp`, `x.web.app`).
    pub fn is_shared(&self, host_or_domain: &str) -> bool {
        let Some(h) = clean_host(host_or_domain) else {
            return false;
        };
        let mut s = h.as_str();
        loop {
            let owned = self.owned.contains_key(s);
            if self.shared.contains_key(s) && !(owned && s.len() == h.len()) {
                return true;
            }
            if owned {
                return false;
            }
            match s.split_once('.') {
                Some((_, rest)) => s = rest,
                None => return false,
            }
        }
    }

    /// Brand-owned domains written inside a string that is NOT that domain's host: the path, the
    /// query, the user-info, or a sub-domain label of an unrelated host
    /// (`solarpivotpower.com/wp-includes/js/kagoya.net/`, `www.smbc-card.com.dcaynf.com`, a real
    /// host flattened with hyphens like `www-americanexpress-com.x.shop`). A brand domain on a
    /// host that brand owns is not reported, nor one right after `@` (a recipient address in a
    /// query string is personalisation, not a brand claim). Returns (brand idx, the domain text
    /// as written, byte start, end), in order.
    pub fn domains_in(&self, s: &str) -> Vec<(usize, String, usize, usize)> {
        let s = truncate_at_char(s, MAX_URL_BYTES);
        let bytes = s.as_bytes();
        let url = split_url(s);
        let host = s.get(url.host.0..url.host.1).unwrap_or("");
        let host_owner = self.owner_of(host);
        let host_brand_tld_variant = |b: usize, start: usize, end: usize| {
            // `amazon.com.br`: the brand domain plus a country label is the brand's own site.
            self.brands.get(b).is_some_and(|br| br.tld_variants)
                && start == url.host.0
                && s.get(end..url.host.1).is_some_and(|rest| {
                    rest.len() == 3
                        && rest.starts_with('.')
                        && rest[1..].bytes().all(|c| c.is_ascii_alphabetic())
                })
        };

        let mut cands: Vec<(usize, usize, usize)> = Vec::new();
        for m in self.domain_ac.find_overlapping_iter(s).take(4096) {
            let (st, en, pi) = (m.start(), m.end(), m.pattern().as_usize());
            let before = st.checked_sub(1).and_then(|i| bytes.get(i)).copied();
            let after = bytes.get(en).copied();
            if before
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'@' || c == b'_')
            {
                continue;
            }
            if st >= 3
                && s.get(st - 3..st)
                    .is_some_and(|p| p.eq_ignore_ascii_case("%40"))
            {
                continue;
            }
            if after.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
                continue;
            }
            cands.push((st, en, pi));
        }
        // Hosts flattened with hyphens: search a same-length copy with '-' read as '.'.
        if url.host.1 > url.host.0 && host.contains('-') {
            let flat: String = host
                .chars()
                .map(|c| if c == '-' { '.' } else { c })
                .collect();
            for m in self.domain_ac.find_overlapping_iter(&flat).take(1024) {
                let (st, en) = (m.start() + url.host.0, m.end() + url.host.0);
                let written = s.get(st..en).unwrap_or("");
                if !written.contains('-') {
                    continue;
                }
                let before = st.checked_sub(1).and_then(|i| bytes.get(i)).copied();
                let after = bytes.get(en).copied();
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
                    continue;
                }
                if after.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') {
                    continue;
                }
                cands.push((st, en, m.pattern().as_usize()));
            }
        }
        cands.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));

        let mut out = Vec::new();
        let mut last_end = 0;
        for (st, en, pi) in cands {
            if st < last_end {
                continue;
            }
            let Some(&(brand, _)) = self.domain_pat.get(pi) else {
                continue;
            };
            let in_host = st >= url.host.0 && en <= url.host.1 && url.host.1 > url.host.0;
            if in_host {
                let at_end = en == url.host.1;
                let label_start = st == url.host.0 || bytes.get(st - 1) == Some(&b'.');
                if (at_end && label_start) || host_brand_tld_variant(brand, st, en) {
                    last_end = en;
                    continue;
                }
            }
            if host_owner == Some(brand) {
                last_end = en;
                continue;
            }
            last_end = en;
            if let Some(text) = s.get(st..en) {
                out.push((brand, text.to_string(), st, en));
            }
        }
        out
    }

    /// Look-alike of a brand domain (confusable skeleton, a digit/letter swap, a brand name plus
    /// words like "-secure", "-login", the brand name under another suffix for brands that do not
    /// hold country variants, typo at edit distance 1 for names >= 6 chars): returns the brand
    /// and the real domain. Owned and customer-space domains are never look-alikes.
    pub fn lookalike_of(&self, registrable: &str) -> Option<(usize, String)> {
        self.lookalike_among(registrable, false)
    }

    /// [`lookalike_of`](Self::lookalike_of), comparing with every stem when `scan_all` (the
    /// reference the index is tested against) or with the index's candidates.
    fn lookalike_among(&self, registrable: &str, scan_all: bool) -> Option<(usize, String)> {
        let raw = clean_host(registrable)?;
        let ascii = if raw.is_ascii() {
            raw.clone()
        } else {
            idna::domain_to_ascii(&raw).ok()?
        };
        let reg = psl::domain_str(&ascii).unwrap_or(&ascii).to_string();
        if self.owner_of(&reg).is_some() || self.is_shared(&reg) || self.owner_of(&ascii).is_some()
        {
            return None;
        }
        // Compare the Unicode form so that `xn--mazon-3ve.com` (Cyrillic а) reads as `аmazon`.
        // Only an `xn--` label has another Unicode form; decoding costs more than the rest of
        // the check, and this runs for every link domain.
        let uni = if reg.contains("xn--") {
            idna::domain_to_unicode(&reg).0
        } else {
            reg.clone()
        };
        let (name, suffix) = uni.split_once('.')?;
        if name.is_empty() {
            return None;
        }
        let name_skel = skeleton(name);
        let tokens: Vec<&str> = name.split('-').filter(|t| !t.is_empty()).collect();
        // Skeletons once per token, not once per token and brand stem: this runs for every link.
        let token_skels: Vec<String> = tokens.iter().map(|t| skeleton(t)).collect();

        // (rank, suffix differs, stem index): lower is better.
        let mut best: Option<(u8, bool, usize)> = None;
        let cands = if scan_all {
            (0..self.stems.len()).collect()
        } else {
            self.stem_index
                .candidates(name, &name_skel, &tokens, &token_skels)
        };
        for si in cands {
            let Some(st) = self.stems.get(si) else {
                continue;
            };
            let Some(rank) =
                self.lookalike_rank(st, name, suffix, &name_skel, &tokens, &token_skels)
            else {
                continue;
            };
            let key = (rank, st.suffix != suffix, si);
            if best.is_none_or(|b| key < b) {
                best = Some(key);
            }
        }
        let (_, _, si) = best?;
        let st = self.stems.get(si)?;
        Some((st.brand, st.registrable.clone()))
    }

    fn lookalike_rank(
        &self,
        st: &Stem,
        name: &str,
        suffix: &str,
        name_skel: &str,
        tokens: &[&str],
        token_skels: &[String],
    ) -> Option<u8> {
        let stem = st.name.as_str();
        let long = stem.chars().count() >= 4;
        // 0: same shape, different letters (amaz0n, paypa1, аmazon, rnercari).
        if name != stem && st.skel.len() >= 3 && *name_skel == st.skel {
            return Some(0);
        }
        // 1: the exact name under another suffix (mercari.co.jp for mercari.jp).
        if name == stem {
            let brand_tld = self.brands.get(st.brand).is_some_and(|b| b.tld_variants);
            return (suffix != st.suffix && !brand_tld && !st.generic && stem.len() >= 5)
                .then_some(1);
        }
        // 2: brand name as a hyphen-separated part, or glued to a lure word.
        let glued = |t: &str| -> bool {
            long && [t.strip_prefix(stem), t.strip_suffix(stem)]
                .into_iter()
                .flatten()
                .any(|rest| {
                    let rest = rest.trim_matches(|c: char| c.is_ascii_digit());
                    !rest.is_empty() && self.lure_words.iter().any(|w| w == rest)
                })
        };
        let is_lure = |t: &str| {
            let t = t.trim_matches(|c: char| c.is_ascii_digit());
            self.lure_words.iter().any(|w| w == t)
        };
        let hit = if stem.contains('-') {
            name.split_once(stem).is_some_and(|(pre, post)| {
                (pre.is_empty() || pre.ends_with('-')) && (post.is_empty() || post.starts_with('-'))
            })
        } else {
            tokens
                .iter()
                .zip(token_skels)
                .any(|(t, sk)| *t == stem || (long && *sk == st.skel))
        };
        let glued_hit = tokens.iter().any(|t| glued(t));
        if glued_hit {
            return Some(2);
        }
        if hit {
            let strong = long && !st.generic;
            if strong || tokens.iter().any(|t| *t != stem && is_lure(t)) {
                return Some(2);
            }
        }
        // 3: one typo in a long, distinctive name (amazom, paypai, netfiix).
        if st.typo_eligible() && within_one_edit(name, stem) {
            return Some(3);
        }
        None
    }
}

/// Short all-caps names are matched case-sensitively so `UPS`, `LINE`, `ANA` do not fire on
/// ordinary words.
fn auto_exact(alias: &str) -> bool {
    let a = alias.trim();
    a.is_ascii() && !a.bytes().any(|c| c.is_ascii_lowercase()) && a.chars().count() <= 5
}

fn is_plain_domain(d: &str) -> bool {
    !d.is_empty()
        && d.len() <= 253
        && d.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.')
        && !d.starts_with('.')
        && !d.ends_with('.')
        && d.contains('.')
}

fn clean_host(s: &str) -> Option<String> {
    let h = s.trim().trim_end_matches('.').to_lowercase();
    (!h.is_empty() && h.len() <= 253 && !h.contains(char::is_whitespace)).then_some(h)
}

/// Byte ranges of a URL's parts, found leniently: this runs on masked and broken URLs too
/// (`h**ps://`, missing scheme, bare hosts).
struct UrlParts {
    host: (usize, usize),
}

fn split_url(s: &str) -> UrlParts {
    let auth_start = match s.find("://") {
        Some(i)
            if s.get(..i)
                .is_some_and(|p| !p.is_empty() && !p.contains(['/', '?', '#', ' '])) =>
        {
            i + 3
        }
        _ if s.starts_with("//") => 2,
        _ => 0,
    };
    let rest = s.get(auth_start..).unwrap_or("");
    let auth_end = auth_start + rest.find(['/', '?', '#', '\\']).unwrap_or(rest.len());
    let authority = s.get(auth_start..auth_end).unwrap_or("");
    let host_start = authority
        .rfind('@')
        .map_or(auth_start, |j| auth_start + j + 1);
    let mut host_end = auth_end;
    if let Some(colon) = s.get(host_start..auth_end).and_then(|h| h.rfind(':')) {
        let port = s.get(host_start + colon + 1..auth_end).unwrap_or("");
        if port.bytes().all(|c| c.is_ascii_digit())
            && !s
                .get(host_start..auth_end)
                .is_some_and(|h| h.starts_with('['))
        {
            host_end = host_start + colon;
        }
    }
    UrlParts {
        host: (host_start, host_end.max(host_start)),
    }
}

/// Damerau-Levenshtein distance exactly 1 (one insertion, deletion, substitution or swap of two
/// neighbours), in one linear pass.
fn within_one_edit(a: &str, b: &str) -> bool {
    // Cheap rejection first: this runs against every brand stem for every link domain. A UTF-8
    // char is 1-4 bytes, so lengths more than 4 bytes apart cannot be one edit apart.
    if a.len().abs_diff(b.len()) > 4
        || a.len() > 2
            && b.len() > 2
            && a.as_bytes().first() != b.as_bytes().first()
            && a.as_bytes().get(1) != b.as_bytes().get(1)
            && a.as_bytes().last() != b.as_bytes().last()
    {
        return false;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (Some(ra), Some(rb)) = (a.get(prefix..), b.get(prefix..)) else {
        return false;
    };
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            ra.get(1..) == rb.get(1..)
                || (ra.len() >= 2
                    && ra.first() == rb.get(1)
                    && ra.get(1) == rb.first()
                    && ra.get(2..) == rb.get(2..))
        }
        std::cmp::Ordering::Greater => ra.get(1..) == Some(rb),
        std::cmp::Ordering::Less => rb.get(1..) == Some(ra),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stem index must give exactly the answers of comparing with every stem, on the kinds
    /// of names look-alikes are made of.
    #[test]
    fn stem_index_agrees_with_full_scan() {
        let db = BrandDb::embedded();
        let mut names: Vec<String> = Vec::new();
        for (i, st) in db.stems.iter().enumerate() {
            let n = st.name.as_str();
            let chars: Vec<char> = n.chars().collect();
            let k = i % chars.len().max(1);
            let sub: String = chars
                .iter()
                .enumerate()
                .map(|(j, &c)| {
                    if j == k {
                        if c == 'x' { 'y' } else { 'x' }
                    } else {
                        c
                    }
                })
                .collect();
            let del: String = chars
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != k)
                .map(|(_, c)| c)
                .collect();
            let mut ins = chars.clone();
            ins.insert(k, 'q');
            let mut swap = chars.clone();
            if k + 1 < swap.len() {
                swap.swap(k, k + 1);
            }
            let w = db
                .lure_words
                .get(i % db.lure_words.len().max(1))
                .cloned()
                .unwrap_or_default();
            for v in [
                n.to_string(),
                sub,
                del,
                ins.into_iter().collect(),
                swap.into_iter().collect(),
                n.replace('o', "0").replace('l', "1").replace('m', "rn"),
                n.replacen('a', "\u{430}", 1),
                format!("{n}{w}"),
                format!("{w}{n}2"),
                format!("{n}-{w}"),
                format!("my-{n}-{w}"),
                format!("x{n}"),
            ] {
                for suffix in ["com", st.suffix.as_str()] {
                    names.push(format!("{v}.{suffix}"));
                }
            }
        }
        names.extend(
            [
                "example.com",
                "a.b",
                "xn--mazon-3ve.com",
                "amazon-co-jp.top",
            ]
            .map(String::from),
        );
        let mut hits = 0;
        for d in &names {
            let fast = db.lookalike_among(d, false);
            assert_eq!(fast, db.lookalike_among(d, true), "{d}");
            hits += usize::from(fast.is_some());
        }
        // The variants above are look-alikes by construction: most must be found.
        assert!(hits > names.len() / 3, "{hits} of {}", names.len());
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("amazom", "amazon"));
        assert!(within_one_edit("amzaon", "amazon"));
        assert!(within_one_edit("amazonn", "amazon"));
        assert!(within_one_edit("amzon", "amazon"));
        assert!(!within_one_edit("amazon", "amazon"));
        assert!(!within_one_edit("amzaom", "amazon"));
    }

    #[test]
    fn url_host_span() {
        let s = "https://user@www.kagoya.net:8443/x";
        let p = split_url(s);
        assert_eq!(&s[p.host.0..p.host.1], "www.kagoya.net");
        let s = "www.smbc-card.com.dcaynf.com";
        let p = split_url(s);
        assert_eq!(&s[p.host.0..p.host.1], s);
    }
}
