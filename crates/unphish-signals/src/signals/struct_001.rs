//! STRUCT-001 html-attachment: an HTML file is attached (worse: it contains a form or a script).
//!
//! An attached .html opens a local page in the browser, out of reach of URL blocklists: a fake
//! login form in an attachment is a common credential trap.

use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct HtmlAttachment;

static META: SignalMeta = SignalMeta {
    id: "STRUCT-001",
    slug: "html-attachment",
    group: Group::Structure,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "An HTML file is attached: {name}",
        ja: "HTML ファイルが添付されています: {name}",
    },
    explain: Text {
        en: "Opening {name} shows a web page straight from your disk{what}, where no browser protection checks its address.",
        ja: "{name} を開くとパソコン上で直接ウェブページが表示されます{what_ja}。アドレスによる保護が働かない手口です。",
    },
};

impl Signal for HtmlAttachment {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        for (i, a) in cx.evidence.attachments.iter().enumerate() {
            let name = a.name.clone().unwrap_or_default();
            let lname = name.to_ascii_lowercase();
            let is_html = lname.ends_with(".html")
                || lname.ends_with(".htm")
                || lname.ends_with(".shtml")
                || lname.ends_with(".xhtml")
                || a.content_type
                    .as_deref()
                    .is_some_and(|c| c.eq_ignore_ascii_case("text/html") && !name.is_empty());
            if !is_html {
                continue;
            }
            let (what, what_ja) = match (a.html_form, a.html_script) {
                (true, _) => (" with a form that asks for input", "(入力フォーム付き)"),
                (false, true) => (" that runs a script", "(スクリプト付き)"),
                _ => ("", ""),
            };
            hits.push(
                Hit::new(&META)
                    .var(
                        "name",
                        if name.is_empty() {
                            "(no name)".to_string()
                        } else {
                            name.clone()
                        },
                    )
                    .var("what", what)
                    .var("what_ja", what_ja)
                    .cite(Cite::attachment(
                        i,
                        format!(
                            "{} ({}, {} bytes)",
                            name,
                            a.content_type.clone().unwrap_or_default(),
                            a.size
                        ),
                    )),
            );
            return;
        }
    }
}
