use std::time::{Duration, Instant};

use unphish_evidence::LinkKind;
use unphish_evidence::html::{
    HtmlLimits, HtmlScan, MAX_INPUT_BYTES, MAX_PARSE_ERRORS, scan_html, scan_html_fast,
    scan_html_reference,
};
use unphish_evidence::links::analyze;

fn scan(html: &str) -> HtmlScan {
    scan_html(html, 2, &HtmlLimits::default())
}

/// (kind, raw, text) of every link.
fn links(s: &HtmlScan) -> Vec<(LinkKind, &str, Option<&str>)> {
    s.links
        .iter()
        .map(|l| (l.kind, l.raw.as_str(), l.text.as_deref()))
        .collect()
}

#[test]
fn anchor_text_beside_the_real_target() {
    let s = scan(
        r#"<p>Dear customer,</p>
        <a href="https://evil.example/signin">  https://www.amazon.co.jp/
        </a> <a href="https://evil.example/b"><b>今すぐ</b> <i>確認</i></a>"#,
    );
    assert_eq!(
        links(&s),
        vec![
            (
                LinkKind::Anchor,
                "https://evil.example/signin",
                Some("https://www.amazon.co.jp/")
            ),
            (
                LinkKind::Anchor,
                "https://evil.example/b",
                Some("今すぐ 確認")
            ),
        ]
    );
    assert!(s.links.iter().all(|l| l.part == 2));
    let first = analyze(s.links[0].clone());
    assert_eq!(first.text_host.as_deref(), Some("www.amazon.co.jp"));
    assert_eq!(first.host.as_deref(), Some("evil.example"));
    assert!(!s.truncated);
}

#[test]
fn image_anchor_uses_alt_text() {
    let s = scan(
        r#"<a href="https://evil.example/"><img src="cid:logo" alt="Amazon.co.jp ログイン"></a>"#,
    );
    assert_eq!(
        links(&s),
        vec![(
            LinkKind::Anchor,
            "https://evil.example/",
            Some("Amazon.co.jp ログイン")
        )]
    );
    assert_eq!(s.stats.images, 1);
    assert_eq!(s.stats.remote_images, 0);
}

