//! Text folding and phrase matching shared by the brand and lure matchers.
//!
//! Phishing text hides brand names and lure phrases behind width variants (`ＪＣＢ`, `ｱﾏｿﾞﾝ`),
//! zero-width characters (`Pay\u{200b}Pal`), Cyrillic or Greek look-alikes (`Аmazon`, `ΑΝΑ`)
//! and odd spacing. Matching happens on a folded copy of the text, and every folded byte remembers
//! the source bytes it came from, so a hit can always be quoted exactly as the mail wrote it.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Texts longer than this are folded only up to here (at a char boundary). Bodies of real mail are
/// far shorter; the cap bounds the offset tables (8 bytes per folded byte) on hostile input.
pub const MAX_FOLD_BYTES: usize = 1 << 20;

/// At most this many hits are returned per call, whatever the input.
pub const MAX_HITS: usize = 512;

/// Overlapping candidates examined per call before matching stops (bounds work on hostile input).
const MAX_CANDIDATES: usize = 1 << 16;

/// An embedded data file that does not parse or fails its consistency checks. The crate's tests
/// load every embedded file, so this reaches a test run, never a user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct DataError {
    pub file: &'static str,
    pub message: String,
}

impl DataError {
    pub fn new(file: &'static str, message: impl Into<String>) -> DataError {
        DataError {
            file,
            message: message.into(),
        }
    }
}

/// What to fold besides width, whitespace and invisible characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FoldOptions {
    /// Lower-case ASCII letters (after width folding).
    pub lowercase: bool,
    /// Map Cyrillic, Greek and Armenian letters that look like Latin ones to Latin.
    pub confusables: bool,
}

/// The folding every shipped phrase set uses: width, whitespace, invisible characters and
/// look-alike letters of other scripts; ASCII case is left to the matcher.
pub const MATCH_FOLD: FoldOptions = FoldOptions {
    lowercase: false,
    confusables: true,
};

/// A folded copy of a text with a map from every folded byte back to the source.
///
/// Most of a mail's text folds to itself byte for byte (ASCII, kana, kanji), so the map is kept
/// sparse: only the places where folding changed the length (a whitespace run collapsed, a
/// full-width letter narrowed, an invisible character dropped, a sound mark joined) are
/// recorded; between them a folded byte sits at a fixed distance from its source byte.
#[derive(Debug, Clone)]
pub struct Folded {
    text: String,
    opts: FoldOptions,
    /// Length-changing edits in folded order. For folded bytes inside `f..f + f_len` the source
    /// is the whole `s..s + s_len`; after an edit, folded and source advance together.
    edits: Vec<Edit>,
}

#[derive(Debug, Clone, Copy)]
struct Edit {
    f: u32,
    f_len: u32,
    s: u32,
    s_len: u32,
}

