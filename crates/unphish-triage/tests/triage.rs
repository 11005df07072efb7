//! End-to-end triage over mailboxes written here: an mbox with `>From ` quoting, the same mail
//! as a Maildir, two campaigns whose names, numbers, recipients and link hosts rotate, and one
//! unrelated message.

use std::path::Path;
use unphish::{Analyzer, Options};
use unphish_triage::{Store, TriageOptions, resolve, triage};

const NAMES: [&str; 4] = ["Alice Walker", "Bob Tanaka", "Carol Diaz", "Daniel Okafor"];

/// A bank-credential lure: recipient, greeting name, case number and the landing host (a new
/// registrable domain each time) rotate; the wording stays.
fn bank(i: usize) -> String {
    let name = NAMES[i % NAMES.len()];
    let user = name.split(' ').next().unwrap().to_lowercase();
    format!(
        "Received: from mail{i}.bulk-sender.example (mail{i}.bulk-sender.example [198.51.100.{ip}])\n\tby mx.victim.example with ESMTP id A{i}B; Mon, 3 Jun 2024 10:0{i}:00 +0000\n\
From: \"Secure Banking\" <alert{i}@notice-center{i}.example>\n\
To: {user}@victim.example\n\
Subject: Case #{case}: your account access has been limited\n\
Date: Mon, 3 Jun 2024 10:0{i}:00 +0000\n\
Message-ID: <{i}.{case}@notice-center{i}.example>\n\
MIME-Version: 1.0\n\
Content-Type: text/plain; charset=utf-8\n\
\n\
Dear {name},\n\
\n\
your account has been temporarily limited because we noticed unusual sign-in activity from a new device.\n\
To restore access please verify your identity within 24 hours using the secure link below, otherwise\n\
your account will be permanently closed and any pending payments will be cancelled. Case number {case}.\n\
\n\
https://verify-access{i}.example/secure/{case}/login?u={user}\n\
\n\
We take the security of your funds seriously and we apologise for the inconvenience. If you did not\n\
attempt to sign in, verify your details immediately so that we can protect your account.\n\
From the security team, thank you for banking with us.\n",
        ip = 10 + i,
        case = 48_213 + i * 7919,
    )
}

/// A parcel lure in Japanese: hosts on one free-hosting service rotate, the path shape stays.
fn parcel(i: usize) -> String {
    let track = 1_000_000 + i * 31_337;
    format!(
        "From: =?UTF-8?B?{b}?= <info@parcel-notice{i}.example>\n\
To: user{i}@victim.example\n\
Subject: =?UTF-8?B?{s}?=\n\
Date: Tue, 4 Jun 2024 0{i}:00:00 +0900\n\
MIME-Version: 1.0\n\
Content-Type: text/plain; charset=utf-8\n\
\n\
お客様のお荷物をお届けにあがりましたが、宛先不明のため持ち帰りました。\n\
再配達のご依頼は下記のリンクから住所を確認し、配送料をお支払いください。\n\
お問い合わせ番号：{track}\n\
https://track{i}x.web.app/redelivery/{track}/confirm\n\
保管期限を過ぎますとお荷物は差出人へ返送されます。お早めにお手続きください。\n\
本メールは送信専用です。ご返信いただいてもお答えできませんのでご了承ください。\n",
        b = b64("配送センター"),
        s = b64(&format!("【不在通知】お荷物のお届けについて {track}")),
    )
}

fn unrelated() -> String {
    "From: Team Lead <lead@company.example>\n\
To: dev@company.example\n\
Subject: Minutes of Thursday's planning meeting\n\
Date: Wed, 5 Jun 2024 09:00:00 +0000\n\
Content-Type: text/plain\n\
\n\
Hi all, the minutes are below. We agreed to move the release to the second week of July,\n\
Maria will own the migration guide, and the build farm upgrade waits until after the audit.\n\
From now on stand-ups start at 9:30. Please review the roadmap document before Friday.\n"
        .to_string()
}

