//! Received-chain parsing and origin choice: table tests over header shapes seen in real mail
//! (Postfix, sendmail, qmail, exim, Exchange Online, Gmail, fetchmail) and whole-message fixtures.
//! Addresses are documentation ranges, the seeds' own addresses, or provider ranges.

use mail_parser::MessageParser;
use std::net::IpAddr;
use unphish_evidence::hops::{HopLimits, determine_origin, extract_hops, ip_scope};
use unphish_evidence::{Defect, Hop, HopRole, IpScope, Origin};

/// Builds a message whose Received headers are `received`, top first, and parses the chain.
fn chain(received: &[&str]) -> (Vec<Hop>, Vec<Defect>, Option<Origin>) {
    let mut text = String::new();
    for r in received {
        text.push_str("Received: ");
        text.push_str(r);
        text.push_str("\r\n");
    }
    text.push_str("From: a@example.com\r\nSubject: t\r\n\r\nbody\r\n");
    analyse(text.as_bytes(), &HopLimits::default())
}

fn analyse(bytes: &[u8], limits: &HopLimits) -> (Vec<Hop>, Vec<Defect>, Option<Origin>) {
    let msg = MessageParser::default()
        .parse(bytes)
        .expect("test message parses");
    let (mut hops, defects) = extract_hops(&msg, limits);
    let origin = determine_origin(&mut hops);
    (hops, defects, origin)
}

fn ip(text: &str) -> Option<IpAddr> {
    Some(text.parse().expect("test address"))
}

fn roles(hops: &[Hop]) -> Vec<HopRole> {
    hops.iter().map(|h| h.role).collect()
}

fn has_note(hop: &Hop, needle: &str) -> bool {
    hop.notes.iter().any(|n| n.contains(needle))
}

// ---------------------------------------------------------------- field parsing, per MTA

struct Case {
    name: &'static str,
    header: &'static str,
    helo: Option<&'static str>,
    rdns: Option<&'static str>,
    ip: Option<&'static str>,
    by: Option<&'static str>,
    with: Option<&'static str>,
}

