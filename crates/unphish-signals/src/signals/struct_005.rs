//! STRUCT-005 form-in-body: the mail itself contains a form that sends what you type to a server.
//!
//! Real services never ask for input inside an e-mail; a form in the body posts the victim's data
//! directly to the attacker.
//!
//! Newsletters do carry search boxes and subscription forms that post back to the sender's own
//! site; those are spared unless the mail asks for a password, which no honest form in a mail does.

use super::util::{host_belongs_to_sender, link_quote};
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
        if let Some((i, l)) = cx.evidence.links.iter().enumerate().find(|(i, l)| {
            l.kind == LinkKind::Form
                && (cx.evidence.html.password_inputs > 0 || !host_belongs_to_sender(cx, *i))
        }) {
            hits.push(
                Hit::new(&META)
                    .var("host", l.host.clone().unwrap_or_else(|| "?".into()))
                    .cite(Cite::link(i, link_quote(l))),
            );
        }
    }
}
