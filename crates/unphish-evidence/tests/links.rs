use std::net::IpAddr;

use unphish_evidence::LinkKind;
use unphish_evidence::links::{LinkLimits, RawLink, analyze, text_links};

fn found(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let cut = text_links(text, 0, &LinkLimits::default(), &mut out);
    assert!(!cut);
    out.into_iter().map(|l| l.raw).collect()
}

fn anchor(href: &str, text: Option<&str>) -> RawLink {
    RawLink {
        kind: LinkKind::Anchor,
        raw: href.to_owned(),
        text: text.map(str::to_owned),
        part: 1,
        base: None,
    }
}

fn text_link(raw: &str) -> RawLink {
    RawLink {
        kind: LinkKind::Text,
        raw: raw.to_owned(),
        text: None,
        part: 0,
        base: None,
    }
}

#[test]
fn refanging_table() {
    // (text, raw found, url after analysis)
    let cases: &[(&str, &str, &str)] = &[
        (
            "ログイン: hxxps://evil.example/login です",
            "hxxps://evil.example/login",
            "https://evil.example/login",
        ),
        (
            "URL h**ps://solarpivotpower.com/wp-includes/js/kagoya.net/?uid=user@example.jp",
            "h**ps://solarpivotpower.com/wp-includes/js/kagoya.net/?uid=user@example.jp",
            "https://solarpivotpower.com/wp-includes/js/kagoya.net/?uid=user@example.jp",
        ),
        (
            "see h..p://a.example/x",
            "h..p://a.example/x",
            "http://a.example/x",
        ),
        (
            "HXXP://A.example/",
            "HXXP://A.example/",
            "http://a.example/",
        ),
        (
            "go to evil[.]example[.]com/login now",
            "evil[.]example[.]com/login",
            "http://evil.example.com/login",
        ),
        (
            "x evil(.)example{.}com y",
            "evil(.)example{.}com",
            "http://evil.example.com/",
        ),
        (
            "x evil[dot]example[DOT]com/a y",
            "evil[dot]example[DOT]com/a",
            "http://evil.example.com/a",
        ),
        (
            "hxxps[:]//evil.example/",
            "hxxps[:]//evil.example/",
            "https://evil.example/",
        ),
        (
            "hxxp[://]evil.example/p",
            "hxxp[://]evil.example/p",
            "http://evil.example/p",
        ),
        (
            "昔の書き方 ttp://old.example/a",
            "ttp://old.example/a",
            "http://old.example/a",
        ),
        (
            "ttps://old.example/b",
            "ttps://old.example/b",
            "https://old.example/b",
        ),
        (
            "全角 ｈｔｔｐｓ：／／ｅｖｉｌ．ｅｘａｍｐｌｅ／ｌｏｇｉｎ を開く",
            "ｈｔｔｐｓ：／／ｅｖｉｌ．ｅｘａｍｐｌｅ／ｌｏｇｉｎ",
            "https://evil.example/login",
        ),
        (
            "www.amazon.co.jp.evil.example です",
            "www.amazon.co.jp.evil.example",
            "http://www.amazon.co.jp.evil.example/",
        ),
        (
            "こちら https://evil.example/loginからログイン",
            "https://evil.example/login",
            "https://evil.example/login",
        ),
        (
            "詳細はhttps://evil.example/a?b=1。次に",
            "https://evil.example/a?b=1",
            "https://evil.example/a?b=1",
        ),
        (
            "v6 http://[2001:db8::1]/login ok",
            "http://[2001:db8::1]/login",
            "http://[2001:db8::1]/login",
        ),
    ];
    for (text, raw, url) in cases {
        assert_eq!(found(text), vec![raw.to_string()], "finding in {text:?}");
        let link = analyze(text_link(raw));
        assert_eq!(link.url, *url, "url of {raw:?}");
        assert_eq!(link.raw, *raw);
        let plain = raw.starts_with("http") || raw.starts_with("www");
        assert_eq!(link.defanged, !plain, "defanged flag of {raw:?}");
    }
}

#[test]
fn plain_text_spares_prose_and_mailboxes() {
    assert!(found("お問い合わせは support@example.co.jp まで").is_empty());
    assert!(
        found("amazon.co.jp からのお知らせ").is_empty(),
        "bare domain mention"
    );
    assert!(found("h..p is not a URL, nor is hxxp alone").is_empty());
    assert_eq!(
        found("http://a.example/ and http://a.example/"),
        vec!["http://a.example/"]
    );
}

#[test]
fn text_links_stop_at_the_limit() {
    let text: String = (0..50).map(|i| format!("https://h{i}.example/ ")).collect();
    let mut out = Vec::new();
    let cut = text_links(&text, 3, &LinkLimits { max_links: 10 }, &mut out);
    assert!(cut);
    assert_eq!(out.len(), 10);
    assert!(out.iter().all(|l| l.part == 3 && l.kind == LinkKind::Text));

    // Repeats do not count against the limit, but the work stays bounded.
    let repeated = "https://same.example/ ".repeat(100_000);
    let mut out = Vec::new();
    assert!(text_links(
        &repeated,
        0,
        &LinkLimits { max_links: 10 },
        &mut out
    ));
    assert_eq!(out.len(), 1);
    let mut out = Vec::new();
    assert!(!text_links(
        "https://a.example/ ".repeat(50).as_str(),
        0,
        &LinkLimits { max_links: 10 },
        &mut out
    ));
    assert_eq!(out.len(), 1);
}

