//! ORIG-003 helo-not-a-hostname: the sending machine introduced itself with an IP literal,
//! `[127.0.0.1]` or `localhost` instead of its name.
//!
//! RFC 5321 §4.1.1.1 wants the client's fully qualified name; mail servers configured by a company
//! give one. Scripts and phishing kits on a fresh VPS greet with whatever the library defaults to.

use super::util::origin_cite;
use crate::{Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct HeloNotAHostname;

static META: SignalMeta = SignalMeta {
    id: "ORIG-003",
    slug: "helo-not-a-hostname",
    group: Group::Origin,
    confidence: Confidence::Low,
    needs_network: false,
    title: Text {
        en: "The sending machine greeted with \"{helo}\" instead of a host name",
        ja: "送信元は自分のホスト名ではなく「{helo}」と名乗っています",
    },
    explain: Text {
        en: "A properly run mail server introduces itself by name. \"{helo}\" is what a script on a bare server sends, which is typical of bulk phishing.",
        ja: "きちんと運用されたメールサーバーはホスト名で名乗ります。「{helo}」はサーバー上のスクリプトが送る典型的な名乗りで、大量送信されるフィッシングによく見られます。",
    },
};

/// Whether a HELO argument is an address literal or a loopback name rather than a host name.
pub fn is_not_a_hostname(helo: &str) -> bool {
    let h = helo.trim().trim_start_matches('[').trim_end_matches(']');
    let h = h.strip_prefix("IPv6:").unwrap_or(h);
    h.parse::<std::net::IpAddr>().is_ok()
        || h.eq_ignore_ascii_case("localhost")
        || h.eq_ignore_ascii_case("localhost.localdomain")
}

impl Signal for HeloNotAHostname {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(origin) = &cx.evidence.origin else {
            return;
        };
        // An authenticated submission from a user's PC is allowed to greet with anything.
        if origin.authenticated {
            return;
        }
        let Some(helo) = origin.helo.as_deref() else {
            return;
        };
        if !is_not_a_hostname(helo) {
            return;
        }
        if let Some(c) = origin_cite(cx) {
            hits.push(Hit::new(&META).var("helo", helo).cite(c));
        }
    }
}
