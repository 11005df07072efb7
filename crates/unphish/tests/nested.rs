//! A forwarded phishing mail (message/rfc822 attachment) is analysed as a message of its own.

use unphish::{Analyzer, Options};

#[test]
fn attached_message_gets_its_own_report() {
    let inner = std::fs::read_to_string(format!(
        "{}/../../examples/seed-2-kagoya-quarantine.eml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let outer = format!(
        "From: colleague@example.org\r\nTo: abuse@example.org\r\nSubject: Fwd: is this real?\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
Please have a look at the attached mail.\r\n--b1\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n{inner}\r\n--b1--\r\n"
    );
    let a = Analyzer::new(Options::default()).unwrap();
    let r = serde_json::to_value(a.analyze(outer.as_bytes())).unwrap();
    let nested = r["nested"].as_array().unwrap();
    assert_eq!(nested.len(), 1, "{r:#}");
    assert_eq!(nested[0]["verdict"]["level"], "phishing");
    assert_eq!(nested[0]["origin"]["ip"], "13.113.112.84");
    assert!(
        nested[0]["impersonation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["brand"] == "KAGOYA")
    );
}
