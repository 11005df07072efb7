//! Table tests for the authentication header parsers. The header values are written by us in the
//! shapes real receivers produce (Exchange Online, Gmail and Google Groups, kernel.org's
//! subspace, Postfix with opendkim/opendmarc, Rspamd, Zoho).

use unphish_evidence::AuthResult;
use unphish_evidence::auth::{parse_authentication_results, parse_dkim_domain, parse_received_spf};

/// `method=result` plus the props as `k=v` strings, for compact expectations.
fn summary(results: &[AuthResult]) -> Vec<String> {
    results
        .iter()
        .map(|r| {
            let mut s = format!("{}={}", r.method, r.result);
            for (k, v) in &r.props {
                s.push_str(&format!(" {k}={v}"));
            }
            s
        })
        .collect()
}

fn ar(value: &str) -> Vec<AuthResult> {
    parse_authentication_results(value, "authentication-results", "Authentication-Results: x")
}

#[test]
fn authentication_results_table() {
    // (value, expected authserv-id, expected results)
    let table: &[(&str, Option<&str>, &[&str])] = &[
        // Exchange Online: no authserv-id, comments, `action=`, no space after `;`, compauth.
        (
            "spf=fail (sender IP is 198.51.100.7) smtp.mailfrom=mercari.jp; dkim=none (message \
             not signed) header.d=none;dmarc=fail action=none header.from=mercari.jp;compauth=fail \
             reason=001",
            None,
            &[
                "spf=fail smtp.mailfrom=mercari.jp",
                "dkim=none header.d=none",
                "dmarc=fail action=none header.from=mercari.jp",
                "compauth=fail reason=001",
            ],
        ),
        // Exchange Online with an empty sender IP and a trailing `;`.
        (
            "spf=none (sender IP is ) smtp.mailfrom=user@example.net; ",
            None,
            &["spf=none smtp.mailfrom=user@example.net"],
        ),
        // Microsoft's `bestguesspass`.
        (
            "spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.com; dkim=pass (signature \
             was verified) header.d=example.com;dmarc=bestguesspass action=none \
             header.from=example.com;compauth=pass reason=109",
            None,
            &[
                "spf=pass smtp.mailfrom=example.com",
                "dkim=pass header.d=example.com",
                "dmarc=bestguesspass action=none header.from=example.com",
                "compauth=pass reason=109",
            ],
        ),
        // Gmail: authserv-id, nested comment with `;`-free text, header.b.
        (
            "mx.google.com; dkim=pass header.i=@example.com header.s=s1 header.b=AbCd+/12; \
             spf=pass (google.com: domain of a@example.com designates 192.0.2.1 as permitted \
             sender) smtp.mailfrom=a@example.com; dmarc=pass (p=NONE sp=NONE dis=NONE) \
             header.from=example.com",
            Some("mx.google.com"),
            &[
                "dkim=pass header.i=@example.com header.s=s1 header.b=AbCd+/12",
                "spf=pass smtp.mailfrom=a@example.com",
                "dmarc=pass header.from=example.com",
            ],
        ),
        // opendkim / opendmarc under Postfix: quoted reason, several headers' worth in one.
        (
            "mail.example.org; dkim=fail reason=\"signature verification failed\" (2048-bit \
             key; unprotected) header.d=example.com header.i=@example.com \
             header.b=\"fX/LBR1B\"; dkim-atps=neutral",
            Some("mail.example.org"),
            &[
                "dkim=fail reason=signature verification failed header.d=example.com \
                 header.i=@example.com header.b=fX/LBR1B",
                "dkim-atps=neutral",
            ],
        ),
        // Rspamd: version number after the authserv-id, `smtp.remote-ip`.
        (
            "mx.example.org 1; dkim=pass header.d=example.com header.s=dkim header.b=ab12; \
             spf=softfail (mx.example.org: 192.0.2.9 is neither permitted nor denied by domain \
             of bounce@example.com) smtp.mailfrom=bounce@example.com; dmarc=fail reason=\"SPF \
             not aligned (relaxed)\" header.from=example.com (policy=reject)",
            Some("mx.example.org"),
            &[
                "dkim=pass header.d=example.com header.s=dkim header.b=ab12",
                "spf=softfail smtp.mailfrom=bounce@example.com",
                "dmarc=fail reason=SPF not aligned (relaxed) header.from=example.com",
            ],
        ),
        // kernel.org: arc + client-ip.
        (
            "smtp.subspace.kernel.org; arc=none smtp.client-ip=192.0.2.5",
            Some("smtp.subspace.kernel.org"),
            &["arc=none smtp.client-ip=192.0.2.5"],
        ),
        // SRS envelope sender keeps its `=`; Zoho's bracketed header.from loses the brackets.
        (
            "mx.example.net; spf=pass smtp.mailfrom=SRS0=ab12=XY=example.com=user@fwd.example; \
             dmarc=pass header.from=<noreply@example.com>",
            Some("mx.example.net"),
            &[
                "spf=pass smtp.mailfrom=SRS0=ab12=XY=example.com=user@fwd.example",
                "dmarc=pass header.from=noreply@example.com",
            ],
        ),
        // Missing `;` between methods: a known method name still starts a new result.
        (
            "mx.example.net; spf=pass smtp.mailfrom=example.com dkim=pass header.d=example.com",
            Some("mx.example.net"),
            &[
                "spf=pass smtp.mailfrom=example.com",
                "dkim=pass header.d=example.com",
            ],
        ),
        // Upper case method and result, method version, spaces around `=`.
        (
            "MX.Example.NET; SPF/1 = PASS smtp.mailfrom = example.com",
            Some("mx.example.net"),
            &["spf=pass smtp.mailfrom=example.com"],
        ),
        // RFC 8601 §2.2 no-result: nothing was checked.
        ("mx.example.net 1; none", Some("mx.example.net"), &[]),
        (
            "mx.example.net; none (no checks)",
            Some("mx.example.net"),
            &[],
        ),
    ];
    for (value, authserv, expected) in table {
        let got = ar(value);
        assert_eq!(summary(&got), *expected, "value: {value}");
        for r in &got {
            assert_eq!(r.authserv_id.as_deref(), *authserv, "value: {value}");
            assert_eq!(r.source, "authentication-results");
            assert_eq!(r.raw, "Authentication-Results: x");
            assert_eq!(r.arc_instance, None);
        }
    }
}

