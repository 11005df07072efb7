//! Identity extraction: the From tricks phishers use, and a whole message written by us in the
//! shape of an Exchange Online delivery of a brand-spoofing phish.

use mail_parser::MessageParser;
use unphish_evidence::identity::{extract_identity, mailbox_from};
use unphish_evidence::{Defect, Identity};

fn parse(raw: &str) -> (Identity, Vec<Defect>) {
    let msg = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("message parses");
    extract_identity(&msg)
}

fn codes(defects: &[Defect]) -> Vec<&str> {
    defects.iter().map(|d| d.code.as_str()).collect()
}

/// A message with the given header block, a Message-ID and a short body.
fn with_headers(headers: &str) -> String {
    format!("{headers}Message-ID: <1@example.test>\r\nSubject: t\r\n\r\nbody\r\n")
}

#[test]
fn mailbox_from_table() {
    // (name, address, display, address, domain, registrable, display_name_address)
    type Row<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
    );
    let table: &[Row] = &[
        // Brand domain as the display name: the real domain is elsewhere.
        (
            Some("amazon.co.jp"),
            Some("x@evil.example"),
            Some("amazon.co.jp"),
            Some("x@evil.example"),
            Some("evil.example"),
            Some("evil.example"),
            None,
        ),
        // Brand address inside the display name: both are kept.
        (
            Some("support@paypal.com"),
            Some("x@mail.evil.example"),
            Some("support@paypal.com"),
            Some("x@mail.evil.example"),
            Some("mail.evil.example"),
            Some("evil.example"),
            Some("support@paypal.com"),
        ),
        // Brand domain in the local part: only what follows the last `@` counts.
        (
            None,
            Some("idpass-netnenkin.go.jp-support@unampp.top"),
            None,
            Some("idpass-netnenkin.go.jp-support@unampp.top"),
            Some("unampp.top"),
            Some("unampp.top"),
            None,
        ),
        // Trailing spaces and brackets around the address; upper-case domain.
        (
            Some("  JAL  "),
            Some(" <mail@FKWSIWU.com  > "),
            Some("JAL"),
            Some("mail@FKWSIWU.com"),
            Some("fkwsiwu.com"),
            Some("fkwsiwu.com"),
            None,
        ),
        // Multi-level public suffix.
        (
            None,
            Some("info@mail.example.co.jp"),
            None,
            Some("info@mail.example.co.jp"),
            Some("mail.example.co.jp"),
            Some("example.co.jp"),
            None,
        ),
        // Private suffix: each github.io site is its own registrable domain.
        (
            None,
            Some("a@evil.github.io"),
            None,
            Some("a@evil.github.io"),
            Some("evil.github.io"),
            Some("evil.github.io"),
            None,
        ),
        // Fullwidth letters: shown as written, compared as IDNA ASCII.
        (
            None,
            Some("a@ＡＭＡＺＯＮ.co.jp"),
            None,
            Some("a@ＡＭＡＺＯＮ.co.jp"),
            Some("ａｍａｚｏｎ.co.jp"),
            Some("amazon.co.jp"),
            None,
        ),
        // Cyrillic look-alike: punycode registrable domain.
        (
            None,
            Some("a@аррӏе.com"),
            None,
            Some("a@аррӏе.com"),
            Some("аррӏе.com"),
            Some("xn--80ak6aa92e.com"),
            None,
        ),
        // IP literal: no registrable domain.
        (
            None,
            Some("a@[192.0.2.1]"),
            None,
            Some("a@[192.0.2.1]"),
            Some("[192.0.2.1]"),
            None,
            None,
        ),
        // A bare public suffix has no registrable domain.
        (
            None,
            Some("a@co.jp"),
            None,
            Some("a@co.jp"),
            Some("co.jp"),
            None,
            None,
        ),
        // Bad split: the name ended up in the address.
        (
            None,
            Some("Amazon support@amazon.co.jp"),
            Some("Amazon"),
            Some("support@amazon.co.jp"),
            Some("amazon.co.jp"),
            Some("amazon.co.jp"),
            None,
        ),
        // Nothing usable.
        (Some("  "), Some("<>"), None, None, None, None, None),
        (
            Some("\"Quoted\""),
            Some("no-at-sign"),
            Some("Quoted"),
            None,
            None,
            None,
            None,
        ),
    ];
    for (name, address, e_name, e_addr, e_domain, e_reg, e_dna) in table {
        let m = mailbox_from(*name, *address, "From: raw");
        let ctx = format!("{name:?} {address:?}");
        assert_eq!(m.display_name.as_deref(), *e_name, "{ctx}");
        assert_eq!(m.address.as_deref(), *e_addr, "{ctx}");
        assert_eq!(m.domain.as_deref(), *e_domain, "{ctx}");
        assert_eq!(m.registrable_domain.as_deref(), *e_reg, "{ctx}");
        assert_eq!(m.display_name_address.as_deref(), *e_dna, "{ctx}");
        assert_eq!(m.raw, "From: raw");
    }
}

