//! The command line as a user meets it: help, formats, exit codes, stdin, pipes.

use std::io::Write;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_unphish"))
}

fn example(name: &str) -> String {
    format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn help_documents_options_and_exit_codes() {
    let out = bin().args(["analyze", "--help"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for opt in [
        "--format",
        "--lang",
        "--threads",
        "--fail-on",
        "--no-mask",
        "--geoip-city",
    ] {
        assert!(text.contains(opt), "{opt} missing from help");
    }
    let top = bin().arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&top.stdout).contains("Exit status"));
}

#[test]
fn jsonl_has_one_object_per_file_with_its_path() {
    let out = bin()
        .args(["analyze", "--format", "jsonl", "-j", "1", &example("")])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() >= 2);
    assert!(
        lines
            .iter()
            .all(|r| r["file"].as_str().is_some_and(|f| f.ends_with(".eml")))
    );
    assert!(lines.iter().all(|r| r["schema"] == "unphish.report/1"));
}

#[test]
fn phishing_is_not_an_error_unless_fail_on_asks() {
    let ok = bin()
        .args([
            "analyze",
            "--format",
            "json",
            &example("seed-1-keydog-webmail.eml"),
        ])
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
    let fail = bin()
        .args([
            "analyze",
            "--fail-on",
            "phishing",
            &example("seed-1-keydog-webmail.eml"),
        ])
        .output()
        .unwrap();
    assert_eq!(fail.status.code(), Some(1));
}

#[test]
fn unreadable_input_and_bad_usage_exit_2() {
    let out = bin()
        .args(["analyze", "/nonexistent/x.eml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = bin()
        .args(["analyze", "--format", "yaml", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn stdin_is_read_with_dash_and_text_is_plain_when_piped() {
    let raw = std::fs::read(example("seed-2-kagoya-quarantine.eml")).unwrap();
    let mut child = bin()
        .args(["analyze", "--lang", "en", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&raw).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("PHISHING"), "{text}");
    assert!(!text.contains('\u{1b}'), "colour codes in piped output");
    assert!(
        text.contains("hxxps://solarpivotpower[.]com"),
        "links are defanged"
    );
    assert!(!text.contains("info@example.jp"), "recipient not masked");
}

#[test]
fn closed_pipe_is_not_an_error() {
    let dir = example("");
    let mut child = bin()
        .args(["analyze", &dir, &dir, &dir, &dir])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn text_colour_only_when_the_environment_allows() {
    let run = |envs: &[(&str, &str)]| {
        let mut cmd = bin();
        cmd.args(["analyze", &example("seed-2-kagoya-quarantine.eml")])
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("CLICOLOR");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(!run(&[]).contains('\u{1b}'), "piped: plain");
    let forced = run(&[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains("\u{1b}[1m"), "forced colour: {forced:?}");
    assert!(
        !run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains('\u{1b}'),
        "NO_COLOR wins"
    );
}

#[test]
fn template_replaces_text_md_and_html_reports() {
    let path = std::env::temp_dir().join(format!("unphish-cli-tpl-{}.txt", std::process::id()));
    std::fs::write(&path, "{{ lang }}|{{ r.verdict.level }}|{{ r.subject }}\n").unwrap();
    // Values are still escaped for the format: the seed's subject has nothing to escape.
    for format in ["text", "md", "html"] {
        let out = bin()
            .args(["analyze", "--format", format, "--template"])
            .arg(&path)
            .arg(example("seed-2-kagoya-quarantine.eml"))
            .output()
            .unwrap();
        assert!(out.status.success(), "{format}: {out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "ja|phishing|【重要 注意喚起】サービス仕様の変更\n",
            "{format}"
        );
    }
    let missing = bin()
        .args(["analyze", "--template", "/nonexistent/t.txt"])
        .arg(example("seed-2-kagoya-quarantine.eml"))
        .output()
        .unwrap();
    assert_eq!(
        missing.status.code(),
        Some(2),
        "unreadable template is a usage error"
    );
    let _ = std::fs::remove_file(&path);
    let help = bin().args(["analyze", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("--template") && help.contains("text, md or html"),
        "{help}"
    );
}
