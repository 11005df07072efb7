//! IOC export: CSV and MISP round-trip through a parser; the STIX bundle is checked for its
//! structure here and by the OASIS validator (`stix2-validator`, PyPI) when Python has it.
//! CI installs it in a venv and points `UNPHISH_PYTHON` at that interpreter.

mod common;

use serde_json::Value;
use std::process::Command;
use unphish_report::IndicatorOut;
use unphish_report::iocs::{self, CSV_HEADER, IocFormat, IocMessage};

fn seeds() -> Vec<IocMessage> {
    ["seed-1-keydog-webmail.eml", "seed-2-kagoya-quarantine.eml"]
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut r = common::analyze(s);
            r.file = Some(format!("examples/{s}"));
            IocMessage::from_report(&r, i)
        })
        .collect()
}

/// A message whose values are built to break naive writers: separators, quotes, line breaks,
/// spreadsheet formulas, STIX pattern quotes and backslashes.
fn awkward() -> IocMessage {
    let ind = |kind, value: &str, role| IndicatorOut {
        kind,
        value: value.to_string(),
        role,
        brand_owned: false,
        findings: vec!["LINK-001".into(), "ATT-001".into()],
    };
    IocMessage {
        key: "odd, \"name\".eml".into(),
        message_id: Some("<a\r\nb>".into()),
        subject: None,
        date: None,
        verdict: "suspicious".into(),
        indicators: vec![
            ind("url", "http://evil.example/a'b\\c,\"d\"\n", "link"),
            ind("filename", "=HYPERLINK(\"http://x\")", "attachment"),
            ind("sha256", &"ab".repeat(32), "attachment"),
        ],
    }
}

/// A strict RFC 4180 reader: quoted fields, doubled quotes, CRLF records.
fn parse_csv(s: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = s.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            c => field.push(c),
        }
    }
    assert!(field.is_empty() && row.is_empty(), "CSV ends with CRLF");
    rows
}

#[test]
fn csv_round_trips() {
    let mut msgs = seeds();
    msgs.push(awkward());
    let out = iocs::export(&msgs, IocFormat::Csv);
    let rows = parse_csv(&out);
    assert_eq!(rows[0].join(","), CSV_HEADER);
    let expected: Vec<(&IocMessage, &IndicatorOut)> = msgs
        .iter()
        .flat_map(|m| m.indicators.iter().map(move |i| (m, i)))
        .collect();
    assert_eq!(rows.len() - 1, expected.len());
    for (row, (m, i)) in rows[1..].iter().zip(&expected) {
        assert_eq!(row.len(), 8, "{row:?}");
        assert_eq!(row[0], m.key);
        assert_eq!(row[3], i.kind);
        // Formula-looking cells are defused with a leading quote, nothing else changes.
        let value = row[4]
            .strip_prefix('\'')
            .filter(|_| i.value.starts_with('='))
            .unwrap_or(&row[4]);
        assert_eq!(value, i.value);
        assert_eq!(row[5], i.role);
        assert_eq!(row[7], i.findings.join(" "));
    }
    // The seeds' key indicators are there, tagged with their findings.
    assert!(
        rows.iter()
            .any(|r| r[4] == "185.202.223.128" && r[3] == "ipv4" && r[7].contains("ORIG-002"))
    );
    assert!(
        rows.iter()
            .any(|r| r[4] == "solarpivotpower.com" && r[7].contains("LINK-004"))
    );
    assert!(
        rows.iter().any(|r| r[4] == "kagoya.net" && r[6] == "true"),
        "spoofed brand domain flagged"
    );
}

