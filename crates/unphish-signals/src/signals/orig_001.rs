//! ORIG-001 sender-domain-not-origin: the server that really delivered the mail is not part of the
//! From domain, and nothing the receiving side checked ties it to that domain.
//!
//! This is the seed posts' central argument: "if it were really keydog.co.jp, keydog.co.jp would
//! appear in the oldest Received line". Mail relayed by an ESP on a brand's behalf passes DKIM or
//! DMARC aligned with the From domain, which spares it.

use super::util::{from_cite, origin_cite, provider_label};
use crate::{Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct SenderDomainNotOrigin;

static META: SignalMeta = SignalMeta {
    id: "ORIG-001",
    slug: "sender-domain-not-origin",
    group: Group::Origin,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "The sending server has nothing to do with {from_domain}",
        ja: "送信元サーバーは {from_domain} と無関係です",
    },
    explain: Text {
        en: "The From line claims {from_domain}, but the server that actually handed the mail over was {origin} ({provider}), and no authentication result ties it to {from_domain}.",
        ja: "差出人は {from_domain} を名乗っていますが、実際にメールを送り込んだのは {origin}({provider})で、{from_domain} との関係を示す認証結果もありません。",
    },
};

impl Signal for SenderDomainNotOrigin {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let (Some(origin), Some(from_domain)) = (&cx.evidence.origin, &cx.claims.from_domain)
        else {
            return;
        };
        if origin.ip.is_none() || cx.claims.origin_in_sender_domain || cx.claims.auth.aligned_pass {
            return;
        }
        let shown = origin
            .rdns
            .clone()
            .or_else(|| origin.ip.map(|i| i.to_string()))
            .unwrap_or_default();
        let origin_label = match (origin.ip, &origin.rdns) {
            (Some(ip), Some(r)) => format!("{ip} / {r}"),
            (Some(ip), None) => ip.to_string(),
            _ => shown,
        };
        let mut hit = Hit::new(&META)
            .var("from_domain", from_domain.clone())
            .var("origin", origin_label)
            .var("provider", provider_label(cx));
        if let Some(c) = origin_cite(cx) {
            hit = hit.cite(c);
        }
        if let Some(c) = from_cite(cx) {
            hit = hit.cite(c);
        }
        hits.push(hit);
    }
}
