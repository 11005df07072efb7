//! Link, text and hidden-content extraction from an HTML body, then the analysis of each link.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unphish_evidence::html::{HtmlLimits, scan_html};
use unphish_evidence::links::analyze;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let scan = scan_html(&html, 0, &HtmlLimits::default());
    for link in scan.links {
        let _ = analyze(link);
    }
});
