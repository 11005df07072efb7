//! IDENT-004 fraud-story-from-anyones-mailbox: a fraud script (LURE-005's wording) sent from a
//! mailbox anyone can open in a minute: free mail (`gmail.com`), a free-hosting project's default
//! sender (`x.firebaseapp.com`), a cloud tenant's default domain (`x.onmicrosoft.com`).
//!
//! The classic 419 letter, crypto giveaway and casino "bonus" come from such mailboxes because they
//! cost nothing to burn. A bank, lottery or exchange that really owed the reader money would write
//! from its own domain. Each half is weak alone (people write from Gmail; newsletters talk about
//! bonuses); together they are what an analyst calls a scam at a glance.

use super::util::from_cite;
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};
use unphish_intel::hosts::is_freemail;

pub struct FraudStoryFromAnyonesMailbox;

static META: SignalMeta = SignalMeta {
    id: "IDENT-004",
    slug: "fraud-story-from-anyones-mailbox",
    group: Group::Identity,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "A money story from a throwaway mailbox ({from_domain})",
        ja: "使い捨てできるアドレス({from_domain})からのお金の話",
    },
    explain: Text {
        en: "The mail tells a fraud story ({phrases}) and comes from {from_domain}, {kind}. Anyone can open such a mailbox for free in a minute; a bank, lottery or exchange that really owed you money would write from its own domain.",
        ja: "このメールは詐欺の筋書き({phrases})を語り、{kind_ja}である {from_domain} から送られています。このようなアドレスは誰でも無料ですぐに作れます。本当にお金を支払う銀行・抽選・取引所であれば、自社のドメインから連絡します。",
    },
};

/// What kind of mailbox anyone can get the From domain is, in both languages.
fn anyones_mailbox(cx: &Context<'_>, domain: &str) -> Option<(&'static str, &'static str)> {
    if is_freemail(domain) {
        return Some(("a free mail service", "フリーメール"));
    }
    // Free hosting, dynamic DNS, a brand's customer space (`tenant.onmicrosoft.com`).
    super::ident_005::is_free_hosting_sender(cx, domain)
        .then_some(("a free hosting name", "無料ホスティングの名前"))
}

impl Signal for FraudStoryFromAnyonesMailbox {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(domain) = cx.claims.from_domain.as_deref() else {
            return;
        };
        let Some((kind, kind_ja)) = anyones_mailbox(cx, domain) else {
            return;
        };
        // The same rule as LURE-005 decides whether there is a fraud story.
        let mut story = Vec::new();
        super::lure_005::check_story(cx, &mut story);
        let Some(s) = story.pop() else {
            return;
        };
        let phrases = s
            .vars
            .iter()
            .find(|(k, _)| *k == "phrases")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let Some(from) = from_cite(cx) else {
            return;
        };
        let mut hit = Hit::new(&META)
            .var("from_domain", domain)
            .var("kind", kind)
            .var("kind_ja", kind_ja)
            .var("phrases", phrases)
            .cite(from);
        if let Some(c) = s.evidence.into_iter().next() {
            hit = hit.cite(Cite {
                location: c.location,
                quote: c.quote,
            });
        }
        hits.push(hit);
    }
}
