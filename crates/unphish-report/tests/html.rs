//! The HTML report must be safe to open. A hostile mail carries script, event handlers,
//! `javascript:` links and remote img/css/iframe references in every field that reaches the
//! report (subject, display name, addresses, link texts, URLs, HTML body, attachment names).
//! Every remote reference points at a loopback listener that counts connections, and every
//! script tries to set `document.title` to "OWNED" (written as `atob('T1dORUQ=')`, so the word
//! itself never appears in the mail or the escaped report).
//!
//! The structural checks always run; the browser check runs when `chromium` is installed (CI
//! installs it) and prints a notice otherwise.

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use unphish_report::text::Lang;
use unphish_report::{RenderOptions, html};

const JS: &str = "document.title=atob('T1dORUQ=')";

/// The hostile mail, carrying a copy of itself as an attached message (`message/rfc822`): the
/// attached message's section must be just as inert.
fn hostile_mail(port: u16) -> Vec<u8> {
    let inner = String::from_utf8(hostile_mail_alone(port)).expect("ascii");
    let mut outer = hostile_mail_alone(port);
    let end = b"--B--\r\n";
    let at = outer.len() - end.len();
    assert_eq!(&outer[at..], end);
    outer.truncate(at);
    outer.extend_from_slice(
        format!("--B\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--B--\r\n").as_bytes(),
    );
    outer
}

fn hostile_mail_alone(port: u16) -> Vec<u8> {
    let r = format!("http://127.0.0.1:{port}");
    let att_html = "<html><body><script>document.title=atob('T1dORUQ=')</script></body></html>";
    let att_b64 = base64(att_html.as_bytes());
    format!(
        "Received: from [203.0.113.9] (<script>{JS}</script>.evil.example [203.0.113.9]) by mx.example.jp (Postfix) with ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0900\r\n\
From: \"<script>{JS}</script><img src={r}/from.png onerror={JS}>\" <\"<svg/onload={JS}>\"@evil.example>\r\n\
Reply-To: <img src={r}/rt.png onerror={JS}>@evil.example\r\n\
To: victim@example.jp\r\n\
Subject: <script>{JS}</script><iframe src=\"{r}/subject-frame\"></iframe><link rel=stylesheet href=\"{r}/subject.css\"><img src={r}/s.png onerror={JS}>\r\n\
Date: Mon, 1 Jan 2024 00:00:00 +0900\r\n\
Message-ID: <\"><script>{JS}</script>@evil.example>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"B\"\r\n\
\r\n\
--B\r\n\
Content-Type: multipart/alternative; boundary=\"A\"\r\n\
\r\n\
--A\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Log in now <script>{JS}</script> {r}/plain?<img/src=x/onerror={JS}> javascript:{JS}\r\n\
--A\r\n\
Content-Type: text/html; charset=utf-8\r\n\
\r\n\
<html><head><link rel=\"stylesheet\" href=\"{r}/head.css\"><style>@import url({r}/import.css); body {{ background: url({r}/bg.png) }}</style>\
<script src=\"{r}/ext.js\"></script><script>{JS}</script></head>\
<body onload=\"{JS}\"><a href=\"javascript:{JS}\">&lt;script&gt;{JS}&lt;/script&gt; Verify</a> \
<a href=\"{r}/x&quot;&gt;&lt;script&gt;{JS}&lt;/script&gt;\">&lt;img src={r}/text.png onerror={JS}&gt;</a> \
<a href=\"{r}/login\" onclick=\"{JS}\">&lt;iframe src={r}/text-frame&gt;</a>\
<img src=\"{r}/pixel.gif\"><iframe src=\"{r}/frame\"></iframe><object data=\"{r}/obj\"></object>\
<form action=\"{r}/post\"><input name=p></form><meta http-equiv=refresh content=\"0;url={r}/refresh\"></body></html>\r\n\
--A--\r\n\
--B\r\n\
Content-Type: text/html; name=\"<img src={r}/att.png onerror={JS}>.html\"\r\n\
Content-Disposition: attachment; filename=\"<img src={r}/att.png onerror={JS}>.html\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
{att_b64}\r\n\
--B--\r\n"
    )
    .into_bytes()
}

fn base64(data: &[u8]) -> String {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn render(port: u16, lang: Lang, defang: bool) -> String {
    let report = common::analyze_bytes(&hostile_mail(port));
    let mut opts = RenderOptions::new(lang);
    opts.defang = defang;
    html::render(&report, &opts).expect("render")
}

/// The elements our template writes; anything else is an escaping failure.
const ALLOWED: &[&str] = &[
    "!DOCTYPE",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "h1",
    "h2",
    "h3",
    "p",
    "section",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
    "strong",
    "table",
    "tr",
    "th",
    "td",
    "figure",
    "figcaption",
    "blockquote",
    "svg",
    "title",
    "rect",
    "path",
    "g",
    "circle",
    "text",
];

fn tags(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(p) = rest.find('<') {
        rest = &rest[p + 1..];
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '!')
            .collect();
        out.push(name);
    }
    out
}

