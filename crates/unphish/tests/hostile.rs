//! Hostile input (issue 6): each case is generated here, analysed with the default options, and
//! must give a report that serialises, parses back, matches `docs/report.schema.json` and names
//! the bound that cut the analysis short.
//!
//! No timing here: a shared CI machine makes wall-clock asserts flaky. `tools/hostile-bench.sh`
//! runs the release binary on the same shapes (from `tools/hostile-cases.py`) and checks the
//! 5 s / 512 MB budget.

mod schema_check;

use serde_json::Value;
use unphish::{Analyzer, Options};

const HEAD: &str = "From: Support <support@bank.example>\r\nTo: victim@example.org\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nMessage-ID: <hostile@bank.example>\r\n";

fn analyzer() -> &'static Analyzer {
    static A: std::sync::OnceLock<Analyzer> = std::sync::OnceLock::new();
    A.get_or_init(|| Analyzer::new(Options::default()).unwrap())
}

/// Analyses `raw` and returns the report as JSON, after checking it parses and fits the schema.
fn report(raw: &[u8]) -> Value {
    let report = analyzer().analyze(raw);
    let json = serde_json::to_string(&report).expect("report serialises");
    let value: Value = serde_json::from_str(&json).expect("report JSON parses");
    let errors = schema_check::violations(&value);
    assert!(errors.is_empty(), "schema violations: {errors:#?}");
    value
}

/// Every defect code in the report and its nested reports.
fn codes(r: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut work = vec![r];
    while let Some(r) = work.pop() {
        for d in r["defects"].as_array().into_iter().flatten() {
            out.push(d["code"].as_str().unwrap_or_default().to_string());
        }
        work.extend(r["nested"].as_array().into_iter().flatten());
    }
    out
}

fn assert_defect(r: &Value, code: &str) {
    let codes = codes(r);
    assert!(codes.iter().any(|c| c == code), "no {code} in {codes:?}");
    assert!(
        !codes.iter().any(|c| c == "internal.panic"),
        "analysis panicked: {codes:?}"
    );
}

/// xorshift64*: deterministic bytes, so every run tests the same input.
fn random_bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        out.extend_from_slice(&x.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    out.truncate(n);
    out
}

/// Base64 with CRLF every 76 characters (RFC 2045 §6.8).
fn base64_lines(data: &[u8]) -> Vec<u8> {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(data.len() / 3 * 4 * 78 / 76 + 8);
    for (i, chunk) in data.chunks(3).enumerate() {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        out.push(A[(n >> 18) as usize & 63]);
        out.push(A[(n >> 12) as usize & 63]);
        out.push(if chunk.len() > 1 {
            A[(n >> 6) as usize & 63]
        } else {
            b'='
        });
        out.push(if chunk.len() > 2 {
            A[n as usize & 63]
        } else {
            b'='
        });
        if (i + 1) % 19 == 0 {
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b"\r\n");
    out
}

#[test]
fn hundred_thousand_received_headers() {
    let mut m = String::with_capacity(14 << 20);
    for i in 0..100_000u32 {
        m.push_str(&format!(
            "Received: from h{i}.example (h{i}.example [10.{}.{}.{}]) by mx{i}.example with ESMTP id {i};\r\n\tMon, 1 Jan 2024 00:00:00 +0000\r\n",
            (i >> 16) & 255,
            (i >> 8) & 255,
            i & 255
        ));
    }
    m.push_str(HEAD);
    m.push_str("Subject: many hops\r\n\r\nbody\r\n");
    let r = report(m.as_bytes());
    assert_defect(&r, "limit.header_fields");
    // The sender's fields at the bottom survive the cut.
    assert_eq!(r["subject"], "many hops");
}

#[test]
fn multipart_nested_3000_deep() {
    let mut m = format!("{HEAD}Subject: deep multipart\r\nMIME-Version: 1.0\r\n");
    for i in 0..3000 {
        m.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"
        ));
    }
    m.push_str("Content-Type: text/plain\r\n\r\nthe innermost text https://deep.example/\r\n");
    for i in (0..3000).rev() {
        m.push_str(&format!("--b{i}--\r\n"));
    }
    let r = report(m.as_bytes());
    assert_defect(&r, "limit.mime_depth");
}