#[test]
fn from_clause_per_mta() {
    let cases = [
        Case {
            name: "seed 1: HELO is the bare address, rdns at Contabo",
            header: "from [185.202.223.128] (vmi2130053.contaboserver.net [185.202.223.128]) \
                     by mx.example.jp (Postfix) with ESMTP id 4Tq1Yz6Wq; Thu, 22 Feb 2024 \
                     10:15:03 +0900",
            helo: Some("[185.202.223.128]"),
            rdns: Some("vmi2130053.contaboserver.net"),
            ip: Some("185.202.223.128"),
            by: Some("mx.example.jp"),
            with: Some("ESMTP"),
        },
        Case {
            name: "seed 2: loopback HELO from an EC2 host",
            header: "from [127.0.0.1] (ec2-13-113-112-84.ap-northeast-1.compute.amazonaws.com \
                     [13.113.112.84]) by mx.example.jp (Postfix) with ESMTPSA id 1C2D; Thu, 28 \
                     Sep 2023 09:01:02 +0900",
            helo: Some("[127.0.0.1]"),
            rdns: Some("ec2-13-113-112-84.ap-northeast-1.compute.amazonaws.com"),
            ip: Some("13.113.112.84"),
            by: Some("mx.example.jp"),
            with: Some("ESMTPSA"),
        },
        Case {
            name: "postfix without reverse DNS",
            header: "from evil.example (unknown [203.0.113.9]) (using TLSv1.2 with cipher \
                     ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits)) by mx.example.jp (Postfix) with \
                     ESMTPS id 1; Mon, 1 Jan 2024 00:00:00 +0000",
            helo: Some("evil.example"),
            rdns: None,
            ip: Some("203.0.113.9"),
            by: Some("mx.example.jp"),
            with: Some("ESMTPS"),
        },
        Case {
            name: "Exchange Online: HELO (ip)",
            header: "from sender.example (198.51.100.7) by \
                     DB8EUR06FT032.mail.protection.outlook.com (10.233.253.34) with Microsoft \
                     SMTP Server id 15.20.6768.30 via Frontend Transport; Fri, 8 Sep 2023 \
                     05:47:04 +0000",
            helo: Some("sender.example"),
            rdns: None,
            ip: Some("198.51.100.7"),
            by: Some("DB8EUR06FT032.mail.protection.outlook.com"),
            with: Some("Microsoft SMTP Server"),
        },
        Case {
            name: "qmail: unknown (HELO x) (ip)",
            header: "from unknown (HELO relay.example.com) (203.0.113.70) by lists.example.net \
                     with SMTP; 22 Aug 2002 12:52:39 -0000",
            helo: Some("relay.example.com"),
            rdns: None,
            ip: Some("203.0.113.70"),
            by: Some("lists.example.net"),
            with: Some("SMTP"),
        },
        Case {
            name: "qmail: rdns (HELO x) (ip)",
            header: "from host-198-51-100-2.example.net (HELO gabriels) (198.51.100.2) by \
                     four.example.com with SMTP; 13 Nov 2002 20:31:30 -0000",
            helo: Some("gabriels"),
            rdns: Some("host-198-51-100-2.example.net"),
            ip: Some("198.51.100.2"),
            by: Some("four.example.com"),
            with: Some("SMTP"),
        },
        Case {
            name: "exim: [ip] (port helo=)",
            header: "from [198.51.100.40] (port=52592 helo=[198.51.100.99]) by smtp.example.org \
                     with esmtpsa (TLS1.2) tls TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (Exim \
                     4.93.0.4) (envelope-from <x@example.org>) id 1pl6Ty-0007U0-LN; Sat, 08 Apr \
                     2023 11:11:46 +0000",
            helo: Some("[198.51.100.99]"),
            rdns: None,
            ip: Some("198.51.100.40"),
            by: Some("smtp.example.org"),
            with: Some("ESMTPSA"),
        },
        Case {
            name: "exim: rdns ([ip] helo=)",
            header: "from four.example.com ([198.51.100.41] helo=mail.example.com) by \
                     list1.example.net with smtp (Exim 3.31 #1) id 18C4Ag-00032l-00; Wed, 13 Nov \
                     2002 12:31:34 -0800",
            helo: Some("mail.example.com"),
            rdns: Some("four.example.com"),
            ip: Some("198.51.100.41"),
            by: Some("list1.example.net"),
            with: Some("SMTP"),
        },
        Case {
            name: "exim: rdns ([ip]:port), HELO equal to rdns is left out",
            header: "from dispatch1.example.com ([198.51.100.52]:60640) by mm2.example.org with \
                     esmtps (TLSv1.2:ECDHE-RSA-AES128-GCM-SHA256:128) (Exim 4.92) id \
                     1iMbSz-0005zm-SP; Mon, 21 Oct 2019 13:27:37 -0400",
            helo: Some("dispatch1.example.com"),
            rdns: Some("dispatch1.example.com"),
            ip: Some("198.51.100.52"),
            by: Some("mm2.example.org"),
            with: Some("ESMTPS"),
        },
        Case {
            name: "sendmail: ident@rdns, may be forged",
            header: "from helo.example (root@host.example.net [198.51.100.42]) (may be forged) \
                     by mx.example.org (8.12.8/8.12.8) with ESMTP id h1; Sun, 4 Aug 2002 \
                     12:38:17 +0100",
            helo: Some("helo.example"),
            rdns: Some("host.example.net"),
            ip: Some("198.51.100.42"),
            by: Some("mx.example.org"),
            with: Some("ESMTP"),
        },
        Case {
            name: "fetchmail: host [ip] without a comment",
            header: "from mailbox.example.org [198.51.100.60] by localhost with IMAP \
                     (fetchmail-5.9.0) for user@localhost (single-drop); Thu, 22 Aug 2002 \
                     13:52:59 +0100",
            helo: Some("mailbox.example.org"),
            rdns: None,
            ip: Some("198.51.100.60"),
            by: Some("localhost"),
            with: Some("IMAP"),
        },
        Case {
            name: "gmail submission: HELO literal, rdns with trailing dot",
            header: "from [192.168.1.112] (c-198-51-100-3.example.net. [198.51.100.3]) by \
                     smtp.gmail.com with ESMTPSA id l5sm373007ils.61 (version=TLS1_3 \
                     cipher=TLS_AES_128_GCM_SHA256 bits=128/128); Wed, 21 Apr 2021 16:21:49 \
                     -0700 (PDT)",
            helo: Some("[192.168.1.112]"),
            rdns: Some("c-198-51-100-3.example.net"),
            ip: Some("198.51.100.3"),
            by: Some("smtp.gmail.com"),
            with: Some("ESMTPSA"),
        },
        Case {
            name: "Exchange internal IPv6 hop",
            header: "from DB8P191CA0014.EURP191.PROD.OUTLOOK.COM (2603:10a6:10:130::24) by \
                     SJ0PR19MB6679.namprd19.prod.outlook.com (2603:10b6:a03:477::19) with \
                     Microsoft SMTP Server (version=TLS1_2, \
                     cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6768.30; Fri, 8 Sep \
                     2023 05:47:04 +0000",
            helo: Some("DB8P191CA0014.EURP191.PROD.OUTLOOK.COM"),
            rdns: None,
            ip: Some("2603:10a6:10:130::24"),
            by: Some("SJ0PR19MB6679.namprd19.prod.outlook.com"),
            with: Some("Microsoft SMTP Server"),
        },
        Case {
            name: "qmail-scanner writes the envelope sender where the client belongs",
            header: "from owner-list@example.org by mailhost with qmail-scanner-1.00 (uvscan: \
                     v4.1.40. Clean.); 27 Jul 2002 17:59:47 -0000",
            helo: None,
            rdns: None,
            ip: None,
            by: Some("mailhost"),
            with: Some("qmail-scanner-1.00"),
        },
        Case {
            name: "gmail internal hop without a client",
            header: "by 2002:a05:6500:1491:b0:182:bec5:26c with SMTP id x; Tue, 21 Feb 2023 \
                     17:42:30 -0800 (PST)",
            helo: None,
            rdns: None,
            ip: None,
            by: Some("2002:a05:6500:1491:b0:182:bec5:26c"),
            with: Some("SMTP"),
        },
    ];
    for case in cases {
        let (hops, defects, _) = chain(&[case.header]);
        let hop = &hops[0];
        assert_eq!(hop.helo.as_deref(), case.helo, "helo: {}", case.name);
        assert_eq!(hop.rdns.as_deref(), case.rdns, "rdns: {}", case.name);
        assert_eq!(hop.ip, case.ip.and_then(ip), "ip: {}", case.name);
        assert_eq!(hop.by.as_deref(), case.by, "by: {}", case.name);
        assert_eq!(hop.with.as_deref(), case.with, "with: {}", case.name);
        assert!(hop.timestamp.is_some(), "date: {}", case.name);
        assert!(defects.is_empty(), "defects {defects:?}: {}", case.name);
        assert!(hop.raw.starts_with("Received: "), "raw: {}", case.name);
    }
}

