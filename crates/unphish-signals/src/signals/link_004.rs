//! LINK-004 cms-path-on-unrelated-site: a link into a WordPress/CMS system folder (`wp-includes`,
//! `wp-content`, `wp-admin`) of a site unrelated to the sender.
//!
//! Phishing kits are uploaded into hacked CMS sites; a company's own mail links to its pages, not
//! to a stranger's plug-in folders.

use super::util::{host_belongs_to_sender, is_clickable, link_quote};
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct CmsPathOnUnrelatedSite;

static META: SignalMeta = SignalMeta {
    id: "LINK-004",
    slug: "cms-path-on-unrelated-site",
    group: Group::Link,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "The link points into {cms} on {host}",
        ja: "リンク先は {host} の {cms} フォルダーです",
    },
    explain: Text {
        en: "{cms} is an internal folder of a WordPress-style site. A link there on {host}, a site unrelated to the sender, is typical of a hacked website hosting a phishing page.",
        ja: "{cms} は WordPress などのサイトの内部フォルダーです。差出人と無関係な {host} のこの場所へのリンクは、乗っ取られたサイトに設置された詐欺ページの典型です。",
    },
};

impl Signal for CmsPathOnUnrelatedSite {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        for (i, l) in cx.evidence.links.iter().enumerate() {
            let Some(cms) = cx.enrichment.links.get(i).and_then(|x| x.cms_path) else {
                continue;
            };
            if !is_clickable(l) && l.kind != unphish_evidence::LinkKind::Text
                || host_belongs_to_sender(cx, i)
            {
                continue;
            }
            let host = l.host.clone().unwrap_or_default();
            hits.push(
                Hit::new(&META)
                    .var("cms", cms)
                    .var("host", host)
                    .cite(Cite::link(i, link_quote(l))),
            );
            return;
        }
    }
}
