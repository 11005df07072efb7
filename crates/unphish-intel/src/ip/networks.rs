//! Provider classification: `data/networks.toml` (ASN → friendly provider name and class),
//! and a keyword heuristic on the AS organisation name for ASNs the file does not list.

use super::NetClass;
use serde::Deserialize;
use std::collections::BTreeMap;

pub(crate) const NETWORKS_TOML: &str = include_str!("../../data/networks.toml");

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ClassName {
    Cloud,
    Cdn,
    MailProvider,
    Isp,
}

impl From<ClassName> for NetClass {
    fn from(c: ClassName) -> NetClass {
        match c {
            ClassName::Cloud => NetClass::Cloud,
            ClassName::Cdn => NetClass::Cdn,
            ClassName::MailProvider => NetClass::MailProvider,
            ClassName::Isp => NetClass::Isp,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    name_ja: Option<String>,
    class: ClassName,
    asn: Vec<u32>,
    #[allow(dead_code)] // documentation for the reader of the TOML, not used at run time
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    network: Vec<Entry>,
}

/// A known provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Provider<'a> {
    pub name: &'a str,
    pub name_ja: Option<&'a str>,
    pub class: NetClass,
}

#[derive(Debug, Default)]
pub(crate) struct Networks {
    entries: Vec<Entry>,
    by_asn: BTreeMap<u32, usize>,
    by_name: BTreeMap<String, usize>,
}

impl Networks {
    /// Parse the TOML. An ASN listed twice is an error: which entry wins would otherwise
    /// depend on file order, and the data should say one thing.
    pub(crate) fn parse(text: &str) -> Result<Networks, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut by_asn = BTreeMap::new();
        let mut by_name = BTreeMap::new();
        for (i, e) in file.network.iter().enumerate() {
            if e.name.trim().is_empty() || e.asn.is_empty() {
                return Err(format!("entry {i}: empty name or ASN list"));
            }
            if by_name.insert(e.name.clone(), i).is_some() {
                return Err(format!("provider {:?} listed twice", e.name));
            }
            for &asn in &e.asn {
                if let Some(prev) = by_asn.insert(asn, i) {
                    let other = file.network.get(prev).map_or("?", |p| p.name.as_str());
                    return Err(format!(
                        "AS{asn} listed for both {other:?} and {:?}",
                        e.name
                    ));
                }
            }
        }
        Ok(Networks {
            entries: file.network,
            by_asn,
            by_name,
        })
    }

    fn provider(&self, i: usize) -> Option<Provider<'_>> {
        self.entries.get(i).map(|e| Provider {
            name: &e.name,
            name_ja: e.name_ja.as_deref(),
            class: e.class.into(),
        })
    }

    pub(crate) fn by_asn(&self, asn: u32) -> Option<Provider<'_>> {
        self.by_asn.get(&asn).and_then(|&i| self.provider(i))
    }

    pub(crate) fn by_name(&self, name: &str) -> Option<Provider<'_>> {
        self.by_name.get(name).and_then(|&i| self.provider(i))
    }

    #[cfg(test)]
    pub(crate) fn asn_count(&self) -> usize {
        self.by_asn.len()
    }
}

/// Class guessed from words in an AS organisation name, for ASNs `networks.toml` does not
/// list. This is a heuristic: "Example Cable Hosting" is called Cloud because hosting words
/// are checked first (a rented server is the more telling fact for mail origin), and a name
/// with none of the words stays Unknown rather than being guessed.
pub(crate) fn heuristic(org: &str) -> Option<NetClass> {
    const CLOUD: &[&str] = &[
        "hosting",
        "server",
        "cloud",
        "data center",
        "datacenter",
        "data centre",
        "datacentre",
        "vps",
        "dedicated",
        "colocation",
    ];
    const ISP: &[&str] = &[
        "telecom",
        "telekom",
        "broadband",
        "cable",
        "mobile",
        "communications",
        "wireless",
        "fibra",
        "fiber",
        "fibre",
        "provedor",
        "internet service provider",
    ];
    let lower = org.to_lowercase();
    if CLOUD.iter().any(|w| lower.contains(w)) {
        Some(NetClass::Cloud)
    } else if ISP.iter().any(|w| lower.contains(w)) {
        Some(NetClass::Isp)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_file_parses_without_duplicates() {
        let n = Networks::parse(NETWORKS_TOML).expect("networks.toml parses");
        assert!(n.asn_count() > 300, "only {} ASNs", n.asn_count());
        let c = n.by_asn(51167).expect("Contabo listed");
        assert_eq!((c.name, c.class), ("Contabo", NetClass::Cloud));
        let s = n.by_asn(9370).expect("Sakura listed");
        assert_eq!(s.name_ja, Some("さくらインターネット"));
    }

    #[test]
    fn duplicate_asn_is_rejected() {
        let t = r#"
            [[network]]
            name = "A"
            class = "cloud"
            asn = [1]
            [[network]]
            name = "B"
            class = "isp"
            asn = [2, 1]
        "#;
        let err = Networks::parse(t).expect_err("duplicate must fail");
        assert!(err.contains("AS1"), "{err}");
    }

    #[test]
    fn unknown_class_is_rejected() {
        let t = "[[network]]\nname = \"A\"\nclass = \"hosting\"\nasn = [1]\n";
        assert!(Networks::parse(t).is_err());
    }

    #[test]
    fn heuristic_prefers_hosting_words_and_abstains() {
        assert_eq!(heuristic("Example Hosting Ltd"), Some(NetClass::Cloud));
        assert_eq!(heuristic("ACME VPS Solutions"), Some(NetClass::Cloud));
        assert_eq!(heuristic("Example Cable Hosting"), Some(NetClass::Cloud));
        assert_eq!(heuristic("Foo Telecomunicacoes Ltda"), Some(NetClass::Isp));
        assert_eq!(heuristic("Bar Mobile Communications"), Some(NetClass::Isp));
        assert_eq!(heuristic("Ministry of Examples"), None);
        assert_eq!(heuristic(""), None);
    }
}
