//! AUTH-001 dmarc-fail: the receiving server checked the From domain's DMARC policy and the mail
//! failed it.
//!
//! DMARC fail means neither SPF nor DKIM vouch for the From domain: the textbook sign of a spoofed
//! From. Forwarded mailing-list mail can fail too, which is why this is not decisive alone.

use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct DmarcFail;

static META: SignalMeta = SignalMeta {
    id: "AUTH-001",
    slug: "dmarc-fail",
    group: Group::Auth,
    confidence: Confidence::High,
    needs_network: false,
    title: Text {
        en: "DMARC check failed for {from_domain}",
        ja: "{from_domain} の DMARC 認証に失敗しています",
    },
    explain: Text {
        en: "The receiving server ({authserv}) checked whether {from_domain} really sent this mail and the answer was \"{result}\". The From address is very likely forged.",
        ja: "受信サーバー({authserv})が {from_domain} からの正規のメールかを確認した結果は「{result}」でした。差出人アドレスは偽装されている可能性が高いです。",
    },
};

impl Signal for DmarcFail {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(i) = cx.claims.auth.dmarc else {
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
                    "from_domain",
                    cx.claims.from_domain.clone().unwrap_or_default(),
                )
                .var(
                    "authserv",
                    r.authserv_id.clone().unwrap_or_else(|| "?".into()),
                )
                .var("result", r.result.clone())
                .cite(Cite::header(&r.source, 0, r.raw.clone())),
        );
    }
}