#[test]
fn hostile_mail_renders_only_our_own_markup() {
    for lang in [Lang::Ja, Lang::En] {
        for defang in [true, false] {
            let out = render(9, lang, defang);
            for t in tags(&out) {
                assert!(
                    ALLOWED.iter().any(|a| a.eq_ignore_ascii_case(&t)),
                    "unexpected element <{t}> (defang {defang})"
                );
            }
            let head = out.find("<head>").expect("head") + "<head>".len();
            assert!(
                out[head..].trim_start().starts_with(
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"
                ),
                "CSP first in head"
            );
            // The only attributes that could load anything are ours: there are none.
            for needle in [
                " src=\"",
                " href=\"",
                " action=\"",
                " data=\"",
                " srcset=\"",
            ] {
                assert!(!out.contains(needle), "{needle} in output");
            }
            // The payloads are there, as text.
            assert!(out.contains("&lt;script&gt;"), "escaped payload shown");
            if defang {
                assert!(!out.contains("http://127.0.0.1"), "defanged");
            }
        }
    }
}

#[test]
fn seed_html_is_standalone_and_has_every_section() {
    let r = common::analyze("seed-2-kagoya-quarantine.eml");
    let out = html::render(&r, &RenderOptions::new(Lang::Ja)).unwrap();
    for id in [
        "subject", "sender", "origin", "body", "links", "findings", "advice", "summary",
    ] {
        assert!(out.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    assert!(out.contains("<svg"), "map inlined");
    assert!(out.contains("カゴヤ・ジャパン"));
    let en = html::render(&r, &RenderOptions::new(Lang::En)).unwrap();
    assert!(en.contains("<html lang=\"en\">") && en.contains("Where it really came from"));
}

fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Runs headless Chromium on the file and returns the DOM after scripts would have run.
fn dump_dom(chromium: &Path, file: &Path, profile: &Path) -> String {
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-extensions",
            "--virtual-time-budget=3000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("file://{}", file.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if child.try_wait().ok().flatten().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap_or_default()
}

#[test]
fn hostile_report_runs_no_script_and_loads_nothing_in_chromium() {
    let Some(chromium) = find_chromium() else {
        eprintln!("NOTICE: chromium not installed; skipping the browser check of the HTML report");
        return;
    };
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let hits = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let counter = {
        let (hits, stop) = (hits.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok(_) => {
                        hits.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        })
    };

    let dir = std::env::temp_dir().join(format!("unphish-html-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    // A control page proves the harness can see both effects: it must set the title and connect.
    let control = dir.join("control.html");
    std::fs::write(
        &control,
        format!(
            "<html><head><title>t</title></head><body><img src=\"http://127.0.0.1:{port}/c.png\"><script>{JS}</script></body></html>"
        ),
    )
    .expect("write");
    let dom = dump_dom(&chromium, &control, &dir.join("profile-control"));
    assert!(
        dom.contains("OWNED"),
        "control page script did not run:\n{dom}"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        hits.load(Ordering::Relaxed) > 0,
        "control page made no request"
    );
    hits.store(0, Ordering::Relaxed);

    for (i, (lang, defang)) in [(Lang::Ja, true), (Lang::En, false)]
        .into_iter()
        .enumerate()
    {
        let page = dir.join(format!("report-{i}.html"));
        std::fs::write(&page, render(port, lang, defang)).expect("write");
        let dom = dump_dom(&chromium, &page, &dir.join(format!("profile-{i}")));
        assert!(
            dom.contains("<section id=\"findings\">"),
            "page rendered:\n{dom}"
        );
        assert!(
            !dom.contains("OWNED"),
            "a script from the mail ran (defang {defang})"
        );
    }
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    let _ = counter.join();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        hits.load(Ordering::Relaxed),
        0,
        "the report made requests to the mail's remote references"
    );
}

/// The safety checks mean something only if the payloads reach the report in every field.
#[test]
fn hostile_payloads_reach_every_field_of_the_report() {
    let r = common::analyze_bytes(&hostile_mail(9));
    assert!(r.subject.as_deref().is_some_and(|s| s.contains("<script>")));
    let from = r.sender.from.as_ref().expect("from");
    assert!(
        from.display_name
            .as_deref()
            .is_some_and(|s| s.contains("<img")),
        "{from:?}"
    );
    assert!(from.raw.contains("onload"), "{from:?}");
    assert!(
        r.links
            .iter()
            .any(|l| l.url.starts_with("javascript:") || l.raw.starts_with("javascript:")),
        "{:?}",
        r.links
    );
    assert!(
        r.links
            .iter()
            .any(|l| l.text.as_deref().is_some_and(|t| t.contains("<script>")))
    );
    assert!(r.links.iter().any(|l| l.url.contains("127.0.0.1:9")));
    assert!(
        r.attachments
            .iter()
            .any(|a| a.name.as_deref().is_some_and(|n| n.contains("<img"))),
        "{:?}",
        r.attachments
    );
    assert!(
        r.body_excerpt
            .as_deref()
            .is_some_and(|b| b.contains("<script>"))
    );
    let n = r.nested.first().expect("the attached copy is analysed");
    assert!(n.subject.as_deref().is_some_and(|s| s.contains("<script>")));
    assert!(n.links.iter().any(|l| l.url.contains("127.0.0.1:9")));
    let page = render(9, Lang::En, false);
    assert!(
        page.contains("<section class=\"nested\">"),
        "nested section rendered"
    );
}
