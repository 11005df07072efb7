//! A forwarded mail: the report names the forwarded mail's own sender in every format, and what
//! the forwarded header block says is escaped like everything else from the mail.

use unphish::{Analyzer, Options};
use unphish_report::text::Lang;
use unphish_report::{RenderOptions, html, markdown};

fn analyzer() -> Analyzer {
    Analyzer::new(Options::default()).unwrap()
}

fn fixture() -> Vec<u8> {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/signals/BRAND-001-fires-forwarded-brand-mail.eml"
    );
    std::fs::read(p).unwrap()
}

#[test]
fn the_forwarded_mails_sender_is_in_every_format() {
    let r = analyzer().analyze(&fixture());
    let f = r
        .sender
        .forwarded_from
        .as_ref()
        .expect("a forwarded sender");
    assert_eq!(f.address.as_deref(), Some("info@knitting-club.example"));
    assert_eq!(
        r.sender.forwarded_subject.as_deref(),
        Some("Someone tried to log in to your account")
    );
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json["sender"]["forwarded_from"]["address"],
        "info@knitting-club.example"
    );
    let text = unphish_report::text::render(&r, &RenderOptions::new(Lang::En)).unwrap();
    assert!(
        text.contains("Forwarded mail from: \"Meta-support\" <info@knitting-club.example>"),
        "{text}"
    );
    let md = markdown::render(&r, &RenderOptions::new(Lang::En)).unwrap();
    assert!(md.contains("This is a forward."), "{md}");
    let md_ja = markdown::render(&r, &RenderOptions::new(Lang::Ja)).unwrap();
    assert!(md_ja.contains("これは転送メールです。"), "{md_ja}");
    let page = html::render(&r, &RenderOptions::new(Lang::En)).unwrap();
    assert!(
        page.contains("Forwarded mail from: <code>"),
        "forwarded sender missing from HTML"
    );
}

#[test]
fn a_hostile_forwarded_header_is_escaped() {
    let mail = "From: <me@example.org>\r\nTo: <desk@example.org>\r\nSubject: Fwd: look\r\nMessage-ID: <1@example.org>\r\n\r\n\
---------- Forwarded message ---------\r\n\
From: <img src=x onerror=alert(1)> <a@evil.example>\r\n\
Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n\
Subject: <script>alert(2)</script>\r\n\r\nhello\r\n";
    let r = analyzer().analyze(mail.as_bytes());
    assert!(r.sender.forwarded_from.is_some());
    let page = html::render(&r, &RenderOptions::new(Lang::En)).unwrap();
    assert!(
        !page.contains("<img src=x"),
        "raw markup from the mail in the page"
    );
    assert!(
        !page.contains("<script>alert(2)"),
        "raw script from the mail in the page"
    );
    let md = markdown::render(&r, &RenderOptions::new(Lang::En)).unwrap();
    assert!(!md.contains("<script>alert(2)"), "{md}");
}
