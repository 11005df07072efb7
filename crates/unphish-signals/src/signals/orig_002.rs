//! ORIG-002 origin-rented-server: the mail left from a rented cloud or VPS server.
//!
//! Companies send from their own mail servers or a mail service; a bare VPS at Contabo or an EC2
//! instance is what phishing kits run on (both seed mails). Mail services that happen to be hosted
//! in a cloud are spared when authentication aligns with the From domain.

use super::util::{from_cite, origin_cite};
use crate::{Confidence, Context, Group, Hit, Signal, SignalMeta, Text};
use unphish_intel::ip::NetClass;

pub struct OriginRentedServer;

static META: SignalMeta = SignalMeta {
    id: "ORIG-002",
    slug: "origin-rented-server",
    group: Group::Origin,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "Sent from a rented server at {provider}",
        ja: "{provider} のレンタルサーバーから送信されています",
    },
    explain: Text {
        en: "The origin {ip} belongs to {as_org} (AS{asn}, {country}), a cloud/VPS provider where anyone can rent a server for a few euros. Genuine company mail comes from the company's own mail system.",
        ja: "送信元 {ip} は {as_org}(AS{asn}、{country})のもので、誰でも安価に借りられるクラウド/VPS です。本物の企業メールは企業自身のメールシステムから送られます。",
    },
};

impl Signal for OriginRentedServer {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let (Some(origin), Some(info)) = (&cx.evidence.origin, &cx.enrichment.origin) else {
            return;
        };
        let Some(ip) = origin.ip else { return };
        if info.class != NetClass::Cloud
            || cx.claims.auth.aligned_pass
            || cx.claims.origin_in_sender_domain
        {
            return;
        }
        let provider = info
            .provider
            .clone()
            .or_else(|| info.as_org.clone())
            .unwrap_or_else(|| "?".into());
        let mut hit = Hit::new(&META)
            .var("provider", provider)
            .var("ip", ip.to_string())
            .var("as_org", info.as_org.clone().unwrap_or_else(|| "?".into()))
            .var(
                "asn",
                info.asn
                    .map(|a| a.to_string())
                    .unwrap_or_else(|| "?".into()),
            )
            .var(
                "country",
                info.country.clone().unwrap_or_else(|| "?".into()),
            );
        if let Some(c) = origin_cite(cx) {
            hit = hit.cite(c);
        }
        if let Some(c) = from_cite(cx) {
            hit = hit.cite(c);
        }
        hits.push(hit);
    }
}
