//! A 64-bit SimHash of body text, and the LSH bands that find near neighbours without comparing
//! every pair.
//!
//! Campaign mail is written once and sent many times with the greeting name, amounts, dates and
//! tracking numbers changed. Shingles of two tokens keep most of the text's features when a few
//! tokens change, so two such copies land a few bits apart, while unrelated texts sit near 32.

use xxhash_rust::xxh3::xxh3_64;

/// Text beyond this many bytes does not change the sketch: lures put their words up front and
/// the bound keeps the cost per message fixed.
pub const MAX_TEXT_BYTES: usize = 32 * 1024;

/// Fewer tokens than this give a sketch that collides by chance (a two-line body).
pub const MIN_TOKENS: usize = 12;

/// The sketch of one text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sketch {
    pub hash: u64,
    /// Tokens the sketch was built from; a longer text makes a closer match more telling.
    pub tokens: usize,
}

/// Splits text into tokens: runs of ASCII letters are words (lowercased); anything with a digit
/// becomes `#` so rotating numbers do not count; every other letter (Japanese, Chinese, …) is a
/// token on its own, since those scripts do not separate words with spaces.
fn tokens(text: &str, mut emit: impl FnMut(u64)) -> usize {
    let mut n = 0usize;
    let mut word = String::new();
    let mut has_digit = false;
    let flush = |word: &mut String, has_digit: &mut bool, emit: &mut dyn FnMut(u64)| {
        if !word.is_empty() {
            if *has_digit {
                emit(xxh3_64(b"#"));
            } else {
                emit(xxh3_64(word.as_bytes()));
            }
            word.clear();
            *has_digit = false;
            true
        } else {
            false
        }
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

/// The SimHash of `text` over 2-token shingles, or `None` when the text is too short to mean
/// anything.
pub fn sketch(text: &str) -> Option<Sketch> {
    let mut counts = [0i32; 64];
    let mut prev = 0u64;
    let mut seen = 0usize;
    let n = tokens(text, |t| {
        let pair = [prev, t];
        prev = t;
        seen += 1;
        if seen >= 2 {
            let mut bytes = [0u8; 16];
            for (i, w) in pair.iter().enumerate() {
                if let Some(dst) = bytes.get_mut(i * 8..i * 8 + 8) {
                    dst.copy_from_slice(&w.to_le_bytes());
                }
            }
            let h = xxh3_64(&bytes);
            for (bit, c) in counts.iter_mut().enumerate() {
                if h >> bit & 1 == 1 {
                    *c += 1;
                } else {
                    *c -= 1;
                }
            }
        }
    });
    if n < MIN_TOKENS {
        return None;
    }
    let mut hash = 0u64;
    for (bit, c) in counts.iter().enumerate() {
        if *c > 0 {
            hash |= 1 << bit;
        }
    }
    Some(Sketch { hash, tokens: n })
}

/// Bits that differ between two sketches.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Band widths: seven bands over 64 bits. Two sketches at most six bits apart agree on at least
/// one whole band (pigeonhole), so every such pair becomes a candidate.
const BANDS: [(u32, u32); 7] = [(0, 9), (9, 9), (18, 9), (27, 9), (36, 9), (45, 9), (54, 10)];

/// The LSH keys of a sketch: `sh<band>:<bits>`.
pub fn bands(hash: u64) -> Vec<String> {
    BANDS
        .iter()
        .enumerate()
        .map(|(i, (shift, width))| {
            let v = (hash >> shift) & ((1u64 << width) - 1);
            format!("sh{i}:{v:x}")
        })
        .collect()
}

/// At most this many differing bits: the same text with a few tokens changed.
pub const NEAR: u32 = 6;

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "Dear customer, your account has been temporarily suspended because we noticed unusual sign-in activity from a new device. To restore access please verify your identity within 24 hours using the secure link below, otherwise your account will be permanently closed and any pending payments will be cancelled. We take the security of your funds seriously and we apologise for the inconvenience. If you did not attempt to sign in, you should verify your details immediately so that we can protect your account. Thank you for banking with us. Customer Security Team, Online Banking Services.";

    #[test]
    fn near_copies_are_close_and_strangers_far() {
        let a = sketch(A).unwrap();
        let b = sketch(
            &A.replace("Dear customer", "Dear John Smith")
                .replace("24", "48"),
        )
        .unwrap();
        let c = sketch("The quarterly report is attached. Please review the revenue figures for the northern region before Thursday's meeting, and bring your questions about the new hiring plan and the office move.").unwrap();
        eprintln!(
            "near {} far {}",
            distance(a.hash, b.hash),
            distance(a.hash, c.hash)
        );
        assert!(
            distance(a.hash, b.hash) <= NEAR,
            "{}",
            distance(a.hash, b.hash)
        );
        assert!(
            distance(a.hash, c.hash) > 12,
            "{}",
            distance(a.hash, c.hash)
        );
        let shared = bands(a.hash)
            .iter()
            .filter(|k| bands(b.hash).contains(k))
            .count();
        assert!(shared >= 1);
    }

    #[test]
    fn japanese_text_is_tokenised_per_character() {
        let a = sketch("お客様のアカウントは一時的に停止されました。以下のリンクから本人確認を行ってください。二十四時間以内に確認されない場合、アカウントは削除されます。").unwrap();
        let b = sketch("山田様のアカウントは一時的に停止されました。以下のリンクから本人確認を行ってください。二十四時間以内に確認されない場合、アカウントは削除されます。").unwrap();
        assert!(distance(a.hash, b.hash) <= NEAR);
    }

    #[test]
    fn short_text_has_no_sketch() {
        assert!(sketch("hello there").is_none());
        assert!(sketch("").is_none());
    }
}
