//! STRUCT-005 form-in-body: the mail itself contains a form that sends what you type to a server.
//!
//! Real services never ask for input inside an e-mail; a form in the body posts the victim's data
//! directly to the attacker.
//!
//! Newsletters do carry search boxes, polls and subscription forms, posting to their own site or to
//! a survey or list vendor's; so the signal needs the one field no honest form in a mail has: a
//! password input. Measured on the verdict-stripped corpora before this rule: a form to another
//! host fired on 3.7 % of legitimate mail (2002 newsletters) and on none of the phishing mail.

use super::util::link_quote;
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};
use unphish_evidence::LinkKind;

pub struct FormInBody;

static META: SignalMeta = SignalMeta {
    id: "STRUCT-005",
    slug: "form-in-body",
    group: Group::Structure,
    confidence: Confidence::High,
    needs_network: false,
    title: Text {
        en: "The mail contains a form that sends to {host}",
        ja: "メール本文に {host} へ送信する入力フォームがあります",
    },
    explain: Text {
        en: "Whatever is typed into this form goes straight to {host}. Legitimate services never collect data inside an e-mail.",
        ja: "このフォームに入力した内容はそのまま {host} に送られます。正規のサービスがメール本文で情報を集めることはありません。",
    },
};

impl Signal for FormInBody {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        if cx.evidence.html.password_inputs == 0 {
            return;
        }
        if let Some((i, l)) = cx
            .evidence
            .links
            .iter()
            .enumerate()
            .find(|(_, l)| l.kind == LinkKind::Form)
        {
            hits.push(
                Hit::new(&META)
                    .var("host", l.host.clone().unwrap_or_else(|| "?".into()))
                    .cite(Cite::link(i, link_quote(l))),
            );
        }
    }
}