#[test]
fn anchor_text_is_capped() {
    let long = "あ".repeat(5000);
    let s = scan(&format!(r#"<a href="https://x.example/">{long}</a>"#));
    assert_eq!(
        s.links[0].text.as_ref().map(|t| t.chars().count()),
        Some(300)
    );
}

#[test]
fn base_href_resolves_relative_links() {
    let s = scan(
        r#"<html><head><base href="https://kit.evil.example/jp/"></head>
        <body><a href="login.php?u=a@b.jp">ログイン</a><form action="post.php"></form></body>"#,
    );
    let resolved: Vec<String> = s.links.iter().map(|l| analyze(l.clone()).url).collect();
    assert_eq!(
        resolved,
        vec![
            "https://kit.evil.example/jp/login.php?u=a@b.jp",
            "https://kit.evil.example/jp/post.php"
        ]
    );
    assert_eq!(s.links[0].raw, "login.php?u=a@b.jp");
}

#[test]
fn meta_refresh_variants() {
    let cases = [
        r#"<meta http-equiv="refresh" content="0; url=https://evil.example/r">"#,
        r#"<meta http-equiv="Refresh" content="0;URL='https://evil.example/r'">"#,
        r#"<meta http-equiv=refresh content="5, https://evil.example/r">"#,
        r#"<META HTTP-EQUIV="REFRESH" CONTENT="1.5 ; url = &quot;https://evil.example/r&quot;">"#,
    ];
    for html in cases {
        assert_eq!(
            links(&scan(html)),
            vec![(LinkKind::MetaRefresh, "https://evil.example/r", None)],
            "{html}"
        );
    }
    assert!(
        scan(r#"<meta http-equiv="refresh" content="30">"#)
            .links
            .is_empty()
    );
    assert!(
        scan(r#"<meta name="x" content="0; url=https://a.example/">"#)
            .links
            .is_empty()
    );
}

#[test]
fn forms_and_password_fields() {
    let s = scan(
        r#"<form action="https://evil.example/post.php" method=post>
        <input type=email name=u><input type="PASSWORD" name=p><button formaction="https://evil2.example/">送信</button>
        </form><form></form>"#,
    );
    assert_eq!(s.stats.forms, 2);
    assert_eq!(s.stats.password_inputs, 1);
    assert_eq!(
        links(&s),
        vec![
            (LinkKind::Form, "https://evil.example/post.php", None),
            (LinkKind::Form, "https://evil2.example/", None),
        ]
    );
}

#[test]
fn area_links_carry_alt() {
    let s = scan(
        r#"<map><area shape=rect href="https://evil.example/a" alt=" 再配達  はこちら "></map>"#,
    );
    assert_eq!(
        links(&s),
        vec![(
            LinkKind::Area,
            "https://evil.example/a",
            Some("再配達 はこちら")
        )]
    );
}

#[test]
fn hidden_text_is_separated() {
    let s = scan(
        r#"<div>見える文</div>
        <div style="display: none">hidden-one</div>
        <span style="FONT-SIZE:0px">hidden-two</span>
        <p hidden>hidden-three</p>
        <div style="opacity:0">hidden-four</div>
        <div style="max-height:0;overflow:hidden">hidden-five<b>nested</b></div>
        <div style="visibility:hidden !important">hidden-six</div>
        <div style="max-height:0">shown-no-overflow</div>
        <div style="font-size:12px">shown-too</div>"#,
    );
    for word in [
        "hidden-one",
        "hidden-two",
        "hidden-three",
        "hidden-four",
        "hidden-five",
        "nested",
        "hidden-six",
    ] {
        assert!(s.hidden_text.contains(word), "{word} in hidden");
        assert!(!s.visible_text.contains(word), "{word} not visible");
    }
    for word in ["見える文", "shown-no-overflow", "shown-too"] {
        assert!(s.visible_text.contains(word), "{word} visible");
    }
    assert_eq!(
        s.stats.hidden_chars,
        s.hidden_text.chars().filter(|c| !c.is_whitespace()).count()
    );
    assert_eq!(
        s.stats.visible_chars,
        s.visible_text
            .chars()
            .filter(|c| !c.is_whitespace())
            .count()
    );
}

#[test]
fn hidden_state_ends_with_its_element() {
    let s = scan(
        r#"<table><tr><td style="display:none">secret<td>cell</tr></table>
        <p style="display:none">para<div>after-p</div><ul><li hidden>x<li>item</ul>"#,
    );
    assert_eq!(
        s.hidden_text.split_whitespace().collect::<Vec<_>>(),
        vec!["secret", "para", "x"]
    );
    for word in ["cell", "after-p", "item"] {
        assert!(
            s.visible_text.contains(word),
            "{word} visible in {:?}",
            s.visible_text
        );
    }
}

#[test]
fn children_may_undo_zero_font_and_visibility_but_not_display_none() {
    let s = scan(
        r#"<td style="font-size:0px;padding:0"><div style="font-family:Arial;font-size:14px">shown-a</div>
        <div style="font-size:1.5em">hidden-a</div></td>
        <div style="visibility:hidden"><span style="visibility: visible">shown-b</span>hidden-b</div>
        <div style="display:none"><span style="display:block;font-size:16px;visibility:visible">hidden-c</span></div>
        <a href="https://x.example/"><span style="color:white;font-size:0px">.</span></a>"#,
    );
    assert_eq!(
        s.hidden_text.split_whitespace().collect::<Vec<_>>(),
        vec!["hidden-a", "hidden-b", "hidden-c", "."]
    );
    assert_eq!(
        s.visible_text.split_whitespace().collect::<Vec<_>>(),
        vec!["shown-a", "shown-b"]
    );
    assert_eq!(
        s.links[0].text, None,
        "hidden anchor text is not visible text"
    );
}

#[test]
fn zero_width_characters_are_dropped_and_counted() {
    let s = scan("<p>pass\u{200B}word</p>");
    assert_eq!(s.visible_text, "password");
    assert_eq!(s.stats.hidden_chars, 1);
}

#[test]
fn script_style_title_are_not_text() {
    let s = scan(
        r#"<html><head><title>Title text</title><style>p { x: "<a href='https://css.example/'>" }</style>
        <script>var u = "<a href='https://js.example/'>js</a>";</script></head>
        <body><iframe src="https://frame.example/">fallback</iframe>本文</body></html>"#,
    );
    assert_eq!(s.visible_text, "本文");
    assert!(s.links.is_empty(), "{:?}", s.links);
    assert_eq!(s.stats.scripts, 1);
    assert_eq!(s.stats.iframes, 1);
}

#[test]
fn entities_are_decoded() {
    let s = scan(r#"<a href="&#x68;ttps://evil.example/?a=1&amp;b=2">&#x41;mazon &amp; co</a>"#);
    assert_eq!(
        links(&s),
        vec![(
            LinkKind::Anchor,
            "https://evil.example/?a=1&b=2",
            Some("Amazon & co")
        )]
    );
}

#[test]
fn text_urls_are_links_unless_already_anchors() {
    let s = scan(
        r#"<p>Visit https://plain.example/x or hxxps://defanged[.]example/y</p>
        <p>Again https://anchored.example/ <a href="https://anchored.example/">https://anchored.example/</a></p>
        <a href="https://evil.example/">https://www.amazon.co.jp/</a>"#,
    );
    let got = links(&s);
    assert!(got.contains(&(LinkKind::Text, "https://plain.example/x", None)));
    assert!(got.contains(&(LinkKind::Text, "hxxps://defanged[.]example/y", None)));
    assert!(
        !got.iter()
            .any(|l| l.0 == LinkKind::Text && l.1.contains("anchored"))
    );
    assert!(
        !got.iter()
            .any(|l| l.0 == LinkKind::Text && l.1.contains("amazon")),
        "anchor text is not a second link"
    );
    assert_eq!(got.iter().filter(|l| l.0 == LinkKind::Anchor).count(), 2);
}

#[test]
fn remote_images_are_counted() {
    let s =
        scan(r#"<img src="https://t.example/p.gif"><img src=//t.example/q><img src="cid:a"><img>"#);
    assert_eq!((s.stats.images, s.stats.remote_images), (4, 2));
}

#[test]
fn repeated_links_are_kept_once() {
    let html = r#"<a href="https://x.example/">go</a>"#.repeat(10);
    assert_eq!(scan(&html).links.len(), 1);
}

#[test]
fn two_hundred_thousand_links_are_bounded() {
    let html: String = (0..200_000)
        .map(|i| format!("<a href=\"https://h{i}.example/\">l{i}</a>\n"))
        .collect();
    let start = Instant::now();
    let s = scan(&html);
    assert!(s.truncated);
    assert_eq!(s.links.len(), 500);
    assert!(start.elapsed() < Duration::from_secs(60));
}

#[test]
fn two_hundred_thousand_nested_elements() {
    let depth = 200_000;
    let mut html = String::from(r#"<div style="display:none">"#);
    html.push_str(&"<div><span>".repeat(depth));
    html.push_str("deep-hidden");
    html.push_str(&"</span></div>".repeat(depth));
    html.push_str("</div><p>after</p>");
    let start = Instant::now();
    let s = scan(&html);
    assert_eq!(s.hidden_text, "deep-hidden");
    assert_eq!(s.visible_text, "after");
    assert!(start.elapsed() < Duration::from_secs(60));
}

#[test]
fn a_million_attributes_on_one_tag() {
    // html5ever keeps every attribute (and checks each new name against all earlier ones); the
    // fast path keeps only those the scanner reads, the first of each name.
    let mut html = String::from("<a ");
    for i in 0..1_000_000 {
        html.push_str(&format!("a{i}=\"&amp;\" href=x{i} "));
    }
    html.push_str(">t</a>");
    let start = Instant::now();
    let s = scan_html_fast(&html, 0, &HtmlLimits::default()).expect("fast path");
    assert_eq!(links(&s), vec![(LinkKind::Anchor, "x0", Some("t"))]);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn fifty_megabytes_of_angle_brackets() {
    let html = "<".repeat(50 << 20);
    let limits = HtmlLimits::default();
    let start = Instant::now();
    let s = scan_html(&html, 0, &limits);
    assert!(s.truncated);
    assert!(s.visible_text.len() <= limits.max_text_bytes);
    assert!(s.visible_text.starts_with("<<<"));
    assert!(s.stats.visible_chars > MAX_PARSE_ERRORS);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn text_cap_applies() {
    let s = scan_html(
        &"word ".repeat(1000),
        0,
        &HtmlLimits {
            max_links: 5,
            max_text_bytes: 100,
        },
    );
    assert!(s.truncated);
    assert!(s.visible_text.len() <= 100);
    assert!(s.visible_text.starts_with("word word"));
}

#[test]
fn input_cap_applies_on_a_char_boundary() {
    // One byte of padding puts the cap off a char boundary.
    let html = format!(
        "x{}<a href=\"https://late.example/\">x</a>",
        "あ".repeat(MAX_INPUT_BYTES / 3)
    );
    let s = scan(&html);
    assert!(s.truncated);
    assert!(s.links.is_empty());
    let within = format!(
        "{}<a href=\"https://late.example/\">x</a>",
        "あ".repeat(1000)
    );
    let whole = scan(&within);
    assert!(!whole.truncated);
    assert_eq!(whole.links.len(), 1);
}

#[test]
fn large_well_formed_markup_is_read_to_the_end() {
    let mut html = "<p>本文 text</p>\n".repeat(300_000);
    html.push_str(r#"<a href="https://last.example/">end</a>"#);
    let limits = HtmlLimits {
        max_text_bytes: 16 << 20,
        ..HtmlLimits::default()
    };
    let s = scan_html(&html, 0, &limits);
    assert!(!s.truncated);
    assert_eq!(s.links.len(), 1);
    assert!(s.visible_text.ends_with("end"));
}

#[test]
fn broken_markup_never_panics() {
    for html in [
        "",
        "<",
        "<a",
        "<a href=",
        "<a href='x",
        "<a href=\"https://e.example/\">open",
        "</a></div></p>",
        "<!--",
        "<![CDATA[",
        "&#xFFFFFFFF;",
        "&#0;",
        "<base href><a href=x>y</a>",
        "<meta http-equiv=refresh content=\"0;url=\">",
        "<script>",
        "<plaintext><a href=x>",
        "\u{0}\u{FEFF}<a href=\"\u{0}\">\u{0}</a>",
    ] {
        let s = scan(html);
        for l in s.links {
            let _ = analyze(l);
        }
    }
}

/// Throughput over the real corpus (not in CI: the corpus is not part of the repository).
/// `UNPHISH_CORPUS=/work/shared/corpus/phish cargo test -p unphish-evidence --test html -- --ignored --nocapture corpus`
#[test]
#[ignore]
fn corpus_throughput() {
    use mail_parser::{MessageParser, PartType};
    let dir = std::env::var("UNPHISH_CORPUS").unwrap_or("/work/shared/corpus/phish".into());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("corpus directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    paths.sort();
    let mut bodies = Vec::new();
    for path in &paths {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Some(msg) = MessageParser::default().parse(&bytes) else {
            continue;
        };
        for part in msg.html_bodies() {
            if let PartType::Html(html) = &part.body {
                bodies.push(html.to_string());
            }
        }
    }
    let bytes: usize = bodies.iter().map(String::len).sum();
    let start = Instant::now();
    let (mut links, mut hidden, mut truncated, mut parse_errors) = (0, 0, 0, 0);
    for (i, body) in bodies.iter().enumerate() {
        let s = scan_html(body, i, &HtmlLimits::default());
        links += s.links.len();
        hidden += usize::from(s.stats.hidden_chars > 0);
        truncated += usize::from(s.truncated);
        for l in s.links {
            parse_errors += usize::from(analyze(l).parse_error.is_some());
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let scan_only = Instant::now();
    for (i, body) in bodies.iter().enumerate() {
        std::hint::black_box(scan_html(body, i, &HtmlLimits::default()));
    }
    let scan_secs = scan_only.elapsed().as_secs_f64();
    println!(
        "{} messages, {} HTML bodies, {:.1} MB: scan+analyze {:.2} s = {:.0} bodies/s, {:.1} MB/s; \
         scan only {:.2} s = {:.0} bodies/s; {links} links ({parse_errors} unparsable), \
         {hidden} bodies with hidden text, {truncated} truncated",
        paths.len(),
        bodies.len(),
        bytes as f64 / 1e6,
        secs,
        bodies.len() as f64 / secs,
        bytes as f64 / 1e6 / secs,
        scan_secs,
        bodies.len() as f64 / scan_secs,
    );
    assert!(!bodies.is_empty());
}

/// Scans with both tokenizers, insists that the fast one handled the markup and agrees with
/// html5ever on everything, and returns the scan.
fn both(html: &str) -> HtmlScan {
    let limits = HtmlLimits::default();
    let reference = scan_html_reference(html, 2, &limits);
    let fast = scan_html_fast(html, 2, &limits).expect("the fast path handles this markup");
    assert_eq!(fingerprint(&fast), fingerprint(&reference), "{html}");
    fast
}

#[test]
fn character_references_as_html5ever_decodes_them() {
    let cases: &[(&str, &str)] = &[
        ("&#x68;ttp &#104;ttp &#X68;", "http http h"),
        ("a &amp; b &amp c &AMP; d", "a & b & c & d"),
        ("&copy 2026 &copy;2026", "© 2026 ©2026"),
        // The longest name wins, and what follows it is text again.
        ("&notit; &notin; &not", "¬it; ∉ ¬"),
        ("&#128;uro &#x80; &#150;", "€uro € –"),
        (
            "[&#0;] [&#xD800;] [&#x110000;] [&#99999999999;]",
            "[\u{FFFD}] [\u{FFFD}] [\u{FFFD}] [\u{FFFD}]",
        ),
        (
            "&bogus; &; & &# &#x &#xz; a&b",
            "&bogus; &; & &# &#x &#xz; a&b",
        ),
        (
            "&NotNestedGreaterGreater; &acE;",
            "\u{2AA2}\u{338} \u{223E}\u{333}",
        ),
        ("&nbsp;x&nbsp;&nbsp;y", "x y"),
        ("pass&#x200B;word &shy;", "password"),
    ];
    for (html, text) in cases {
        let s = both(&format!("<p>{html}</p>"));
        assert_eq!(s.visible_text, *text, "{html}");
    }
}

#[test]
fn legacy_references_in_attributes_stay_when_followed_by_a_name_character() {
    let s = both(
        r#"<a href="https://e.example/?a=1&copy=2&amp;b=3&ampc=4&amp c&lt;d&gt">x</a>
        <a href='https://e.example/&#x2F;&#47;&sol;'>y</a>"#,
    );
    assert_eq!(
        links(&s),
        vec![
            (
                LinkKind::Anchor,
                "https://e.example/?a=1&copy=2&b=3&ampc=4& c<d>",
                Some("x")
            ),
            (LinkKind::Anchor, "https://e.example////", Some("y")),
        ]
    );
}

#[test]
fn attribute_syntax_variants() {
    let s = both(
        "<A HREF=https://a.example/x?b=1&amp;c=2 target=_blank>one</A>\
         <a\thref\n=\n'https://b.example/'>two</a>\
         <a href=\"https://c.example/\"title=x>three</a>\
         <a href=\"https://d.example/\r\nx\">four</a>\
         <a href=\"https://e.example/\" href=\"https://dup.example/\">five</a>\
         <a/href=\"https://f.example/\">six</a>\
         <a href=https://g.example/>seven</a>\
         <a =x href=\"https://h.example/\" a\"b=c>eight</a>\
         <a href=\"https://i.example/\u{0}\">nine</a>",
    );
    assert_eq!(
        links(&s)
            .iter()
            .map(|l| (l.1, l.2.unwrap_or("")))
            .collect::<Vec<_>>(),
        vec![
            ("https://a.example/x?b=1&c=2", "one"),
            ("https://b.example/", "two"),
            ("https://c.example/", "three"),
            ("https://d.example/\nx", "four"),
            ("https://e.example/", "five"),
            ("https://f.example/", "six"),
            ("https://g.example/", "seven"),
            ("https://h.example/", "eight"),
            ("https://i.example/\u{FFFD}", "nine"),
        ]
    );
}

#[test]
fn raw_text_elements_end_only_at_their_own_end_tag() {
    let s = both(
        r#"<title>T <a href="https://t.example/">x</a></titlex></TITLE >
        <style>a{} </sty </style2> <a href="https://css.example/"></style foo="a>b">
        <textarea><a href="https://ta.example/">ta&amp;</a></textarea>
        <xmp><b>xmp</b></xmp>
        <script>if (a</b) { x = "</scrip" }</script>
        <iframe><a href="https://if.example/">f</a></iframe><noembed>n</noembed>
        <p>after</p>"#,
    );
    // Textarea and xmp content is shown as text, so only a URL written there is a link.
    assert_eq!(
        links(&s),
        vec![(LinkKind::Text, "https://ta.example/", None)]
    );
    assert_eq!(
        s.visible_text,
        "<a href=\"https://ta.example/\">ta&</a> <b>xmp</b>\nafter"
    );
}

#[test]
fn script_escapes_and_plaintext_agree_with_html5ever() {
    // `<!--` in a script is left to html5ever.
    let escaped = r#"<script><!-- document.write("<script></script>"); --></script><a href="https://after.example/">a</a>"#;
    assert!(scan_html_fast(escaped, 0, &HtmlLimits::default()).is_none());
    assert_eq!(scan(escaped).links.len(), 1);
    let s = both("<p>x</p><plaintext><a href=\"https://p.example/\">\u{0}</a></plaintext>");
    assert_eq!(
        links(&s),
        vec![(LinkKind::Text, "https://p.example/", None)]
    );
    assert!(
        s.visible_text
            .ends_with("<a href=\"https://p.example/\">\u{FFFD}</a></plaintext>")
    );
}

#[test]
fn anchors_do_not_nest() {
    let s = both(
        r#"<a href="https://one.example/">one <a href="https://two.example/">two</a> tail</a>"#,
    );
    assert_eq!(
        links(&s),
        vec![
            (LinkKind::Anchor, "https://one.example/", Some("one")),
            (LinkKind::Anchor, "https://two.example/", Some("two")),
        ]
    );
    assert_eq!(s.visible_text, "one two tail");
}

#[test]
fn comments_and_declarations_hide_their_content() {
    let s = both(
        r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x">
        <!-- <a href="https://c1.example/">x</a> -- still comment -->
        <!--[if mso]><a href="https://c2.example/">x</a><![endif]-->
        <!----><!---><a href="https://shown1.example/">a</a><!-->b
        <!-- x --!><a href="https://shown2.example/">c</a>
        <? php ?><![CDATA[ d ]]></ bogus><!x>
        </><a href="https://shown3.example/">e</a><!-- unterminated <a href="https://c3.example/">"#,
    );
    assert_eq!(
        links(&s).iter().map(|l| l.1).collect::<Vec<_>>(),
        vec![
            "https://shown1.example/",
            "https://shown2.example/",
            "https://shown3.example/"
        ]
    );
    // `<![CDATA[` outside SVG and MathML is a bogus comment, which ends at the first `>`.
    assert_eq!(s.visible_text, "ab c e");
}

#[test]
fn stray_angle_brackets_and_eof_in_tags() {
    for html in [
        "a < b <= c <3 <é 1<2",
        "<p>x</p><a href=\"https://e.example/",
        "<p>x</p><a href=https://e.example/",
        "<p>x</p><a href",
        "<p>x</p></",
        "<p>x</p><",
        "<p>x</p><!",
        "<p>x</p><!-",
        "<p>x</p>&am",
        "<p>x</p>&#x",
        "<title>x</tit",
        "<textarea>x</textarea",
        "<textarea>x</",
        "<style>x</style ",
        "<div style='display:none'>h</div\u{0}>v",
        "<a href=\"x\"/>y</a>",
        "<img alt=\"a\"/><br/><br />",
    ] {
        both(html);
    }
}

/// Markup assembled from pieces that exercise the tokenizer states, each string checked
/// against html5ever. A fixed-seed generator keeps the test deterministic.
#[test]
fn generated_markup_agrees_with_html5ever() {
    const PIECES: &[&str] = &[
        "<a",
        "<A",
        " href",
        "=",
        "\"",
        "'",
        "https://x.example/",
        ">",
        "/",
        " ",
        "\n",
        "\r\n",
        "\r",
        "\t",
        "</a>",
        "<p>",
        "</p",
        "<div style=\"display:none\">",
        "</div>",
        "<span hidden>",
        "&amp",
        "&amp;",
        "&not",
        "it;",
        "&#x68;",
        "&#104",
        "&#",
        "x",
        ";",
        "&",
        "=2",
        "nbsp",
        "<!--",
        "-->",
        "--!>",
        "-",
        "->",
        "--",
        "!",
        "<!",
        "<!DOCTYPE html>",
        "<?x",
        "</",
        "<![CDATA[",
        "]]>",
        "<script>",
        "</script>",
        "<style>",
        "</style",
        "<title>",
        "</title>",
        "<textarea>",
        "</textarea>",
        "<xmp>",
        "</xmp>",
        "<plaintext>",
        "<img alt=",
        "<area href=",
        "<form action=",
        "<base href=",
        "<meta http-equiv=refresh content=",
        "text",
        "URL https://t.example/ ",
        "é",
        "\u{200B}",
        "\u{0}",
        "<",
        "<<",
        "<td>",
        "<br/>",
        "<font size=0>",
        "<b",
        "'x'",
    ];
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let limits = HtmlLimits::default();
    // More cases on demand: `UNPHISH_HTML_CASES=1000000 cargo test --release ... generated`.
    let cases: usize = std::env::var("UNPHISH_HTML_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4000);
    let mut checked = 0;
    for _ in 0..cases {
        let len = 1 + next() % 40;
        let html: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        let Some(fast) = scan_html_fast(&html, 0, &limits) else {
            continue;
        };
        let reference = scan_html_reference(&html, 0, &limits);
        assert_eq!(fingerprint(&fast), fingerprint(&reference), "{html:?}");
        checked += 1;
    }
    assert!(checked > cases * 3 / 4, "{checked} of {cases}");
}

/// Every HTML body of every `.eml` in the folders of `UNPHISH_CORPUS` (colon-separated).
fn corpus_bodies() -> Vec<String> {
    use mail_parser::{MessageParser, PartType};
    let dirs = std::env::var("UNPHISH_CORPUS").unwrap_or("/work/shared/corpus/phish".into());
    let mut bodies = Vec::new();
    for dir in dirs.split(':') {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .expect("corpus directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        paths.sort();
        for path in &paths {
            let Ok(bytes) = std::fs::read(path) else {
                continue;
            };
            let Some(msg) = MessageParser::default().parse(&bytes) else {
                continue;
            };
            for part in msg.html_bodies() {
                if let PartType::Html(html) = &part.body {
                    bodies.push(html.to_string());
                }
            }
        }
    }
    bodies
}

/// Everything the scan reports, in a comparable form.
fn fingerprint(s: &HtmlScan) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{}",
        s.links
            .iter()
            .map(|l| (l.kind, &l.raw, &l.text, l.part, &l.base))
            .collect::<Vec<_>>(),
        s.visible_text,
        s.hidden_text,
        s.stats,
        s.truncated
    )
}

/// The fast tokenizer against html5ever's over real mail (not in CI: the corpus is not part of
/// the repository). Prints how many bodies agree, how many were handed over, and the first
/// difference of each disagreeing body.
/// `UNPHISH_CORPUS=/work/shared/corpus/phish:/work/shared/corpus/ham cargo test --release -p unphish-evidence --test html -- --ignored --nocapture differential`
#[test]
#[ignore]
fn corpus_differential() {
    let bodies = corpus_bodies();
    let limits = HtmlLimits::default();
    let (mut same, mut bailed, mut differ) = (0, 0, 0);
    let (mut fast_time, mut reference_time) = (Duration::ZERO, Duration::ZERO);
    for (i, body) in bodies.iter().enumerate() {
        let t = Instant::now();
        let fast = scan_html_fast(body, i, &limits);
        fast_time += t.elapsed();
        let t = Instant::now();
        let reference = scan_html_reference(body, i, &limits);
        reference_time += t.elapsed();
        let Some(fast) = fast else {
            bailed += 1;
            continue;
        };
        let (f, r) = (fingerprint(&fast), fingerprint(&reference));
        if f == r {
            same += 1;
            continue;
        }
        differ += 1;
        let at = f
            .char_indices()
            .zip(r.chars())
            .find(|((_, a), b)| a != b)
            .map_or(f.len().min(r.len()), |((i, _), _)| i);
        let around = |s: &str| -> String {
            s.char_indices()
                .skip_while(|(j, _)| *j + 80 < at)
                .take(160)
                .map(|(_, c)| c)
                .collect()
        };
        println!(
            "body {i} differs:\n  fast: {:?}\n  html5ever: {:?}",
            around(&f),
            around(&r)
        );
    }
    let bytes: usize = bodies.iter().map(String::len).sum();
    println!(
        "{} bodies, {:.1} MB: {same} agree, {differ} differ, {bailed} handed over to html5ever; \
         fast {:.2} s ({:.0} MB/s), html5ever {:.2} s ({:.0} MB/s)",
        bodies.len(),
        bytes as f64 / 1e6,
        fast_time.as_secs_f64(),
        bytes as f64 / 1e6 / fast_time.as_secs_f64(),
        reference_time.as_secs_f64(),
        bytes as f64 / 1e6 / reference_time.as_secs_f64(),
    );
    assert!(!bodies.is_empty());
    assert_eq!(differ, 0);
}
