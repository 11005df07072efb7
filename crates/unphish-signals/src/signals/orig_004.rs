//! ORIG-004 origin-without-reverse-dns: the origin address has no reverse-DNS name.
//!
//! Large receivers reject mail from addresses without a PTR record, so legitimate senders have one;
//! botnets and throw-away servers often do not.

use super::util::origin_cite;
use crate::{Confidence, Context, Group, Hit, Signal, SignalMeta, Text};
use unphish_evidence::IpScope;

pub struct OriginWithoutReverseDns;

static META: SignalMeta = SignalMeta {
    id: "ORIG-004",
    slug: "origin-without-reverse-dns",
    group: Group::Origin,
    confidence: Confidence::Low,
    needs_network: false,
    title: Text {
        en: "The sending address {ip} has no reverse-DNS name",
        ja: "送信元 {ip} には逆引きできるホスト名がありません",
    },
    explain: Text {
        en: "The receiving server could not find a host name for {ip}. Real mail servers almost always have one.",
        ja: "受信サーバーは {ip} のホスト名を逆引きできませんでした。正規のメールサーバーにはほぼ必ずホスト名があります。",
    },
};

impl Signal for OriginWithoutReverseDns {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(origin) = &cx.evidence.origin else {
            return;
        };
        let Some(ip) = origin.ip else { return };
        let hop = cx.evidence.hops.get(origin.hop_index);
        if origin.authenticated || hop.and_then(|h| h.ip_scope) != Some(IpScope::Public) {
            return;
        }
        let rdns_missing = match origin.rdns.as_deref() {
            None => true,
            Some(r) => {
                let r = r.trim().to_ascii_lowercase();
                r.is_empty() || r == "unknown" || r.parse::<std::net::IpAddr>().is_ok()
            }
        };
        // Some receivers (Exchange Online among them) never record a PTR name; absence there says nothing.
        // Postfix writes `(unknown [ip])` when the lookup failed: that is the recorder saying there
        // is no name, even when no hop in the chain carries one.
        let recorder_writes_rdns = cx.evidence.hops.iter().any(|h| h.rdns.is_some())
            || hop.is_some_and(|h| h.raw.contains("(unknown ["));
        if rdns_missing
            && recorder_writes_rdns
            && let Some(c) = origin_cite(cx)
        {
            hits.push(Hit::new(&META).var("ip", ip.to_string()).cite(c));
        }
    }
}
