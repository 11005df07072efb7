//! What kind of service a host belongs to (shortener, free hosting, dynamic DNS, consumer
//! mailbox, mail infrastructure, IPFS gateway), and whether a URL path gives away a CMS.
//!
//! The lists are data (`data/hosts.toml`), parsed once. Matching walks the host's labels from
//! the most specific suffix up, so `x.y.duckdns.org` finds `duckdns.org` in at most as many map
//! look-ups as the host has labels.

use crate::text::DataError;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

const FILE: &str = "data/hosts.toml";
const EMBEDDED: &str = include_str!("../data/hosts.toml");

/// The kind of service behind a host name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostClass {
    /// URL shortener: the real destination is hidden.
    Shortener,
    /// Free or self-service hosting, site builders, tunnels, user-content hosts (`*.web.app`,
    /// `*.workers.dev`, `sites.google.com`, `translate.goog`): the name says nothing about the author.
    FreeHosting,
    /// Dynamic DNS names (`*.duckdns.org`, `*.ddns.net`).
    DynamicDns,
    /// Consumer mailboxes: free mail, ISP and carrier mail (`gmail.com`, `docomo.ne.jp`).
    Freemail,
    /// ESPs, relays, filtering gateways and click trackers that carry mail for many customers.
    MailInfrastructure,
    /// IPFS gateways.
    IpfsGateway,
    /// None of the above.
    Ordinary,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CmsPath {
    cms: String,
    markers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HostFile {
    shorteners: Vec<String>,
    free_hosting: Vec<String>,
    dynamic_dns: Vec<String>,
    freemail: Vec<String>,
    mail_infrastructure: Vec<String>,
    ipfs_gateways: Vec<String>,
    /// Not a class: may overlap the lists above (see the data file).
    #[serde(default)]
    shared_services: Vec<String>,
    cms_path: Vec<CmsPath>,
}

/// The host lists with their compiled matchers.
#[derive(Debug)]
pub struct HostDb {
    /// Domain → (class, matches sub-domains only).
    classes: HashMap<String, (HostClass, bool)>,
    freemail: HashMap<String, ()>,
    shared: HashMap<String, ()>,
    cms_ac: AhoCorasick,
    /// Per pattern of `cms_ac`: (CMS name, marker).
    cms_pat: Vec<(String, String)>,
}

impl HostDb {
    /// The lists compiled into the binary, parsed once.
    pub fn embedded() -> &'static HostDb {
        static DB: OnceLock<HostDb> = OnceLock::new();
        // Constant input checked by tests/hosts.rs; a broken file degrades to empty lists.
        DB.get_or_init(|| HostDb::from_toml(EMBEDDED).unwrap_or_else(|_| HostDb::empty()))
    }

    /// The embedded data file's text.
    pub fn embedded_source() -> &'static str {
        EMBEDDED
    }

    fn empty() -> HostDb {
        HostDb {
            classes: HashMap::new(),
            freemail: HashMap::new(),
            shared: HashMap::new(),
            cms_ac: AhoCorasick::new(std::iter::empty::<&str>())
                .unwrap_or_else(|_| unreachable!("an empty pattern set always compiles")),
            cms_pat: Vec::new(),
        }
    }

    /// Parses and checks a host file: every entry lower-case ASCII, no host in two lists.
    pub fn from_toml(src: &str) -> Result<HostDb, DataError> {
        let f: HostFile = toml::from_str(src).map_err(|e| DataError::new(FILE, e.to_string()))?;
        let err = |m: String| DataError::new(FILE, m);
        let mut classes = HashMap::new();
        let mut freemail = HashMap::new();
        let lists = [
            (&f.shorteners, HostClass::Shortener),
            (&f.free_hosting, HostClass::FreeHosting),
            (&f.dynamic_dns, HostClass::DynamicDns),
            (&f.freemail, HostClass::Freemail),
            (&f.mail_infrastructure, HostClass::MailInfrastructure),
            (&f.ipfs_gateways, HostClass::IpfsGateway),
        ];
        for (list, class) in lists {
            for entry in list {
                let (domain, subs_only) = match entry.strip_prefix("*.") {
                    Some(d) => (d, true),
                    None => (entry.as_str(), false),
                };
                let plain = !domain.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && domain.bytes().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.'
                    });
                if !plain {
                    return Err(err(format!("{entry:?} is not a lower-case domain")));
                }
                if classes
                    .insert(domain.to_string(), (class, subs_only))
                    .is_some()
                {
                    return Err(err(format!("{domain} is listed twice")));
                }
                if class == HostClass::Freemail {
                    freemail.insert(domain.to_string(), ());
                }
            }
        }
        let mut shared = HashMap::new();
        for entry in &f.shared_services {
            let plain = entry.contains('.')
                && !entry.starts_with('.')
                && !entry.ends_with('.')
                && entry.bytes().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.'
                });
            if !plain {
                return Err(err(format!("{entry:?} is not a lower-case domain")));
            }
            if shared.insert(entry.clone(), ()).is_some() {
                return Err(err(format!("{entry} is listed twice in shared_services")));
            }
        }
        let mut cms_pat = Vec::new();
        for c in f.cms_path {
            if c.cms.trim().is_empty() || c.markers.is_empty() {
                return Err(err("cms_path needs a name and markers".to_string()));
            }
            for m in c.markers {
                if !m.starts_with('/') || m.len() < 3 {
                    return Err(err(format!(
                        "CMS marker {m:?} must be a path fragment starting with '/'"
                    )));
                }
                if cms_pat
                    .iter()
                    .any(|(_, x): &(String, String)| x.eq_ignore_ascii_case(&m))
                {
                    return Err(err(format!("CMS marker {m} is listed twice")));
                }
                cms_pat.push((c.cms.clone(), m));
            }
        }
        let cms_ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(cms_pat.iter().map(|(_, m)| m.as_str()))
            .map_err(|e| err(e.to_string()))?;
        Ok(HostDb {
            classes,
            freemail,
            shared,
            cms_ac,
            cms_pat,
        })
    }

    /// The class of a host, by the most specific listed suffix.
    pub fn classify(&self, host: &str) -> Option<HostClass> {
        let h = clean(host)?;
        let mut s = h.as_str();
        let mut is_sub = false;
        loop {
            if let Some(&(class, subs_only)) = self.classes.get(s)
                && (is_sub || !subs_only)
            {
                return Some(class);
            }
            s = s.split_once('.')?.1;
            is_sub = true;
        }
    }

    /// True when a link on `host` sits on a shared service (an event, survey or form builder, an
    /// ESP click tracker, a big site's redirector): the name is everyone's. `registrable` is the
    /// host's registrable domain: when it lies below the listed entry (`acme.web.app` under
    /// `web.app`, a public-suffix platform), the customer owns that name, so it is not shared.
    pub fn is_shared_service(&self, host: &str, registrable: Option<&str>) -> bool {
        let Some(h) = clean(host) else { return false };
        let reg = registrable.and_then(clean);
        let mut s = h.as_str();
        loop {
            if self.shared.contains_key(s) {
                return match &reg {
                    None => true,
                    Some(r) => {
                        s == r || s.strip_suffix(r.as_str()).is_some_and(|p| p.ends_with('.'))
                    }
                };
            }
            match s.split_once('.') {
                Some((_, rest)) => s = rest,
                None => return false,
            }
        }
    }

    pub fn is_freemail(&self, domain: &str) -> bool {
        clean(domain).is_some_and(|d| self.freemail.contains_key(&d))
    }

    /// The first CMS marker in a path: (CMS name, marker).
    pub fn cms_of_path(&self, path: &str) -> Option<(&str, &str)> {
        let m = self.cms_ac.find(path)?;
        self.cms_pat
            .get(m.pattern().as_usize())
            .map(|(c, k)| (c.as_str(), k.as_str()))
    }
}

