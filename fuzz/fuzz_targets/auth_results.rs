//! Authentication-Results, Received-SPF and DKIM-Signature values (RFC 8601, RFC 7208 §9.1,
//! RFC 6376 §3.5) as the parsers receive them: text that any hop may have forged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unphish_evidence::auth::{parse_authentication_results, parse_dkim_domain, parse_received_spf};

fuzz_target!(|data: &[u8]| {
    let value = String::from_utf8_lossy(data);
    let _ = parse_authentication_results(&value, "Authentication-Results", &value);
    let _ = parse_received_spf(&value, &value);
    let _ = parse_dkim_domain(&value);
});
