//! IDENT-003 machine-made-sender-address: the From address's mailbox name is a run of letters in
//! random case (`OyatvzjOY@`, `renew_iKbolGjWe4y@`), made up per message by a bulk-sending kit.
//!
//! People pick names (`paul.hilton`, `ThosStew`, `DoNotReply`), and services pick fixed role names
//! (`noreply`, `news`). A kit that rotates throwaway domains also rotates the mailbox so that no
//! two messages share a sender a filter could learn. Only the sender's own mailbox is read, never a
//! bounce address (Return-Path) where honest mailers put per-recipient tokens, and only the part
//! before a `+` tag. Local parts with many digits (`Online#3.19584.83-p1SYlJ1…`) are per-recipient
//! tracking addresses of old newsletter systems and are left alone.

use super::util::from_cite;
use crate::{Confidence, Context, Group, Hit, Signal, SignalMeta, Text};

pub struct MachineMadeSenderAddress;

static META: SignalMeta = SignalMeta {
    id: "IDENT-003",
    slug: "machine-made-sender-address",
    group: Group::Identity,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "The sender's mailbox name {local} is random letters",
        ja: "差出人アドレスの名前部分 {local} はでたらめな文字列です",
    },
    explain: Text {
        en: "No person or company names a mailbox {local}: letters in random upper and lower case are generated per message by bulk-mailing tools, so that filters never see the same sender twice.",
        ja: "{local} のような名前を人や企業がメールアドレスに付けることはありません。大文字と小文字が無秩序に混ざった文字列は、一斉送信ツールがフィルターに同じ差出人と見なされないよう、メールごとに生成するものです。",
    },
};

/// Digits allowed in the local part: more means a tracking or ticket address, not a kit's name.
const MAX_DIGITS: usize = 3;

/// Whether `s` is capitalised words of three letters or more (`Smith`, `ResearchLab`).
fn camel_words(s: &str) -> bool {
    let mut len = 0;
    for (i, c) in s.char_indices() {
        if c.is_ascii_uppercase() && i > 0 {
            if len < 3 {
                return false;
            }
            len = 0;
        }
        len += 1;
    }
    len >= 3
}

/// Five letters or more without a vowel (`rxfng`, `bnctc`): no language spells a name like that.
/// Consonant clusters alone are not enough: compounds have them (`matchsprint`, `jschmidt`).
fn unpronounceable_lowercase(run: &str) -> bool {
    run.len() >= 5 && run.bytes().all(|c| c.is_ascii_lowercase()) && !has_vowel(run)
}

fn has_vowel(t: &str) -> bool {
    t.chars()
        .any(|c| matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y'))
}

/// Whether one run of letters reads as random case rather than words.
fn random_case_run(run: &str) -> bool {
    if run.len() < 6
        || !run.bytes().all(|c| c.is_ascii_alphabetic())
        || !run.bytes().any(|c| c.is_ascii_uppercase())
        || !run.bytes().any(|c| c.is_ascii_lowercase())
    {
        return false;
    }
    // Initials or an acronym before capitalised words (`JPSmith`, `IBMResearch`) are names; a
    // longer capital run, or one followed by scraps (`YSTTRleD`), is not.
    let upper_at = |i: usize| run.as_bytes().get(i).is_some_and(u8::is_ascii_uppercase);
    let lower_at = |i: usize| run.as_bytes().get(i).is_some_and(u8::is_ascii_lowercase);
    let mut start = 0;
    while upper_at(start) && upper_at(start + 1) {
        start += 1;
    }
    let rest = match run.get(start..) {
        Some(r) if start > 0 && start <= 3 && lower_at(start + 1) && camel_words(r) => r,
        _ => run,
    };
    // Camel-case words: split before every capital (`ThosStew` → Thos, Stew).
    let mut tokens: Vec<&str> = Vec::new();
    let mut from = 0;
    for (i, c) in rest.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            tokens.push(&rest[from..i]);
            from = i;
        }
    }
    tokens.push(&rest[from..]);
    // Three letters or more without a vowel cannot be pronounced (`Jnd`, `Vpcq`).
    if tokens.iter().any(|t| t.len() >= 3 && !has_vowel(t)) {
        return true;
    }
    // Mostly one- and two-letter pieces, with a lone capital or a lower-case start (`KdTlHAs`,
    // `elXmWLz`); pinyin names (`LiLiMa`) have neither.
    let short = tokens.iter().filter(|t| t.len() <= 2).count();
    let lone = tokens.iter().any(|t| t.len() == 1);
    let lower_start = rest.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
        && tokens.first().is_some_and(|t| t.len() <= 2);
    tokens.len() >= 3 && short >= 2 && short * 2 >= tokens.len() && (lone || lower_start)
}

/// The random-case run in a From local part, when there is one.
pub(crate) fn random_local_part(local: &str) -> Option<&str> {
    let local = local.split('+').next().unwrap_or(local);
    if local.chars().filter(char::is_ascii_digit).count() > MAX_DIGITS {
        return None;
    }
    local
        .split(|c: char| !c.is_ascii_alphabetic())
        .find(|run| random_case_run(run) || unpronounceable_lowercase(run))
}

impl Signal for MachineMadeSenderAddress {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(from) = &cx.evidence.identity.from else {
            return;
        };
        let Some((local, _)) = from.address.as_deref().and_then(|a| a.rsplit_once('@')) else {
            return;
        };
        if random_local_part(local).is_none() {
            return;
        }
        if let Some(c) = from_cite(cx) {
            hits.push(Hit::new(&META).var("local", local).cite(c));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::random_local_part;

    #[test]
    fn kit_names_are_random() {
        for l in [
            "OyatvzjOY",
            "JndLebIg",
            "GqRlsAUV",
            "KdTlHAs",
            "mWpRIpD",
            "elXmWLz",
            "renew_iKbolGjWe4y",
            "renewdRPqU",
            "OcgeXDmYf",
            "YSTTRleD",
            "SNYTVKOqu",
            "rxfng",
            "HauBQDrzH",
        ] {
            assert!(random_local_part(l).is_some(), "{l}");
        }
    }

    #[test]
    fn names_and_roles_are_not() {
        for l in [
            "ThosStew",
            "GlennEverhart",
            "DoNotUse",
            "DoNotReply",
            "PaulHilton",
            "TetherTeam",
            "JPSmith",
            "IBMResearch",
            "McDonald",
            "noreply",
            "john.smith",
            "newsletter",
            "a1b2c3d4e5",
            "Online#3.19584.83-p1SYlJ1blFvQjRRR.1",
            "notification+zj4yzzd_6rj3",
            "support+AbXyQzRt",
            "iPhone",
            "LiLiMa",
            "jschmidt",
            "matchsprint",
            "lightstream",
            "kschwarz",
            "strengths",
            "mgmt",
            "StJohnSmith",
            "LaToyaJones",
            "",
        ] {
            assert!(random_local_part(l).is_none(), "{l}");
        }
    }
}
