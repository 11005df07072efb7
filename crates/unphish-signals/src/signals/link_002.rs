//! LINK-002 lure-link-to-unrelated-host: a link whose text urges an action (re-activate, verify,
//! log in, pay) leads to a host that belongs neither to the sender nor to any brand the mail names.
//!
//! Seed 1: "クリックしてアカウントを今すぐ再アクティブ化してください" → sapoom.adamclarkcinematographer.de.
//! A newsletter's "read more" to its own tracking domain is spared: the text is no lure.

use super::util::{host_belongs_to_sender, is_clickable, link_quote};
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};
use unphish_intel::lures::LureCategory;

pub struct LureLinkToUnrelatedHost;

static META: SignalMeta = SignalMeta {
    id: "LINK-002",
    slug: "lure-link-to-unrelated-host",
    group: Group::Link,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "\"{text}\" hides a link to {host}",
        ja: "「{text}」の裏に {host} へのリンクが隠れています",
    },
    explain: Text {
        en: "The link text asks you to act, but the link goes to {host}, which has nothing to do with the sender {from_domain}.",
        ja: "リンクの文字は操作を促していますが、行き先の {host} は差出人 {from_domain} とは無関係のサイトです。",
    },
};

impl Signal for LureLinkToUnrelatedHost {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        for (i, l) in cx.evidence.links.iter().enumerate().take(500) {
            if !is_clickable(l) || l.text_host.is_some() {
                continue;
            }
            let (Some(text), Some(host)) = (&l.text, &l.host) else {
                continue;
            };
            let lure = cx.lures.scan(text).into_iter().any(|h| {
                matches!(
                    h.category,
                    LureCategory::Account
                        | LureCategory::Credential
                        | LureCategory::Payment
                        | LureCategory::Threat
                        | LureCategory::Delivery
                        | LureCategory::Urgency
                )
            });
            if !lure || host_belongs_to_sender(cx, i) {
                continue;
            }
            hits.push(
                Hit::new(&META)
                    .var("text", crate::excerpt(text, 60))
                    .var("host", host.clone())
                    .var(
                        "from_domain",
                        cx.claims.from_domain.clone().unwrap_or_else(|| "?".into()),
                    )
                    .cite(Cite::link(i, link_quote(l))),
            );
            return;
        }
    }
}
