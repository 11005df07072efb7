use unphish_evidence::domain::{
    confusable_skeleton, host_to_unicode, is_mixed_script, looks_like_domain, registrable_domain,
};

#[test]
fn registrable_domain_table() {
    let cases: &[(&str, Option<&str>)] = &[
        ("www.amazon.co.jp", Some("amazon.co.jp")),
        ("WWW.Amazon.CO.JP.", Some("amazon.co.jp")),
        ("www.amazon.co.jp.evil.com", Some("evil.com")),
        (
            "sapoom.adamclarkcinematographer.de",
            Some("adamclarkcinematographer.de"),
        ),
        ("evil.github.io", Some("evil.github.io")),
        ("a.b.city.kawasaki.jp", Some("city.kawasaki.jp")),
        ("xn--80ak6aa92e.com", Some("xn--80ak6aa92e.com")),
        ("аррӏе.com", Some("xn--80ak6aa92e.com")),
        ("co.jp", None),
        ("127.0.0.1", None),
        ("::1", None),
        ("[::1]", None),
        ("3232235777", None),
        ("0x7f.1", None),
        ("a..com", None),
        ("", None),
        ("localhost", None),
    ];
    for (host, want) in cases {
        assert_eq!(registrable_domain(host).as_deref(), *want, "{host}");
    }
}

#[test]
fn punycode_is_decoded_for_display_and_flagged_mixed() {
    let unicode = host_to_unicode("xn--80ak6aa92e.com").expect("decodes");
    assert_eq!(unicode, "аррӏе.com");
    assert!(is_mixed_script(&unicode));
    assert_eq!(host_to_unicode("www.amazon.co.jp"), None);
    assert_eq!(host_to_unicode("xn--zz.example"), None, "invalid punycode");
}

#[test]
fn mixed_script_spares_japanese_and_single_scripts() {
    assert!(!is_mixed_script("日本語.jp"));
    assert!(!is_mixed_script("お知らせ.jp"));
    assert!(!is_mixed_script("amazon.co.jp"));
    assert!(!is_mixed_script("яндекс.рф"));
    assert!(!is_mixed_script(""));
    assert!(
        is_mixed_script("pаypal.com"),
        "Cyrillic а inside a Latin label"
    );
    assert!(is_mixed_script("etαx"), "Greek alpha");
    assert!(is_mixed_script("lօlipop.jp"), "Armenian o");
}

#[test]
fn skeletons_match_only_skeletons() {
    assert_eq!(
        confusable_skeleton("аррӏе.com"),
        confusable_skeleton("apple.com")
    );
    assert_ne!(
        confusable_skeleton("apple.com"),
        "apple.com",
        "m maps to rn"
    );
    assert_ne!(
        confusable_skeleton("amazon.co.jp"),
        confusable_skeleton("amazom.co.jp")
    );
}

#[test]
fn looks_like_domain_table() {
    let cases: &[(&str, Option<&str>)] = &[
        ("https://www.amazon.co.jp/", Some("www.amazon.co.jp")),
        (
            "  https://www.amazon.co.jp/gp/css/homepage.html  ",
            Some("www.amazon.co.jp"),
        ),
        ("www.amazon.co.jp", Some("www.amazon.co.jp")),
        ("Amazon.co.jp", Some("amazon.co.jp")),
        ("amazon.co.jp/login", Some("amazon.co.jp")),
        ("「smbc-card.com」", Some("smbc-card.com")),
        ("ａｍａｚｏｎ．ｃｏ．ｊｐ", Some("amazon.co.jp")),
        ("www[.]line[.]me", Some("www.line.me")),
        ("hxxps://viewsnet.jp/default.aspx", Some("viewsnet.jp")),
        ("http://192.168.1.1/amazon.co.jp/", Some("192.168.1.1")),
        ("http://3232235777/", Some("192.168.1.1")),
        ("аррӏе.com", Some("xn--80ak6aa92e.com")),
        ("Click here", None),
        ("ログイン", None),
        ("index.html", None),
        ("Ver.2.0", None),
        ("support@amazon.co.jp", None),
        ("co.jp", None),
        ("go to amazon.co.jp now", None),
        ("", None),
    ];
    for (text, want) in cases {
        assert_eq!(looks_like_domain(text).as_deref(), *want, "{text:?}");
    }
}
