//! STRUCT-003 image-only-body: the HTML body is pictures and links with almost no text.
//!
//! A message that is one big image cannot be read by a filter; it is how phishers carry a brand's
//! look without any words to match.

use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct ImageOnlyBody;

static META: SignalMeta = SignalMeta {
    id: "STRUCT-003",
    slug: "image-only-body",
    group: Group::Structure,
    confidence: Confidence::Low,
    needs_network: false,
    title: Text {
        en: "The message is an image with a link and almost no text",
        ja: "本文はほぼ画像とリンクだけで、文章がありません",
    },
    explain: Text {
        en: "The body shows {images} image(s) and only {chars} characters of text, so nothing in it can be checked by reading.",
        ja: "本文は画像 {images} 枚と {chars} 文字の文章だけで、読んで確かめられる内容がありません。",
    },
};

impl Signal for ImageOnlyBody {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let h = &cx.evidence.html;
        let text_chars: usize = cx
            .evidence
            .bodies
            .iter()
            .map(|b| b.text.trim().chars().count())
            .max()
            .unwrap_or(0);
        if h.images == 0 || text_chars > 40 || cx.evidence.links.is_empty() {
            return;
        }
        let part = cx
            .evidence
            .bodies
            .iter()
            .find(|b| b.content_type == "text/html")
            .map(|b| b.part)
            .unwrap_or(0);
        hits.push(
            Hit::new(&META)
                .var("images", h.images.to_string())
                .var("chars", text_chars.to_string())
                .cite(Cite::part(
                    part,
                    format!("{} images, {} characters of text", h.images, text_chars),
                )),
        );
    }
}
