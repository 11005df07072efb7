//! LINK-007 ip-address-url: a link goes to a bare IP address instead of a name.
//!
//! Companies link to their domain names; a numeric host (also in decimal or hex disguise, which
//! the URL parser normalises) is a server nobody had to register.
//!
//! Addresses that cannot be reached from the internet are spared: `192.168.10.18:3260`,
//! `http://10.10.0.100` or `127.0.0.1` in a technical mail are the reader's own devices and
//! networks (RFC 1918, RFC 4193, loopback, link-local), not somewhere a phisher can host a page.

use super::util::link_quote;
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct IpAddressUrl;

static META: SignalMeta = SignalMeta {
    id: "LINK-007",
    slug: "ip-address-url",
    group: Group::Link,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "A link goes to the bare IP address {ip}",
        ja: "リンク先がドメイン名ではなく IP アドレス {ip} です",
    },
    explain: Text {
        en: "Legitimate services link to their own domain names, never to a raw address like {ip}{where}.",
        ja: "正規のサービスは自社のドメイン名にリンクし、{ip}{where_ja} のような IP アドレスを直接使うことはありません。",
    },
};

/// Whether a page at `ip` could be served to anyone on the internet.
fn internet_routable(ip: std::net::IpAddr) -> bool {
    match ip {
        std::net::IpAddr::V4(v4) => {
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast())
        }
        std::net::IpAddr::V6(v6) => {
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_unique_local()
                || v6.is_unicast_link_local())
        }
    }
}

impl Signal for IpAddressUrl {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        for (i, l) in cx.evidence.links.iter().enumerate() {
            let Some(ip) = l.ip else { continue };
            if !internet_routable(ip) {
                continue;
            }
            let info = cx.enrichment.links.get(i).and_then(|x| x.ip.as_ref());
            let place = info
                .map(|x| {
                    let org = x
                        .provider
                        .clone()
                        .or_else(|| x.as_org.clone())
                        .unwrap_or_default();
                    let c = x.country.clone().unwrap_or_default();
                    if org.is_empty() {
                        String::new()
                    } else {
                        format!(" ({org}, {c})")
                    }
                })
                .unwrap_or_default();
            hits.push(
                Hit::new(&META)
                    .var("ip", ip.to_string())
                    .var("where", place.clone())
                    .var("where_ja", place)
                    .cite(Cite::link(i, link_quote(l))),
            );
            return;
        }
    }
}