/// ASCII whitespace as `char::is_whitespace` sees it (TAB, LF, VT, FF, CR, space).
fn is_ascii_ws(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

impl Folded {
    /// Folds `s` (up to [`MAX_FOLD_BYTES`]) the way [`normalize_for_match`] describes.
    pub fn new(s: &str, opts: FoldOptions) -> Folded {
        let s = truncate_at_char(s, MAX_FOLD_BYTES);
        let bytes = s.as_bytes();
        let mut out = Folded {
            text: String::with_capacity(s.len()),
            opts,
            edits: Vec::new(),
        };
        let mut i = 0;
        while i < bytes.len() {
            // Fast path: a stretch of ASCII that is neither whitespace nor the start of a run
            // folds byte for byte (lower-cased when asked), with no edit to record.
            let mut k = i;
            while let Some(&b) = bytes.get(k) {
                let single_space = b == b' '
                    && bytes
                        .get(k + 1)
                        .is_none_or(|&n| n < 0x80 && !is_ascii_ws(n));
                if b >= 0x80 || (is_ascii_ws(b) && !single_space) {
                    break;
                }
                k += 1;
            }
            if k > i {
                let run = s.get(i..k).unwrap_or("");
                if opts.lowercase {
                    out.text
                        .extend(run.bytes().map(|b| char::from(b.to_ascii_lowercase())));
                } else {
                    out.text.push_str(run);
                }
                i = k;
                continue;
            }
            let Some(c) = s.get(i..).and_then(|r| r.chars().next()) else {
                break;
            };
            let clen = c.len_utf8();
            if c.is_whitespace() {
                // The run is every whitespace char from here, with invisible chars between them;
                // it ends with its last whitespace char.
                let mut j = i + clen;
                let mut run_end = j;
                while let Some(n) = s.get(j..).and_then(|r| r.chars().next()) {
                    if n.is_whitespace() {
                        j += n.len_utf8();
                        run_end = j;
                    } else if is_ignorable(n) {
                        j += n.len_utf8();
                    } else {
                        break;
                    }
                }
                if run_end - i == 1 {
                    out.text.push(' ');
                } else {
                    out.edit(' ', i, run_end);
                }
                i = run_end;
                continue;
            }
            if is_ignorable(c) {
                out.edits.push(Edit {
                    f: out.text.len() as u32,
                    f_len: 0,
                    s: i as u32,
                    s_len: clen as u32,
                });
                i += clen;
                continue;
            }
            let mut folded = fold_char(c, opts);
            let mut end = i + clen;
            // Half-width (U+FF9E/FF9F) and combining (U+3099/309A) sound marks join the kana before.
            if let Some(next) = s.get(end..).and_then(|r| r.chars().next())
                && let Some(voiced) = voice_kana(folded, next)
            {
                folded = voiced;
                end += next.len_utf8();
            }
            if end - i == folded.len_utf8() {
                out.text.push(folded);
            } else {
                out.edit(folded, i, end);
            }
            i = end;
        }
        out
    }

    fn edit(&mut self, c: char, start: usize, end: usize) {
        self.edits.push(Edit {
            f: self.text.len() as u32,
            f_len: c.len_utf8() as u32,
            s: start as u32,
            s_len: (end - start) as u32,
        });
        self.text.push(c);
    }

    /// The source (start, end) of the char holding folded byte `i`, for a byte that starts a
    /// char (`start`) or ends one (`end`).
    fn source_of(&self, i: usize) -> (usize, usize) {
        let at = self.edits.partition_point(|e| e.f as usize <= i);
        let Some(e) = at.checked_sub(1).and_then(|a| self.edits.get(a)) else {
            return (i, i + 1);
        };
        let (f, f_len, s, s_len) = (
            e.f as usize,
            e.f_len as usize,
            e.s as usize,
            e.s_len as usize,
        );
        if i < f + f_len {
            (s, s + s_len)
        } else {
            let src = s + s_len + (i - f - f_len);
            (src, src + 1)
        }
    }

    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The source byte range behind the folded range `start..end` (which must be on char
    /// boundaries of the folded text; anything else yields `None`).
    pub fn source_range(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        if start >= end
            || end > self.text.len()
            || !self.text.is_char_boundary(start)
            || !self.text.is_char_boundary(end)
        {
            return None;
        }
        Some((self.source_of(start).0, self.source_of(end - 1).1))
    }
}

/// Folds text for matching: full-width ASCII → ASCII, half-width katakana → full-width (sound
/// marks joined), Latin-1 accents stripped (`Itaú` → `Itau`), zero-width and bidi-control
/// characters removed, whitespace runs → one space, ASCII lower-cased. Use [`Folded`] when match
/// offsets must be mapped back to the source.
pub fn normalize_for_match(s: &str) -> String {
    Folded::new(
        s,
        FoldOptions {
            lowercase: true,
            confusables: false,
        },
    )
    .text
}

/// The longest prefix of `s` of at most `max` bytes that ends on a char boundary.
pub(crate) fn truncate_at_char(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut cut = max;
    while cut > 0 && !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.get(..cut).unwrap_or("")
}

/// Characters that render as nothing and are used to split brand names and phrases apart:
/// format characters, variation selectors (also the supplement's 240, `Mi\u{E0139}crosoft`)
/// and tag characters.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{E0000}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Combining marks of other scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko points; combining
/// marks for symbols) sprinkled over Latin words so that filters miss them:
/// `Co\u{73F}nfi\u{73F}rmation`. The reader sees the word; matching skips the marks. Latin
/// combining accents (U+0300..U+036F) are not here: decomposed accents are ordinary text.
pub fn is_foreign_mark(c: char) -> bool {
    matches!(c as u32,
        0x0591..=0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670 | 0x06D6..=0x06ED
        | 0x0711 | 0x0730..=0x074A | 0x07A6..=0x07B0 | 0x07EB..=0x07F3 | 0x20D0..=0x20FF)
}

/// What matching skips: invisible characters and foreign marks.
fn is_ignorable(c: char) -> bool {
    is_invisible(c) || is_foreign_mark(c)
}

fn fold_char(c: char, opts: FoldOptions) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{FF61}'..='\u{FF9F}' => halfwidth_kana(c),
        '\u{00C0}'..='\u{00FF}' => strip_latin1_accent(c),
        _ if opts.confusables => confusable_to_latin(c).unwrap_or(c),
        _ => c,
    };
    if opts.lowercase {
        c.to_ascii_lowercase()
    } else {
        c
    }
}

