//! IDENT-002 display-name-shows-other-address: the display name carries an address or domain that
//! is not the real sender address.
//!
//! `"support@paypal.com" <x@evil.example>`: many clients show only the display name, so the reader
//! sees the fake address.

use super::util::from_cite;
use crate::{Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct DisplayNameShowsOtherAddress;

static META: SignalMeta = SignalMeta {
    id: "IDENT-002",
    slug: "display-name-shows-other-address",
    group: Group::Identity,
    confidence: Confidence::High,
    needs_network: false,
    title: Text {
        en: "The sender name shows {shown}, but the mail is from {actual}",
        ja: "差出人名には {shown} と表示されていますが、実際の差出人は {actual} です",
    },
    explain: Text {
        en: "Mail apps often show only the sender's name. Here the name itself looks like an address ({shown}) that differs from the real one ({actual}).",
        ja: "メールアプリは差出人名だけを表示することが多く、ここでは名前そのものが本物とは異なるアドレス({shown})に見えるよう作られています。実際のアドレスは {actual} です。",
    },
};

impl Signal for DisplayNameShowsOtherAddress {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(from) = &cx.evidence.identity.from else {
            return;
        };
        let (Some(shown), Some(actual)) = (&from.display_name_address, &from.address) else {
            return;
        };
        let shown_dom = shown
            .rsplit('@')
            .next()
            .unwrap_or(shown)
            .to_ascii_lowercase();
        let actual_reg = from.registrable_domain.clone().unwrap_or_default();
        if shown.eq_ignore_ascii_case(actual)
            || (!actual_reg.is_empty()
                && (shown_dom == actual_reg || shown_dom.ends_with(&format!(".{actual_reg}"))))
        {
            return;
        }
        if let Some(c) = from_cite(cx) {
            hits.push(
                Hit::new(&META)
                    .var("shown", shown.clone())
                    .var("actual", actual.clone())
                    .cite(c),
            );
        }
    }
}
