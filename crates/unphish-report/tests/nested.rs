//! A message attached to a mail (`message/rfc822`, e.g. a forwarded phish) is reported as a
//! section of its own in every format: verdict, sender, origin, links, findings, escaped like
//! everything else.

mod common;

use unphish_report::text::{self, Lang};
use unphish_report::{RenderOptions, Report, html, markdown, templates};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn forwarded() -> Report {
    let r = common::analyze_bytes(&fixture("forwarded-phish.eml"));
    assert_eq!(
        r.nested.len(),
        1,
        "the fixture carries one attached message"
    );
    assert_eq!(r.nested[0].verdict.level, "phishing", "and it is a phish");
    r
}

#[test]
fn markdown_gives_the_attached_message_its_own_section() {
    let r = forwarded();
    let n = &r.nested[0];
    for (lang, heading, why) in [
        (Lang::En, "## Attached message: “", "### Why"),
        (Lang::Ja, "## 添付されたメール『", "### 判断の理由"),
    ] {
        let md = markdown::render(&r, &RenderOptions::new(lang)).unwrap();
        let at = md
            .find(heading)
            .unwrap_or_else(|| panic!("{heading}:\n{md}"));
        let section = &md[at..];
        assert!(
            section.contains("Your account has been locked"),
            "{section}"
        );
        assert!(section.contains(lang.pick(&n.verdict.headline)), "verdict");
        assert!(section.contains(why), "{section}");
        for f in &n.findings {
            assert!(
                section.contains(&format!("(`{}`)", f.id)),
                "{} missing",
                f.id
            );
        }
        // Sender story, origin line and link, defanged.
        let story = lang.pick(n.story.sender.as_ref().unwrap());
        assert!(section.contains(&templates::md_escape(story)), "{section}");
        assert!(section.contains("198.51.100[.]77"), "{section}");
        assert!(!section.contains("198.51.100.77/"), "link defanged");
        assert!(section.contains("hxxp://198.51.100[.]77/amazon.co.jp/signin"));
        // The display name's markup arrives escaped in prose, as in the main report.
        assert!(
            section.contains("Amazon Security \\<script\\>"),
            "{section}"
        );
        // The summary says what the attached message is.
        let summary = &md[md.rfind("## ").unwrap()..];
        assert!(
            summary.contains(lang.pick(&n.verdict.headline)),
            "{summary}"
        );
    }
}

#[test]
fn html_gives_the_attached_message_its_own_section() {
    let r = forwarded();
    for lang in [Lang::En, Lang::Ja] {
        let page = html::render(&r, &RenderOptions::new(lang)).unwrap();
        let at = page
            .find("<section class=\"nested\"")
            .unwrap_or_else(|| panic!("no nested section:\n{page}"));
        let section = &page[at..];
        assert!(section.contains("Your account has been locked"));
        assert!(
            section.contains("class=\"verdict v-phishing\""),
            "{section}"
        );
        assert!(section.contains("LINK-001"), "{section}");
        assert!(section.contains("hxxp:&#x2f;&#x2f;198.51.100[.]77&#x2f;amazon.co.jp"));
        // Escaped, never live: the display name's script is text.
        assert!(!page.contains("<script"), "{page}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    }
}

#[test]
fn text_reports_the_attached_message_after_the_outer_one() {
    let r = forwarded();
    let out = text::render(&r, &RenderOptions::new(Lang::En)).unwrap();
    let at = out.find("\nAttached message\nPHISHING  ").expect(&out);
    assert!(out[at..].contains("LINK-001"));
    assert!(out[..at].starts_with("CLEAN  "), "{out}");
}

/// An attached message inside an attached message: the loop recurses, each level escaped.
#[test]
fn messages_attached_two_levels_deep_are_all_reported() {
    let inner = String::from_utf8(fixture("forwarded-phish.eml")).unwrap();
    let outer = format!(
        "From: Help desk <help@example.net>\r\nTo: a@example.net\r\nSubject: Fwd: Fwd: check this\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n--zz\r\n\
Content-Type: text/plain\r\n\r\nSee attached.\r\n--zz\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--zz--\r\n"
    );
    let r = common::analyze_bytes(outer.as_bytes());
    assert_eq!(r.nested.len(), 1);
    assert_eq!(r.nested[0].nested.len(), 1, "two levels");
    let md = markdown::render(&r, &RenderOptions::new(Lang::En)).unwrap();
    assert_eq!(md.matches("## Attached message").count(), 2, "{md}");
    assert!(
        md.contains("## Attached message (inside the one above): “"),
        "{md}"
    );
    assert!(md.contains("Your account has been locked"));
    let page = html::render(&r, &RenderOptions::new(Lang::En)).unwrap();
    assert_eq!(page.matches("<section class=\"nested\"").count(), 2);
    let out = text::render(&r, &RenderOptions::new(Lang::En)).unwrap();
    assert_eq!(out.matches("\nAttached message\n").count(), 2, "{out}");
}