/// Half-width katakana block (U+FF61..U+FF9F) to the full-width forms.
fn halfwidth_kana(c: char) -> char {
    const TABLE: &[char; 63] = &[
        '。', '「', '」', '、', '・', 'ヲ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ャ', 'ュ', 'ョ', 'ッ',
        'ー', 'ア', 'イ', 'ウ', 'エ', 'オ', 'カ', 'キ', 'ク', 'ケ', 'コ', 'サ', 'シ', 'ス', 'セ',
        'ソ', 'タ', 'チ', 'ツ', 'テ', 'ト', 'ナ', 'ニ', 'ヌ', 'ネ', 'ノ', 'ハ', 'ヒ', 'フ', 'ヘ',
        'ホ', 'マ', 'ミ', 'ム', 'メ', 'モ', 'ヤ', 'ユ', 'ヨ', 'ラ', 'リ', 'ル', 'レ', 'ロ', 'ワ',
        'ン', '゛', '゜',
    ];
    TABLE
        .get((c as u32).wrapping_sub(0xFF61) as usize)
        .copied()
        .unwrap_or(c)
}

/// Joins a following sound mark to a full-width katakana (カ + ﾞ → ガ, ハ + ﾟ → パ).
fn voice_kana(base: char, mark: char) -> Option<char> {
    let b = base as u32;
    let ka_to_to = matches!(b, 0x30AB..=0x30C8) && (b % 2 == 1) == (b < 0x30C3);
    let ha_row = matches!(b, 0x30CF..=0x30DD) && (b - 0x30CF).is_multiple_of(3);
    match mark {
        '\u{FF9E}' | '\u{3099}' => {
            if b == 0x30A6 {
                Some('ヴ')
            } else if ka_to_to || ha_row {
                char::from_u32(b + 1)
            } else {
                None
            }
        }
        '\u{FF9F}' | '\u{309A}' if ha_row => char::from_u32(b + 2),
        _ => None,
    }
}

fn strip_latin1_accent(c: char) -> char {
    match c {
        'À'..='Å' => 'A',
        'Ç' => 'C',
        'È'..='Ë' => 'E',
        'Ì'..='Ï' => 'I',
        'Ñ' => 'N',
        'Ò'..='Ö' | 'Ø' => 'O',
        'Ù'..='Ü' => 'U',
        'Ý' => 'Y',
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ñ' => 'n',
        'ò'..='ö' | 'ø' => 'o',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        _ => c,
    }
}