#[test]
fn display_name_address_in_japanese_brackets() {
    let m = mailbox_from(
        Some("【三井住友カード】<info@smbc-card.com>"),
        Some("x@evil.example"),
        "",
    );
    assert_eq!(
        m.display_name_address.as_deref(),
        Some("info@smbc-card.com")
    );
}

#[test]
fn from_tricks_through_the_parser() {
    // (From header line(s), expected address, expected display name, expected defect codes)
    /// (From header line(s), address, display name, defect codes)
    type Row<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [&'a str]);
    let table: &[Row] = &[
        (
            "From: \"amazon.co.jp\" <x@evil.example>\r\n",
            Some("x@evil.example"),
            Some("amazon.co.jp"),
            &[],
        ),
        (
            "From: mail@fkwsiwu.com   \r\n",
            Some("mail@fkwsiwu.com"),
            None,
            &[],
        ),
        // ISO-2022-JP encoded-word display name ("チーム").
        (
            "From: =?ISO-2022-JP?B?GyRCJUEhPCVgGyhC?= <a@example.jp>\r\n",
            Some("a@example.jp"),
            Some("チーム"),
            &[],
        ),
        // Two From headers: the first is used and the defect is recorded.
        (
            "From: first@example.com\r\nFrom: second@evil.example\r\n",
            Some("first@example.com"),
            None,
            &["from.multiple"],
        ),
        (
            "From: a@example.com, b@evil.example\r\n",
            Some("a@example.com"),
            None,
            &["from.multiple_mailboxes"],
        ),
        // Unquoted display name without brackets: recovered, with a defect.
        (
            "From: Amazon support@amazon.co.jp\r\n",
            Some("support@amazon.co.jp"),
            Some("Amazon"),
            &["from.unparsed"],
        ),
        // A stray comma in the display name makes the parser see a name-only mailbox first.
        (
            "From: Microsoft account team ,_<no-reply@evil.example>\r\n",
            Some("no-reply@evil.example"),
            Some("Microsoft account team, _"),
            &["from.unparsed"],
        ),
        // Two addresses glued: the last complete one is the address.
        (
            "From: Tower <xw@<noreply@digid.example>\r\n",
            Some("noreply@digid.example"),
            Some("Tower"),
            &["from.unparsed"],
        ),
        // Garbled beyond recovery: no address; mail-parser's best guess at a name is kept.
        (
            "From: @@@ <<<>>>\r\n",
            None,
            Some("@@@ >>"),
            &["from.no_address"],
        ),
        ("From: \r\n", None, None, &["from.no_address"]),
        ("From: undisclosed:;\r\n", None, None, &["from.no_address"]),
        ("Subject: no from\r\n", None, None, &["from.missing"]),
    ];
    for (headers, addr, name, expected) in table {
        let (id, defects) = parse(&with_headers(headers));
        let from = id.from.clone().unwrap_or_default();
        assert_eq!(from.address.as_deref(), *addr, "{headers:?}");
        assert_eq!(from.display_name.as_deref(), *name, "{headers:?}");
        assert_eq!(codes(&defects), *expected, "{headers:?}");
        if headers.starts_with("From:") {
            let first_line = headers.lines().next().unwrap_or_default().trim_end();
            assert_eq!(from.raw, first_line, "{headers:?}");
        } else {
            assert!(id.from.is_none());
        }
    }
}

#[test]
fn raw_line_is_unfolded() {
    let (id, _) = parse(&with_headers(
        "From: =?UTF-8?B?44Ki44Oe44K+44Oz?=\r\n\t<no-reply@evil.example>\r\n",
    ));
    let from = id.from.expect("from");
    assert_eq!(
        from.raw,
        "From: =?UTF-8?B?44Ki44Oe44K+44Oz?= <no-reply@evil.example>"
    );
    assert_eq!(from.display_name.as_deref(), Some("アマゾン"));
}

#[test]
fn missing_message_id_is_a_defect() {
    let (id, defects) = parse("From: a@example.com\r\nSubject: t\r\n\r\nbody\r\n");
    assert_eq!(codes(&defects), ["message_id.missing"]);
    assert_eq!(id.message_id, None);
}

#[test]
fn return_path_null_sender_is_kept() {
    let (id, _) = parse(&with_headers("Return-Path: <>\r\nFrom: a@example.com\r\n"));
    let rp = id.return_path.expect("return path");
    assert_eq!(rp.address, None);
    assert_eq!(rp.raw, "Return-Path: <>");
}

/// Exchange Online delivery of a phish spoofing a Japanese brand, in the shape seen in real
/// mail: top-most Authentication-Results without authserv-id, Received-SPF, an ARC set, a DKIM
/// signature of the sending infrastructure, and a forged Authentication-Results lower down.
const PHISH: &str = "Received: from mx.example.org (192.0.2.10) by mbx.example.org with SMTP; \
Mon, 1 Jan 2024 00:00:10 +0000\r
Authentication-Results: spf=softfail (sender IP is 198.51.100.7)\r
 smtp.mailfrom=bounce.luciana.top; dkim=pass (signature was verified)\r
 header.d=luciana.top;dmarc=fail action=none header.from=mercari.jp;compauth=fail\r
 reason=001\r
Received-SPF: SoftFail (protection.outlook.com: domain of transitioning\r
 bounce.luciana.top discourages use of 198.51.100.7 as permitted sender)\r
ARC-Authentication-Results: i=1; mx.microsoft.com 1; spf=softfail (sender ip is\r
 198.51.100.7) smtp.rcpttodomain=example.org smtp.mailfrom=bounce.luciana.top;\r
 dmarc=fail action=none header.from=mercari.jp; dkim=pass (signature was verified)\r
 header.d=luciana.top; arc=none\r
Return-Path: <SRS0=ab=CD=luciana.top=x@bounce.luciana.top>\r
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=Luciana.top; s=k1;\r
 h=from:subject; bh=AAAA=; b=BBBB/CC+DD=\r
Authentication-Results: mercari.jp; dkim=pass header.d=mercari.jp; spf=pass\r
 smtp.mailfrom=mercari.jp; dmarc=pass header.from=mercari.jp\r
From: =?ISO-2022-JP?B?GyRCJWElayUrJWobKEI=?= <no-reply@mercari.jp>\r
Reply-To: \"support@mercari.jp\" <helpdesk@luciana.top>, other@evil.example\r
Sender: relay@luciana.top\r
To: victim@example.org\r
Subject: =?UTF-8?B?44CQ6YeN6KaB44CR?=\r
Message-ID: <20240101000000.ABCDEF@Mail.Luciana.TOP>\r
Date: Mon, 1 Jan 2024 09:00:00 +0900\r
MIME-Version: 1.0\r
Content-Type: text/plain; charset=utf-8\r
\r
body\r
";

#[test]
fn whole_message() {
    for text in [PHISH.to_owned(), PHISH.replace("\r\n", "\n")] {
        let (id, defects) = parse(&text);
        assert!(defects.is_empty(), "{defects:?}");

        let from = id.from.as_ref().expect("from");
        assert_eq!(from.display_name.as_deref(), Some("メルカリ"));
        assert_eq!(from.address.as_deref(), Some("no-reply@mercari.jp"));
        assert_eq!(from.domain.as_deref(), Some("mercari.jp"));
        assert_eq!(from.registrable_domain.as_deref(), Some("mercari.jp"));
        assert_eq!(
            from.raw,
            "From: =?ISO-2022-JP?B?GyRCJWElayUrJWobKEI=?= <no-reply@mercari.jp>"
        );

        let reply: Vec<_> = id
            .reply_to
            .iter()
            .map(|m| {
                (
                    m.address.as_deref(),
                    m.registrable_domain.as_deref(),
                    m.display_name_address.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            reply,
            [
                (
                    Some("helpdesk@luciana.top"),
                    Some("luciana.top"),
                    Some("support@mercari.jp")
                ),
                (Some("other@evil.example"), Some("evil.example"), None),
            ]
        );

        let rp = id.return_path.as_ref().expect("return-path");
        assert_eq!(
            rp.address.as_deref(),
            Some("SRS0=ab=CD=luciana.top=x@bounce.luciana.top")
        );
        assert_eq!(rp.registrable_domain.as_deref(), Some("luciana.top"));
        assert_eq!(
            id.sender.as_ref().and_then(|s| s.address.as_deref()),
            Some("relay@luciana.top")
        );
        assert_eq!(
            id.message_id.as_deref(),
            Some("20240101000000.ABCDEF@Mail.Luciana.TOP")
        );
        assert_eq!(id.message_id_domain.as_deref(), Some("mail.luciana.top"));
        assert_eq!(id.dkim_domains, ["luciana.top"]);

        let auth: Vec<String> = id
            .auth
            .iter()
            .map(|r| {
                format!(
                    "{} {} {:?} {}={}",
                    r.source,
                    r.arc_instance.map(|i| i.to_string()).unwrap_or_default(),
                    r.authserv_id.as_deref().unwrap_or("-"),
                    r.method,
                    r.result
                )
            })
            .collect();
        assert_eq!(
            auth,
            [
                "authentication-results  \"-\" spf=softfail",
                "authentication-results  \"-\" dkim=pass",
                "authentication-results  \"-\" dmarc=fail",
                "authentication-results  \"-\" compauth=fail",
                "received-spf  \"protection.outlook.com\" spf=softfail",
                "arc-authentication-results 1 \"mx.microsoft.com\" spf=softfail",
                "arc-authentication-results 1 \"mx.microsoft.com\" dmarc=fail",
                "arc-authentication-results 1 \"mx.microsoft.com\" dkim=pass",
                "arc-authentication-results 1 \"mx.microsoft.com\" arc=none",
                // The forged header below the receiver's own is kept, in place, for later
                // stages to distrust.
                "authentication-results  \"mercari.jp\" dkim=pass",
                "authentication-results  \"mercari.jp\" spf=pass",
                "authentication-results  \"mercari.jp\" dmarc=pass",
            ]
        );
        let compauth = &id.auth[3];
        assert_eq!(compauth.props, [("reason".to_owned(), "001".to_owned())]);
        assert!(compauth.raw.starts_with(
            "Authentication-Results: spf=softfail (sender IP is 198.51.100.7) smtp.mailfrom"
        ));
        assert!(!compauth.raw.contains('\n'));
    }
}

#[test]
fn hostile_header_counts_are_bounded() {
    let mut headers = String::new();
    for i in 0..2_000 {
        headers.push_str(&format!("Reply-To: r{i}@evil.example\r\n"));
        headers.push_str(&format!("DKIM-Signature: v=1; d=d{i}.example; s=s\r\n"));
        headers.push_str("Authentication-Results: mx; spf=pass; dkim=pass\r\n");
    }
    headers.push_str("From: a@example.com\r\n");
    let (id, defects) = parse(&with_headers(&headers));
    assert!(defects.is_empty());
    assert_eq!(id.reply_to.len(), 32);
    assert_eq!(id.dkim_domains.len(), 64);
    assert_eq!(id.auth.len(), 256);
    assert_eq!(
        id.from.and_then(|f| f.address).as_deref(),
        Some("a@example.com")
    );
}

#[test]
fn encoded_word_authentication_results_are_decoded() {
    // Exchange Online encodes the whole header when the From domain is not ASCII (here written in
    // mathematical bold letters); the raw line keeps the encoded form.
    let (id, _) = parse(&with_headers(
        "Authentication-Results: =?utf-8?B?c3BmPWZhaWwgKHNlbmRlciBJUCBpcyAxOTguNTEuMTAwLjcpIHNtdHAubWFp?=\r
 =?utf-8?B?bGZyb209ZXZpbC5leGFtcGxlOyBkbWFyYz1mYWlsIGFjdGlvbj1xdWFyYW50?=\r
 =?utf-8?B?aW5lIGhlYWRlci5mcm9tPfCdkJrwnZCo8J2QpC7wnZCd8J2Qnjtjb21wYXV0?=\r
 =?utf-8?B?aD1mYWlsIHJlYXNvbj0wMDA=?=\r
From: a@example.com\r\n",
    ));
    let got: Vec<(&str, &str)> = id
        .auth
        .iter()
        .map(|r| (r.method.as_str(), r.result.as_str()))
        .collect();
    assert_eq!(
        got,
        [("spf", "fail"), ("dmarc", "fail"), ("compauth", "fail")]
    );
    assert_eq!(
        id.auth[1].props,
        [
            ("action".to_owned(), "quarantine".to_owned()),
            ("header.from".to_owned(), "𝐚𝐨𝐤.𝐝𝐞".to_owned())
        ]
    );
    assert!(
        id.auth[0]
            .raw
            .starts_with("Authentication-Results: =?utf-8?B?")
    );
}
