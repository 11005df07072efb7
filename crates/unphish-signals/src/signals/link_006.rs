//! LINK-006 hidden-behind-host-service: a link goes through a URL shortener, free web hosting or a
//! dynamic-DNS name.
//!
//! Shorteners hide the destination; free hosting and dynamic DNS give a phisher a throw-away site
//! in minutes. Official shorteners such as r10.to are in the lists; they are spared only in the
//! owning brand's own authenticated mail.

use super::util::{host_of_verified_sender_brand, is_clickable, link_quote};
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};
use unphish_intel::hosts::HostClass;

pub struct HiddenBehindHostService;

static META: SignalMeta = SignalMeta {
    id: "LINK-006",
    slug: "hidden-behind-host-service",
    group: Group::Link,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "A link uses {service_en} ({host})",
        ja: "リンクに{service_ja}({host})が使われています",
    },
    explain: Text {
        en: "{host} is {service_en}: anyone can create an address there for free in minutes, and the real destination is hidden or disposable.",
        ja: "{host} は{service_ja}で、誰でも無料ですぐにアドレスを作れます。本当の行き先が隠されているか、使い捨てのサイトです。",
    },
};

impl Signal for HiddenBehindHostService {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        for (i, l) in cx.evidence.links.iter().enumerate() {
            if !is_clickable(l) && l.kind != unphish_evidence::LinkKind::Text {
                continue;
            }
            let Some(intel) = cx.enrichment.links.get(i) else {
                continue;
            };
            // The host lists name brand shorteners too (r10.to, amzn.to); in the brand's own
            // authenticated mail they lead to the brand. A wrapper that takes any URL (forms.gle,
            // t.co) still fires from anyone else, a free-mail sender included.
            if host_of_verified_sender_brand(cx, i) {
                continue;
            }
            let (en, ja) = match intel.host_class {
                HostClass::Shortener => ("a URL shortener", "短縮URLサービス"),
                // A free-hosting address written out in the text (a project's GitHub Pages in a
                // list post) shows the reader exactly where it goes; behind a link it is a mask.
                HostClass::FreeHosting if l.kind == unphish_evidence::LinkKind::Text => continue,
                HostClass::FreeHosting => ("a free hosting service", "無料ホスティングサービス"),
                HostClass::DynamicDns => ("a dynamic-DNS name", "ダイナミックDNS"),
                HostClass::IpfsGateway => ("an IPFS gateway", "IPFSゲートウェイ"),
                _ => continue,
            };
            hits.push(
                Hit::new(&META)
                    .var("service_en", en)
                    .var("service_ja", ja)
                    .var("host", l.host.clone().unwrap_or_default())
                    .cite(Cite::link(i, link_quote(l))),
            );
            return;
        }
    }
}