/// Non-Latin letters that phishers put in place of Latin ones (`Аmazon` with Cyrillic А, `ΑΝΑ`
/// in Greek, `lօlipop` with Armenian օ). Deliberately small: only shapes that are the same glyph
/// in common fonts.
pub fn confusable_to_latin(c: char) -> Option<char> {
    Some(match c {
        // Cyrillic
        'а' => 'a',
        'в' => 'b',
        'е' | 'ё' => 'e',
        'һ' => 'h',
        'і' | 'ї' => 'i',
        'ј' => 'j',
        'к' => 'k',
        'ӏ' => 'l',
        'о' => 'o',
        'р' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'с' => 'c',
        'у' => 'y',
        'ԝ' => 'w',
        'х' => 'x',
        'ԁ' => 'd',
        'А' => 'A',
        'В' => 'B',
        'Е' => 'E',
        'К' => 'K',
        'М' => 'M',
        'Н' => 'H',
        'О' => 'O',
        'Р' => 'P',
        'С' => 'C',
        'Т' => 'T',
        'Х' => 'X',
        'У' => 'Y',
        'І' => 'I',
        'Ј' => 'J',
        'Ѕ' => 'S',
        // Greek
        'α' => 'a',
        'ι' => 'i',
        'κ' => 'k',
        'ν' => 'v',
        'ο' => 'o',
        'ρ' => 'p',
        'υ' => 'u',
        'Α' => 'A',
        'Β' => 'B',
        'Ε' => 'E',
        'Ζ' => 'Z',
        'Η' => 'H',
        'Ι' => 'I',
        'Κ' => 'K',
        'Μ' => 'M',
        'Ν' => 'N',
        'Ο' => 'O',
        'Ρ' => 'P',
        'Τ' => 'T',
        'Υ' => 'Y',
        'Χ' => 'X',
        // Armenian and Latin extensions
        'օ' => 'o',
        'ս' => 'u',
        'ո' => 'n',
        'հ' => 'h',
        'ı' => 'i',
        'ɡ' => 'g',
        'ɑ' => 'a',
        _ => return None,
    })
}

/// A letter or digit of a script that separates words with spaces. CJK, kana and other
/// characters from U+2E80 up are not: Japanese writes `ANAマイレージ` with no space, and a brand
/// name glued to kana is still a whole word.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && (c as u32) < 0x2E80
}

/// Characters of Japanese text (kana, CJK, full-width punctuation such as 【】「」).
pub fn is_japanese_context(c: char) -> bool {
    (c as u32) >= 0x2E80 && !c.is_whitespace()
}

/// A look-alike skeleton for a domain label: confusables and digit/letter swaps folded to one
/// shape (`amaz0n` → `amazon`, `paypa1` → `paypal`, `rnercari` → `mercari`), hyphens dropped.
/// Only ever compare two skeletons with each other.
pub fn skeleton(label: &str) -> String {
    let mut s = String::with_capacity(label.len());
    for c in label.chars() {
        let c = confusable_to_latin(c).unwrap_or(c);
        let c = strip_latin1_accent(c).to_ascii_lowercase();
        let c = match c {
            '0' => 'o',
            '1' | 'i' | '|' | '!' => 'l',
            '3' => 'e',
            '4' | '@' => 'a',
            '5' | '$' => 's',
            '7' => 't',
            '8' => 'b',
            '9' => 'g',
            '-' | '_' | '.' => continue,
            c => c,
        };
        s.push(c);
    }
    // Two-letter shapes that read as one letter at a glance.
    s.replace("rn", "m").replace("vv", "w").replace("cl", "d")
}

/// How a phrase must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseMode {
    /// ASCII case does not matter.
    Insensitive,
    /// Exactly as written (after width folding): short all-caps names like `ANA`, `LINE`, `UPS`.
    Exact,
}

/// One phrase to look for.
#[derive(Debug, Clone)]
pub struct PhraseSpec {
    pub text: String,
    pub case: CaseMode,
    /// Only counts next to Japanese text (`【au】`, `auから`): for Latin names too short or too
    /// common to trust in Latin-script text (French `au`).
    pub ja_context: bool,
}

/// A phrase found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseMatch {
    /// Index of the phrase in the list given to [`PhraseSet::new`].
    pub phrase: usize,
    /// Source byte range.
    pub start: usize,
    pub end: usize,
    /// True when the source span holds characters that folding removed or mapped from another
    /// script (zero-width characters, Cyrillic or Greek look-alikes).
    pub obfuscated: bool,
}

struct Compiled {
    folded: String,
    case: CaseMode,
    ja_context: bool,
    check_left: bool,
    check_right: bool,
}

/// A set of phrases compiled into one automaton. Matching is linear in the text: one pass of the
/// automaton plus a sort of the (bounded) candidate list.
pub struct PhraseSet {
    ac: AhoCorasick,
    phrases: Vec<Compiled>,
    opts: FoldOptions,
}

impl std::fmt::Debug for PhraseSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhraseSet")
            .field("phrases", &self.phrases.len())
            .finish()
    }
}

