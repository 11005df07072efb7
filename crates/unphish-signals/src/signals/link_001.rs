//! LINK-001 link-text-shows-other-domain: the visible text of a link is a URL or domain, and the
//! link really goes to a different registrable domain.
//!
//! The reader checks the text ("`https://www.amazon.co.jp/`"), the browser follows the href.
//! Tracking redirects of the same organisation share the registrable domain and are spared.
//!
//! Security gateways rewrite every link of the mail they pass (Proofpoint `urldefense.com`,
//! Microsoft Safe Links, Mimecast): the target becomes the gateway, the text stays the real site.
//! When the link goes to such mail infrastructure and carries the shown host inside it, the
//! reader still ends up where the text says, so it is spared. A host the sender chose (an open
//! redirect on an ordinary site) is not given that benefit: there the embedded URL is the decoy.

use super::util::{is_clickable, link_quote};
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};
use unphish_intel::hosts::HostClass;

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

/// Whether `url` carries `host` after its own host (a rewritten link: `…/__https://host/…`,
/// `?url=https%3A%2F%2Fhost%2F…`, `?u=https-3A__host_…`). Bounded: only the first 4 KiB are
/// decoded.
fn wraps(url: &str, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    if host.is_empty() {
        return false;
    }
    let mut end = url.len().min(4096);
    while !url.is_char_boundary(end) {
        end -= 1;
    }
    let lower = url[..end].to_ascii_lowercase();
    let rest = lower.split_once("://").map(|(_, r)| r).unwrap_or(&lower);
    let Some(after_host) = rest.find(['/', '?', '#']).map(|p| &rest[p..]) else {
        return false;
    };
    // Percent-encoding, and Proofpoint URL Defense v2's own (`u=https-3A__host_path`: `-3A` for
    // `:`, `_` for `/`).
    let decoded = after_host
        .replace("%3a", ":")
        .replace("%2f", "/")
        .replace("%2e", ".")
        .replace("-3a__", "://");
    decoded.contains(&format!("//{host}")) || decoded.contains(&format!("/{host}/"))
}

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
            let carrier = cx
                .enrichment
                .links
                .get(i)
                .is_some_and(|x| x.host_class == HostClass::MailInfrastructure);
            let shown_host = l.text_host.as_deref().unwrap_or(shown);
            if carrier && wraps(&l.url, shown_host) {
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

#[cfg(test)]
mod tests {
    use super::wraps;

    #[test]
    fn gateway_rewrites_carry_the_shown_host() {
        assert!(wraps(
            "https://urldefense.proofpoint.com/v2/url?u=https-3A__files.ettus.com_manual_page.html&d=x",
            "files.ettus.com"
        ));
        assert!(wraps(
            "https://gw.example/?url=https%3A%2F%2Fwww.example.org%2Fa",
            "www.example.org"
        ));
        assert!(!wraps(
            "https://urldefense.proofpoint.com/v2/url?u=https-3A__evil.example_login&d=x",
            "files.ettus.com"
        ));
    }
}
