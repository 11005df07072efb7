//! The seed mails rendered as Markdown articles, compared with reviewed snapshots in
//! `tests/snapshots/`. After a deliberate change, regenerate with `UNPHISH_BLESS=1 cargo test`
//! and review the diff like code.

mod common;

use common::{analyze, check_snapshot};
use unphish_report::text::Lang;
use unphish_report::{RenderOptions, markdown};

fn md(seed: &str, lang: Lang) -> String {
    let mut r = analyze(seed);
    // The scoring data's version changes with every tuning; the article around it does not.
    r.data.scoring = "SCORING-VERSION".into();
    markdown::render(&r, &RenderOptions::new(lang)).expect("render")
}

#[test]
fn seed1_japanese_article() {
    check_snapshot("seed-1.ja.md", &md("seed-1-keydog-webmail.eml", Lang::Ja));
}

#[test]
fn seed2_japanese_article() {
    check_snapshot(
        "seed-2.ja.md",
        &md("seed-2-kagoya-quarantine.eml", Lang::Ja),
    );
}

#[test]
fn seed1_english_article() {
    check_snapshot("seed-1.en.md", &md("seed-1-keydog-webmail.eml", Lang::En));
}

#[test]
fn seed2_english_article() {
    check_snapshot(
        "seed-2.en.md",
        &md("seed-2-kagoya-quarantine.eml", Lang::En),
    );
}

/// Every section of the posts is there, in the posts' order.
#[test]
fn japanese_sections_in_post_order() {
    for seed in ["seed-1-keydog-webmail.eml", "seed-2-kagoya-quarantine.eml"] {
        let out = md(seed, Lang::Ja);
        let mut at = 0;
        for heading in [
            "# 『詐欺メール』",
            "**結論:",
            "## 件名",
            "## 差出人",
            "## 本当の送信元",
            "Received: from",
            "## 本文",
            "## リンク",
            "## 判断の理由",
            "## もしクリックしてしまったら",
            "## まとめ",
        ] {
            let pos = out[at..]
                .find(heading)
                .unwrap_or_else(|| panic!("{seed}: {heading} missing after byte {at}\n{out}"));
            at += pos;
        }
    }
}

#[test]
fn seed2_names_kagoya_and_its_official_page() {
    let out = md("seed-2-kagoya-quarantine.eml", Lang::Ja);
    assert!(out.contains("カゴヤ・ジャパン"));
    assert!(
        out.contains("https://www.kagoya.jp/"),
        "official page in the advice"
    );
    assert!(out.contains("Amazon AWS"));
}

#[test]
fn attacker_indicators_defanged_unless_asked() {
    let r = analyze("seed-2-kagoya-quarantine.eml");
    let on = markdown::render(&r, &RenderOptions::new(Lang::En)).unwrap();
    assert!(on.contains("hxxps://solarpivotpower[.]com"));
    assert!(!on.contains("https://solarpivotpower.com"));
    assert!(
        !on.contains("13.113.112.84"),
        "origin IP defanged everywhere"
    );
    let mut opts = RenderOptions::new(Lang::En);
    opts.defang = false;
    let off = markdown::render(&r, &opts).unwrap();
    assert!(off.contains("https://solarpivotpower.com"));
    // Masking is independent of defanging: the recipient stays hidden.
    assert!(!off.contains("info@example.jp") && off.contains("****@"));
}

#[test]
fn user_template_replaces_the_shipped_one_and_is_still_escaped() {
    let r = analyze("seed-1-keydog-webmail.eml");
    let mut opts = RenderOptions::new(Lang::En);
    opts.template = Some("S={{ r.subject }}".into());
    let out = markdown::render(&r, &opts).unwrap();
    assert_eq!(out, "S=\\[spam\\] Please Re-activation Your Email Portal.");
    opts.template = Some("{{ r.nope.deeper }}".into());
    assert!(markdown::render(&r, &opts).is_err());
}

/// Text outside code spans and fenced blocks, where Markdown would interpret markup.
fn prose(md: &str) -> String {
    let mut out = String::new();
    let mut fence: Option<String> = None;
    for line in md.lines() {
        let ticks: String = line.chars().take_while(|c| *c == '`').collect();
        match &fence {
            Some(f) if ticks.len() >= f.len() && line.trim_end().chars().all(|c| c == '`') => {
                fence = None;
                continue;
            }
            Some(_) => continue,
            None if ticks.len() >= 3 => {
                fence = Some(ticks);
                continue;
            }
            None => {}
        }
        // Drop code spans: a run of n backticks up to the next run of exactly n.
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == '`' {
                let n = chars[i..].iter().take_while(|c| **c == '`').count();
                let mut j = i + n;
                let mut closed = None;
                while j < chars.len() {
                    if chars[j] == '`' {
                        let m = chars[j..].iter().take_while(|c| **c == '`').count();
                        if m == n {
                            closed = Some(j + m);
                            break;
                        }
                        j += m;
                    } else {
                        j += 1;
                    }
                }
                if let Some(end) = closed {
                    i = end;
                    continue;
                }
            }
            out.push(chars[i]);
            i += 1;
        }
        out.push('\n');
    }
    out
}

#[test]
fn hostile_mail_cannot_inject_markdown_or_html() {
    let raw = b"Received: from [203.0.113.9] (x.evil.example [203.0.113.9]) by mx.example.jp with ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0900\r\n\
From: \"[Bank](javascript:alert(1)) <img src=x onerror=alert(1)>\" <a@evil.example>\r\n\
To: v@example.jp\r\n\
Subject: ![x](http://evil.example/p.png) <script>alert(1)</script> # not a heading | `tick\r\n\
Content-Type: text/html; charset=utf-8\r\n\r\n\
<a href=\"http://evil.example/login\">[Sign in](http://evil.example/) &lt;iframe src=http://evil.example/&gt;</a>\
<p>```</p><p># Heading?</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\r\n";
    let r = common::analyze_bytes(raw);
    for lang in [Lang::Ja, Lang::En] {
        for defang in [true, false] {
            let mut opts = RenderOptions::new(lang);
            opts.defang = defang;
            let md = markdown::render(&r, &opts).unwrap();
            let p = prose(&md);
            let chars: Vec<char> = p.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                if matches!(c, '<' | '[' | ']') {
                    assert_eq!(
                        chars.get(i.wrapping_sub(1)),
                        Some(&'\\'),
                        "unescaped {c} in:\n{p}"
                    );
                }
            }
            assert!(!p.contains("](") || p.contains("\\]("), "link syntax:\n{p}");
            // The mail's text cannot open a heading of its own.
            for line in md.lines().filter(|l| l.starts_with('#')) {
                assert!(!line.contains("Heading?"), "{line}");
            }
        }
    }
}
