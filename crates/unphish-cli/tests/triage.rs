//! `unphish triage` and `unphish campaigns` as a user runs them, including a run killed with
//! SIGKILL in the middle and rerun.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_unphish"))
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("unphish-triage-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Three lures with rotating numbers and names, `n` messages in all.
fn message(i: usize) -> String {
    let names = ["Alice", "Bob", "Carol", "Dave", "Erin"];
    let name = names[i % names.len()];
    let (subject, body, link) = match i % 3 {
        0 => (
            format!("Invoice {} is overdue", 1000 + i),
            "please find the overdue invoice for your subscription attached to this message. Payment must be received within three business days to avoid suspension of your services and additional collection fees. Open the secure billing portal to review the statement and settle the balance today",
            format!("https://billing-portal-{i}.example/pay/{}", 77 * i),
        ),
        1 => (
            format!("Your parcel {} could not be delivered", 5000 + i),
            "we tried to deliver your parcel today but nobody was at home to receive it. The parcel is held at the local depot and will be returned to the sender unless you confirm your address and pay the small redelivery fee using the tracking page below within forty eight hours",
            format!("https://parcel-track.example/redeliver/{}", 31 * i),
        ),
        _ => (
            format!("Mailbox storage {}% full", 90 + i % 10),
            "your mailbox has almost reached its storage quota and incoming messages will soon be rejected by the server. To keep receiving mail sign in with your current password on the upgrade page and we will increase the quota for free as a courtesy of the help desk team",
            format!("https://quota-{i}.mail-upgrade.example/login"),
        ),
    };
    format!(
        "From: Service <no-reply@sender{i}.example>\nTo: {n}@victim.example\nSubject: {subject}\nDate: Mon, 3 Jun 2024 10:00:00 +0000\nContent-Type: text/plain\n\nDear {name}, {body}.\n\n{link}\n\nFrom the team\n",
        n = name.to_lowercase(),
    )
}

fn write_mbox(path: &Path, n: usize) {
    let mut out = String::new();
    for i in 0..n {
        out.push_str("From x@example Mon Jun  3 10:00:00 2024\n");
        for line in message(i).lines() {
            if line.starts_with("From ") {
                out.push('>');
            }
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

fn triage(db: &Path, source: &str) -> serde_json::Value {
    let out = bin()
        .args(["triage", "-q", "--format", "json", "--db"])
        .arg(db)
        .arg(source)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stored(db: &Path) -> u64 {
    let out = bin()
        .args(["campaigns", "--format", "json", "--db"])
        .arg(db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| c["size"].as_u64().unwrap())
        .sum()
}

#[test]
fn rerun_reports_no_new_campaigns_and_stores_nothing_twice() {
    let dir = scratch("rerun");
    let mbox = dir.join("in.mbox");
    write_mbox(&mbox, 12);
    let db = dir.join("t.db");
    let first = triage(&db, mbox.to_str().unwrap());
    assert_eq!(first["messages"], 12);
    assert_eq!(first["new_campaigns"], 3, "{first:#}");
    let campaigns = first["campaigns"].as_array().unwrap();
    assert_eq!(campaigns.len(), 3);
    for c in campaigns {
        assert_eq!(c["size"], 4);
        assert_eq!(c["new"], true);
        assert!(c["id"].as_str().unwrap().starts_with("C-"));
        assert!(!c["label"].as_str().unwrap().is_empty());
    }
    let second = triage(&db, mbox.to_str().unwrap());
    assert_eq!(second["messages"], 12);
    assert_eq!(second["new_messages"], 0);
    assert_eq!(second["new_campaigns"], 0);
    assert_eq!(stored(&db), 12);

    // The same mailbox on standard input is the same twelve messages.
    let mut child = bin()
        .args(["triage", "-q", "--format", "json", "--db"])
        .arg(&db)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(&mbox).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["messages"], 12);
    assert_eq!(v["new_messages"], 0);

    // `campaigns show` lists the members with the reason each joined.
    let id = campaigns[0]["id"].as_str().unwrap();
    let out = bin()
        .args(["campaigns", "--db"])
        .arg(&db)
        .args(["show", id])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("founded the campaign"), "{text}");
    assert!(text.contains("same "), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigkill_mid_run_then_rerun_counts_every_message_once() {
    let dir = scratch("kill");
    let mbox = dir.join("in.mbox");
    let n = 600;
    write_mbox(&mbox, n);
    let db = dir.join("t.db");
    let shown = dir.join("killed-run.json");
    let mut child = bin()
        .args([
            "triage", "-q", "-j", "1", "--batch", "4", "--format", "json", "--db",
        ])
        .arg(&db)
        .arg(&mbox)
        .stdout(std::fs::File::create(&shown).unwrap())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1000));
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    // On a fast machine the run may have reported before the kill (the process can still be
    // closing its store): whether it did is what it printed, not whether it had exited.
    let reported = std::fs::read(&shown)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .is_some();
    let before = stored(&db);
    assert!(before <= n as u64);
    let rerun = triage(&db, mbox.to_str().unwrap());
    assert_eq!(rerun["messages"], n as u64);
    assert_eq!(rerun["duplicates"], 0);
    assert_eq!(rerun["new_messages"], n as u64 - before);
    assert_eq!(stored(&db), n as u64);
    let sizes: u64 = rerun["campaigns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["size"].as_u64().unwrap())
        .sum();
    assert_eq!(sizes, n as u64);
    // Campaigns the killed run founded were never reported, so the rerun announces them. A run
    // killed after printing its report but before marking it shown re-announces them too.
    if reported {
        let new = rerun["new_campaigns"].as_u64();
        assert!(new == Some(0) || new == Some(3), "{new:?}");
    } else {
        assert_eq!(rerun["new_campaigns"], 3, "{before} stored before the kill");
    }
    let third = triage(&db, mbox.to_str().unwrap());
    assert_eq!(third["new_messages"], 0);
    assert_eq!(third["new_campaigns"], 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn maildir_and_markdown_digest() {
    let dir = scratch("maildir");
    let md = dir.join("Maildir");
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(md.join(sub)).unwrap();
    }
    for i in 0..9 {
        let sub = if i % 2 == 0 { "cur" } else { "new" };
        std::fs::write(
            md.join(sub).join(format!("17000000{i:02}.M{i}.host:2,S")),
            message(i).replace('\n', "\r\n"),
        )
        .unwrap();
    }
    let db = dir.join("t.db");
    let out = bin()
        .args(["triage", "-q", "--format", "md", "--db"])
        .arg(&db)
        .arg(&md)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("# unphish triage"), "{text}");
    assert!(text.contains("## New campaigns"), "{text}");
    assert!(text.contains("9 messages read"), "{text}");
    let again = bin()
        .args(["triage", "-q", "--db"])
        .arg(&db)
        .arg(&md)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(text.contains("0 new"), "{text}");
    assert!(text.contains("Known campaigns"), "{text}");
    assert!(!text.contains("New campaigns"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn run_ok(args: &[&str], db: &Path, tail: &[&str]) -> String {
    let out = bin()
        .args(args)
        .arg("--db")
        .arg(db)
        .args(tail)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn markdown_digest_carries_each_new_campaigns_analysis_and_campaigns_lists_as_markdown() {
    let dir = scratch("md");
    let mbox = dir.join("in.mbox");
    write_mbox(&mbox, 9);
    let db = dir.join("t.db");
    let text = run_ok(
        &["triage", "-q", "--format", "md", "--lang", "en"],
        &db,
        &[mbox.to_str().unwrap()],
    );
    // One full analysis per new campaign, nested under the campaign's heading.
    assert_eq!(
        text.matches("**Analysis of the representative message**")
            .count(),
        3,
        "{text}"
    );
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("# ") && l != "# unphish triage"),
        "{text}"
    );
    // The analysis is the `analyze --format md` report: it quotes the founder's subject.
    assert!(text.contains("Invoice 1000 is overdue"), "{text}");

    let list = run_ok(&["campaigns", "--format", "md", "--lang", "en"], &db, &[]);
    assert!(list.starts_with("# Campaigns"), "{list}");
    assert_eq!(
        list.lines().filter(|l| l.starts_with("| `C-")).count(),
        3,
        "{list}"
    );

    let id = list
        .lines()
        .find_map(|l| l.strip_prefix("| `"))
        .and_then(|l| l.split('`').next())
        .unwrap()
        .to_string();
    let show = run_ok(
        &["campaigns", "--format", "md", "--lang", "en"],
        &db,
        &["show", &id],
    );
    assert!(show.contains("## Members"), "{show}");
    assert_eq!(
        show.lines()
            .filter(|l| l.starts_with("| 2024-06-03"))
            .count(),
        3,
        "{show}"
    );
    assert!(
        show.contains("## Analysis of the founding message"),
        "{show}"
    );

    // --since/--until by the receiving dates (2024-06-03).
    let since = |d: &str| {
        let v: serde_json::Value = serde_json::from_str(&run_ok(
            &["campaigns", "--format", "json", "--since", d],
            &db,
            &[],
        ))
        .unwrap();
        v.as_array().unwrap().len()
    };
    assert_eq!(since("2024-06-01"), 3);
    assert_eq!(since("2024-06-04"), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A Japanese bank-account lure, numbers rotating.
fn japanese(i: usize) -> String {
    format!(
        "From: =?UTF-8?B?{from}?= <info@bank-notice{i}.example>\nTo: user{i}@victim.example\nSubject: =?UTF-8?B?{subj}?=\nDate: Tue, 4 Jun 2024 10:00:00 +0900\nContent-Type: text/plain; charset=utf-8\n\n\
お客様のアカウントで不審なログインが検出されたため、ご利用を一時的に制限しました。\n\
下記のリンクから本人確認を行い、制限を解除してください。お手続き番号：{n}\n\
https://secure-check{i}.example/verify/{n}\n\
二十四時間以内にご確認いただけない場合、アカウントは永久に停止されます。\n",
        from = b64("セキュリティセンター"),
        subj = b64(&format!(
            "【重要】アカウント利用制限のお知らせ {}",
            4000 + i
        )),
        n = 90_000 + i * 17,
    )
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

#[test]
fn a_japanese_mailbox_gets_a_japanese_digest_unless_told_otherwise() {
    let dir = scratch("ja");
    let mbox = dir.join("ja.mbox");
    let mut out = String::new();
    for i in 0..4 {
        out.push_str("From x@example Tue Jun  4 10:00:00 2024\n");
        out.push_str(&japanese(i));
        out.push('\n');
    }
    // One English message: the majority stays Japanese.
    out.push_str("From x@example Tue Jun  4 10:00:00 2024\n");
    out.push_str(&message(0));
    out.push('\n');
    std::fs::write(&mbox, out).unwrap();
    let db = dir.join("t.db");
    let text = run_ok(&["triage", "-q"], &db, &[mbox.to_str().unwrap()]);
    assert!(text.contains("新しいキャンペーン"), "{text}");
    assert!(text.contains("5 通を読み込み"), "{text}");
    assert!(text.contains("件数"), "{text}");
    assert!(!text.contains("New campaigns"), "{text}");

    let text = run_ok(&["campaigns", "--lang", "en"], &db, &[]);
    assert!(!text.contains("なりすまし先不明"), "{text}");
    let ja = run_ok(&["campaigns", "--format", "md"], &db, &[]);
    assert!(ja.starts_with("# キャンペーン一覧"), "{ja}");

    // A rerun in English on request.
    let text = run_ok(
        &["triage", "-q", "--lang", "en", "--format", "md"],
        &db,
        &[mbox.to_str().unwrap()],
    );
    assert!(text.contains("## Known campaigns"), "{text}");
    assert!(text.contains("5 messages read"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn only_a_markdown_run_keeps_the_founders_analyses() {
    let dir = scratch("keep");
    let mbox = dir.join("in.mbox");
    write_mbox(&mbox, 9);
    let db = dir.join("t.db");
    // A text digest does not show analyses, so the run does not render them.
    run_ok(&["triage", "-q"], &db, &[mbox.to_str().unwrap()]);
    let list = run_ok(&["campaigns", "--format", "md", "--lang", "en"], &db, &[]);
    let id = list
        .lines()
        .find_map(|l| l.strip_prefix("| `"))
        .and_then(|l| l.split('`').next())
        .unwrap()
        .to_string();
    let show = |db: &Path| {
        run_ok(
            &["campaigns", "--format", "md", "--lang", "en"],
            db,
            &["show", &id],
        )
    };
    let first = show(&db);
    assert!(
        !first.contains("## Analysis of the founding message"),
        "{first}"
    );
    assert!(
        first.contains("kept by `unphish triage --format md`"),
        "{first}"
    );

    // The same mail triaged with a Markdown digest into a fresh store keeps them.
    let db2 = dir.join("t2.db");
    run_ok(
        &["triage", "-q", "--format", "md", "--lang", "en"],
        &db2,
        &[mbox.to_str().unwrap()],
    );
    let kept = show(&db2);
    assert!(
        kept.contains("## Analysis of the founding message"),
        "{kept}"
    );
}