#[test]
fn misp_round_trips() {
    let mut msgs = seeds();
    msgs.push(awkward());
    let out = iocs::export(&msgs, IocFormat::Misp);
    let v: Value = serde_json::from_str(&out).expect("MISP JSON parses");
    let attrs = v["Event"]["Attribute"].as_array().expect("attributes");
    let n: usize = msgs.iter().map(|m| m.indicators.len()).sum();
    assert_eq!(attrs.len(), n);
    let find = |value: &str| attrs.iter().find(|a| a["value"] == value).expect(value);
    assert_eq!(find("185.202.223.128")["type"], "ip-src");
    assert_eq!(find("info@keydog.co.jp")["type"], "email-src");
    assert_eq!(find("solarpivotpower.com")["type"], "hostname");
    assert_eq!(
        find("kagoya.net")["to_ids"],
        false,
        "never block the brand's own domain"
    );
    assert_eq!(find("13.113.112.84")["to_ids"], true);
    let tags: Vec<&str> = find("13.113.112.84")["Tag"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(tags.contains(&"unphish:finding=\"ORIG-002\""), "{tags:?}");
    assert_eq!(find(&"ab".repeat(32))["type"], "sha256");
    assert_eq!(v["Event"]["date"], "2023-09-29");
    // Deterministic: the same input gives the same bytes.
    assert_eq!(out, iocs::export(&msgs, IocFormat::Misp));
}

#[test]
fn stix_bundle_is_connected_and_spares_brand_domains() {
    let mut msgs = seeds();
    msgs.push(awkward());
    let v: Value = serde_json::from_str(&iocs::export(&msgs, IocFormat::Stix)).unwrap();
    assert_eq!(v["type"], "bundle");
    let objects = v["objects"].as_array().unwrap();
    let ids: Vec<&str> = objects.iter().filter_map(|o| o["id"].as_str()).collect();
    let of_type = |t: &'static str| objects.iter().filter(move |o| o["type"] == t);
    assert_eq!(of_type("identity").count(), 1);
    assert_eq!(of_type("observed-data").count(), 3);
    for od in of_type("observed-data") {
        for r in od["object_refs"].as_array().unwrap() {
            assert!(ids.contains(&r.as_str().unwrap()), "dangling ref {r}");
        }
    }
    let indicators: Vec<&Value> = of_type("indicator").collect();
    for i in &indicators {
        let id = i["id"].as_str().unwrap();
        let rel = of_type("relationship")
            .find(|r| r["source_ref"] == id)
            .expect("each indicator is based on an observation");
        assert_eq!(rel["relationship_type"], "based-on");
        assert!(
            rel["target_ref"]
                .as_str()
                .unwrap()
                .starts_with("observed-data--")
        );
    }
    let patterns: Vec<&str> = indicators
        .iter()
        .filter_map(|i| i["pattern"].as_str())
        .collect();
    assert!(patterns.contains(&"[ipv4-addr:value = '13.113.112.84']"));
    // Quotes and backslashes escaped in patterns; characters a URI cannot hold percent-encoded.
    assert!(
        patterns.contains(&"[url:value = 'http://evil.example/a\\'b%5Cc,%22d%22%0A']"),
        "{patterns:?}"
    );
    assert!(
        patterns.contains(&"[file:name = '=HYPERLINK(\"http://x\")']"),
        "{patterns:?}"
    );
    assert!(
        !patterns.iter().any(|p| p.contains("'kagoya.net'")),
        "spoofed brand domain is no indicator"
    );
    assert!(
        of_type("domain-name").any(|d| d["value"] == "kagoya.net"),
        "but it is observed"
    );
}

/// Runs the OASIS validator on a bundle: `None` when it is not installed (a notice is printed),
/// otherwise its verdict with its report.
fn oasis_validate(bundle: &str) -> Option<Result<(), String>> {
    let python = std::env::var("UNPHISH_PYTHON").unwrap_or_else(|_| "python3".into());
    let has = Command::new(&python)
        .args(["-c", "import stix2validator"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has {
        eprintln!(
            "NOTICE: stix2-validator not importable by {python}; skipping the OASIS validation"
        );
        return None;
    }
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("unphish-stix-{}-{n}.json", std::process::id()));
    std::fs::write(&path, bundle).unwrap();
    let out = Command::new(&python)
        .args([
            "-c",
            "import sys\nfrom stix2validator import validate_file, print_results\nr = validate_file(sys.argv[1])\nprint_results(r)\nsys.exit(0 if r.is_valid else 1)",
        ])
        .arg(&path)
        .output()
        .expect("run validator");
    let _ = std::fs::remove_file(&path);
    if out.status.success() {
        Some(Ok(()))
    } else {
        Some(Err(format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )))
    }
}

#[test]
fn stix_bundle_passes_the_oasis_validator() {
    let mut msgs = seeds();
    msgs.push(awkward());
    if let Some(Err(report)) = oasis_validate(&iocs::export(&msgs, IocFormat::Stix)) {
        panic!("STIX bundle invalid:\n{report}");
    }
}

/// Links to punycode and Unicode hosts, and a text "link" a browser would punycode although
/// IDNA2008 refuses it (`test”properly。Then` → `xn--testproperly-d59f.then`, U+201D): the
/// look-alike hosts are exported, the refused one is left out, and the bundle validates.
#[test]
fn stix_bundle_with_idn_hosts_passes_the_oasis_validator() {
    let path = format!(
        "{}/tests/fixtures/idn-links.eml",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut r = common::analyze_bytes(&std::fs::read(&path).unwrap());
    r.file = Some("idn-links.eml".into());
    let host_ok = |h: &str| r.indicators.iter().any(|i| i.value == h);
    assert!(
        host_ok("xn--testproperly-d59f.then"),
        "the fixture still makes the bad host"
    );
    assert!(host_ok("xn--80ak6aa92e.com"));
    let bundle = iocs::export(&[IocMessage::from_report(&r, 0)], IocFormat::Stix);
    let v: Value = serde_json::from_str(&bundle).unwrap();
    let domains: Vec<&str> = v["objects"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["type"] == "domain-name")
        .filter_map(|o| o["value"].as_str())
        .collect();
    for kept in [
        "xn--80ak6aa92e.com",
        "xn--bcher-shop-9db.xn--p1ai",
        "xn--mnchen-3ya.example",
    ] {
        assert!(domains.contains(&kept), "{kept} missing from {domains:?}");
    }
    assert!(
        !domains.contains(&"xn--testproperly-d59f.then"),
        "{domains:?}"
    );
    if let Some(Err(report)) = oasis_validate(&bundle) {
        panic!("STIX bundle invalid:\n{report}");
    }
    // CSV keeps every value for the analyst.
    let csv = iocs::export(&[IocMessage::from_report(&r, 0)], IocFormat::Csv);
    assert!(csv.contains("xn--testproperly-d59f.then"));
}

/// A forwarded phish: the indicators that matter are the attached message's, exported as a
/// message of their own and keyed after the mail that carried them.
#[test]
fn attached_messages_export_their_own_indicators() {
    let path = format!(
        "{}/tests/fixtures/forwarded-phish.eml",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut r = common::analyze_bytes(&std::fs::read(&path).unwrap());
    r.file = Some("fwd.eml".into());
    let msgs = IocMessage::from_report_tree(&r, 0);
    let keys: Vec<&str> = msgs.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, ["fwd.eml", "fwd.eml#attached-1"]);
    assert_eq!(msgs[1].verdict, "phishing");
    assert!(
        msgs[1]
            .indicators
            .iter()
            .any(|i| i.kind == "ipv4" && i.value == "198.51.100.77"),
        "{:?}",
        msgs[1].indicators
    );
    assert!(
        !msgs[0]
            .indicators
            .iter()
            .any(|i| i.value == "198.51.100.77"),
        "each message keeps its own"
    );
    let csv = iocs::export(&msgs, IocFormat::Csv);
    assert!(csv.contains("fwd.eml#attached-1,"), "{csv}");
    // Two levels deep, and numbered when there is no file name or Message-ID.
    r.file = None;
    r.sender.message_id = None;
    let mut outer = r.clone();
    outer.nested = vec![r.clone(), r];
    let keys: Vec<String> = IocMessage::from_report_tree(&outer, 4)
        .into_iter()
        .map(|m| m.key)
        .collect();
    assert_eq!(
        keys,
        [
            "message-5",
            "message-5#attached-1",
            "message-5#attached-1.1",
            "message-5#attached-2",
            "message-5#attached-2.1",
        ]
    );
}
