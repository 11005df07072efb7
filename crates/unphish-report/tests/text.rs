//! The terminal report: rendered from its template, coloured only when asked, and never a way
//! for a mail to send escape sequences to the reader's terminal.

mod common;

use common::{analyze, analyze_bytes, check_snapshot};
use unphish_report::text::{self, Lang};
use unphish_report::{RenderOptions, templates};

fn txt(name: &str, lang: Lang) -> String {
    text::render(&analyze(name), &RenderOptions::new(lang)).unwrap()
}

#[test]
fn seed_1_japanese() {
    check_snapshot("seed-1.ja.txt", &txt("seed-1-keydog-webmail.eml", Lang::Ja));
}

#[test]
fn seed_2_japanese() {
    check_snapshot(
        "seed-2.ja.txt",
        &txt("seed-2-kagoya-quarantine.eml", Lang::Ja),
    );
}

#[test]
fn seed_1_english() {
    check_snapshot("seed-1.en.txt", &txt("seed-1-keydog-webmail.eml", Lang::En));
}

#[test]
fn seed_2_english() {
    check_snapshot(
        "seed-2.en.txt",
        &txt("seed-2-kagoya-quarantine.eml", Lang::En),
    );
}

/// Every escape sequence a hostile mail can put in the fields the text report prints: an OSC
/// that retitles the window, a CSI that clears the screen, an 8-bit CSI, BEL, a bare CR that
/// overwrites the line, and a right-to-left override that disguises a file name.
fn hostile_mail() -> Vec<u8> {
    let esc = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m";
    format!(
        "Received: from [203.0.113.9] (x{esc}.evil.example [203.0.113.9]) by mx.example.jp with ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0900\r\n\
From: \"Bank{esc}\" <alert@evil.example>\r\n\
To: v@example.jp\r\n\
Subject: Your account{esc} is locked\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"B\"\r\n\
\r\n\
--B\r\n\
Content-Type: text/html; charset=utf-8\r\n\
\r\n\
<a href=\"http://203.0.113.9/login\">Sign in{esc}\rCLEAN</a> Verify your account now.\r\n\
--B\r\n\
Content-Type: application/octet-stream\r\n\
Content-Disposition: attachment; filename=\"invoice\u{202e}fdp{esc}.exe\"\r\n\
\r\n\
MZ\r\n\
--B--\r\n"
    )
    .into_bytes()
}

/// The escape sequences the report's own `style` filter writes.
fn own_sequences() -> [&'static str; 4] {
    ["\u{1b}[1m", "\u{1b}[2m", "\u{1b}[0m", "\u{1b}[31m"]
}

#[test]
fn mail_escape_sequences_are_shown_not_obeyed() {
    let r = analyze_bytes(&hostile_mail());
    for lang in [Lang::Ja, Lang::En] {
        for color in [false, true] {
            let mut opts = RenderOptions::new(lang);
            opts.color = color;
            let out = text::render(&r, &opts).unwrap();
            for bad in ['\u{9b}', '\u{7}', '\r', '\u{202e}'] {
                assert!(!out.contains(bad), "{bad:?} reached the terminal:\n{out}");
            }
            // With colour on, every ESC left is the start of one of the report's own styles.
            let mut rest = out.as_str();
            while let Some(i) = rest.find('\u{1b}') {
                let at = &rest[i..];
                let own = own_sequences()
                    .into_iter()
                    .chain(["\u{1b}[33m", "\u{1b}[32m"])
                    .find(|s| at.starts_with(s));
                assert!(
                    own.is_some(),
                    "foreign escape at {:?}",
                    &at[..at.len().min(12)]
                );
                rest = &at[1..];
            }
            assert_eq!(color, out.contains('\u{1b}'), "colour only when asked");
            // The mail's sequences are visible as text instead.
            assert!(out.contains("\\u{1b}]0;pwned\\u{7}"), "{out}");
            assert!(out.contains("\\u{202e}"), "{out}");
        }
    }
}

#[test]
fn colour_wraps_headings_and_the_verdict() {
    let r = analyze("seed-2-kagoya-quarantine.eml");
    let plain = text::render(&r, &RenderOptions::new(Lang::En)).unwrap();
    assert!(!plain.contains('\u{1b}'), "plain by default");
    let mut opts = RenderOptions::new(Lang::En);
    opts.color = true;
    let coloured = text::render(&r, &opts).unwrap();
    assert!(
        coloured.starts_with("\u{1b}[1m\u{1b}[31mPHISHING\u{1b}[0m")
            || coloured.contains("\n\u{1b}[1m\u{1b}[31mPHISHING\u{1b}[0m"),
        "{coloured:?}"
    );
    assert!(coloured.contains("\u{1b}[1mWhy\u{1b}[0m"));
    // The words are the same; only the styles differ.
    let stripped = coloured
        .replace("\u{1b}[1m", "")
        .replace("\u{1b}[2m", "")
        .replace("\u{1b}[31m", "")
        .replace("\u{1b}[0m", "");
    assert_eq!(stripped, plain);
}

#[test]
fn attacker_indicators_defanged_unless_asked() {
    let r = analyze("seed-2-kagoya-quarantine.eml");
    let on = text::render(&r, &RenderOptions::new(Lang::En)).unwrap();
    assert!(on.contains("hxxps://solarpivotpower[.]com"));
    assert!(
        !on.contains("13.113.112.84"),
        "origin IP defanged everywhere"
    );
    let mut opts = RenderOptions::new(Lang::En);
    opts.defang = false;
    let off = text::render(&r, &opts).unwrap();
    assert!(off.contains("https://solarpivotpower.com") && off.contains("13.113.112.84"));
    assert!(!off.contains("info@example.jp"), "recipient stays masked");
}

#[test]
fn user_template_replaces_the_shipped_one_and_is_still_escaped() {
    let r = analyze_bytes(&hostile_mail());
    let mut opts = RenderOptions::new(Lang::En);
    opts.template = Some("{{ r.verdict.level | style(r.verdict.level) }} {{ r.subject }}".into());
    let out = text::render(&r, &opts).unwrap();
    assert!(out.starts_with(&format!(
        "{} Your account\\u{{1b}}]0;pwned",
        r.verdict.level
    )));
    assert!(!out.contains('\u{1b}'), "{out:?}");
    opts.color = true;
    let out = text::render(&r, &opts).unwrap();
    assert!(out.starts_with("\u{1b}[1m"), "{out:?}");
    opts.template = Some("{{ r.subject | style(\"blink\") }}".into());
    assert!(
        text::render(&r, &opts).is_err(),
        "unknown style is an error"
    );
}

#[test]
fn shipped_text_template_is_the_one_rendered() {
    let r = analyze("seed-1-keydog-webmail.eml");
    let mut opts = RenderOptions::new(Lang::Ja);
    opts.template = Some(templates::shipped(templates::Kind::Text, Lang::Ja).to_string());
    assert_eq!(
        text::render(&r, &opts).unwrap(),
        text::render(&r, &RenderOptions::new(Lang::Ja)).unwrap()
    );
}
