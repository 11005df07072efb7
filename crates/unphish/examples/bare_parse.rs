//! Baseline for the benchmark: a bare mail-parser parse of every file in a folder, from memory.
//!
//! `cargo run --release -p unphish --example bare_parse -- DIR [PASSES]` prints messages per
//! second on one thread, which `tools/bench.sh` sets beside unphish's whole analysis.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: bare_parse DIR [PASSES]");
    let passes: usize = args.next().and_then(|p| p.parse().ok()).unwrap_or(5);
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(&dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readable folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "eml") {
                files.push(std::fs::read(&p).expect("readable file"));
            }
        }
    }
    let bytes: usize = files.iter().map(Vec::len).sum();
    let mut best = f64::INFINITY;
    let mut parts = 0usize;
    for _ in 0..passes {
        let t = Instant::now();
        parts = 0;
        for f in &files {
            if let Some(m) = mail_parser::MessageParser::default().parse(f.as_slice()) {
                parts += m.parts.len();
            }
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "bare mail-parser parse: {} messages, {:.1} MB, best of {passes} passes {:.3} s = {:.0} messages/s ({parts} parts)",
        files.len(),
        bytes as f64 / 1e6,
        best,
        files.len() as f64 / best
    );
}