#[test]
fn date_id_for_and_tls_are_read() {
    let (hops, _, _) = chain(&[
        "from a.example (a.example [198.51.100.1]) (using TLSv1.3 with cipher \
         TLS_AES_256_GCM_SHA384 (256/256 bits)) by mx.example.jp (Postfix) with ESMTPS id \
         4Tq1Yz6Wq for <info@example.jp>; Thu, 22 Feb 2024 10:15:03 +0900 (JST)",
    ]);
    let hop = &hops[0];
    assert_eq!(hop.date.as_deref(), Some("2024-02-22T01:15:03Z"));
    assert_eq!(hop.timestamp, Some(1_708_564_503));
    assert_eq!(hop.id.as_deref(), Some("4Tq1Yz6Wq"));
    assert_eq!(hop.for_addr.as_deref(), Some("info@example.jp"));
    assert_eq!(hop.tls.as_deref(), Some("TLSv1.3"));
    assert_eq!(hop.ip_scope, Some(IpScope::Documentation));
}

#[test]
fn folded_header_is_unfolded_in_raw() {
    let (hops, _, _) = chain(&[
        "from a.example (a.example [198.51.100.1])\r\n\tby mx.example.jp with ESMTP;\r\n Thu, 22 \
         Feb 2024 10:15:03 +0900",
    ]);
    assert_eq!(
        hops[0].raw,
        "Received: from a.example (a.example [198.51.100.1]) by mx.example.jp with ESMTP; Thu, \
         22 Feb 2024 10:15:03 +0900"
    );
}

// ---------------------------------------------------------------- origin choice

