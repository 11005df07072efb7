//! LURE-001 subject-spam-tag: a server on the way already tagged the subject as spam (`[spam]`,
//! `***SPAM***`, `[迷惑メール]`).
//!
//! Seed 1's subject starts with `[spam]`: a relay judged it before it arrived. We show that tag as
//! evidence but weigh it low, so detection stands on its own signals.

use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct SubjectSpamTag;

static META: SignalMeta = SignalMeta {
    id: "LURE-001",
    slug: "subject-spam-tag",
    group: Group::Lure,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "The subject is tagged {tag}",
        ja: "件名に {tag} の印が付いています",
    },
    explain: Text {
        en: "A mail server on the way marked this message as spam by adding {tag} to its subject.",
        ja: "途中のメールサーバーがこのメールを迷惑メールと判断し、件名に {tag} を付けています。",
    },
};

impl Signal for SubjectSpamTag {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(tag) = cx.claims.subject_tags.first() else {
            return;
        };
        let quote = cx.evidence.subject_raw.clone().unwrap_or_default();
        hits.push(
            Hit::new(&META)
                .var("tag", tag.phrase.clone())
                .cite(Cite::header("Subject", 0, quote)),
        );
    }
}
