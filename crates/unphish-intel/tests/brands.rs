//! Brand data and matchers: each matcher has a sample that fires and a near-miss that must not.

use unphish_intel::brands::BrandDb;

fn db() -> &'static BrandDb {
    BrandDb::embedded()
}

fn id(idx: usize) -> &'static str {
    db().get(idx).id.as_str()
}

fn mentioned(text: &str) -> Vec<&'static str> {
    db().find_mentions(text)
        .iter()
        .map(|m| id(m.brand))
        .collect()
}

#[test]
fn embedded_file_is_valid_and_large_enough() {
    let parsed = BrandDb::from_toml(BrandDb::embedded_source());
    assert!(parsed.is_ok(), "{:?}", parsed.err());
    assert!(
        db().brands().len() >= 100,
        "only {} brands",
        db().brands().len()
    );
    for b in db().brands() {
        assert!(
            !b.domains.is_empty() || !b.shared_domains.is_empty(),
            "{} has no domains",
            b.id
        );
    }
}

#[test]
fn bad_files_are_rejected() {
    let dup_alias = r#"
generic_stems = []
lure_words = []
[[brand]]
id = "A"
name_en = "A"
category = "x"
aliases = ["Foo"]
[[brand]]
id = "B"
name_en = "B"
category = "x"
aliases = ["foo"]
"#;
    assert!(BrandDb::from_toml(dup_alias).is_err());
    let upper_domain = r#"
generic_stems = []
lure_words = []
[[brand]]
id = "A"
name_en = "A"
category = "x"
aliases = ["Foo"]
domains = ["Foo.com"]
"#;
    assert!(BrandDb::from_toml(upper_domain).is_err());
    assert!(BrandDb::from_toml("generic_stems = [").is_err());
}

#[test]
fn kagoya_entry() {
    let k = db().by_id("KAGOYA").expect("KAGOYA");
    let b = db().get(k);
    for d in ["kagoya.net", "kagoya.jp", "kagoya.com"] {
        assert!(b.domains.iter().any(|x| x == d), "{d}");
    }
    for text in [
        "カゴヤ",
        "KAGOYA",
        "カゴヤ・ジャパン",
        "Kagoya/No-reply",
        "「どこでもメール」で確認",
    ] {
        assert_eq!(mentioned(text), ["KAGOYA"], "{text}");
    }
    assert_eq!(
        mentioned("©1998 QUALITIA CO., LTD. All Rights Reserved"),
        ["QUALITIA"]
    );
    assert_eq!(mentioned("Active! mail ログイン"), ["QUALITIA"]);
    assert!(db().by_id("Keydog").is_none());
    assert!(db().owner_of("keydog.co.jp").is_none());
}

#[test]
fn mentions_fire_on_names_in_several_scripts() {
    assert_eq!(
        mentioned("【重要】Amazonプライムの自動更新設定を解除しました"),
        ["Amazon"]
    );
    assert_eq!(mentioned("ＪＣＢカードご利用確認"), ["JCB"]);
    assert_eq!(
        mentioned("Correios: sua encomenda está retida"),
        ["Correios"]
    );
    assert_eq!(mentioned("Atualize seus dados do Itaú"), ["Itau"]);
    assert_eq!(mentioned("ANAマイレージクラブ"), ["ANA"]);
    assert_eq!(mentioned("【au】ご利用料金のお知らせ"), ["au"]);
    assert_eq!(mentioned("Your UPS parcel"), ["UPS"]);
    assert_eq!(mentioned("三井住友VISAカード"), ["SMBC Card"]);
    assert_eq!(mentioned("楽天カード株式会社"), ["Rakuten Card"]);
    assert_eq!(mentioned("ｱﾏｿﾞﾝ"), ["Amazon"]);
}

#[test]
fn mentions_report_the_text_as_written_with_offsets() {
    let text = "From: Аmazon Support"; // Cyrillic А
    let m = db().find_mentions(text);
    assert_eq!(m.len(), 1);
    assert_eq!(id(m[0].brand), "Amazon");
    assert_eq!(m[0].alias, "Аmazon");
    assert_eq!(&text[m[0].start..m[0].end], "Аmazon");
    assert!(m[0].obfuscated);
    let plain = db().find_mentions("Amazon");
    assert!(!plain[0].obfuscated);
    let zw = db().find_mentions("Pay\u{200b}Pal account");
    assert_eq!(id(zw[0].brand), "PayPal");
    assert!(zw[0].obfuscated);
}

