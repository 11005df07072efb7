//! Properties of the report over every message the project ships (examples and test fixtures):
//! the same bytes give byte-identical JSON (no clock, no randomness, no map-order leaks), LF and
//! CRLF line endings give the same JSON, and every report fits `docs/report.schema.json`.
//! Written without proptest: the inputs are the fixtures plus deterministic variants of them.

mod schema_check;

use std::path::{Path, PathBuf};
use unphish::{Analyzer, Options};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every .eml under the examples and the fixture folders, sorted.
fn messages() -> Vec<PathBuf> {
    let r = root();
    let mut dirs = vec![r.join("examples"), r.join("tests")];
    if let Ok(crates) = std::fs::read_dir(r.join("crates")) {
        dirs.extend(crates.flatten().map(|c| c.path().join("tests")));
    }
    let mut out = Vec::new();
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "eml") {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(out.len() >= 2, "no fixtures found under {}", r.display());
    out
}

fn json(a: &Analyzer, raw: &[u8]) -> String {
    serde_json::to_string(&a.analyze(raw)).expect("report serialises")
}

fn to_lf(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\r' && raw.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

fn to_crlf(raw: &[u8]) -> Vec<u8> {
    let lf = to_lf(raw);
    let mut out = Vec::with_capacity(lf.len() + lf.len() / 32);
    for &b in &lf {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

#[test]
fn same_bytes_give_identical_json() {
    let a = Analyzer::new(Options::default()).unwrap();
    let b = Analyzer::new(Options::default()).unwrap();
    for path in messages() {
        let raw = std::fs::read(&path).unwrap();
        let first = json(&a, &raw);
        assert_eq!(
            first,
            json(&a, &raw),
            "{}: second run differs",
            path.display()
        );
        // A fresh analyser on another thread: no state carried between calls or threads.
        let other = std::thread::scope(|s| s.spawn(|| json(&b, &raw)).join().unwrap());
        assert_eq!(first, other, "{}: fresh analyser differs", path.display());
    }
}

#[test]
fn lf_and_crlf_give_identical_json() {
    let a = Analyzer::new(Options::default()).unwrap();
    let mut differing = Vec::new();
    for path in messages() {
        let raw = std::fs::read(&path).unwrap();
        let (lf, crlf) = (json(&a, &to_lf(&raw)), json(&a, &to_crlf(&raw)));
        if lf != crlf {
            let at = lf
                .bytes()
                .zip(crlf.bytes())
                .take_while(|(x, y)| x == y)
                .count();
            let from = at.saturating_sub(120);
            differing.push(format!(
                "{}:\n  LF:   …{}\n  CRLF: …{}",
                path.display(),
                lf.get(from..(at + 80).min(lf.len())).unwrap_or_default(),
                crlf.get(from..(at + 80).min(crlf.len()))
                    .unwrap_or_default()
            ));
        }
    }
    assert!(differing.is_empty(), "{}", differing.join("\n"));
}

#[test]
fn every_report_fits_the_schema() {
    let a = Analyzer::new(Options::default()).unwrap();
    for path in messages() {
        let raw = std::fs::read(&path).unwrap();
        for variant in [raw.clone(), to_lf(&raw), to_crlf(&raw)] {
            let value: serde_json::Value = serde_json::from_str(&json(&a, &variant)).unwrap();
            let errors = schema_check::violations(&value);
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        }
    }
}

/// Cut short and bit-flipped copies of each fixture: still a report, still the schema. The
/// variants are derived from the bytes themselves, so a failure reproduces exactly.
#[test]
fn truncated_and_mutated_fixtures_still_give_valid_reports() {
    let a = Analyzer::new(Options::default()).unwrap();
    for path in messages() {
        let raw = std::fs::read(&path).unwrap();
        let mut variants = Vec::new();
        for k in 1..8 {
            variants.push(raw[..raw.len() * k / 8].to_vec());
        }
        let mut x = raw.len() as u64 | 1;
        for _ in 0..8 {
            let mut m = raw.clone();
            for _ in 0..16 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if let Some(b) = m.get_mut((x as usize) % raw.len().max(1)) {
                    *b = (x >> 32) as u8;
                }
            }
            variants.push(m);
        }
        for (i, v) in variants.iter().enumerate() {
            let report = a.analyze(v);
            assert!(
                !report.defects.iter().any(|d| d.code == "internal.panic"),
                "{} variant {i}: internal panic",
                path.display()
            );
            let value: serde_json::Value = serde_json::from_str(&json(&a, v)).unwrap();
            let errors = schema_check::violations(&value);
            assert!(
                errors.is_empty(),
                "{} variant {i}: {errors:#?}",
                path.display()
            );
        }
    }
}