fn clean(host: &str) -> Option<String> {
    let h = host.trim().trim_end_matches('.').to_ascii_lowercase();
    (!h.is_empty() && h.len() <= 253 && !h.contains(|c: char| c.is_whitespace() || c == '/'))
        .then_some(h)
}

/// Classifies a host; when the host itself is not listed, its registrable domain is tried.
/// IP literals and unlisted names are [`HostClass::Ordinary`].
pub fn classify_host(host: &str, registrable: Option<&str>) -> HostClass {
    let db = HostDb::embedded();
    db.classify(host)
        .or_else(|| registrable.and_then(|r| db.classify(r)))
        .unwrap_or(HostClass::Ordinary)
}

/// True for consumer mailbox domains (free mail, ISP and carrier mail): `gmail.com`,
/// `outlook.com`, `yahoo.co.jp`, `docomo.ne.jp`. Exact domain, not sub-domains: a carrier's own
/// sending hosts (`wdy.docomo.ne.jp`) are not consumer mailboxes.
pub fn is_freemail(domain: &str) -> bool {
    HostDb::embedded().is_freemail(domain)
}

/// The CMS marker a URL path contains (`/wp-includes/`, `/wp-content/`, `/components/com_`,
/// `/sites/default/files/`, ...), as listed in the data: a page there on an unrelated site is
/// usually a kit dropped into a hacked CMS. Case-insensitive.
pub fn is_cms_path(path: &str) -> Option<&'static str> {
    HostDb::embedded()
        .cms_of_path(path)
        .map(|(_, marker)| marker)
}

/// The CMS name (`WordPress`, `Joomla`, ...) and marker a URL path contains.
pub fn cms_of_path(path: &str) -> Option<(&'static str, &'static str)> {
    HostDb::embedded().cms_of_path(path)
}

/// True when a path serves content by IPFS hash through any gateway (`/ipfs/<cid>`, `/ipns/<name>`).
pub fn is_ipfs_path(path: &str) -> bool {
    let p = path.trim_start_matches('/');
    let lower = |prefix: &str| {
        p.get(..prefix.len())
            .is_some_and(|x| x.eq_ignore_ascii_case(prefix))
    };
    (lower("ipfs/") || lower("ipns/")) && p.len() > 5
}

#[cfg(test)]
mod shared_tests {
    use super::HostDb;

    #[test]
    fn shared_services_are_everyones_but_customer_names_are_not() {
        let db = HostDb::embedded();
        assert!(db.is_shared_service("www.eventbrite.com", Some("eventbrite.com")));
        assert!(db.is_shared_service("docs.google.com", Some("google.com")));
        assert!(db.is_shared_service("storage.googleapis.com", Some("googleapis.com")));
        assert!(db.is_shared_service("u123.ct.sendgrid.net", Some("sendgrid.net")));
        // A public-suffix platform gives each customer a name of their own.
        assert!(!db.is_shared_service("acme-login.web.app", Some("acme-login.web.app")));
        assert!(!db.is_shared_service(
            "bucket.s3.us-east-2.amazonaws.com",
            Some("bucket.s3.us-east-2.amazonaws.com")
        ));
        assert!(!db.is_shared_service("evil-shop.example", Some("evil-shop.example")));
        assert!(!db.is_shared_service("notgoogle.com", Some("notgoogle.com")));
    }

    #[test]
    fn shared_services_must_be_domains() {
        let base = HostDb::embedded_source();
        let bad = base.replacen(
            "shared_services = [",
            "shared_services = [\"Not A Domain\", ",
            1,
        );
        assert!(HostDb::from_toml(&bad).is_err());
    }
}
