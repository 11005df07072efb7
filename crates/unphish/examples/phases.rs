//! Where the time goes: per-stage totals of the analysis over a folder, one thread.
//! `cargo run --release -p unphish --example phases -- DIR`

use std::time::{Duration, Instant};
use unphish_intel::brands::BrandDb;
use unphish_intel::ip::IpIntel;
use unphish_intel::lures::LureDb;
use unphish_signals::{Context, Scoring, claims, enrich};

fn main() {
    let dir = std::env::args().nth(1).expect("usage: phases DIR");
    let mut files = Vec::new();
    for e in std::fs::read_dir(&dir).expect("folder").flatten() {
        if e.path().extension().is_some_and(|x| x == "eml") {
            files.push(std::fs::read(e.path()).expect("file"));
        }
    }
    let t0 = Instant::now();
    let (ip, brands, lures, scoring) = (
        IpIntel::embedded(),
        BrandDb::embedded(),
        LureDb::embedded(),
        Scoring::embedded(),
    );
    println!("data load: {:?}", t0.elapsed());
    let limits = unphish::ExtractLimits::default();
    let mut t = [Duration::ZERO; 6];
    let (mut t_parse, mut t_html, mut t_text) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for raw in &files {
        let a = Instant::now();
        let p = unphish_mime::parse(raw, &limits.mime);
        t_parse += a.elapsed();
        if let Some(m) = &p.message {
            let mut d = Vec::new();
            let b = Instant::now();
            let parts = unphish_mime::text_parts(m, &limits.mime, &mut d);
            t_text += b.elapsed();
            let c = Instant::now();
            for tp in parts.iter().filter(|tp| tp.html) {
                std::hint::black_box(unphish_evidence::html::scan_html(
                    &tp.text,
                    tp.part,
                    &limits.html,
                ));
            }
            t_html += c.elapsed();
        }
    }
    println!(
        "within extract: parse {:?}, text parts {:?}, html scan {:?}",
        t_parse, t_text, t_html
    );
    let mut per_signal = vec![Duration::ZERO; unphish_signals::signals::ALL.len()];
    for raw in &files {
        let a = Instant::now();
        let ev = unphish_evidence::extract::extract_raw(raw, &limits);
        let b = Instant::now();
        let en = enrich::enrich_offline(&ev, ip, None, brands);
        let c = Instant::now();
        let cl = claims::derive(&ev, &en, brands, lures);
        let cx = Context {
            evidence: &ev,
            enrichment: &en,
            claims: &cl,
            brands,
            lures,
        };
        for (i, sig) in unphish_signals::signals::ALL.iter().enumerate() {
            let s0 = Instant::now();
            let mut scratch = Vec::new();
            sig.check(&cx, &mut scratch);
            per_signal[i] += s0.elapsed();
        }
        let d = Instant::now();
        let hits = unphish_signals::run_all(&cx);
        let v = scoring.verdict(&hits);
        let e = Instant::now();
        let r = unphish_report::build(unphish_report::BuildInput {
            evidence: &ev,
            enrichment: &en,
            claims: &cl,
            hits: &hits,
            verdict: &v,
            scoring,
            brands,
            mask_recipients: true,
            nested: Vec::new(),
        });
        let f = Instant::now();
        let s = serde_json::to_vec(&r).unwrap_or_default();
        std::hint::black_box(s);
        let g = Instant::now();
        for (i, (x, y)) in [(a, b), (b, c), (c, d), (d, e), (e, f), (f, g)]
            .into_iter()
            .enumerate()
        {
            t[i] += y - x;
        }
    }
    let mut ranked: Vec<(usize, Duration)> = per_signal.into_iter().enumerate().collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
    for (i, d) in ranked.iter().take(6) {
        println!(
            "  signal {}: {:.1} ms",
            unphish_signals::signals::ALL[*i].meta().id,
            d.as_secs_f64() * 1e3
        );
    }
    let names = [
        "extract",
        "enrich",
        "claims",
        "signals+score",
        "report build",
        "json",
    ];
    let total: Duration = t.iter().sum();
    for (n, d) in names.iter().zip(t) {
        println!(
            "{n:>14}: {:>8.1} ms ({:.0}%)",
            d.as_secs_f64() * 1e3,
            100.0 * d.as_secs_f64() / total.as_secs_f64()
        );
    }
    println!(
        "{} messages, {:.0} messages/s",
        files.len(),
        files.len() as f64 / total.as_secs_f64()
    );
}
