//! Golden fixtures: every `.eml` under `tests/fixtures/{signals,benign,shapes}` at the workspace
//! root has a sidecar `<name>.expect.toml` naming the signals that must fire, the signals that must
//! not, and the verdict (or the worst verdict allowed). Each fixture is analysed twice, with LF and
//! with CRLF line endings: mail arrives both ways and the answer must not depend on it.
//!
//! The meta-test holds every signal in the registry to rule 6 of the house rules: a sample that
//! fires it and a near-miss that must not.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use unphish::{Analyzer, Level, Options, Report};

const FOLDERS: &[&str] = &["signals", "benign", "shapes"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// Signals that must fire (a finding, or cancelled by a composite: it fired either way).
    #[serde(default)]
    fires: Vec<String>,
    /// Signals that must not fire at all.
    #[serde(default)]
    spares: Vec<String>,
    /// The exact verdict.
    verdict: Option<String>,
    /// The worst verdict allowed (benign mail: "clean" or "suspicious").
    max_verdict: Option<String>,
    /// The mildest verdict allowed.
    min_verdict: Option<String>,
    /// The origin's address as the report gives it.
    origin_ip: Option<String>,
    /// The origin network's class (`cloud`, `mail_provider`, ...): pins the embedded IP data to
    /// what the fixture's story says about the sending network.
    origin_class: Option<String>,
    /// The named provider of the origin network (`Hetzner`, `DigitalOcean`).
    origin_provider: Option<String>,
}

struct Fixture {
    eml: PathBuf,
    /// `signals/LINK-003-fires-....eml`, for messages.
    name: String,
    expect: Expect,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn registry_ids() -> BTreeSet<&'static str> {
    unphish_signals::signals::ALL
        .iter()
        .map(|s| s.meta().id)
        .collect()
}

fn parse_level(s: &str, what: &str, file: &Path) -> Level {
    Level::parse(s)
        .unwrap_or_else(|| panic!("{}: {what} = {s:?} is not a verdict level", file.display()))
}

/// Every fixture with its sidecar, in a stable order; a missing or malformed sidecar, an unknown
/// signal ID or a sidecar without an `.eml` fails the run rather than silently testing less.
fn load() -> Vec<Fixture> {
    let ids = registry_ids();
    let mut out = Vec::new();
    for folder in FOLDERS {
        let dir = root().join(folder);
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("directory entry").path())
            .collect();
        entries.sort();
        for p in &entries {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if let Some(stem) = name.strip_suffix(".expect.toml") {
                assert!(
                    dir.join(format!("{stem}.eml")).is_file(),
                    "{}: sidecar without a message",
                    p.display()
                );
            }
        }
        for eml in entries
            .into_iter()
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        {
            let sidecar = eml.with_extension("expect.toml");
            let text = std::fs::read_to_string(&sidecar)
                .unwrap_or_else(|e| panic!("{}: {e}", sidecar.display()));
            let expect: Expect =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", sidecar.display()));
            for id in expect.fires.iter().chain(&expect.spares) {
                assert!(
                    ids.contains(id.as_str()),
                    "{}: {id} is not a registered signal",
                    sidecar.display()
                );
            }
            if let Some(both) = expect.fires.iter().find(|f| expect.spares.contains(f)) {
                panic!("{}: {both} both fires and spares", sidecar.display());
            }
            for (what, v) in [
                ("verdict", &expect.verdict),
                ("max_verdict", &expect.max_verdict),
                ("min_verdict", &expect.min_verdict),
            ] {
                if let Some(v) = v {
                    parse_level(v, what, &sidecar);
                }
            }
            let name = format!(
                "{folder}/{}",
                eml.file_name().and_then(|n| n.to_str()).unwrap_or_default()
            );
            out.push(Fixture { eml, name, expect });
        }
    }
    out
}

/// The message with LF line endings, and the same message with CRLF.
fn line_ending_variants(raw: &[u8]) -> [(&'static str, Vec<u8>); 2] {
    let mut lf = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'\r' && raw.get(i + 1) == Some(&b'\n') {
            i += 1;
            continue;
        }
        lf.push(raw[i]);
        i += 1;
    }
    let mut crlf = Vec::with_capacity(lf.len() + lf.len() / 40);
    for &b in &lf {
        if b == b'\n' {
            crlf.push(b'\r');
        }
        crlf.push(b);
    }
    [("LF", lf), ("CRLF", crlf)]
}

/// What fired: counted findings plus the ones a composite cancelled.
fn fired(r: &Report) -> BTreeSet<String> {
    r.findings
        .iter()
        .map(|f| f.id.clone())
        .chain(r.verdict.cancelled.iter().map(|c| c.id.clone()))
        .collect()
}

fn describe(r: &Report) -> String {
    let mut s = format!("verdict {} (score {})\n", r.verdict.level, r.verdict.score);
    for f in &r.findings {
        s.push_str(&format!("  {} {:+} {}\n", f.id, f.weight, f.title.en));
        for e in &f.evidence {
            s.push_str(&format!("      {}\n", e.quote));
        }
    }
    for c in &r.verdict.cancelled {
        s.push_str(&format!("  {} cancelled: {}\n", c.id, c.reason));
    }
    if let Some(o) = &r.origin {
        s.push_str(&format!(
            "  origin {:?} rdns {:?} helo {:?} {:?} ({})\n",
            o.ip, o.rdns, o.helo, o.as_org, o.network_class
        ));
    }
    s
}

