//! LINK-009 prefilled-mailto-to-freemail: the mail names a brand, and the action it offers is a
//! ready-made mail to a free-mail mailbox (`Report The User` →
//! `mailto:solutionteam03@gmail.com?cc=…&subject=Report+The+User`).
//!
//! The "unusual sign-in" scam asks the reader to report the intruder; the prepared mail goes to
//! the scammer, who answers as the brand's support and takes over from there. A company's
//! support address is on its own domain; a free mailbox with the subject filled in is someone
//! collecting replies. A plain `mailto:` in a signature (no subject or body filled in), a
//! prepared mail to a company's own domain (list unsubscribe), or one in a mail that names no
//! brand does not fire.

use super::util::link_quote;
use crate::{Cite, Confidence, Context, Group, Hit, Signal, SignalMeta, Text};
use unphish_intel::hosts::{HostClass, HostDb};

pub struct PrefilledMailtoToFreemail;

static META: SignalMeta = SignalMeta {
    id: "LINK-009",
    slug: "prefilled-mailto-to-freemail",
    group: Group::Link,
    confidence: Confidence::Medium,
    needs_network: false,
    title: Text {
        en: "The mail's button writes to the free mailbox {address}",
        ja: "メール内のボタンはフリーメールのアドレス {address} 宛てにメールを作成します",
    },
    explain: Text {
        en: "The mail speaks for {brand}, but its link opens a ready-made message to {address}, a free mailbox anyone can open. {brand} would have you contact it on its own domain; whoever reads this mailbox answers as its \"support\".",
        ja: "メールは {brand_ja} を名乗っていますが、リンクを押すと誰でも作れるフリーメールのアドレス {address} 宛てのメールが用意されます。{brand_ja} なら自社ドメインの窓口を案内するはずです。このアドレスの持ち主が「サポート」を装って返信してきます。",
    },
};

/// The address of a `mailto:` URL with a filled-in subject, body or copy, when it has one.
fn prefilled_address(url: &str) -> Option<&str> {
    let rest = url
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("mailto:"))
        .and_then(|_| url.get(7..))?;
    let (addr, query) = rest.split_once('?')?;
    let filled = query.split('&').any(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        !v.is_empty()
            && ["subject", "body", "cc", "bcc"]
                .iter()
                .any(|n| k.eq_ignore_ascii_case(n))
    });
    let addr = addr.split(',').next()?.trim();
    (filled && addr.contains('@')).then_some(addr)
}

impl Signal for PrefilledMailtoToFreemail {
    fn meta(&self) -> &'static SignalMeta {
        &META
    }
    fn check(&self, cx: &Context<'_>, hits: &mut Vec<Hit>) {
        let Some(claim) = cx.claims.brands.iter().find(|c| !c.from_owned) else {
            return;
        };
        let hosts = HostDb::embedded();
        for (i, l) in cx.evidence.links.iter().enumerate() {
            let Some(addr) = prefilled_address(&l.url) else {
                continue;
            };
            let Some((_, domain)) = addr.rsplit_once('@') else {
                continue;
            };
            if hosts.classify(domain) != Some(HostClass::Freemail) {
                continue;
            }
            let b = cx.brands.get(claim.brand);
            hits.push(
                Hit::new(&META)
                    .brand(b)
                    .var("address", addr.to_string())
                    .cite(Cite::link(i, link_quote(l))),
            );
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::prefilled_address;

    #[test]
    fn only_prepared_mails_count() {
        assert_eq!(
            prefilled_address("mailto:x@gmail.com?&cc=x@gmail.com&Subject=Report+The+User"),
            Some("x@gmail.com")
        );
        assert_eq!(
            prefilled_address("MAILTO:x@gmail.com?body=hi"),
            Some("x@gmail.com")
        );
        assert_eq!(prefilled_address("mailto:x@gmail.com"), None);
        assert_eq!(prefilled_address("mailto:x@gmail.com?subject="), None);
        assert_eq!(prefilled_address("https://gmail.com/?subject=x"), None);
    }
}
