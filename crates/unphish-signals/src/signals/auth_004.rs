//! AUTH-004 sender-authenticated: the receiving side verified the From domain (DMARC pass, or DKIM
//! or SPF pass aligned with it). A counter-signal with negative weight.
//!
//! Phishers can authenticate their own look-alike domains, so this only vouches for the From
//! domain, never for the brand named in the display name; brand signals keep their weight.

use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct SenderAuthenticated;

static META: SignalMeta = SignalMeta {
    id: "AUTH-004",
    slug: "sender-authenticated",
    group: Group::Auth,
    confidence: Confidence::High,
    needs_network: false,
    title: Text {
        en: "The sender domain {from_domain} is authenticated",
        ja: "差出人ドメイン {from_domain} は認証に成功しています",
    },
    explain: Text {
        en: "The receiving server confirmed that {from_domain} sent this mail. This vouches for the domain only, not for who owns it.",
        ja: "受信サーバーは、このメールが {from_domain} から送られたことを確認しました。ただし保証されるのはドメインだけで、その持ち主が誰かは別問題です。",
    },
};

impl Signal for SenderAuthenticated {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        if !cx.claims.auth.aligned_pass {
            return;
        }
        let a = &cx.claims.auth;
        let idx = a
            .dmarc
            .into_iter()
            .chain(a.dkim.iter().copied())
            .chain(a.spf);
        let mut hit = Hit::new(&META).var(
            "from_domain",
            cx.claims.from_domain.clone().unwrap_or_default(),
        );
        for i in idx {
            if let Some(r) = cx.evidence.identity.auth.get(i)
                && r.result == "pass"
            {
                hit = hit.cite(Cite::header(&r.source, 0, r.raw.clone()));
                break;
            }
        }
        hits.push(hit);
    }
}
