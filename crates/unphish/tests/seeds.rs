//! The two seed mails, rebuilt from the blog posts in `examples/`, analysed end to end.
//! These are the acceptance checks, asserted on the JSON contract.

use serde_json::Value;
use unphish::{Analyzer, Options};

fn analyze(name: &str) -> Value {
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let a = Analyzer::new(Options::default()).unwrap();
    serde_json::to_value(a.analyze(&raw)).unwrap()
}

fn finding<'a>(r: &'a Value, id: &str) -> Option<&'a Value> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
}

fn ids(r: &Value) -> Vec<String> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn seed1_keydog_from_contabo_is_phishing() {
    let r = analyze("seed-1-keydog-webmail.eml");
    assert_eq!(r["schema"], unphish::SCHEMA);
    assert_eq!(r["verdict"]["level"], "phishing", "findings: {:?}", ids(&r));
    let o = &r["origin"];
    assert_eq!(o["ip"], "185.202.223.128");
    assert_eq!(o["rdns"], "vmi2130053.contaboserver.net");
    assert_eq!(o["asn"], 51167);
    assert!(
        o["as_org"].as_str().unwrap().contains("Contabo"),
        "{}",
        o["as_org"]
    );
    assert!(o["country"].is_string(), "{}", o["country"]);
    assert!(
        !o["why"]["en"].as_str().unwrap().is_empty()
            && !o["why"]["ja"].as_str().unwrap().is_empty()
    );
    // The infrastructure has nothing to do with keydog.co.jp, and the finding cites both lines.
    let f = finding(&r, "ORIG-001").expect("ORIG-001");
    assert!(f["title"]["en"].as_str().unwrap().contains("keydog.co.jp"));
    let quotes: Vec<&str> = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["quote"].as_str().unwrap())
        .collect();
    assert!(
        quotes
            .iter()
            .any(|q| q.contains("185.202.223.128") && q.starts_with("Received:")),
        "{quotes:?}"
    );
    assert!(
        quotes.iter().any(|q| q.contains("info@keydog.co.jp")),
        "{quotes:?}"
    );
    // The [spam] tag.
    assert!(finding(&r, "LURE-001").is_some(), "{:?}", ids(&r));
    // The link text hides sapoom.adamclarkcinematographer.de.
    let l = finding(&r, "LINK-002").expect("LINK-002");
    assert!(
        l["title"]["en"]
            .as_str()
            .unwrap()
            .contains("sapoom.adamclarkcinematographer.de")
    );
    let link = &r["links"][0];
    assert_eq!(link["host"], "sapoom.adamclarkcinematographer.de");
    assert!(link["text"].as_str().unwrap().contains("再アクティブ化"));
    assert_eq!(r["language"], "ja");
}

#[test]
fn seed2_kagoya_from_aws_is_phishing() {
    let r = analyze("seed-2-kagoya-quarantine.eml");
    assert_eq!(r["verdict"]["level"], "phishing", "findings: {:?}", ids(&r));
    let o = &r["origin"];
    assert_eq!(o["ip"], "13.113.112.84");
    assert_eq!(
        o["rdns"],
        "ec2-13-113-112-84.ap-northeast-1.compute.amazonaws.com"
    );
    assert_eq!(o["helo"], "[127.0.0.1]");
    assert_eq!(o["asn"], 16509);
    assert!(
        o["as_org"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("amazon")
    );
    assert_eq!(o["country"], "JP");
    assert_eq!(r["subject"], "【重要 注意喚起】サービス仕様の変更");
    // KAGOYA impersonated: display name, address and the QUALITIA footer are its sources.
    let imp = r["impersonation"].as_array().unwrap();
    let k = imp
        .iter()
        .find(|i| i["brand"] == "KAGOYA")
        .unwrap_or_else(|| panic!("{imp:?}"));
    let fields: Vec<&str> = k["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["field"].as_str().unwrap())
        .collect();
    for want in ["display_name", "from_address", "footer"] {
        assert!(fields.contains(&want), "{want} missing from {fields:?}");
    }
    // One finding names both kagoya.net and solarpivotpower.com.
    let f = finding(&r, "LINK-003").expect("LINK-003");
    let t =
        f["title"]["en"].as_str().unwrap().to_string() + f["explanation"]["en"].as_str().unwrap();
    assert!(
        t.contains("kagoya.net") && t.contains("solarpivotpower.com"),
        "{t}"
    );
    // The recipient's address in the URL, and masked everywhere in the report.
    assert!(finding(&r, "LINK-005").is_some(), "{:?}", ids(&r));
    let text = serde_json::to_string(&r).unwrap();
    assert!(
        !text.contains("info@example.jp"),
        "recipient address leaked into the report"
    );
    assert!(text.contains("****@*******.**"));
}

#[test]
fn lf_and_crlf_give_the_same_report() {
    for name in ["seed-1-keydog-webmail.eml", "seed-2-kagoya-quarantine.eml"] {
        let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
        let crlf = std::fs::read(&path).unwrap();
        let lf: Vec<u8> = String::from_utf8_lossy(&crlf)
            .replace("\r\n", "\n")
            .into_bytes();
        let a = Analyzer::new(Options::default()).unwrap();
        let x = serde_json::to_value(a.analyze(&crlf)).unwrap();
        let y = serde_json::to_value(a.analyze(&lf)).unwrap();
        assert_eq!(x, y, "{name}");
    }
}

#[test]
fn same_bytes_same_report() {
    let path = format!(
        "{}/../../examples/seed-1-keydog-webmail.eml",
        env!("CARGO_MANIFEST_DIR")
    );
    let raw = std::fs::read(&path).unwrap();
    let a = Analyzer::new(Options::default()).unwrap();
    let x = serde_json::to_string(&a.analyze(&raw)).unwrap();
    let y = serde_json::to_string(&a.analyze(&raw)).unwrap();
    assert_eq!(x, y);
}