/// The problems with one analysis, empty when it meets its sidecar.
fn check(fx: &Fixture, r: &Report) -> Vec<String> {
    let e = &fx.expect;
    let got = fired(r);
    let mut problems = Vec::new();
    for id in &e.fires {
        if !got.contains(id) {
            problems.push(format!("{id} should fire but did not"));
        }
    }
    for id in &e.spares {
        if got.contains(id) {
            problems.push(format!("{id} must not fire but did"));
        }
    }
    let level = parse_level(r.verdict.level, "report level", &fx.eml);
    // `Level` orders worst first: Phishing < Suspicious < Clean.
    if let Some(v) = &e.verdict
        && level != parse_level(v, "verdict", &fx.eml)
    {
        problems.push(format!("verdict {} but expected {v}", r.verdict.level));
    }
    if let Some(v) = &e.max_verdict
        && level < parse_level(v, "max_verdict", &fx.eml)
    {
        problems.push(format!("verdict {} is worse than {v}", r.verdict.level));
    }
    if let Some(v) = &e.min_verdict
        && level > parse_level(v, "min_verdict", &fx.eml)
    {
        problems.push(format!("verdict {} is milder than {v}", r.verdict.level));
    }
    let origin = r.origin.as_ref();
    let checks = [
        ("origin_ip", &e.origin_ip, origin.and_then(|o| o.ip.clone())),
        (
            "origin_class",
            &e.origin_class,
            origin.map(|o| o.network_class.clone()),
        ),
        (
            "origin_provider",
            &e.origin_provider,
            origin.and_then(|o| o.provider.clone()),
        ),
    ];
    for (what, want, got) in checks {
        if let Some(want) = want
            && got.as_deref() != Some(want.as_str())
        {
            problems.push(format!("{what} {got:?} but expected {want:?}"));
        }
    }
    problems
}

#[test]
fn fixtures_meet_their_sidecars_with_lf_and_crlf() {
    let analyzer = Analyzer::new(Options::default()).expect("analyzer");
    let fixtures = load();
    assert!(
        !fixtures.is_empty(),
        "no fixtures under {}",
        root().display()
    );
    let mut failures = Vec::new();
    for fx in &fixtures {
        let raw = std::fs::read(&fx.eml).unwrap_or_else(|e| panic!("{}: {e}", fx.eml.display()));
        let mut per_ending: Vec<(&str, BTreeSet<String>, &'static str)> = Vec::new();
        for (ending, bytes) in line_ending_variants(&raw) {
            let r = analyzer.analyze(&bytes);
            let problems = check(fx, &r);
            if !problems.is_empty() {
                failures.push(format!(
                    "{} [{ending}]:\n  - {}\n{}",
                    fx.name,
                    problems.join("\n  - "),
                    describe(&r)
                ));
            }
            per_ending.push((ending, fired(&r), r.verdict.level));
        }
        if let [(_, a, la), (_, b, lb)] = per_ending.as_slice()
            && (a != b || la != lb)
        {
            failures.push(format!(
                "{}: LF and CRLF differ: LF {la} {a:?}, CRLF {lb} {b:?}",
                fx.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n\n{}",
        failures.len(),
        fixtures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_signal_has_a_firing_sample_and_a_near_miss() {
    let fixtures = load();
    let fires: BTreeSet<&str> = fixtures
        .iter()
        .flat_map(|f| f.expect.fires.iter().map(String::as_str))
        .collect();
    let spares: BTreeSet<&str> = fixtures
        .iter()
        .flat_map(|f| f.expect.spares.iter().map(String::as_str))
        .collect();
    let mut missing = Vec::new();
    for id in registry_ids() {
        if !fires.contains(id) {
            missing.push(format!("{id}: no fixture that fires it"));
        }
        if !spares.contains(id) {
            missing.push(format!("{id}: no near-miss that spares it"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn signal_fixtures_are_named_after_what_they_test() {
    // signals/<ID>-fires-<what>.eml must list <ID> in `fires`; <ID>-spares-<what>.eml in `spares`.
    for fx in load() {
        let Some(name) = fx.eml.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if fx.eml.parent().and_then(Path::file_name) != Some("signals".as_ref()) {
            continue;
        }
        let (id, list) = if let Some((id, _)) = name.split_once("-fires-") {
            (id, &fx.expect.fires)
        } else if let Some((id, _)) = name.split_once("-spares-") {
            (id, &fx.expect.spares)
        } else {
            panic!("{name}: signal fixtures are named <ID>-fires-<what> or <ID>-spares-<what>");
        };
        assert!(
            list.iter().any(|x| x == id),
            "{name}: its sidecar does not list {id}"
        );
    }
}

#[test]
fn benign_fixtures_are_never_judged_phishing() {
    // Issue 4: honest brand mail is clean, or suspicious at most; a sidecar may be stricter.
    for fx in load() {
        if fx.eml.parent().and_then(Path::file_name) != Some("benign".as_ref()) {
            continue;
        }
        let Some(max) = fx.expect.max_verdict.as_deref() else {
            panic!("{}: benign fixtures need max_verdict", fx.eml.display());
        };
        assert!(
            matches!(max, "clean" | "suspicious"),
            "{}: benign max_verdict {max}",
            fx.eml.display()
        );
    }
}
