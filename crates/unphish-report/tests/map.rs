//! The map picture: pins where the report says, labels escaped, standalone SVG.

mod common;

use unphish_report::map;
use unphish_report::text::Lang;

#[test]
fn seed2_pins_the_origin_in_japan() {
    let r = common::analyze("seed-2-kagoya-quarantine.eml");
    let origin = r
        .pins
        .iter()
        .find(|p| p.role == "origin")
        .expect("origin pin");
    assert_eq!(origin.place.ja, "日本");
    assert_eq!(origin.precision, "country");
    // Japan lies within 24-46°N, 122-146°E.
    assert!((24.0..46.0).contains(&origin.lat) && (122.0..146.0).contains(&origin.lon));
    let svg = map::svg(&r, Lang::Ja, true);
    let (x, y) = map::project(origin.lat, origin.lon);
    assert!(
        svg.contains(&format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\"")),
        "pin drawn"
    );
    // On the 1000x500 grid Japan is around x 840-905, y 120-183.
    assert!(
        (840.0..905.0).contains(&x) && (120.0..183.0).contains(&y),
        "{x},{y}"
    );
    assert!(
        svg.contains("Amazon AWS") && svg.contains("日本"),
        "labelled with provider and place"
    );
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
}

#[test]
fn seed1_pins_the_origin_in_its_country() {
    let r = common::analyze("seed-1-keydog-webmail.eml");
    let origin = r
        .pins
        .iter()
        .find(|p| p.role == "origin")
        .expect("origin pin");
    assert_eq!(
        Some(origin.place.en.as_str()),
        r.origin
            .as_ref()
            .and_then(|o| o.country_name.as_ref())
            .map(|c| c.en.as_str())
    );
    let svg = map::svg(&r, Lang::En, true);
    assert!(svg.contains("185.202.223[.]128"), "pin label defanged");
}

#[test]
fn link_to_an_ip_gets_a_pin_and_hostile_labels_are_escaped() {
    let raw = b"Received: from x (x [45.33.32.156]) by mx.example.jp with ESMTP; Mon, 1 Jan 2024 00:00:00 +0900\r\n\
From: a@b.example\r\nTo: v@example.jp\r\nSubject: hi\r\nContent-Type: text/html\r\n\r\n\
<a href=\"http://8.8.8.8/<script>\">x</a>\r\n";
    let r = common::analyze_bytes(raw);
    assert!(r.pins.iter().any(|p| p.role == "link"), "{:?}", r.pins);
    let svg = map::svg(&r, Lang::En, true);
    assert!(!svg.contains("<script"));
}

/// A forwarded phish: the pin that matters is the attached message's origin.
#[test]
fn attached_message_origin_is_pinned_too() {
    let inner = String::from_utf8(common::example("seed-2-kagoya-quarantine.eml")).unwrap();
    let outer = format!(
        "From: colleague@example.org\r\nTo: abuse@example.org\r\nSubject: Fwd: is this real?\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n\
--b1\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--b1--\r\n"
    );
    let r = common::analyze_bytes(outer.as_bytes());
    assert!(r.pins.is_empty(), "the outer mail has no Received line");
    let origin = r.nested[0]
        .pins
        .iter()
        .find(|p| p.role == "origin")
        .expect("attached origin pin");
    let (x, y) = map::project(origin.lat, origin.lon);
    for (lang, word) in [
        (Lang::En, "attached mail&#39;s origin"),
        (Lang::Ja, "添付メールの送信元"),
    ] {
        let svg = map::svg(&r, lang, true);
        assert!(
            svg.contains(&format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\"")),
            "pin drawn"
        );
        assert!(svg.contains(word), "{svg}");
    }
}