#[test]
fn visible_text_names_a_different_host() {
    let link = analyze(anchor(
        "https://evil.example/amazon/signin?u=1",
        Some("https://www.amazon.co.jp/"),
    ));
    assert_eq!(link.host.as_deref(), Some("evil.example"));
    assert_eq!(link.registrable_domain.as_deref(), Some("evil.example"));
    assert_eq!(link.text_host.as_deref(), Some("www.amazon.co.jp"));
    assert_eq!(
        link.text_registrable_domain.as_deref(),
        Some("amazon.co.jp")
    );
    assert_eq!(link.path.as_deref(), Some("/amazon/signin"));
    assert_eq!(link.query.as_deref(), Some("u=1"));
    assert_eq!(link.scheme.as_deref(), Some("https"));
    assert!(!link.defanged);

    let plain = analyze(anchor("https://evil.example/", Some("今すぐ確認")));
    assert_eq!(plain.text_host, None);
}

#[test]
fn punycode_host_is_shown_decoded() {
    let link = analyze(anchor("https://xn--80ak6aa92e.com/login", None));
    assert_eq!(link.host.as_deref(), Some("xn--80ak6aa92e.com"));
    assert_eq!(link.host_unicode.as_deref(), Some("аррӏе.com"));
    assert_eq!(
        link.registrable_domain.as_deref(),
        Some("xn--80ak6aa92e.com")
    );

    let unicode_written = analyze(anchor("https://аррӏе.com/", None));
    assert_eq!(unicode_written.host.as_deref(), Some("xn--80ak6aa92e.com"));
    assert_eq!(unicode_written.raw, "https://аррӏе.com/");

    let fullwidth = analyze(anchor("https://ｐａｙｐａｌ.com/", None));
    assert_eq!(fullwidth.host.as_deref(), Some("paypal.com"));
    assert_eq!(fullwidth.raw, "https://ｐａｙｐａｌ.com/");
}

#[test]
fn ip_hosts_become_ip_literals() {
    let cases: &[(&str, &str)] = &[
        ("http://192.168.1.1/amazon.co.jp/", "192.168.1.1"),
        ("http://3232235777/", "192.168.1.1"),
        ("http://0xC0A80101/", "192.168.1.1"),
        ("http://0300.0250.01.01/", "192.168.1.1"),
        ("http://[2001:db8::1]:8080/x", "2001:db8::1"),
    ];
    for (href, ip) in cases {
        let link = analyze(anchor(href, None));
        assert_eq!(link.ip, Some(ip.parse::<IpAddr>().unwrap()), "{href}");
        assert_eq!(link.host.as_deref(), Some(*ip));
        assert_eq!(link.registrable_domain, None);
        assert_eq!(link.raw, *href, "raw kept as written");
        assert_eq!(link.parse_error, None);
    }
}

#[test]
fn invalid_punycode_is_reported_not_dropped() {
    let link = analyze(anchor(
        "https://xn--smbc-card-xxx.example/login?id=1",
        Some("ログイン"),
    ));
    assert!(link.parse_error.is_some());
    assert_eq!(link.scheme.as_deref(), Some("https"));
    assert_eq!(link.host.as_deref(), Some("xn--smbc-card-xxx.example"));
    assert_eq!(
        link.registrable_domain.as_deref(),
        Some("xn--smbc-card-xxx.example")
    );
    assert_eq!(link.url, "https://xn--smbc-card-xxx.example/login?id=1");
}

#[test]
fn relative_targets_need_a_base() {
    let mut raw = anchor("/login.php?x=1", Some("ログイン"));
    assert!(analyze(raw.clone()).parse_error.is_some());
    raw.base = Some("https://evil.example/kit/".into());
    let link = analyze(raw);
    assert_eq!(link.parse_error, None);
    assert_eq!(link.url, "https://evil.example/login.php?x=1");
    assert_eq!(link.raw, "/login.php?x=1");
}

#[test]
fn schemeless_href_still_names_its_host() {
    let link = analyze(anchor(
        "easilett.com/cl/786/2459859",
        Some("russianBeauty.net"),
    ));
    assert!(link.parse_error.is_some());
    assert_eq!(link.host.as_deref(), Some("easilett.com"));
    assert_eq!(link.registrable_domain.as_deref(), Some("easilett.com"));
    assert_eq!(link.text_host.as_deref(), Some("russianbeauty.net"));
    let placeholder = analyze(anchor("unsubscribe-link", None));
    assert!(placeholder.parse_error.is_some());
    assert_eq!(placeholder.host, None);
}

#[test]
fn html_targets_are_not_refanged() {
    let link = analyze(anchor("hxxps://evil.example/", None));
    assert!(!link.defanged);
    assert_eq!(link.scheme.as_deref(), Some("hxxps"));
    assert_eq!(link.host.as_deref(), Some("evil.example"));
}

#[test]
fn mailto_has_no_host() {
    let link = analyze(anchor("mailto:help@example.jp", Some("help@example.jp")));
    assert_eq!(link.scheme.as_deref(), Some("mailto"));
    assert_eq!(link.host, None);
    assert_eq!(link.text_host, None);
}
