//! Enrichment: what the shipped offline data says about the addresses and hosts in the evidence.
//!
//! Offline only. Online look-ups (DNS, RDAP, a link probe) will plug in behind a trait and be
//! reported as skipped when not asked for.

use serde::Serialize;
use unphish_evidence::Evidence;
use unphish_intel::brands::BrandDb;
use unphish_intel::hosts::{self, HostClass};
use unphish_intel::ip::{CityDb, IpInfo, IpIntel};

/// What is known about one link's host.
#[derive(Debug, Clone, Serialize)]
pub struct LinkIntel {
    pub host_class: HostClass,
    /// For IP-literal hosts: network data of that address.
    pub ip: Option<IpInfo>,
    /// The brand that legitimately owns the host, if any.
    pub owner: Option<String>,
    /// A CMS path segment in the URL (`/wp-includes/`), when present.
    pub cms_path: Option<&'static str>,
}

/// Enrichment of one message's evidence, index-aligned with it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Enrichment {
    pub origin: Option<IpInfo>,
    /// Per hop (same index as `Evidence::hops`): network data of the client address.
    pub hops: Vec<Option<IpInfo>>,
    /// Per link (same index as `Evidence::links`).
    pub links: Vec<LinkIntel>,
    /// Checks that need the network and were not run because the analysis is offline.
    pub skipped_online: Vec<&'static str>,
    /// Which data sets were used.
    pub data: Vec<String>,
}

/// Enriches evidence from the data compiled into the binary (and an optional city database).
pub fn enrich_offline(
    ev: &Evidence,
    ip: &IpIntel,
    city: Option<&CityDb>,
    brands: &BrandDb,
) -> Enrichment {
    let lookup = |addr| {
        let mut info = ip.lookup(addr);
        if let Some(c) = city {
            c.fill(addr, &mut info);
        }
        info
    };
    let hops = ev.hops.iter().map(|h| h.ip.map(lookup)).collect();
    let origin = ev.origin.as_ref().and_then(|o| o.ip).map(lookup);
    let links = ev
        .links
        .iter()
        .map(|l| {
            let host_class = match &l.host {
                Some(h) => hosts::classify_host(h, l.registrable_domain.as_deref()),
                None => HostClass::Ordinary,
            };
            LinkIntel {
                host_class,
                ip: l.ip.map(lookup),
                owner: l
                    .host
                    .as_deref()
                    .and_then(|h| brands.owner_of(h))
                    .map(|b| brands.get(b).id.clone()),
                cms_path: l.path.as_deref().and_then(hosts::is_cms_path),
            }
        })
        .collect();
    let mut data = vec![ip.data_version().to_string()];
    if city.is_some() {
        data.push("city database (user supplied)".to_string());
    }
    Enrichment {
        origin,
        hops,
        links,
        skipped_online: vec![
            "dns",
            "spf-dkim-dmarc-verification",
            "rdap",
            "link-probe",
            "blocklists",
        ],
        data,
    }
}
