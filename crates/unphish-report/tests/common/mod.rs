#![allow(dead_code)]
//! Shared helpers: the seed mails from `examples/`, and snapshot comparison.

use std::path::PathBuf;
use unphish_report::Report;

pub fn example(name: &str) -> Vec<u8> {
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn analyze_bytes(raw: &[u8]) -> Report {
    let a = unphish::Analyzer::new(unphish::Options::default()).expect("analyzer");
    a.analyze(raw)
}

pub fn analyze(name: &str) -> Report {
    analyze_bytes(&example(name))
}

fn snapshot_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name)
}

/// Compares with the reviewed snapshot; `UNPHISH_BLESS=1` writes it instead.
pub fn check_snapshot(name: &str, actual: &str) {
    let path = snapshot_path(name);
    if std::env::var_os("UNPHISH_BLESS").is_some() {
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UNPHISH_BLESS=1 to create it)",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or(expected.lines().count().min(actual.lines().count()) + 1);
        panic!(
            "{} differs from the snapshot at line {line}; review and re-bless with UNPHISH_BLESS=1\n--- actual ---\n{actual}",
            path.display()
        );
    }
}