#[test]
fn mentions_near_misses() {
    // Whole words only, and short all-caps names are case-sensitive.
    assert!(mentioned("Sign in to your online banking").is_empty());
    assert!(mentioned("I ate a banana on the ONLINE store").is_empty());
    assert!(mentioned("the auto dealer, au revoir").is_empty());
    assert!(mentioned("ups and downs, a dhl-free day").is_empty());
    assert!(mentioned("an apple a day; chase your dreams; visa application").is_empty());
    assert!(mentioned("Lineage of the kagoyan").is_empty());
    assert!(mentioned("ANAL").is_empty());
}

#[test]
fn owner_of_owned_and_customer_space() {
    let k = db().by_id("KAGOYA");
    assert_eq!(db().owner_of("mail.kagoya.net"), k);
    assert_eq!(db().owner_of("KAGOYA.JP."), k);
    assert_eq!(db().owner_of("www.amazon.co.jp").map(id), Some("Amazon"));
    assert_eq!(db().owner_of("dcard.docomo.ne.jp").map(id), Some("d Card"));
    assert_eq!(db().owner_of("www.docomo.ne.jp").map(id), Some("docomo"));
    // Customer space is never the brand's.
    assert_eq!(db().owner_of("foo.lolipop.jp"), None);
    assert_eq!(db().owner_of("lolipop.jp").map(id), Some("LOLIPOP"));
    assert_eq!(db().owner_of("www123.sakura.ne.jp"), None);
    assert_eq!(db().owner_of("sv1234.xserver.jp"), None);
    assert_eq!(db().owner_of("evil.web.app"), None);
    assert_eq!(db().owner_of("contoso.sharepoint.com"), None);
    assert_eq!(db().owner_of("docs.google.com"), None);
    assert_eq!(
        db().owner_of("ec2-13-113-112-84.ap-northeast-1.compute.amazonaws.com"),
        None
    );
    assert!(db().is_shared("foo.lolipop.jp"));
    assert!(!db().is_shared("lolipop.jp"));
    // Look-alikes and unrelated hosts.
    assert_eq!(db().owner_of("amazon.co.jp.example.com"), None);
    assert_eq!(db().owner_of("notkagoya.net"), None);
    assert_eq!(db().owner_of(""), None);
}

fn found(s: &str) -> Vec<(&'static str, String)> {
    db().domains_in(s)
        .into_iter()
        .map(|(b, d, _, _)| (id(b), d))
        .collect()
}

#[test]
fn domains_in_path_query_and_foreign_host() {
    let s = "https://solarpivotpower.com/wp-includes/js/kagoya.net/?uid=someone";
    let hits = db().domains_in(s);
    assert_eq!(hits.len(), 1);
    let (b, d, st, en) = &hits[0];
    assert_eq!(id(*b), "KAGOYA");
    assert_eq!(d, "kagoya.net");
    assert_eq!(&s[*st..*en], "kagoya.net");

    assert_eq!(
        found("https://www.smbc-card.com.dcaynf.com/login"),
        [("SMBC Card", "smbc-card.com".to_string())]
    );
    assert_eq!(
        found("http://amazon.co.jp.example.com/"),
        [("Amazon", "amazon.co.jp".to_string())]
    );
    assert_eq!(
        found("www.amazon.co.jp.example.com"),
        [("Amazon", "amazon.co.jp".to_string())]
    );
    assert_eq!(
        found("http://203.0.113.9/amazon.co.jp/signin"),
        [("Amazon", "amazon.co.jp".to_string())]
    );
    assert_eq!(
        found("https://paypal.com@evil.example/"),
        [("PayPal", "paypal.com".to_string())]
    );
    assert_eq!(
        found("https://rakuten.co.jp-cookiespost.jscss.info/"),
        [("Rakuten", "rakuten.co.jp".to_string())]
    );
    assert_eq!(
        found("https://www-americanexpress-com.evil.shop/"),
        [("American Express", "americanexpress-com".to_string())]
    );
}

#[test]
fn domains_in_near_misses() {
    assert!(found("https://www.kagoya.net/login").is_empty());
    assert!(found("https://mail.kagoya.net:443/?next=kagoya.net").is_empty());
    assert!(found("www.smbc-card.com").is_empty());
    assert!(found("https://notkagoya.net/").is_empty());
    assert!(found("https://kagoya.network.example/").is_empty());
    // A recipient address in the query is personalisation, not a brand claim.
    assert!(found("https://evil.example/?email=victim@gmail.com").is_empty());
    assert!(found("https://evil.example/?email=victim%40gmail.com").is_empty());
    // Amazon's own country sites.
    assert!(found("https://www.amazon.com.br/").is_empty());
    assert!(found("https://my-apple.com/").is_empty());
}

