//! LINK-001 link-text-shows-other-domain: the visible text of a link is a URL or domain, and the
//! link really goes to a different registrable domain.
//!
//! The reader checks the text ("https://www.amazon.co.jp/"), the browser follows the href.
//! Tracking redirects of the same organisation share the registrable domain and are spared.

use super::util::{is_clickable, link_quote};
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct LinkTextShowsOtherDomain;

static META: SignalMeta = SignalMeta {
    id: "LINK-001",
    slug: "link-text-shows-other-domain",
    group: Group::Link,
    confidence: Confidence::High,
    needs_network: false,
    title: Text {
        en: "A link shows {shown} but leads to {host}",
        ja: "リンクの表示は {shown} ですが、実際の行き先は {host} です",
    },
    explain: Text {
        en: "The text you see is {shown}, but clicking it opens {host}. The address on the screen is a disguise.",
        ja: "画面に見えているのは {shown} ですが、クリックすると {host} が開きます。表示されたアドレスは偽装です。",
    },
};

impl Signal for LinkTextShowsOtherDomain {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        for (i, l) in cx.evidence.links.iter().enumerate() {
            if !is_clickable(l) {
                continue;
            }
            let (Some(shown), Some(host)) = (&l.text_registrable_domain, &l.host) else {
                continue;
            };
            if l.registrable_domain.as_deref() == Some(shown.as_str()) {
                continue;
            }
            hits.push(
                Hit::new(&META)
                    .var(
                        "shown",
                        l.text_host.clone().unwrap_or_else(|| shown.clone()),
                    )
                    .var("host", host.clone())
                    .cite(Cite::link(i, link_quote(l))),
            );
            if hits.len() > 1000 {
                return;
            }
        }
    }
}
