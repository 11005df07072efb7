//! A MinHash sketch of body text, and the LSH bands that find near neighbours without comparing
//! every pair.
//!
//! Campaign mail is written once and sent many times with the greeting name, amounts, dates and
//! tracking numbers changed. Two copies then share most of their two-token shingles, and the
//! share of equal MinHash slots estimates that overlap (Jaccard similarity). MinHash replaced a
//! first SimHash after measuring: on a 45-token lure, changing only the greeting name moved the
//! 64-bit SimHash by 7 bits, and short texts vary that much between copies; the MinHash estimate
//! of the same pair stays high and degrades gradually.

use xxhash_rust::xxh3::xxh3_64;

/// Text beyond this many bytes does not change the sketch: lures put their words up front and
/// the bound keeps the cost per message fixed.
pub const MAX_TEXT_BYTES: usize = 32 * 1024;

/// Fewer tokens than this give a sketch that collides by chance (a two-line body).
pub const MIN_TOKENS: usize = 12;

/// Slots in a sketch.
pub const SLOTS: usize = 16;
/// Slots per LSH band: 8 bands of 2. A pair at similarity 0.5 becomes a candidate with
/// probability 1 - (1 - 0.5²)⁸ ≈ 0.90, at 0.8 with ≈ 0.9998; unrelated text almost never.
const ROWS: usize = 2;

/// The sketch of one text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sketch {
    pub slots: [u32; SLOTS],
    /// Tokens the sketch was built from; a longer text makes a close match more telling.
    pub tokens: usize,
}

/// splitmix64: one cheap, well-mixed permutation per slot instead of SLOTS full hashes.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Splits text into tokens: runs of ASCII letters are words (lowercased); anything with a digit
/// becomes `#` so rotating numbers do not count; every other letter (Japanese, Chinese, …) is a
/// token on its own, since those scripts do not separate words with spaces.
fn tokens(text: &str, mut emit: impl FnMut(u64)) -> usize {
    let mut n = 0usize;
    let mut word = String::new();
    let mut has_digit = false;
    let flush = |word: &mut String, has_digit: &mut bool, emit: &mut dyn FnMut(u64)| {
        if word.is_empty() {
            return false;
        }
        if *has_digit {
            emit(xxh3_64(b"#"));
        } else {
            emit(xxh3_64(word.as_bytes()));
        }
        word.clear();
        *has_digit = false;
        true
    };
    let mut end = text.len().min(MAX_TEXT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    for c in text.get(..end).unwrap_or("").chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_digit() {
                has_digit = true;
            }
            word.push(c.to_ascii_lowercase());
        } else {
            if flush(&mut word, &mut has_digit, &mut emit) {
                n += 1;
            }
            if c.is_alphanumeric() {
                let mut b = [0u8; 4];
                if c.is_numeric() {
                    emit(xxh3_64(b"#"));
                } else {
                    emit(xxh3_64(c.encode_utf8(&mut b).as_bytes()));
                }
                n += 1;
            }
        }
    }
    if flush(&mut word, &mut has_digit, &mut emit) {
        n += 1;
    }
    n
}

/// The MinHash of `text` over 2-token shingles, or `None` when the text is too short to mean
/// anything.
pub fn sketch(text: &str) -> Option<Sketch> {
    let mut mins = [u64::MAX; SLOTS];
    let mut prev = 0u64;
    let mut seen = 0usize;
    let n = tokens(text, |t| {
        let shingle = mix(prev.rotate_left(17) ^ t);
        prev = t;
        seen += 1;
        if seen >= 2 {
            for (k, m) in mins.iter_mut().enumerate() {
                let v = mix(shingle ^ (k as u64).wrapping_mul(0xA24B_AED4_963E_E407));
                if v < *m {
                    *m = v;
                }
            }
        }
    });
    if n < MIN_TOKENS {
        return None;
    }
    let mut slots = [0u32; SLOTS];
    for (s, m) in slots.iter_mut().zip(mins) {
        *s = (m >> 32) as u32;
    }
    Some(Sketch { slots, tokens: n })
}

/// Estimated Jaccard similarity: the share of equal slots.
pub fn similarity(a: &[u32; SLOTS], b: &[u32; SLOTS]) -> f64 {
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / SLOTS as f64
}

/// The LSH keys of a sketch: `mh<band>:<slots>`.
pub fn bands(s: &[u32; SLOTS]) -> Vec<String> {
    s.chunks(ROWS)
        .enumerate()
        .map(|(i, rows)| {
            let mut k = format!("mh{i}:");
            for r in rows {
                k.push_str(&format!("{r:08x}"));
            }
            k
        })
        .collect()
}

/// Hex form for the store.
pub fn encode(s: &[u32; SLOTS]) -> String {
    s.iter().map(|v| format!("{v:08x}")).collect()
}

/// Inverse of [`encode`]; `None` for anything else.
pub fn decode(hex: &str) -> Option<[u32; SLOTS]> {
    if hex.len() != SLOTS * 8 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u32; SLOTS];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok()?;
    }
    Some(out)
}

/// At least this similar: the same text with a few tokens changed.
pub const NEAR: f64 = 0.5;
/// At least this similar (and long enough): near-identical, a campaign on its own.
pub const SAME: f64 = 0.75;

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "Dear customer, your account has been temporarily suspended because we noticed unusual sign-in activity from a new device. To restore access please verify your identity within 24 hours using the secure link below, otherwise your account will be permanently closed and any pending payments will be cancelled. Thank you for banking with us.";

    #[test]
    fn near_copies_are_close_and_strangers_far() {
        let a = sketch(A).unwrap();
        let b = sketch(
            &A.replace("Dear customer", "Dear John Smith")
                .replace("24", "48"),
        )
        .unwrap();
        let c = sketch("The quarterly report is attached. Please review the revenue figures for the northern region before Thursday's meeting, and bring your questions about the new hiring plan and the office move.").unwrap();
        assert!(similarity(&a.slots, &b.slots) >= SAME);
        assert!(similarity(&a.slots, &c.slots) < 0.2);
        let shared = bands(&a.slots)
            .iter()
            .filter(|k| bands(&b.slots).contains(k))
            .count();
        assert!(shared >= 1);
        assert_eq!(decode(&encode(&a.slots)), Some(a.slots));
        assert_eq!(decode("zz"), None);
    }

    #[test]
    fn japanese_text_is_tokenised_per_character() {
        let a = sketch("お客様のアカウントは一時的に停止されました。以下のリンクから本人確認を行ってください。二十四時間以内に確認されない場合、アカウントは削除されます。").unwrap();
        let b = sketch("山田様のアカウントは一時的に停止されました。以下のリンクから本人確認を行ってください。二十四時間以内に確認されない場合、アカウントは削除されます。").unwrap();
        assert!(similarity(&a.slots, &b.slots) >= SAME);
    }

    #[test]
    fn short_text_has_no_sketch() {
        assert!(sketch("hello there").is_none());
        assert!(sketch("").is_none());
    }
}
