//! AUTH-003 composite-auth-fail: Microsoft's composite authentication (`compauth=fail`) rejected the
//! sender identity.
//!
//! compauth combines SPF, DKIM, DMARC and Microsoft's own sender reputation for the From domain; a
//! `fail` is its judgement that the From is not authentic. Weighed low: it is partly a verdict.

use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct CompauthFail;

static META: SignalMeta = SignalMeta {
    id: "AUTH-003",
    slug: "composite-auth-fail",
    group: Group::Auth,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "The receiving server could not authenticate the sender",
        ja: "受信サーバーは差出人を認証できませんでした",
    },
    explain: Text {
        en: "Composite authentication at {authserv} returned \"{result}\" for this sender.",
        ja: "{authserv} の複合認証(compauth)はこの差出人について「{result}」と判定しました。",
    },
};

impl Signal for CompauthFail {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(i) = cx.claims.auth.compauth else {
            return;
        };
        let Some(r) = cx.evidence.identity.auth.get(i) else {
            return;
        };
        if r.result != "fail" {
            return;
        }
        hits.push(
            Hit::new(&META)
                .var(
                    "authserv",
                    r.authserv_id.clone().unwrap_or_else(|| "?".into()),
                )
                .var("result", r.result.clone())
                .cite(Cite::header(&r.source, 0, r.raw.clone())),
        );
    }
}
