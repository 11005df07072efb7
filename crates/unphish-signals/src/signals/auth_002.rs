//! AUTH-002 spf-fail: the sending address is not allowed to send for the envelope domain.
//!
//! SPF `fail`/`softfail` (RFC 7208 §2.6) means the domain's own policy lists other servers.

use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct SpfFail;

static META: SignalMeta = SignalMeta {
    id: "AUTH-002",
    slug: "spf-fail",
    group: Group::Auth,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "SPF check: {result}",
        ja: "SPF 認証の結果: {result}",
    },
    explain: Text {
        en: "The domain {domain} publishes which servers may send its mail, and the server that sent this one is not among them.",
        ja: "{domain} はメール送信を許可するサーバーを公開していますが、このメールを送ったサーバーはそこに含まれていません。",
    },
};

impl Signal for SpfFail {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(i) = cx.claims.auth.spf else { return };
        let Some(r) = cx.evidence.identity.auth.get(i) else {
            return;
        };
        if r.result != "fail" && r.result != "softfail" {
            return;
        }
        let domain = r
            .props
            .iter()
            .find(|(k, _)| k == "smtp.mailfrom" || k == "envelope-from")
            .map(|(_, v)| v.rsplit('@').next().unwrap_or(v).to_string())
            .or_else(|| cx.claims.from_domain.clone())
            .unwrap_or_default();
        hits.push(
            Hit::new(&META)
                .var("result", r.result.clone())
                .var("domain", domain)
                .cite(Cite::header(&r.source, 0, r.raw.clone())),
        );
    }
}