fn b64(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for c in b.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= c.len() {
                out.push(T[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn messages() -> Vec<String> {
    // Interleaved, as a real mailbox is.
    vec![
        bank(0),
        parcel(0),
        bank(1),
        unrelated(),
        parcel(1),
        bank(2),
        parcel(2),
        bank(3),
    ]
}

/// mboxrd: body lines starting with `From ` are quoted with `>`.
fn write_mbox(path: &Path, msgs: &[String]) {
    let mut out = String::new();
    for (i, m) in msgs.iter().enumerate() {
        out.push_str(&format!(
            "From sender{i}@example Mon Jun  3 10:00:00 2024\n"
        ));
        for line in m.lines() {
            let gts = line.bytes().take_while(|&b| b == b'>').count();
            if line[gts..].starts_with("From ") {
                out.push('>');
            }
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

fn write_maildir(dir: &Path, msgs: &[String]) {
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    for (i, m) in msgs.iter().enumerate() {
        let sub = if i % 2 == 0 { "cur" } else { "new" };
        // Names sort in mailbox order; CRLF as some MDAs store it.
        let name = format!("17000000{i:02}.M{i}P1.host:2,S");
        std::fs::write(dir.join(sub).join(name), m.replace('\n', "\r\n")).unwrap();
    }
}

fn analyzer() -> Analyzer {
    Analyzer::new(Options::default()).unwrap()
}

fn run(
    store: &mut Store,
    src: &Path,
    stop: Option<usize>,
    batch: usize,
) -> unphish_triage::TriageReport {
    let opts = TriageOptions {
        threads: 2,
        batch,
        ..TriageOptions::default()
    };
    let sources = vec![resolve(src.to_str().unwrap()).unwrap()];
    let r = triage(sources, store, &analyzer(), &opts, stop, &mut |_| {}).unwrap();
    store.complete_run(r.run).unwrap();
    r
}

/// Campaign membership as sorted groups of message indexes (by subject/sender).
fn groups(store: &Store, report: &unphish_triage::TriageReport) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = report
        .campaigns
        .iter()
        .map(|c| {
            let (_, members) = store.campaign(&c.id).unwrap().unwrap();
            let mut m: Vec<String> = members
                .iter()
                .map(|m| m.sender.clone().unwrap_or_default())
                .collect();
            m.sort();
            m
        })
        .collect();
    out.sort();
    out
}

fn expected_groups() -> Vec<Vec<String>> {
    let mut g = vec![
        (0..4)
            .map(|i| format!("alert{i}@notice-center{i}.example"))
            .collect::<Vec<_>>(),
        (0..3)
            .map(|i| format!("info@parcel-notice{i}.example"))
            .collect(),
        vec!["lead@company.example".to_string()],
    ];
    for x in &mut g {
        x.sort();
    }
    g.sort();
    g
}

#[test]
fn mbox_groups_campaigns_and_rerun_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mbox = dir.path().join("inbox.mbox");
    write_mbox(&mbox, &messages());
    let text = std::fs::read_to_string(&mbox).unwrap();
    assert!(
        text.contains("\n>From the security team"),
        "fixture must exercise >From quoting"
    );

    let mut store = Store::open(&dir.path().join("triage.db")).unwrap();
    let first = run(&mut store, &mbox, None, 3);
    assert_eq!(first.messages, 8);
    assert_eq!(first.new_messages, 8);
    assert_eq!(
        groups(&store, &first),
        expected_groups(),
        "{:#?}",
        first.campaigns
    );
    assert_eq!(first.new_campaigns, 3);
    assert!(first.campaigns.iter().all(|c| c.new));
    let bank = first.campaigns.iter().find(|c| c.size == 4).unwrap();
    assert!(!bank.reasons.is_empty());
    assert!(
        bank.label.contains("your account access has been limited"),
        "{}",
        bank.label
    );

    // The un-quoted line is back in the stored message's body: its hash equals the .eml's.
    let hash = unphish_triage::fingerprint::content_hash(bank_bytes().as_bytes());
    let (_, members) = store.campaign(&bank.id).unwrap().unwrap();
    assert!(members.iter().any(|m| m.hash == hash));

    let second = run(&mut store, &mbox, None, 3);
    assert_eq!(second.messages, 8);
    assert_eq!(second.new_messages, 0);
    assert_eq!(second.new_campaigns, 0);
    assert_eq!(store.message_count().unwrap(), 8);
    let ids = |r: &unphish_triage::TriageReport| {
        let mut v: Vec<String> = r.campaigns.iter().map(|c| c.id.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(ids(&first), ids(&second), "campaign ids are stable");
}

fn bank_bytes() -> String {
    bank(0)
}

#[test]
fn maildir_gives_the_same_campaigns_and_shares_the_store_with_mbox() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("Maildir");
    write_maildir(&md, &messages());
    let mut store = Store::open_in_memory().unwrap();
    let r = run(&mut store, &md, None, 4);
    assert_eq!(r.messages, 8);
    assert_eq!(groups(&store, &r), expected_groups());

    // The same mail as an mbox (LF, From_ lines) is the same eight messages.
    let mbox = dir.path().join("same.mbox");
    write_mbox(&mbox, &messages());
    let again = run(&mut store, &mbox, None, 4);
    assert_eq!(again.new_messages, 0);
    assert_eq!(again.new_campaigns, 0);
}

#[test]
fn a_run_stopped_between_batches_loses_nothing_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mbox = dir.path().join("inbox.mbox");
    let mut msgs = messages();
    msgs.push(bank(0)); // a copy inside the same mailbox counts once
    write_mbox(&mbox, &msgs);
    let db = dir.path().join("t.db");
    {
        let mut store = Store::open(&db).unwrap();
        let sources = vec![resolve(mbox.to_str().unwrap()).unwrap()];
        let opts = TriageOptions {
            threads: 1,
            batch: 2,
            ..TriageOptions::default()
        };
        let e = triage(
            sources,
            &mut store,
            &analyzer(),
            &opts,
            Some(2),
            &mut |_| {},
        );
        assert!(e.is_err());
        assert_eq!(store.message_count().unwrap(), 4);
    }
    let mut store = Store::open(&db).unwrap();
    let r = run(&mut store, &mbox, None, 2);
    assert_eq!(r.messages, 8);
    assert_eq!(r.duplicates, 1);
    assert_eq!(r.new_messages, 4);
    assert_eq!(store.message_count().unwrap(), 8);
    // Campaigns founded by the interrupted run were never reported: still new now.
    assert_eq!(r.new_campaigns, 3);
    assert_eq!(groups(&store, &r), expected_groups());
}

#[test]
fn schema_is_versioned() {
    let store = Store::open_in_memory().unwrap();
    assert_eq!(store.schema_version().unwrap(), 2);
}

fn short_link_mail(subject: &str, body: &str, code: &str) -> String {
    format!(
        "From: x <x@{code}.example>\nTo: y@victim.example\nSubject: {subject}\nContent-Type: text/plain\n\n{body}\nhttps://bit.ly/{code}\n"
    )
}

#[test]
fn a_shared_shortener_does_not_group_strangers_but_one_short_link_does() {
    let dir = tempfile::tempdir().unwrap();
    let msgs = [
        short_link_mail(
            "Lunch on Friday?",
            "Shall we try the new ramen place near the station this week, around noon?",
            "Xa81kQ",
        ),
        short_link_mail(
            "Quarterly numbers",
            "The revenue table for the northern region is ready for review before the board meeting.",
            "Pq22zM",
        ),
        short_link_mail(
            "Parcel waiting",
            "A parcel is held at the depot, pay the redelivery fee today to receive it.",
            "Zz99Aa",
        ),
        short_link_mail(
            "Prize claim",
            "You have won a gift card, answer three questions to claim the reward now.",
            "Zz99Aa",
        ),
    ];
    let mbox = dir.path().join("s.mbox");
    write_mbox(&mbox, &msgs);
    let mut store = Store::open_in_memory().unwrap();
    let r = run(&mut store, &mbox, None, 8);
    let mut sizes: Vec<i64> = r.campaigns.iter().map(|c| c.size).collect();
    sizes.sort();
    assert_eq!(sizes, vec![1, 1, 2], "{:#?}", r.campaigns);
}

/// One mail whose link goes through `host` + `path`: each call has its own wording, sender and
/// network, so only the link and the lure can tie two of them together.
fn hub_mail(i: usize, subject: &str, body: &str, host: &str, path: &str) -> String {
    format!(
        "Received: from relay{i}.sender{i}.example (relay{i}.sender{i}.example [203.0.113.{ip}])\n\tby mx.victim.example with ESMTP id H{i}; Mon, 3 Jun 2024 10:00:00 +0000\n\
From: Offers <news@sender{i}.example>\nTo: y{i}@victim.example\nSubject: {subject}\n\
Date: Mon, 3 Jun 2024 10:00:00 +0000\nContent-Type: text/plain\n\n{body}\nhttps://{host}{path}\n",
        ip = 20 + i,
    )
}

fn sizes(r: &unphish_triage::TriageReport) -> Vec<i64> {
    let mut s: Vec<i64> = r.campaigns.iter().map(|c| c.size).collect();
    s.sort();
    s
}

#[test]
fn a_redirector_shared_by_two_lures_is_two_campaigns() {
    // An affiliate network routes every offer through one redirect domain: the prize lures are
    // one campaign, the parcel lures another, though all four share the domain.
    let dir = tempfile::tempdir().unwrap();
    let msgs = [
        hub_mail(
            0,
            "Congratulations, you have won a gift card",
            "You have won a gift card worth 500 euros. Claim your prize before Sunday midnight.",
            "route-hub.example",
            "/go/a1",
        ),
        hub_mail(
            1,
            "Parcel delivery failed: reschedule delivery",
            "We were unable to deliver your parcel. The delivery failed because the address is incomplete.",
            "route-hub.example",
            "/go/b2",
        ),
        hub_mail(
            2,
            "Lucky winner: claim your reward",
            "You are a winner of our loyalty raffle. Claim your reward and pick your free gift now.",
            "route-hub.example",
            "/go/c3",
        ),
        hub_mail(
            3,
            "Your package is on hold",
            "Your package is on hold at the depot. Pay the customs fee to reschedule delivery today.",
            "route-hub.example",
            "/go/d4",
        ),
    ];
    let mbox = dir.path().join("hub.mbox");
    write_mbox(&mbox, &msgs);
    let mut store = Store::open_in_memory().unwrap();
    let r = run(&mut store, &mbox, None, 8);
    assert_eq!(sizes(&r), vec![2, 2], "{:#?}", r.campaigns);
    for c in &r.campaigns {
        let (_, members) = store.campaign(&c.id).unwrap().unwrap();
        let subjects: Vec<String> = members.iter().filter_map(|m| m.subject.clone()).collect();
        let prize = subjects
            .iter()
            .filter(|s| s.contains("won") || s.contains("winner"))
            .count();
        assert!(prize == 0 || prize == subjects.len(), "{subjects:?}");
        // Every member but the founder says why it joined, naming the domain and the lure.
        assert!(
            members
                .iter()
                .skip(1)
                .all(|m| m.reason.contains("same link domain route-hub.example")
                    && m.reason.contains("same lure")),
            "{members:#?}"
        );
    }
}

#[test]
fn a_shared_service_domain_is_not_an_actor_but_its_exact_page_is() {
    // Unrelated senders all link to an event platform; only two mails share one event page.
    let dir = tempfile::tempdir().unwrap();
    let msgs = [
        hub_mail(
            0,
            "Congratulations, you have won a gift card",
            "You have won a gift card worth 500 euros. Claim your prize before Sunday midnight.",
            "www.eventbrite.com",
            "/e/spring-garden-fair-tickets-4411",
        ),
        hub_mail(
            1,
            "Lucky winner: claim your reward",
            "You are a winner of our loyalty raffle. Claim your reward and pick your free gift now.",
            "www.eventbrite.com",
            "/e/city-marathon-volunteers-9902",
        ),
        hub_mail(
            2,
            "Your invitation to the webinar",
            "Seats are limited, register through the event page to keep your place in the session.",
            "www.eventbrite.com",
            "/e/claim-free-iphone-tickets-7777",
        ),
        hub_mail(
            3,
            "Reminder: registration closes tonight",
            "Registration closes tonight, complete the form on the event page to keep your seat.",
            "www.eventbrite.com",
            "/e/claim-free-iphone-tickets-7777",
        ),
    ];
    let mbox = dir.path().join("saas.mbox");
    write_mbox(&mbox, &msgs);
    let mut store = Store::open_in_memory().unwrap();
    let r = run(&mut store, &mbox, None, 8);
    assert_eq!(sizes(&r), vec![1, 1, 2], "{:#?}", r.campaigns);
    let pair = r.campaigns.iter().find(|c| c.size == 2).unwrap();
    assert!(
        pair.reasons.iter().any(|x| x
            .value
            .contains("www.eventbrite.com/e/claim-free-iphone-tickets-7777")),
        "{:#?}",
        pair.reasons
    );
}

fn dated_mail(i: usize, received: &[&str], date: Option<&str>) -> String {
    let mut m = String::new();
    for r in received {
        m.push_str(&format!(
            "Received: from out{i}.example (out{i}.example [192.0.2.{ip}])\n\tby mx{i}.victim.example with ESMTP id D{i}; {r}\n",
            ip = 30 + i
        ));
    }
    let topic = [
        "garden committee minutes",
        "choir rehearsal schedule",
        "bicycle repair workshop",
    ]
    .get(i)
    .copied()
    .unwrap_or("misc");
    m.push_str(&format!(
        "From: a{i} <a{i}@dated{i}.example>\nTo: b@victim.example\nSubject: About the {topic}\n"
    ));
    if let Some(d) = date {
        m.push_str(&format!("Date: {d}\n"));
    }
    m.push_str(&format!(
        "Content-Type: text/plain\n\nPlease find attached everything about the {topic}; bring questions along.\n"
    ));
    m
}

#[test]
fn forged_and_impossible_times_are_not_believed() {
    let dir = tempfile::tempdir().unwrap();
    let msgs = [
        // Only a time far in the future of the run: not believed, the Date header is used.
        dated_mail(
            0,
            &["Tue, 1 Jan 2099 00:00:00 +0000"],
            Some("Mon, 3 Jun 2024 10:00:00 +0000"),
        ),
        // Before 1990 everywhere: no time at all.
        dated_mail(
            1,
            &["Thu, 1 Jan 1981 00:00:00 +0000"],
            Some("Thu, 1 Jan 1970 00:00:00 +0000"),
        ),
        // A plausible received time.
        dated_mail(2, &["Wed, 5 Jun 2024 12:00:00 +0000"], None),
    ];
    let mbox = dir.path().join("dates.mbox");
    write_mbox(&mbox, &msgs);
    let mut store = Store::open_in_memory().unwrap();
    let opts = TriageOptions {
        threads: 1,
        // 2025-01-01: the run's own clock.
        now: Some(1_735_689_600),
        ..TriageOptions::default()
    };
    let sources = vec![resolve(mbox.to_str().unwrap()).unwrap()];
    let r = triage(sources, &mut store, &analyzer(), &opts, None, &mut |_| {}).unwrap();
    store.complete_run(r.run).unwrap();
    let mut seen: Vec<(String, Option<String>)> = r
        .campaigns
        .iter()
        .map(|c| (c.subject.clone().unwrap_or_default(), c.first_seen.clone()))
        .collect();
    seen.sort();
    assert_eq!(
        seen.iter().map(|s| s.1.as_deref()).collect::<Vec<_>>(),
        // Sorted by subject: bicycle (2), choir (1), garden (0).
        vec![
            Some("2024-06-05 12:00 UTC"),
            None,
            Some("2024-06-03 10:00 UTC")
        ],
        "{seen:#?}"
    );

    // The undated campaign is dated by the run for --since/--until, not dropped.
    let all = |since: Option<i64>, until: Option<i64>| {
        store
            .campaigns(&unphish_triage::CampaignFilter {
                since,
                until,
                ..Default::default()
            })
            .unwrap()
            .len()
    };
    assert_eq!(all(None, None), 3);
    // Since 2024-12-01: only the undated one (stored by the 2025 run).
    assert_eq!(all(Some(1_733_011_200), None), 1);
    // Until 2024-12-01: the two dated ones.
    assert_eq!(all(None, Some(1_733_011_200)), 2);
}

#[test]
fn the_digest_language_follows_the_mailbox() {
    let dir = tempfile::tempdir().unwrap();
    // Three Japanese parcel lures and one English note: Japanese wins.
    let msgs = vec![parcel(0), parcel(1), parcel(2), unrelated()];
    let mbox = dir.path().join("ja.mbox");
    write_mbox(&mbox, &msgs);
    let mut store = Store::open_in_memory().unwrap();
    let r = run(&mut store, &mbox, None, 8);
    assert_eq!(r.language, "ja");
    // A founder's analysis is kept once, in its own language (as `analyze` would write it),
    // and shown for either digest language.
    let is_ja = |doc: &str| doc.lines().next().is_some_and(|h| h.contains("来た件"));
    let parcel_campaign = r.campaigns.iter().find(|c| c.size == 3).unwrap();
    let note_campaign = r.campaigns.iter().find(|c| c.size == 1).unwrap();
    let report =
        |store: &Store, id: &str, lang: &str| store.campaign_report(id, lang).unwrap().unwrap();
    let ja = report(&store, &parcel_campaign.id, "ja");
    assert!(is_ja(&ja), "{ja}");
    assert_eq!(report(&store, &parcel_campaign.id, "en"), ja);
    let note = report(&store, &note_campaign.id, "ja");
    assert!(!is_ja(&note) && note.starts_with("# "), "{note}");

    // A chosen language (the CLI's --lang) is the language of every analysis.
    let mut store = Store::open_in_memory().unwrap();
    let opts = TriageOptions {
        threads: 1,
        analysis_lang: Some(unphish::text::Lang::En),
        ..TriageOptions::default()
    };
    let sources = vec![resolve(mbox.to_str().unwrap()).unwrap()];
    let r = triage(sources, &mut store, &analyzer(), &opts, None, &mut |_| {}).unwrap();
    let parcel_campaign = r.campaigns.iter().find(|c| c.size == 3).unwrap();
    let en = report(&store, &parcel_campaign.id, "ja");
    assert!(!is_ja(&en) && en.starts_with("# "), "{en}");

    let msgs = vec![parcel(0), unrelated(), bank(0), bank(1)];
    let mbox = dir.path().join("en.mbox");
    write_mbox(&mbox, &msgs);
    let mut store = Store::open_in_memory().unwrap();
    let r = run(&mut store, &mbox, None, 8);
    assert_eq!(r.language, "en");
}

#[test]
fn parallel_analysis_stores_in_input_order() {
    // Batches of one on four threads finish out of order; the store must still see them in
    // mailbox order, so membership, reasons and member order equal a one-thread run's.
    let dir = tempfile::tempdir().unwrap();
    let mbox = dir.path().join("inbox.mbox");
    write_mbox(&mbox, &messages());
    let stored = |threads: usize| {
        let mut store = Store::open_in_memory().unwrap();
        let opts = TriageOptions {
            threads,
            batch: 1,
            ..TriageOptions::default()
        };
        let sources = vec![resolve(mbox.to_str().unwrap()).unwrap()];
        let r = triage(sources, &mut store, &analyzer(), &opts, None, &mut |_| {}).unwrap();
        let mut out: Vec<(String, Vec<(String, String)>)> = r
            .campaigns
            .iter()
            .map(|c| {
                let (_, members) = store.campaign(&c.id).unwrap().unwrap();
                let m = members.into_iter().map(|m| (m.source, m.reason)).collect();
                (c.id.clone(), m)
            })
            .collect();
        out.sort();
        out
    };
    let one = stored(1);
    assert_eq!(one.len(), 3);
    for _ in 0..3 {
        assert_eq!(stored(4), one);
    }
}