#[test]
fn ten_thousand_mime_parts() {
    let mut m = format!(
        "{HEAD}Subject: many parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"P\"\r\n\r\n"
    );
    for i in 0..10_000 {
        m.push_str(&format!(
            "--P\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n"
        ));
    }
    m.push_str("--P--\r\n");
    let r = report(m.as_bytes());
    assert_defect(&r, "limit.parts");
}

#[test]
fn forty_megabyte_base64_attachment() {
    let data = random_bytes(6, 40 << 20);
    let mut m = format!(
        "{HEAD}Subject: big attachment\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"A\"\r\n\r\n--A\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--A\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\nContent-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    .into_bytes();
    m.extend_from_slice(&base64_lines(&data));
    m.extend_from_slice(b"--A--\r\n");
    drop(data);
    let r = report(&m);
    assert_defect(&r, "limit.attachment_size");
    let att = &r["attachments"][0];
    assert_eq!(att["size"], 40 << 20, "{att}");
    assert_eq!(att["sha256"], "", "a prefix hash would be a wrong IOC");
}

#[test]
fn eight_megabyte_header_line() {
    let words = "verify your account now ";
    let line: String = words.repeat((8 << 20) / words.len() + 1)[..8 << 20].to_string();
    let m = format!("{HEAD}Subject: {line}\r\n\r\nbody\r\n");
    let r = report(m.as_bytes());
    assert_defect(&r, "limit.header_size");
    let subject = r["subject"].as_str().unwrap_or_default();
    assert!(subject.starts_with("verify your account") && subject.len() <= 64 << 10);
}

#[test]
fn four_megabytes_of_random_bytes() {
    let r = report(&random_bytes(4, 4 << 20));
    // Random bytes hold NULs and invalid UTF-8; whatever else is cut, those are named.
    assert_defect(&r, "mime.nul_bytes");
}

#[test]
fn empty_file() {
    let r = report(b"");
    assert_defect(&r, "mime.empty");
}

#[test]
fn nul_bytes_and_invalid_utf8_in_headers() {
    let m: &[u8] = b"Received: from a\x00b.example ([192.0.2.\xff]) by mx.example; Mon, 1 Jan 2024 00:00:00 +0000\r\nFrom: \xc3\x28Bank\x00 <support@bank\xff.example>\r\nTo: victim@example.org\r\nSubject: \xe3\x81\x00\xfe\xff invalid \xed\xa0\x80 utf-8\r\nX-Nul: a\x00\x00\x00b\r\n\r\nbody with \x00 and \xff\r\n";
    let r = report(m);
    assert_defect(&r, "mime.nul_bytes");
    assert_defect(&r, "mime.header_8bit");
}

#[test]
fn html_with_200000_links() {
    let mut body = String::from("<html><body>");
    for i in 0..200_000 {
        body.push_str(&format!(
            "<a href=\"https://l{i}.example/p\">link {i}</a>\n"
        ));
    }
    body.push_str("</body></html>\r\n");
    let m = format!(
        "{HEAD}Subject: many links\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{body}"
    );
    let r = report(m.as_bytes());
    assert_defect(&r, "limit.links");
}

#[test]
fn html_nested_200000_deep() {
    let n = 200_000;
    let body = format!(
        "<html><body>{}<a href=\"https://deep.example/\">deep</a>{}</body></html>\r\n",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let m = format!(
        "{HEAD}Subject: deep html\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{body}"
    );
    let r = report(m.as_bytes());
    assert_defect(&r, "limit.html_depth");
}

#[test]
fn fifty_thousand_encoded_words_in_subject() {
    let word = "=?UTF-8?B?56K66KqN?="; // 確認
    let subject = vec![word; 50_000].join("\r\n ");
    let m = format!("{HEAD}Subject: {subject}\r\n\r\nbody\r\n");
    let r = report(m.as_bytes());
    assert_defect(&r, "limit.header_size");
    assert!(
        r["subject"]
            .as_str()
            .unwrap_or_default()
            .starts_with("確認確認")
    );
}

#[test]
fn message_rfc822_nested_2000_deep() {
    let mut m = String::new();
    for i in 0..2000 {
        m.push_str(&format!(
            "From: level{i}@nest.example\r\nSubject: level {i}\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n"
        ));
    }
    m.push_str("From: inner@nest.example\r\nSubject: innermost\r\nContent-Type: text/plain\r\n\r\nhttps://inner.example/\r\n");
    let r = report(m.as_bytes());
    assert_defect(&r, "limit.embedded_messages");
    assert_defect(&r, "limit.nesting");
}

#[test]
fn the_schema_check_catches_a_broken_report() {
    let mut r = report(b"From: a@b.example\r\nSubject: s\r\n\r\nbody\r\n");
    assert!(schema_check::violations(&r).is_empty());
    r["verdict"]["level"] = "maybe".into();
    r["defects"] = Value::Array(vec![serde_json::json!({ "code": 1 })]);
    r.as_object_mut().unwrap().remove("links");
    r["origin"] = serde_json::json!({ "ip": 1 });
    let errors = schema_check::violations(&r);
    for want in ["/verdict/level", "/defects/0", "missing links", "/origin"] {
        assert!(
            errors.iter().any(|e| e.contains(want)),
            "{want} not in {errors:#?}"
        );
    }
}

// Found by probing the release binary: mail-parser reads `message/(c)rfc822`, `message/ rfc822`
// and `message /rfc822` as message/rfc822, so a screen matching the plain spelling let a 200,000
// deep chain through, and dropping the nested values overflowed the stack (an abort, not a panic).
#[test]
fn message_chain_with_lenient_media_type_spellings() {
    for ct in ["message/(c)rfc822", "message/ rfc822", "message /rfc822"] {
        let mut m = String::new();
        for i in 0..50_000 {
            m.push_str(&format!(
                "From: l{i}@nest.example\r\nContent-Type: {ct}\r\n\r\n"
            ));
        }
        m.push_str("Subject: innermost\r\n\r\nx\r\n");
        let r = report(m.as_bytes());
        assert_defect(&r, "limit.embedded_messages");
    }
}

// Also found by probing: a multipart/digest makes every untyped child a message (RFC 2046
// §5.1.5), a chain with no message/rfc822 in it; and 64 MB of tiny parts made mail-parser
// allocate gigabytes.
#[test]
fn digest_chain_and_a_flood_of_tiny_parts() {
    let mut m = String::new();
    for i in 0..50_000 {
        m.push_str(&format!(
            "Subject: d{i}\r\nContent-Type: multipart/digest; boundary=d{i}\r\n\r\n--d{i}\r\n\r\n"
        ));
    }
    let r = report(m.as_bytes());
    assert_defect(&r, "limit.embedded_messages");

    let mut m =
        format!("{HEAD}Subject: tiny parts\r\nContent-Type: multipart/mixed; boundary=t\r\n\r\n");
    m.push_str(&"--t\r\n\r\nx\r\n".repeat(500_000));
    let r = report(m.as_bytes());
    assert_defect(&r, "limit.boundaries");
}

// Found by probing: the screen only saw the top-level header, so an attached message with
// 100,000 distinct fields took 39 s (a per-name count list searched per field) and one with an
// 8 MB Subject put all 8 MB into the report. Attached messages are now screened on their own.
#[test]
fn attached_message_with_a_hostile_header() {
    let outer = format!("{HEAD}Subject: outer\r\nContent-Type: message/rfc822\r\n\r\n");
    let mut m = outer.clone();
    for i in 0..100_000 {
        m.push_str(&format!("X-H{i}: v\r\n"));
    }
    m.push_str("Subject: inner\r\n\r\nbody\r\n");
    let r = report(m.as_bytes());
    assert_defect(&r["nested"][0], "limit.header_fields");
    assert_eq!(r["nested"][0]["subject"], "inner");

    let m = format!("{outer}Subject: {}\r\n\r\nbody\r\n", "a".repeat(8 << 20));
    let r = report(m.as_bytes());
    assert_defect(&r["nested"][0], "limit.header_size");
    assert!(r["nested"][0]["subject"].as_str().unwrap_or_default().len() <= 64 << 10);
}

#[test]
fn digest_with_more_attached_messages_than_analysed() {
    let mut m =
        format!("{HEAD}Subject: digest\r\nContent-Type: multipart/digest; boundary=g\r\n\r\n");
    for i in 0..40 {
        m.push_str(&format!(
            "--g\r\n\r\nSubject: item {i}\r\n\r\nhttps://item{i}.example/\r\n"
        ));
    }
    m.push_str("--g--\r\n");
    let r = report(m.as_bytes());
    assert_defect(&r, "limit.attached_messages");
    assert_eq!(r["nested"].as_array().map(Vec::len), Some(16));
    assert_eq!(r["nested"][3]["subject"], "item 3");
}