impl PhraseSet {
    /// Compiles the phrases. Phrases that fold to nothing are kept (so indices stay aligned) but
    /// never match.
    pub fn new(specs: &[PhraseSpec], confusables: bool) -> Result<PhraseSet, String> {
        let opts = FoldOptions {
            lowercase: false,
            confusables,
        };
        let phrases: Vec<Compiled> = specs
            .iter()
            .map(|p| {
                let folded = Folded::new(p.text.trim(), opts).text;
                let check_left = folded.chars().next().is_some_and(is_word_char);
                let check_right = folded.chars().next_back().is_some_and(is_word_char);
                Compiled {
                    folded,
                    case: p.case,
                    ja_context: p.ja_context,
                    check_left,
                    check_right,
                }
            })
            .collect();
        // An empty pattern would match everywhere; give it one that cannot occur in folded text.
        let patterns: Vec<&str> = phrases
            .iter()
            .map(|p| {
                if p.folded.is_empty() {
                    "\u{FEFF}"
                } else {
                    p.folded.as_str()
                }
            })
            .collect();
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| e.to_string())?;
        Ok(PhraseSet { ac, phrases, opts })
    }

    /// The phrase text as compiled (folded).
    pub fn folded_phrase(&self, idx: usize) -> Option<&str> {
        self.phrases.get(idx).map(|p| p.folded.as_str())
    }

    /// Finds phrases in `text`: whole words for Latin-script phrases, exact case where asked,
    /// longest match first, no two hits overlapping, in text order, at most [`MAX_HITS`].
    pub fn find(&self, text: &str) -> Vec<PhraseMatch> {
        self.find_folded(&Folded::new(text, self.opts), text)
    }

    /// [`find`](Self::find) on a text already folded (with [`MATCH_FOLD`], as every shipped set
    /// is), so one fold of a long body serves both the brand and the lure matcher. A text folded
    /// with other options is folded again.
    pub fn find_folded(&self, folded: &Folded, text: &str) -> Vec<PhraseMatch> {
        if folded.opts != self.opts {
            return self.find(text);
        }
        let hay = folded.as_str();
        let mut cands: Vec<(usize, usize, usize)> = Vec::new();
        for m in self.ac.find_overlapping_iter(hay).take(MAX_CANDIDATES) {
            let (s, e, idx) = (m.start(), m.end(), m.pattern().as_usize());
            if let Some(p) = self.phrases.get(idx)
                && self.accept(p, hay, s, e)
            {
                cands.push((s, e, idx));
            }
        }
        // Longest first at each start, then the lower phrase index, so results are deterministic.
        cands.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut out = Vec::new();
        let mut last_end = 0;
        for (s, e, idx) in cands {
            if s < last_end {
                continue;
            }
            last_end = e;
            if let Some((start, end)) = folded.source_range(s, e) {
                let obfuscated = text.get(start..end).is_some_and(|src| {
                    src.chars()
                        .any(|c| is_ignorable(c) || confusable_to_latin(c).is_some())
                });
                out.push(PhraseMatch {
                    phrase: idx,
                    start,
                    end,
                    obfuscated,
                });
                if out.len() >= MAX_HITS {
                    break;
                }
            }
        }
        out
    }

    fn accept(&self, p: &Compiled, hay: &str, s: usize, e: usize) -> bool {
        if p.folded.is_empty() {
            return false;
        }
        if p.case == CaseMode::Exact && hay.get(s..e) != Some(p.folded.as_str()) {
            return false;
        }
        let before = hay.get(..s).and_then(|h| h.chars().next_back());
        let after = hay.get(e..).and_then(|h| h.chars().next());
        if p.check_left && before.is_some_and(is_word_char) {
            return false;
        }
        if p.check_right && after.is_some_and(is_word_char) {
            return false;
        }
        if p.ja_context {
            let alone = hay.trim().len() == e.saturating_sub(s);
            let ja =
                before.is_some_and(is_japanese_context) || after.is_some_and(is_japanese_context);
            if !(alone || ja) {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_kana_case_space() {
        assert_eq!(normalize_for_match("ＪＣＢ　カード"), "jcb カード");
        assert_eq!(normalize_for_match("ｱﾏｿﾞﾝ ﾊﾟｽﾜｰﾄﾞ"), "アマゾン パスワード");
        assert_eq!(
            normalize_for_match("Pay\u{200b}Pal \t\n Itaú"),
            "paypal itau"
        );
        assert_eq!(normalize_for_match("カ\u{3099}"), "ガ");
    }

    /// The straightforward folding (one map entry per folded byte), kept as the reference the
    /// sparse map is checked against.
    fn reference_fold(s: &str, opts: FoldOptions) -> (String, Vec<usize>, Vec<usize>) {
        let (mut text, mut st, mut en) = (String::new(), Vec::new(), Vec::new());
        let push = |text: &mut String, st: &mut Vec<usize>, en: &mut Vec<usize>, c: char, a, b| {
            text.push(c);
            for _ in 0..c.len_utf8() {
                st.push(a);
                en.push(b);
            }
        };
        let mut it = s.char_indices().peekable();
        let mut ws_run: Option<usize> = None;
        while let Some((i, c)) = it.next() {
            let mut end = i + c.len_utf8();
            if c.is_whitespace() {
                match ws_run {
                    Some(at) => en[at] = end,
                    None => {
                        ws_run = Some(text.len());
                        push(&mut text, &mut st, &mut en, ' ', i, end);
                    }
                }
                continue;
            }
            if is_ignorable(c) {
                continue;
            }
            ws_run = None;
            let mut folded = fold_char(c, opts);
            if let Some(&(j, next)) = it.peek()
                && let Some(voiced) = voice_kana(folded, next)
            {
                folded = voiced;
                end = j + next.len_utf8();
                it.next();
            }
            push(&mut text, &mut st, &mut en, folded, i, end);
        }
        (text, st, en)
    }

    #[test]
    fn sparse_map_agrees_with_reference() {
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "Pay",
            " ",
            "  ",
            "\n",
            "\r\n",
            "\t ",
            "\u{3000}",
            "\u{200b}",
            "\u{feff}",
            "ＪＣＢ",
            "ｱ",
            "ｶ",
            "ﾞ",
            "ﾟ",
            "ﾊ",
            "カ",
            "\u{3099}",
            "é",
            "Ü",
            "а",
            "Ο",
            "漢字",
            "。",
            "!",
            "\u{85}",
            "\u{a0}",
            "x\u{200b} ",
            "\u{2028}",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n
        };
        for round in 0..3000 {
            let len = next(12);
            let src: String = (0..len).map(|_| PIECES[next(PIECES.len())]).collect();
            let opts = FoldOptions {
                lowercase: round % 2 == 0,
                confusables: round % 3 == 0,
            };
            let (text, st, en) = reference_fold(&src, opts);
            let f = Folded::new(&src, opts);
            assert_eq!(f.as_str(), text, "{src:?}");
            let bounds: Vec<usize> = (0..=text.len())
                .filter(|&b| text.is_char_boundary(b))
                .collect();
            for (x, &a) in bounds.iter().enumerate() {
                for &b in &bounds[x + 1..] {
                    assert_eq!(
                        f.source_range(a, b),
                        Some((st[a], en[b - 1])),
                        "{src:?} {a}..{b}"
                    );
                }
            }
        }
    }

    #[test]
    fn maps_offsets_back() {
        let src = "ｵﾌｨｽ  ＪＣＢ!";
        let f = Folded::new(src, FoldOptions::default());
        let at = f.as_str().find("JCB").unwrap();
        let (s, e) = f.source_range(at, at + 3).unwrap();
        assert_eq!(&src[s..e], "ＪＣＢ");
    }

    #[test]
    fn truncates_at_char_boundary() {
        let big = "あ".repeat(MAX_FOLD_BYTES);
        let f = Folded::new(&big, FoldOptions::default());
        assert!(f.as_str().len() <= MAX_FOLD_BYTES);
    }

    #[test]
    fn skeleton_folds_swaps() {
        assert_eq!(skeleton("amaz0n"), skeleton("amazon"));
        assert_eq!(skeleton("paypa1"), skeleton("paypal"));
        assert_eq!(skeleton("rnercari"), skeleton("mercari"));
        assert_ne!(skeleton("amazon"), skeleton("amazing"));
    }
}
