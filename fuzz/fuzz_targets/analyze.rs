//! The full pipeline, as the CLI runs it: bytes in, a JSON report out that must parse again.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use unphish::{Analyzer, Options};

fn analyzer() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(|| match Analyzer::new(Options::default()) {
        Ok(a) => a,
        Err(e) => panic!("default options must build: {e}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let report = analyzer().analyze(data);
    // `analyze` turns an internal panic into a defect; the fuzzer must still see it as a crash.
    assert!(
        !report.defects.iter().any(|d| d.code == "internal.panic"),
        "internal panic caught by analyze"
    );
    let json = serde_json::to_string(&report).expect("a report always serialises");
    let _: serde_json::Value = serde_json::from_str(&json).expect("the JSON report parses");
});