#[test]
fn single_inbound_mx_is_the_boundary() {
    let (hops, _, origin) = chain(&[
        "from [185.202.223.128] (vmi2130053.contaboserver.net [185.202.223.128]) by \
         mx.example.jp (Postfix) with ESMTP id 1; Thu, 22 Feb 2024 10:15:03 +0900",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.hop_index, 0);
    assert_eq!(origin.ip, ip("185.202.223.128"));
    assert_eq!(origin.rdns.as_deref(), Some("vmi2130053.contaboserver.net"));
    assert!(!origin.authenticated);
    assert_eq!(roles(&hops), vec![HopRole::Boundary]);
    assert!(
        origin.why.en.starts_with(
            "The receiving server mx.example.jp recorded this client as the sender: \
             185.202.223.128 (vmi2130053.contaboserver.net). No earlier hop can be verified."
        ),
        "{}",
        origin.why.en
    );
    assert!(
        origin.why.ja.starts_with(
            "受信側の最初のサーバー mx.example.jp が、送信元として \
             185.202.223.128(vmi2130053.contaboserver.net)を記録しています。\
             これより前の経路は検証できません。"
        ),
        "{}",
        origin.why.ja
    );
}

#[test]
fn loopback_helo_is_noted_and_explained() {
    let (hops, _, origin) = chain(&[
        "from [127.0.0.1] (ec2-13-113-112-84.ap-northeast-1.compute.amazonaws.com \
         [13.113.112.84]) by mx.example.jp (Postfix) with ESMTP id 1; Thu, 28 Sep 2023 09:01:02 \
         +0900",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.ip, ip("13.113.112.84"));
    assert_eq!(origin.helo.as_deref(), Some("[127.0.0.1]"));
    assert!(has_note(&hops[0], "loopback"), "{:?}", hops[0].notes);
    assert!(
        origin.why.en.contains("HELO) as [127.0.0.1]"),
        "{}",
        origin.why.en
    );
    assert!(
        origin.why.ja.contains("[127.0.0.1] と名乗って"),
        "{}",
        origin.why.ja
    );
}

#[test]
fn outlook_internal_ipv6_chain_is_skipped() {
    let (hops, _, origin) = chain(&[
        "from SJ0PR19MB6679.namprd19.prod.outlook.com (::1) by \
         MN0PR19MB6312.namprd19.prod.outlook.com with HTTPS; Fri, 8 Sep 2023 05:47:06 +0000",
        "from DB8P191CA0014.EURP191.PROD.OUTLOOK.COM (2603:10a6:10:130::24) by \
         SJ0PR19MB6679.namprd19.prod.outlook.com (2603:10b6:a03:477::19) with Microsoft SMTP \
         Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id \
         15.20.6768.30; Fri, 8 Sep 2023 05:47:04 +0000",
        "from DB8EUR06FT032.eop-eur06.prod.protection.outlook.com (2603:10a6:10:130:cafe::9b) by \
         DB8P191CA0014.outlook.office365.com (2603:10a6:10:130::24) with Microsoft SMTP Server \
         (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.6768.30 via \
         Frontend Transport; Fri, 8 Sep 2023 05:47:04 +0000",
        "from sender.example (198.51.100.7) by DB8EUR06FT032.mail.protection.outlook.com \
         (10.233.253.34) with Microsoft SMTP Server id 15.20.6768.30 via Frontend Transport; \
         Fri, 8 Sep 2023 05:47:04 +0000",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.hop_index, 3);
    assert_eq!(origin.ip, ip("198.51.100.7"));
    assert_eq!(origin.helo.as_deref(), Some("sender.example"));
    assert_eq!(
        roles(&hops),
        vec![
            HopRole::Internal,
            HopRole::Internal,
            HopRole::Internal,
            HopRole::Boundary
        ]
    );
    assert!(
        origin.why.en.contains("The top 3 Received headers"),
        "{}",
        origin.why.en
    );
    assert!(
        origin.why.en.contains("Microsoft's own network"),
        "{}",
        origin.why.en
    );
    assert!(
        origin
            .why
            .en
            .contains("DB8EUR06FT032.mail.protection.outlook.com"),
        "{}",
        origin.why.en
    );
    assert!(origin.why.ja.contains("上から 3 件"), "{}", origin.why.ja);
    assert_eq!(hops[0].delay_secs, Some(2));
    assert!(!hops[0].skew);
}

#[test]
fn forged_outlook_name_from_a_foreign_address_is_not_internal() {
    // Anyone can say `HELO x.prod.outlook.com`; only Microsoft's networks make a hop internal.
    let (_, _, origin) = chain(&[
        "from SJ0PR19MB6679.namprd19.prod.outlook.com (::1) by \
         MN0PR19MB6312.namprd19.prod.outlook.com with HTTPS; Fri, 8 Sep 2023 05:47:06 +0000",
        "from AM0PR01MB0001.eurprd01.prod.outlook.com (198.51.100.66) by \
         SJ0PR19MB6679.namprd19.prod.outlook.com (10.1.2.3) with Microsoft SMTP Server id \
         15.20.6768.30; Fri, 8 Sep 2023 05:47:04 +0000",
        "from attacker.example (203.0.113.5) by AM0PR01MB0001.eurprd01.prod.outlook.com with \
         Microsoft SMTP Server id 15.20.6768.30; Fri, 8 Sep 2023 05:47:03 +0000",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.hop_index, 1);
    assert_eq!(origin.ip, ip("198.51.100.66"));
}

#[test]
fn gmail_mx_with_internal_hop() {
    let (hops, _, origin) = chain(&[
        "by 2002:a05:6500:1491:b0:182:bec5:26c with SMTP id v3csp2511637ocw; Tue, 21 Feb 2023 \
         17:42:31 -0800 (PST)",
        "from mail.sender.example (mail.sender.example. [198.51.100.20]) by mx.google.com with \
         ESMTPS id d6-2023 for <u@gmail.com> (Google Transport Security); Tue, 21 Feb 2023 \
         17:42:30 -0800 (PST)",
        "from pc ([10.0.0.8]) by mail.sender.example with ESMTPSA; Tue, 21 Feb 2023 17:42:29 -0800",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.hop_index, 1);
    assert_eq!(origin.ip, ip("198.51.100.20"));
    assert_eq!(origin.rdns.as_deref(), Some("mail.sender.example"));
    assert_eq!(
        roles(&hops),
        vec![HopRole::Internal, HopRole::Boundary, HopRole::External]
    );
    assert!(origin.why.en.contains("mx.google.com"), "{}", origin.why.en);
    assert!(
        has_note(&hops[2], "private-network client 10.0.0.8"),
        "{:?}",
        hops[2].notes
    );
}

#[test]
fn postfix_private_relay_below_the_mx() {
    let (hops, _, origin) = chain(&[
        "from mx.example.jp (mx.example.jp [192.168.10.5]) by mailbox.example.jp (Postfix) with \
         ESMTP id A; Mon, 1 Jan 2024 00:00:02 +0000",
        "from filter.example.jp (filter.example.jp [10.1.1.1]) by mx.example.jp (Postfix) with \
         ESMTP id B; Mon, 1 Jan 2024 00:00:01 +0000",
        "from evil.example (unknown [203.0.113.9]) by filter.example.jp (Postfix) with ESMTP id \
         C; Mon, 1 Jan 2024 00:00:00 +0000",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.hop_index, 2);
    assert_eq!(origin.ip, ip("203.0.113.9"));
    assert_eq!(origin.rdns, None);
    assert_eq!(origin.helo.as_deref(), Some("evil.example"));
    assert!(
        origin.why.en.contains("private or loopback addresses"),
        "{}",
        origin.why.en
    );
    assert!(
        origin.why.en.contains("203.0.113.9 (evil.example)"),
        "{}",
        origin.why.en
    );
    assert_eq!(hops[0].role, HopRole::Internal);
}

#[test]
fn same_organisation_relay_by_reverse_dns_is_internal_but_helo_is_not() {
    let gateway = "from gw.example.jp (gw.example.jp [198.51.100.80]) by mail.example.jp with \
                   ESMTP id A; Mon, 1 Jan 2024 00:00:02 +0000";
    let outside = "from x.example (x.example [203.0.113.81]) by gw.example.jp with ESMTP id B; \
                   Mon, 1 Jan 2024 00:00:01 +0000";
    let (_, _, origin) = chain(&[gateway, outside]);
    assert_eq!(origin.expect("origin").ip, ip("203.0.113.81"));

    // The same gateway name only as HELO, reverse DNS unknown: a claim, so it is the boundary.
    let claimed = "from gw.example.jp (unknown [198.51.100.80]) by mail.example.jp with ESMTP id \
                   A; Mon, 1 Jan 2024 00:00:02 +0000";
    let (_, _, origin) = chain(&[claimed, outside]);
    assert_eq!(origin.expect("origin").ip, ip("198.51.100.80"));
}

const OUTLOOK_TOP: &str = "from PH7PR17CA0030.namprd17.prod.outlook.com (2603:10b6:510:323::25) \
                           by SJ0PR19MB6679.namprd19.prod.outlook.com (2603:10b6:610:15c::7) \
                           with Microsoft SMTP Server id 15.20.8678.31; Mon, 5 May 2025 \
                           15:51:39 +0000";
const GOOGLE_INTERNAL: &str = "by mail-pg1-f181.google.com with SMTP id 41be03b00d2f7 for \
                               <victim@outlook.example>; Mon, 05 May 2025 08:51:38 -0700 (PDT)";

#[test]
fn esmtpsa_at_a_webmail_provider_names_the_submitting_client() {
    let (hops, _, origin) = chain(&[
        OUTLOOK_TOP,
        "from mail-pg1-f181.google.com (209.85.215.181) by \
         CO1PEPF000044FA.mail.protection.outlook.com (10.167.241.200) with Microsoft SMTP Server \
         id 15.20.8746.3 via Frontend Transport; Mon, 5 May 2025 15:51:38 +0000",
        GOOGLE_INTERNAL,
        "from localhost ([203.0.113.50]) by smtp.gmail.com with UTF8SMTPSA id d9443c01a7336 for \
         <victim@outlook.example> (version=TLS1_3 cipher=TLS_AES_128_GCM_SHA256 bits=128/128); \
         Mon, 05 May 2025 08:51:37 -0700 (PDT)",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.hop_index, 3);
    assert_eq!(origin.ip, ip("203.0.113.50"));
    assert!(origin.authenticated);
    assert_eq!(
        roles(&hops),
        vec![
            HopRole::Internal,
            HopRole::Internal,
            HopRole::Internal,
            HopRole::Boundary
        ]
    );
    assert!(origin.why.en.contains("Google"), "{}", origin.why.en);
    assert!(origin.why.en.contains("UTF8SMTPSA"), "{}", origin.why.en);
    assert!(origin.why.en.contains("203.0.113.50"), "{}", origin.why.en);
    assert!(origin.why.ja.contains("認証付き送信"), "{}", origin.why.ja);
    assert!(has_note(&hops[1], "trust extended"), "{:?}", hops[1].notes);
}

#[test]
fn esmtpsa_claim_behind_a_fake_google_name_is_not_trusted() {
    // Same shape, but the hand-over came from an address outside Google's networks.
    let (hops, _, origin) = chain(&[
        OUTLOOK_TOP,
        "from mail-pg1-f181.google.com (198.51.100.66) by \
         CO1PEPF000044FA.mail.protection.outlook.com (10.167.241.200) with Microsoft SMTP Server \
         id 15.20.8746.3 via Frontend Transport; Mon, 5 May 2025 15:51:38 +0000",
        GOOGLE_INTERNAL,
        "from localhost ([203.0.113.50]) by smtp.gmail.com with ESMTPSA id d9443c01a7336; Mon, \
         05 May 2025 08:51:37 -0700 (PDT)",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.hop_index, 1);
    assert_eq!(origin.ip, ip("198.51.100.66"));
    assert!(!origin.authenticated);
    assert_eq!(hops[3].role, HopRole::External);
}

#[test]
fn webmail_provider_that_hides_the_client_stays_the_origin() {
    let (_, _, origin) = chain(&[
        OUTLOOK_TOP,
        "from mail-oo1-f72.google.com (209.85.161.72) by \
         MWH0EPF000A6732.mail.protection.outlook.com (10.167.249.24) with Microsoft SMTP Server \
         id 15.20.9564.3 via Frontend Transport; Fri, 30 Jan 2026 01:30:45 +0000",
        "by mail-oo1-f72.google.com with SMTP id 006d021491bc7 for <victim@outlook.example>; \
         Thu, 29 Jan 2026 17:30:45 -0800 (PST)",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.hop_index, 1);
    assert_eq!(origin.ip, ip("209.85.161.72"));
    assert!(!origin.authenticated);
    assert!(
        origin.why.en.contains("does not show who submitted"),
        "{}",
        origin.why.en
    );
    assert!(
        origin.why.ja.contains("大手メール事業者"),
        "{}",
        origin.why.ja
    );

    // A login recorded without the client's address (Yahoo webmail over HTTP).
    let (_, _, origin) = chain(&[
        "from mx.example.org (mx.example.org [198.51.100.90]) by mail.example.org with ESMTPS; \
         Sat, 7 Aug 2021 17:39:54 -0400",
        "from sonic311-14.consmr.mail.bf2.yahoo.com (sonic311-14.consmr.mail.bf2.yahoo.com \
         [74.6.131.124]) by mx.example.org (Postfix) with ESMTPS id 1; Sat, 7 Aug 2021 17:39:53 \
         -0400",
        "from sonic.gate.mail.ne1.yahoo.com by sonic311.consmr.mail.bf2.yahoo.com with HTTP; \
         Sat, 7 Aug 2021 21:39:53 +0000",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.hop_index, 1);
    assert_eq!(origin.ip, ip("74.6.131.124"));
    assert!(
        origin.why.en.contains("not the client's IP address"),
        "{}",
        origin.why.en
    );
}

#[test]
fn login_claim_below_a_small_server_is_reported_not_trusted() {
    let (hops, _, origin) = chain(&[
        "from email1.example.edu (198.51.100.30) by \
         SJ5PEPF000001D4.mail.protection.outlook.com (10.167.242.56) with Microsoft SMTP Server \
         id 15.20.8314.11 via Frontend Transport; Thu, 2 Jan 2025 19:31:10 +0000",
        "from vultr-guest (unknown [203.0.113.44]) by email1.example.edu (Postfix) with ESMTPSA \
         id 4YPGz02vtkz24gtdN; Thu, 2 Jan 2025 16:31:08 -0300 (-03)",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.hop_index, 0);
    assert!(!origin.authenticated);
    assert!(
        origin.why.en.contains("claims a submission after login"),
        "{}",
        origin.why.en
    );
    assert!(origin.why.en.contains("203.0.113.44"), "{}", origin.why.en);
    assert_eq!(hops[1].role, HopRole::External);
}

#[test]
fn qmail_exim_and_fetchmail_chains() {
    // qmail's own note on top, then the MX.
    let (hops, _, origin) = chain(&[
        "(qmail 23578 invoked by alias); 27 Jul 2002 17:59:48 -0000",
        "from owner-list@example.org by mailhost with qmail-scanner-1.00 (Clean.); 27 Jul 2002 \
         17:59:47 -0000",
        "from raccoon.example.org (198.51.100.100) by mi-1.example.de with SMTP; 27 Jul 2002 \
         17:59:47 -0000",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.hop_index, 2);
    assert_eq!(origin.ip, ip("198.51.100.100"));
    assert_eq!(hops[0].role, HopRole::Internal);

    // exim list server: `[::1]` hand-over inside, then the sender.
    let (_, _, origin) = chain(&[
        "from [::1] (port=42710 helo=lists.example.org) by lists.example.org with esmtp (Exim \
         4.93) id 1l7Qeq-0002XW-2l; Wed, 03 Feb 2021 17:29:56 -0500",
        "from [198.51.100.40] (port=52592 helo=desktop-abc) by lists.example.org with esmtp \
         (Exim 4.93) id 1l7Qep-0002XW-1a; Wed, 03 Feb 2021 17:29:55 -0500",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.hop_index, 1);
    assert_eq!(origin.ip, ip("198.51.100.40"));
    assert_eq!(origin.helo.as_deref(), Some("desktop-abc"));
}

#[test]
fn bare_ip_helo_without_recorded_address_is_not_an_address() {
    // `from [ip] by host` with no comment: the server wrote the client's own claim only.
    let (hops, _, origin) = chain(&[
        "from [198.51.100.44] by mx.example.org with SMTP; Mon, 1 Jan 2024 00:00:00 +0000",
    ]);
    assert_eq!(hops[0].ip, None);
    assert!(has_note(&hops[0], "bare IP literal"), "{:?}", hops[0].notes);
    let origin = origin.expect("origin");
    assert_eq!(origin.ip, None);
    assert!(
        origin.why.en.contains("no IP address recorded"),
        "{}",
        origin.why.en
    );

    // With the address recorded and equal to the HELO literal.
    let (hops, _, _) = chain(&[
        "from [198.51.100.44] (unknown [198.51.100.44]) by mx.example.org with SMTP; Mon, 1 Jan \
         2024 00:00:00 +0000",
    ]);
    assert_eq!(hops[0].ip, ip("198.51.100.44"));
    assert!(
        has_note(&hops[0], "(its own address)"),
        "{:?}",
        hops[0].notes
    );
}

#[test]
fn forged_lower_hops_are_reported_not_trusted() {
    let (hops, _, origin) = chain(&[
        "from evil.example (unknown [203.0.113.9]) by mx.example.jp (Postfix) with ESMTP id A; \
         Mon, 1 Jan 2024 00:00:00 +0000",
        "from mail-ej1-f68.google.com (mail-ej1-f68.google.com [209.85.218.68]) by \
         mx.google.com with ESMTPS id B; Mon, 1 Jan 2024 09:00:00 +0000",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.ip, ip("203.0.113.9"));
    assert_eq!(hops[1].role, HopRole::External);
    assert!(
        has_note(&hops[1], "it claims to be Google"),
        "{:?}",
        hops[1].notes
    );
    assert!(
        has_note(&hops[1], "after the receiving side accepted"),
        "{:?}",
        hops[1].notes
    );

    // Near miss: a consistent chain gets no such note.
    let (hops, _, _) = chain(&[
        "from relay.example.net (relay.example.net [198.51.100.9]) by mx.example.jp (Postfix) \
         with ESMTP id A; Mon, 1 Jan 2024 00:00:00 +0000",
        "from pc.example.net (pc.example.net [198.51.100.10]) by relay.example.net (Postfix) \
         with ESMTP id B; Sun, 31 Dec 2023 23:59:59 +0000",
    ]);
    assert!(hops[1].notes.is_empty(), "{:?}", hops[1].notes);

    // An internal name that differs from the public one is a gap, not a forgery.
    let (hops, _, _) = chain(&[
        "from relay.example.net (relay.example.net [198.51.100.9]) by mx.example.jp (Postfix) \
         with ESMTP id A; Mon, 1 Jan 2024 00:00:00 +0000",
        "from pc.corp.example (pc.corp.example [10.0.0.9]) by exch01.corp.example (Postfix) \
         with ESMTP id B; Sun, 31 Dec 2023 23:59:59 +0000",
    ]);
    assert!(has_note(&hops[1], "chain gap"), "{:?}", hops[1].notes);
    assert!(!has_note(&hops[1], "invented"), "{:?}", hops[1].notes);
}

#[test]
fn clock_skew_is_reported_as_skew() {
    let (hops, _, _) = chain(&[
        "from b.example (b.example [198.51.100.2]) by c.example with ESMTP; Mon, 1 Jan 2024 \
         00:00:00 +0000",
        "from a.example (a.example [198.51.100.1]) by b.example with ESMTP; Mon, 1 Jan 2024 \
         00:05:00 +0000",
        "from z.example (z.example [198.51.100.3]) by a.example with ESMTP; Fri, 29 Dec 2023 \
         00:00:00 +0000",
    ]);
    assert_eq!(hops[0].delay_secs, Some(-300));
    assert!(hops[0].skew);
    assert!(has_note(&hops[0], "clock skew"), "{:?}", hops[0].notes);
    assert!(hops[1].skew, "three days between adjacent hops");
    assert_eq!(hops[2].delay_secs, None);
    assert!(!hops[2].skew);
}

#[test]
fn all_hops_inside_the_provider() {
    let (hops, _, origin) = chain(&[
        "from MN0PR19MB5779.namprd19.prod.outlook.com (2603:10b6:208:377::15) by \
         MN0PR19MB6312.namprd19.prod.outlook.com with HTTPS; Thu, 17 Aug 2023 14:11:54 +0000",
        "from POL01-WA2-obe.outbound.protection.outlook.com (40.107.78.117) by \
         BN8NAM12FT110.mail.protection.outlook.com (10.13.182.171) with Microsoft SMTP Server id \
         15.20.6723.6 via Frontend Transport; Thu, 17 Aug 2023 14:11:52 +0000",
        "from WA0P291MB0103.POLP291.PROD.OUTLOOK.COM ([fe80::f838:1ae4:cd03:caa0]) by \
         WA0P291MB0103.POLP291.PROD.OUTLOOK.COM ([fe80::f838:1ae4:cd03:caa0%4]) with mapi id \
         15.20.6678.031; Thu, 17 Aug 2023 14:11:46 +0000",
    ]);
    let origin = origin.expect("origin");
    assert_eq!(origin.hop_index, 2);
    assert_eq!(hops[1].role, HopRole::Internal);
    assert!(
        origin.why.en.starts_with("Every Received header"),
        "{}",
        origin.why.en
    );
    assert!(origin.why.en.contains("MAPI"), "{}", origin.why.en);
    assert!(
        origin.why.ja.contains("すべての Received ヘッダー"),
        "{}",
        origin.why.ja
    );
}

// ---------------------------------------------------------------- hostile and degenerate input

#[test]
fn garbage_headers_give_defects_not_panics() {
    let (hops, defects, _) = chain(&[
        "garbage garbage",
        ";;;((( \u{3042}\u{3044} [[[ ]]] )))",
        "from a (b [198.51.100.1]) by c; not a date at all",
        "from \u{3042}.example (\u{3042}\u{3044} [999.1.1.1]) by (((",
    ]);
    assert_eq!(hops.len(), 4);
    assert!(
        defects.iter().any(|d| d.code == "received.unrecognised"),
        "{defects:?}"
    );
    assert!(
        defects.iter().any(|d| d.code == "received.bad_date"),
        "{defects:?}"
    );
    assert_eq!(hops[2].ip, ip("198.51.100.1"));
    assert_eq!(hops[3].ip, None);
}

#[test]
fn no_received_headers_means_no_origin() {
    let (hops, defects, origin) = chain(&[]);
    assert!(hops.is_empty());
    assert!(defects.is_empty());
    assert!(origin.is_none());
}

#[test]
fn headers_without_a_client_give_no_origin() {
    let (hops, _, origin) = chain(&[
        "by mail.example.org (Postfix, from userid 1000) id B2396F0030C; Wed, 21 Aug 2002 \
         11:17:46 +0200 (CEST)",
    ]);
    assert_eq!(hops.len(), 1);
    assert!(origin.is_none());
}

#[test]
fn ten_thousand_hops_are_bounded() {
    let mut text = String::new();
    for i in 0..10_000u32 {
        text.push_str(&format!(
            "Received: from h{i}.example (h{i}.example [198.51.100.{}]) by r{i}.example with \
             ESMTP; Mon, 1 Jan 2024 00:00:00 +0000\r\n",
            i % 250
        ));
    }
    text.push_str("Subject: t\r\n\r\nbody\r\n");
    let (hops, defects, origin) = analyse(text.as_bytes(), &HopLimits::default());
    assert_eq!(hops.len(), 100);
    let limit: Vec<_> = defects
        .iter()
        .filter(|d| d.code == "received.limit")
        .collect();
    assert_eq!(limit.len(), 1, "{defects:?}");
    assert!(limit[0].detail.contains("10000"), "{}", limit[0].detail);
    assert_eq!(origin.expect("origin").hop_index, 0);

    let (hops, _, _) = analyse(text.as_bytes(), &HopLimits { max_hops: 5 });
    assert_eq!(hops.len(), 5);
}

#[test]
fn address_scopes() {
    for (text, want) in [
        ("198.51.100.7", IpScope::Documentation),
        ("185.202.223.128", IpScope::Public),
        ("192.168.1.112", IpScope::Private),
        ("172.16.0.1", IpScope::Private),
        ("127.0.0.1", IpScope::Loopback),
        ("::1", IpScope::Loopback),
        ("fe80::f838:1ae4:cd03:caa0", IpScope::LinkLocal),
        ("100.100.0.1", IpScope::SharedCgnat),
        ("224.0.0.1", IpScope::Reserved),
        ("2603:10a6:10:130::24", IpScope::Public),
        ("::ffff:10.0.0.1", IpScope::Private),
    ] {
        assert_eq!(ip_scope(text.parse().expect("address")), want, "{text}");
    }
}

// ---------------------------------------------------------------- whole-message fixtures

fn both_line_endings(lf: &[u8]) -> [Vec<u8>; 2] {
    let lf: Vec<u8> = lf.iter().copied().filter(|b| *b != b'\r').collect();
    let mut crlf = Vec::with_capacity(lf.len() + lf.len() / 20);
    for b in &lf {
        if *b == b'\n' {
            crlf.push(b'\r');
        }
        crlf.push(*b);
    }
    [lf, crlf]
}

struct Fixture {
    file: &'static [u8],
    name: &'static str,
    hops: usize,
    origin_index: usize,
    origin_ip: &'static str,
    authenticated: bool,
    why_en: &'static str,
    why_ja: &'static str,
}

#[test]
fn fixtures_lf_and_crlf() {
    let fixtures = [
        Fixture {
            file: include_bytes!("fixtures/hops/seed1-contabo.eml"),
            name: "seed1-contabo",
            hops: 2,
            origin_index: 1,
            origin_ip: "185.202.223.128",
            authenticated: false,
            why_en: "The receiving side's first server mx.example.jp recorded this client as the \
                     sender: 185.202.223.128 (vmi2130053.contaboserver.net). No earlier hop can \
                     be verified.",
            why_ja: "受信側の最初のサーバー mx.example.jp が、送信元として \
                     185.202.223.128(vmi2130053.contaboserver.net)を記録しています。\
                     これより前の経路は検証できません。",
        },
        Fixture {
            file: include_bytes!("fixtures/hops/seed2-aws-loopback-helo.eml"),
            name: "seed2-aws-loopback-helo",
            hops: 1,
            origin_index: 0,
            origin_ip: "13.113.112.84",
            authenticated: false,
            why_en: "13.113.112.84 (ec2-13-113-112-84.ap-northeast-1.compute.amazonaws.com)",
            why_ja: "[127.0.0.1] と名乗っています",
        },
        Fixture {
            file: include_bytes!("fixtures/hops/outlook-gmail-esmtpsa.eml"),
            name: "outlook-gmail-esmtpsa",
            hops: 6,
            origin_index: 5,
            origin_ip: "203.0.113.50",
            authenticated: true,
            why_en: "authenticated submission (UTF8SMTPSA) from 203.0.113.50 (localhost)",
            why_ja: "203.0.113.50(localhost)からの認証付き送信(UTF8SMTPSA)",
        },
        Fixture {
            file: include_bytes!("fixtures/hops/sendmail-fetchmail-list.eml"),
            name: "sendmail-fetchmail-list",
            hops: 5,
            origin_index: 2,
            origin_ip: "198.51.100.61",
            authenticated: false,
            why_en: "retrieval from the mailbox over IMAP/POP",
            why_ja: "IMAP/POP によるメールボックスからの取得",
        },
    ];
    for fixture in fixtures {
        let mut seen = Vec::new();
        for bytes in both_line_endings(fixture.file) {
            let (hops, defects, origin) = analyse(&bytes, &HopLimits::default());
            let origin = origin.expect(fixture.name);
            assert_eq!(hops.len(), fixture.hops, "{}", fixture.name);
            assert!(defects.is_empty(), "{}: {defects:?}", fixture.name);
            assert_eq!(origin.hop_index, fixture.origin_index, "{}", fixture.name);
            assert_eq!(origin.ip, ip(fixture.origin_ip), "{}", fixture.name);
            assert_eq!(
                origin.authenticated, fixture.authenticated,
                "{}",
                fixture.name
            );
            assert!(
                origin.why.en.contains(fixture.why_en),
                "{}: {}",
                fixture.name,
                origin.why.en
            );
            assert!(
                origin.why.ja.contains(fixture.why_ja),
                "{}: {}",
                fixture.name,
                origin.why.ja
            );
            assert!(
                hops.iter().all(|h| !h.raw.contains('\n')),
                "{}",
                fixture.name
            );
            seen.push((
                origin.why,
                hops.iter().map(|h| h.raw.clone()).collect::<Vec<_>>(),
            ));
        }
        assert_eq!(seen[0], seen[1], "{}: LF and CRLF differ", fixture.name);
    }
}