fn look(d: &str) -> Option<(&'static str, String)> {
    db().lookalike_of(d).map(|(b, real)| (id(b), real))
}

#[test]
fn lookalikes_fire() {
    assert_eq!(
        look("amaz0n.co.jp"),
        Some(("Amazon", "amazon.co.jp".to_string()))
    );
    assert_eq!(look("paypa1.com").map(|x| x.0), Some("PayPal"));
    assert_eq!(look("rnercari.jp").map(|x| x.0), Some("Mercari"));
    assert_eq!(look("mercari.co.jp").map(|x| x.0), Some("Mercari"));
    assert_eq!(look("lolipop.co.jp").map(|x| x.0), Some("LOLIPOP"));
    assert_eq!(look("amazon-secure.com").map(|x| x.0), Some("Amazon"));
    assert_eq!(look("paypal-login.net").map(|x| x.0), Some("PayPal"));
    assert_eq!(look("sbisec-info.net").map(|x| x.0), Some("SBI Securities"));
    assert_eq!(
        look("no-reply74-eposcard.co.jp").map(|x| x.0),
        Some("EPOS Card")
    );
    assert_eq!(look("amazom.com").map(|x| x.0), Some("Amazon"));
    assert_eq!(look("netfiix.com").map(|x| x.0), Some("Netflix"));
    assert_eq!(look("apple-verify.com").map(|x| x.0), Some("Apple"));
    assert_eq!(look("xn--mazon-3ve.com").map(|x| x.0), Some("Amazon")); // Cyrillic а
    assert_eq!(look("login.amaz0n.co.jp").map(|x| x.0), Some("Amazon"));
}

#[test]
fn lookalike_near_misses() {
    for d in [
        "amazon.co.jp",
        "amazon.de",
        "paypay.ne.jp",
        "kagoya.net",
        "foo.lolipop.jp",
        "sakura.ne.jp",
        "example.com",
        "applebees.com",
        "apple-farm.jp",
        "sakura-hotel.jp",
        "nomura-dental.jp",
        "online.com",
        "mercury.com",
        "amazing.com",
        "keydog.co.jp",
        "solarpivotpower.com",
        "",
    ] {
        assert_eq!(look(d), None, "{d}");
    }
}

#[test]
fn hostile_input_is_bounded_and_never_panics() {
    let many = "ANA ".repeat(100_000);
    let m = db().find_mentions(&many);
    assert!(!m.is_empty() && m.len() <= unphish_intel::text::MAX_HITS);
    for s in [
        "",
        "\u{200b}\u{200b}",
        "ﾞﾟ",
        "ｶﾞ",
        "\u{3099}",
        "é",
        "https://",
        "://@:/",
        "@kagoya.net",
        "[::1]:80/kagoya.net",
        "xn--",
        "xn--zzzzzzz.com",
        ".",
        "..",
        "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z",
    ] {
        let _ = db().find_mentions(s);
        let _ = db().domains_in(s);
        let _ = db().owner_of(s);
        let _ = db().lookalike_of(s);
    }
    let long_url = format!("https://x.example/{}", "kagoya.net/".repeat(20_000));
    assert!(db().domains_in(&long_url).len() <= 4096);
    let long_host = "a-".repeat(200) + "amazon.com";
    let _ = db().lookalike_of(&long_host);
}

/// Survey helper, not a test of the product: reads decoded `Subject`/`From` lines (one per line)
/// from the file named by `UNPHISH_SURVEY_FILE` and prints how often each brand is mentioned.
/// Run: `UNPHISH_SURVEY_FILE=/tmp/x.txt cargo test -p unphish-intel --test brands survey -- --ignored --nocapture`
#[test]
#[ignore]
fn survey_mentions_in_file() {
    let Ok(path) = std::env::var("UNPHISH_SURVEY_FILE") else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let mut counts = std::collections::BTreeMap::new();
    let mut lines_with = 0;
    for line in text.lines() {
        let m = db().find_mentions(line);
        if !m.is_empty() {
            lines_with += 1;
        } else if std::env::var_os("UNPHISH_SURVEY_UNMATCHED").is_some() {
            println!("- {line}");
        }
        for x in m {
            *counts.entry(id(x.brand)).or_insert(0usize) += 1;
        }
    }
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    println!(
        "{lines_with} of {} lines mention a brand",
        text.lines().count()
    );
    for (b, n) in v {
        println!("{n:6} {b}");
    }
}
