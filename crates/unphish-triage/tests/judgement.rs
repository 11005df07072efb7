//! Grouping reads a message's judgement either from its full report or, when the run shows no
//! analyses, straight from the assessment without building a report. Both must give the same
//! values, or the same mailbox would group differently depending on the output format.

use std::path::{Path, PathBuf};
use unphish::{Analyzer, Options};
use unphish_triage::fingerprint::Judgement;

fn emls(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            emls(&p, out);
        } else if p.extension().is_some_and(|e| e == "eml") {
            out.push(p);
        }
    }
}

fn check(analyzer: &Analyzer, label: &str, raw: &[u8]) {
    let ev = analyzer.evidence(raw);
    let a = analyzer.assess(&ev);
    let from_report = Judgement::from_report(&analyzer.report(&ev, &a));
    let direct = Judgement::from_assessment(analyzer, &ev, &a);
    assert_eq!(from_report, direct, "{label}");
}

#[test]
fn judgement_from_assessment_equals_judgement_from_report() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    emls(&root.join("tests/fixtures"), &mut files);
    emls(&root.join("examples"), &mut files);
    assert!(files.len() >= 50, "only {} fixtures found", files.len());
    let masked = Analyzer::new(Options::default()).unwrap();
    let unmasked = Analyzer::new(Options {
        mask_recipients: false,
        ..Options::default()
    })
    .unwrap();
    let (mut brands, mut links, mut origins) = (0, 0, 0);
    for f in &files {
        let raw = std::fs::read(f).unwrap();
        let label = f.display().to_string();
        check(&masked, &label, &raw);
        check(&unmasked, &label, &raw);
        let ev = masked.evidence(&raw);
        let j = Judgement::from_assessment(&masked, &ev, &masked.assess(&ev));
        brands += usize::from(j.brand.is_some());
        links += j.links.len();
        origins += usize::from(j.origin_provider.is_some());
    }
    // The comparison covers every part of a judgement, not just empty ones.
    assert!(
        brands >= 10 && links >= 50 && origins >= 20,
        "{brands} {links} {origins}"
    );
}

#[test]
fn masked_links_stay_masked() {
    // Seed 2 carries the recipient's address in its link; grouping keys must not.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    emls(&root.join("examples"), &mut files);
    let analyzer = Analyzer::new(Options::default()).unwrap();
    let mut seen = 0;
    for f in files {
        let raw = std::fs::read(&f).unwrap();
        let ev = analyzer.evidence(&raw);
        let j = Judgement::from_assessment(&analyzer, &ev, &analyzer.assess(&ev));
        for r in &ev.recipients {
            for l in &j.links {
                assert!(!l.url.contains(r.as_str()), "{}: {}", f.display(), l.url);
            }
            seen += usize::from(ev.links.iter().any(|l| l.url.contains(r.as_str())));
        }
    }
    assert!(
        seen >= 1,
        "no example carries a recipient address in a link"
    );
}
