//! `Received` fields: the input is the field value (one hop per line), wrapped into a header so
//! mail-parser's structured parse and our hop and origin logic both see it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unphish_evidence::hops::{HopLimits, determine_origin, extract_hops};
use unphish_mime::{Limits, screen};

fuzz_target!(|data: &[u8]| {
    let mut raw = Vec::with_capacity(data.len() + 64);
    for line in data.split(|&b| b == b'\n') {
        raw.extend_from_slice(b"Received: ");
        raw.extend_from_slice(line);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"From: a@b.example\r\n\r\nbody\r\n");
    let screened = screen(&raw, &Limits::default());
    let parsed = screened.parse();
    if let Some(msg) = &parsed.message {
        let (mut hops, _) = extract_hops(msg, &HopLimits::default());
        let _ = determine_origin(&mut hops);
    }
});
