//! Throughput of the embedded IP lookup. Prints numbers, asserts nothing about speed (timing
//! on a shared CI machine is noise). Run:
//!
//! ```sh
//! cargo test -p unphish-intel --test ip_bench -- --ignored --nocapture
//! ```
//!
//! It is the only test in this binary, so the first `embedded()` call really is the first.

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Instant;
use unphish_intel::ip::{IpIntel, NetClass};

/// A fixed linear congruential sequence: the same addresses on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0
    }
}

#[test]
#[ignore = "benchmark; run with --ignored --nocapture"]
fn lookup_throughput() {
    let t = Instant::now();
    let intel = IpIntel::embedded();
    let first = t.elapsed();
    let t = Instant::now();
    let _ = IpIntel::embedded();
    let second = t.elapsed();

    let mut rng = Lcg(0x5eed);
    let v4: Vec<IpAddr> = (0..1_000_000)
        .map(|_| IpAddr::V4(Ipv4Addr::from((rng.next() >> 32) as u32)))
        .collect();
    // IPv6 addresses inside 2000::/3, where the data lives.
    let v6: Vec<IpAddr> = (0..200_000)
        .map(|_| {
            let hi = (rng.next() & 0x1fff_ffff_ffff_ffff) | 0x2000_0000_0000_0000;
            let v = (u128::from(hi) << 64) | u128::from(rng.next());
            IpAddr::V6(Ipv6Addr::from(v))
        })
        .collect();

    for (label, ips) in [("IPv4", &v4), ("IPv6", &v6)] {
        let t = Instant::now();
        let mut known = 0usize;
        for ip in ips {
            let info = black_box(intel.lookup(*ip));
            if info.asn.is_some() || info.class != NetClass::Unknown {
                known += 1;
            }
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{label}: {} lookups in {secs:.3} s = {:.0} lookups/s ({known} with an answer)",
            ips.len(),
            ips.len() as f64 / secs
        );
    }
    println!("first embedded(): {first:?}; second: {second:?}");
}
