//! LINK-005 recipient-address-in-url: the link carries the recipient's own address (`?uid=you@...`).
//!
//! Phishing pages pre-fill the victim's address on a fake login form, which makes them convincing
//! and tells the sender who clicked. Unsubscribe links, which legitimately carry the address, are
//! spared.

use super::util::{host_of_verified_sender_brand, link_quote};
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct RecipientAddressInUrl;

static META: SignalMeta = SignalMeta {
    id: "LINK-005",
    slug: "recipient-address-in-url",
    group: Group::Link,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "The link carries your own mail address",
        ja: "リンクにあなた自身のメールアドレスが埋め込まれています",
    },
    explain: Text {
        en: "Your address is written into the link to {host}, so the fake page can greet you with it and the sender learns that you clicked.",
        ja: "{host} へのリンクにあなたのアドレスが埋め込まれています。偽ページにアドレスを表示して本物らしく見せ、誰がクリックしたかを送り主に知らせるためです。",
    },
};

fn percent_decode_lower(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).to_lowercase()
}

impl Signal for RecipientAddressInUrl {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        if cx.evidence.recipients.is_empty() {
            return;
        }
        for (i, l) in cx.evidence.links.iter().enumerate().take(500) {
            // A verified brand personalising links to its own site (Google's sign-in alert links
            // accounts.google.com/AccountChooser?Email=you) is not a pre-filled fake login.
            if host_of_verified_sender_brand(cx, i) {
                continue;
            }
            let lower = percent_decode_lower(&l.url);
            if lower.contains("unsubscribe")
                || lower.contains("optout")
                || lower.contains("opt-out")
                || lower.contains("haishin")
            {
                continue;
            }
            let text = l.text.as_deref().unwrap_or("").to_lowercase();
            if text.contains("unsubscribe")
                || text.contains("配信停止")
                || text.contains("配信解除")
            {
                continue;
            }
            let after_host = match lower.find("://") {
                Some(p) => &lower[p + 3..],
                None => &lower[..],
            };
            let path_part = after_host
                .find(['/', '?', '#'])
                .map(|p| &after_host[p..])
                .unwrap_or("");
            if cx
                .evidence
                .recipients
                .iter()
                .any(|r| !r.is_empty() && path_part.contains(r.as_str()))
            {
                hits.push(
                    Hit::new(&META)
                        .var("host", l.host.clone().unwrap_or_default())
                        .cite(Cite::link(i, link_quote(l))),
                );
                return;
            }
        }
    }
}