#[test]
fn arc_authentication_results_table() {
    /// (value, ARC instance, authserv-id, results)
    type Row<'a> = (&'a str, Option<u32>, Option<&'a str>, &'a [&'a str]);
    let table: &[Row] = &[
        // Gmail as an ARC sealer: the arc= comment holds a whole nested result set.
        (
            "i=2; mx.google.com; arc=pass (i=1 spf=pass spfdomain=example.com dkim=pass \
             dkdomain=example.com dmarc=pass fromdomain=example.com); spf=pass (google.com: \
             domain of info@example.com designates 2001:db8::62d as permitted sender) \
             smtp.mailfrom=info@example.com",
            Some(2),
            Some("mx.google.com"),
            &["arc=pass", "spf=pass smtp.mailfrom=info@example.com"],
        ),
        // Exchange as an ARC sealer: authserv-id with a version, bracketed comment content.
        (
            "i=3; mx.microsoft.com 1; spf=pass (sender ip is 192.0.2.53) \
             smtp.rcpttodomain=example.org smtp.mailfrom=gmail.com; dmarc=pass (p=none sp=none \
             pct=100) action=none header.from=hotmail.com; arc=pass (0 oda=1 ltdi=1 \
             spf=[1,2,smtp.mailfrom=a@b] dkim=[1,2,header.i=@hotmail.com])",
            Some(3),
            Some("mx.microsoft.com"),
            &[
                "spf=pass smtp.rcpttodomain=example.org smtp.mailfrom=gmail.com",
                "dmarc=pass action=none header.from=hotmail.com",
                "arc=pass",
            ],
        ),
        // kernel.org writes no space after the colon, so the value starts with `i=1;`.
        (
            "i=1; smtp.subspace.kernel.org; dmarc=pass (p=none dis=none) header.from=example.com",
            Some(1),
            Some("smtp.subspace.kernel.org"),
            &["dmarc=pass header.from=example.com"],
        ),
        // Google Groups' gmr-mx with a quoted authserv-id is still read.
        (
            "i=1; \"gmr-mx.google.com\"; dkim=pass header.i=@example.com",
            Some(1),
            Some("gmr-mx.google.com"),
            &["dkim=pass header.i=@example.com"],
        ),
        // No instance tag: parsed as plain results.
        (
            "mx.example.net; spf=fail smtp.mailfrom=x.example",
            None,
            Some("mx.example.net"),
            &["spf=fail smtp.mailfrom=x.example"],
        ),
    ];
    for (value, instance, authserv, expected) in table {
        let got = parse_authentication_results(value, "ARC-Authentication-Results", "raw");
        assert_eq!(summary(&got), *expected, "value: {value}");
        for r in &got {
            assert_eq!(r.arc_instance, *instance, "value: {value}");
            assert_eq!(r.authserv_id.as_deref(), *authserv, "value: {value}");
            assert_eq!(r.source, "arc-authentication-results");
        }
    }
}

#[test]
fn authentication_results_garbage_never_panics_and_yields_little() {
    let garbage = [
        "",
        ";;;;",
        "(((((",
        "\"unterminated",
        "= = = ;=;=",
        "spf=",
        "mx; spf=pass (unclosed comment smtp.mailfrom=x",
        "mx; dkim=\"pass",
        ")))) spf=pass",
        "\u{3042}\u{3044}; \u{3046}=\u{3048}",
        "mx; \\(=\\)",
    ];
    for value in garbage {
        let got = ar(value);
        assert!(got.len() <= 2, "{value:?} gave {got:?}");
    }
    // Specific outcomes for the interesting ones.
    assert_eq!(summary(&ar("spf=")), ["spf="]);
    assert_eq!(
        summary(&ar("mx; spf=pass (unclosed comment smtp.mailfrom=x")),
        ["spf=pass"]
    );
    assert_eq!(summary(&ar(")))) spf=pass")), ["spf=pass"]);
    assert_eq!(ar(")))) spf=pass")[0].authserv_id.as_deref(), Some("))))"));
}

#[test]
fn authentication_results_is_bounded() {
    let huge = format!("mx; {}", "spf=pass; ".repeat(10_000));
    assert_eq!(ar(&huge).len(), 64);
    let deep = format!("mx; spf=pass {}", "(".repeat(200_000));
    assert_eq!(summary(&ar(&deep)), ["spf=pass"]);
    // The 64 KiB cap must not cut a multi-byte character in half.
    let wide = format!("mx; spf=pass smtp.mailfrom={}", "\u{3042}".repeat(30_000));
    let got = ar(&wide);
    assert_eq!(got.len(), 1);
    assert!(got[0].props[0].1.chars().all(|c| c == '\u{3042}'));
}

#[test]
fn received_spf_table() {
    // (value, result, authserv-id, props)
    type Row<'a> = (&'a str, &'a str, Option<&'a str>, &'a [(&'a str, &'a str)]);
    let table: &[Row] = &[
        // RFC 7208 §9.1 with key-value list (Postfix policyd-spf shape).
        (
            "Pass (mailfrom) identity=mailfrom; client-ip=192.0.2.1; helo=mail.example.com; \
             envelope-from=bounce@example.com; receiver=mx.example.org",
            "pass",
            Some("mx.example.org"),
            &[
                ("identity", "mailfrom"),
                ("client-ip", "192.0.2.1"),
                ("helo", "mail.example.com"),
                ("envelope-from", "bounce@example.com"),
                ("receiver", "mx.example.org"),
            ],
        ),
        // Exchange Online, no key-values at all.
        (
            "None (protection.outlook.com: example.net does not designate permitted sender hosts)",
            "none",
            Some("protection.outlook.com"),
            &[],
        ),
        (
            "SoftFail (protection.outlook.com: domain of transitioning example.de discourages use \
             of 192.0.2.114 as permitted sender)",
            "softfail",
            Some("protection.outlook.com"),
            &[],
        ),
        // Exchange Online with key-values, `pr=C`.
        (
            "Fail (protection.outlook.com: domain of example.com.br does not designate \
             192.0.2.16 as permitted sender) receiver=protection.outlook.com; \
             client-ip=192.0.2.16; helo=bad.example;",
            "fail",
            Some("protection.outlook.com"),
            &[
                ("receiver", "protection.outlook.com"),
                ("client-ip", "192.0.2.16"),
                ("helo", "bad.example"),
            ],
        ),
        // Gmail: lower case, IPv6 client-ip.
        (
            "pass (google.com: domain of a@example.org designates 2001:db8::133 as permitted \
             sender) client-ip=2001:db8::133;",
            "pass",
            Some("google.com"),
            &[("client-ip", "2001:db8::133")],
        ),
        // RFC 4408 spelling and a quoted value.
        (
            "unknown (mx.example.org: error in processing) problem=\"bad mechanism\"",
            "unknown",
            Some("mx.example.org"),
            &[("problem", "bad mechanism")],
        ),
    ];
    for (value, result, authserv, props) in table {
        let got = parse_received_spf(value, "Received-SPF: raw").expect(value);
        assert_eq!(got.method, "spf");
        assert_eq!(got.source, "received-spf");
        assert_eq!(got.result, *result, "value: {value}");
        assert_eq!(got.authserv_id.as_deref(), *authserv, "value: {value}");
        let got_props: Vec<(&str, &str)> = got
            .props
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(got_props, *props, "value: {value}");
        assert_eq!(got.raw, "Received-SPF: raw");
    }
}

#[test]
fn received_spf_rejects_garbage() {
    for value in [
        "",
        "   ",
        "(comment only)",
        "maybe (x: y)",
        "passed",
        "=;=",
        "\u{3042}",
    ] {
        assert_eq!(parse_received_spf(value, ""), None, "value: {value:?}");
    }
    // A result followed by garbage still gives the result.
    let got = parse_received_spf("neutral ((( = ;", "").expect("result");
    assert_eq!(got.result, "neutral");
    assert_eq!(got.authserv_id, None);
}

#[test]
fn dkim_domain_table() {
    let table: &[(&str, Option<&str>)] = &[
        (
            "v=1; a=rsa-sha256; c=relaxed/relaxed; d=Example.COM; s=sel; h=from:to; bh=abc=; b=x/y+z=",
            Some("example.com"),
        ),
        // Folding whitespace inside the value, trailing dot.
        (
            "v=1; d = mail.\r\n example.jp. ; s=s",
            Some("mail.example.jp"),
        ),
        // Tag names are case-sensitive (RFC 6376 §3.2): `D=` is not `d=`.
        ("v=1; D=wrong.example; s=s", None),
        // `d=` must be a whole tag name, not the end of another.
        ("v=1; pd=wrong.example; bd=x", None),
        ("v=1; d=; s=s", None),
        ("", None),
        ("garbage without tags", None),
    ];
    for (value, expected) in table {
        assert_eq!(
            parse_dkim_domain(value).as_deref(),
            *expected,
            "value: {value:?}"
        );
    }
}
