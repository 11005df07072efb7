//! Whole-message parsing: the pre-screen, mail-parser, text decoding and raw header access.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unphish_mime::{Limits, raw_headers, screen, text_parts};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let screened = screen(data, &limits);
    let parsed = screened.parse();
    if let Some(msg) = &parsed.message {
        let mut defects = Vec::new();
        let _ = text_parts(msg, &limits, &mut defects);
        for h in raw_headers(msg) {
            let _ = h.unfolded_line();
        }
        let _ = unphish_mime::header_text(msg, "Subject");
        let _ = unphish_mime::part_depths(msg);
    }
});
