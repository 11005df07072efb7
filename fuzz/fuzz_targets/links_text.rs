//! URL extraction from plain text, then the analysis of each link found (URL parsing, PSL,
//! punycode, confusables).
#![no_main]

use libfuzzer_sys::fuzz_target;
use unphish_evidence::links::{LinkLimits, analyze, text_links};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut out = Vec::new();
    let _ = text_links(&text, 0, &LinkLimits::default(), &mut out);
    for link in out {
        let _ = analyze(link);
    }
});
