//! LINK-007 ip-address-url: a link goes to a bare IP address instead of a name.
//!
//! Companies link to their domain names; a numeric host (also in decimal or hex disguise, which
//! the URL parser normalises) is a server nobody had to register.

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

impl Signal for IpAddressUrl {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        for (i, l) in cx.evidence.links.iter().enumerate() {
            let Some(ip) = l.ip else { continue };
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
