//! LINK-008 deceptive-unicode-host: a link host mixes scripts (Latin with Cyrillic or Greek) so it
//! reads like a familiar name.
//!
//! `xn--80ak6aa92e.com` displays as "аррӏе.com". Single-script IDNs (日本語.jp) are normal and spared.

use super::util::link_quote;
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct DeceptiveUnicodeHost;

static META: SignalMeta = SignalMeta {
    id: "LINK-008",
    slug: "deceptive-unicode-host",
    group: Group::Link,
    confidence: Confidence::High,
    needs_network: false,
    title: Text {
        en: "The link host {shown} mixes alphabets",
        ja: "リンク先 {shown} は複数の文字体系を混ぜています",
    },
    explain: Text {
        en: "{shown} (really {host}) combines letters from different alphabets that look alike, a trick to imitate a familiar name.",
        ja: "{shown}(実体は {host})は見た目が似た別の文字体系の文字を混ぜており、有名な名前に見せかける手口です。",
    },
};

impl Signal for DeceptiveUnicodeHost {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        for (i, l) in cx.evidence.links.iter().enumerate() {
            let (Some(uni), Some(host)) = (&l.host_unicode, &l.host) else {
                continue;
            };
            let deceptive = uni
                .split('.')
                .any(unphish_evidence::domain::is_mixed_script);
            if deceptive {
                hits.push(
                    Hit::new(&META)
                        .var("shown", uni.clone())
                        .var("host", host.clone())
                        .cite(Cite::link(i, link_quote(l))),
                );
                return;
            }
        }
    }
}
