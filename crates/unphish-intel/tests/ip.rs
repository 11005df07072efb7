//! Facts about the embedded IP data, taken from the seed posts and checked against the
//! ip-location-db release the tables were built from.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use unphish_intel::ip::{
    CityDb, IpInfo, IpIntel, NetClass, country_centroid, country_name, provider_ja,
};

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

fn lookup(s: &str) -> IpInfo {
    IpIntel::embedded().lookup(ip(s))
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn embedded_tables_load_cleanly() {
    let intel = IpIntel::embedded();
    assert!(intel.load_errors().is_empty(), "{:?}", intel.load_errors());
    assert_eq!(intel.self_check(), Ok(()));
    let (ranges, asns) = intel.table_sizes();
    assert!(ranges > 1_000_000, "{ranges} ranges");
    assert!(asns > 80_000, "{asns} ASNs");
    assert!(
        intel.data_version().contains("@ip-location-db/asn 2.3.")
            && intel.data_version().contains("geo-whois-asn-country"),
        "{}",
        intel.data_version()
    );
    // The same instance every time.
    assert!(std::ptr::eq(intel, IpIntel::embedded()));
}

#[test]
fn seed_000_contabo_server_in_germany() {
    let i = lookup("185.202.223.128");
    assert_eq!(i.asn, Some(51167));
    assert!(
        i.as_org.as_deref().unwrap_or("").contains("Contabo"),
        "{i:?}"
    );
    // The seed post read "DE" from the RIPE whois registration. The country data ranks the
    // operator's own geofeed above whois, and Contabo's geofeed places this /24 in France
    // (2.3.2026061719: "185.202.223.0,185.202.223.255,FR"). Either is a true statement about
    // the block; which one the data picks is not ours to override.
    assert!(matches!(i.country.as_deref(), Some("DE" | "FR")), "{i:?}");
    assert_eq!(i.provider.as_deref(), Some("Contabo"));
    assert_eq!(i.class, NetClass::Cloud);
    assert_eq!(i.city, None);
}

#[test]
fn seed_001_amazon_aws_tokyo() {
    let i = lookup("13.113.112.84");
    assert_eq!(i.asn, Some(16509));
    assert!(
        i.as_org.as_deref().unwrap_or("").contains("Amazon"),
        "{i:?}"
    );
    assert_eq!(i.country.as_deref(), Some("JP"));
    assert_eq!(i.provider.as_deref(), Some("Amazon AWS"));
    assert_eq!(i.class, NetClass::Cloud);
}

#[test]
fn seed_link_host_behind_cloudflare() {
    let i = lookup("172.67.197.223");
    assert_eq!(i.asn, Some(13335));
    assert_eq!(i.provider.as_deref(), Some("Cloudflare"));
    assert_eq!(i.class, NetClass::Cdn);
}

#[test]
fn ipv6_hetzner_and_google() {
    let h = lookup("2a01:4f8:c17:1::1");
    assert_eq!(h.asn, Some(24940));
    assert_eq!(h.country.as_deref(), Some("DE"));
    assert_eq!(h.provider.as_deref(), Some("Hetzner"));
    assert_eq!(h.class, NetClass::Cloud);

    let g = lookup("2001:4860:4860::8888");
    assert_eq!(g.asn, Some(15169));
    assert_eq!(g.provider.as_deref(), Some("Google"));
    assert_eq!(g.class, NetClass::MailProvider);
}

#[test]
fn ipv4_mapped_ipv6_uses_the_ipv4_tables() {
    assert_eq!(lookup("::ffff:185.202.223.128"), lookup("185.202.223.128"));
    assert_eq!(lookup("64:ff9b::b9ca:df80"), lookup("185.202.223.128"));
}

#[test]
fn non_public_addresses_are_private_without_lookup() {
    for s in [
        "10.1.2.3",
        "127.0.0.1",
        "192.168.0.10",
        "100.64.1.1",
        "169.254.0.1",
        "203.0.113.9",
        "::1",
        "fe80::1",
        "fd12:3456::1",
        "2001:db8::25",
    ] {
        let i = lookup(s);
        assert_eq!(i.class, NetClass::Private, "{s}");
        assert_eq!(i.asn, None, "{s}");
        assert_eq!(i.country, None, "{s}");
    }
}

#[test]
fn unassigned_addresses_have_no_asn() {
    // Outside 2000::/3, where IANA has allocated nothing.
    let i = lookup("4000::1");
    assert_eq!(
        (i.asn, i.country.as_deref(), i.class),
        (None, None, NetClass::Unknown)
    );
    // Allocated to an APNIC member (country known) but announced by no one.
    let i = lookup("1.3.0.1");
    assert_eq!(i.asn, None);
    assert_eq!(i.class, NetClass::Unknown);
    assert_eq!(i.country.as_deref(), Some("CN"));
}

#[test]
fn unlisted_asn_falls_back_to_org_keywords() {
    // AS14576 "Hosting Solution Ltd." and AS4816 "China Telecom (Group)" are not in
    // networks.toml: the class is a keyword guess and no provider name is invented.
    let i = lookup("45.95.1.10");
    assert_eq!(i.asn, Some(14576));
    assert_eq!((i.provider.as_deref(), i.class), (None, NetClass::Cloud));
    let i = lookup("43.231.96.10");
    assert_eq!(i.asn, Some(4816));
    assert_eq!((i.provider.as_deref(), i.class), (None, NetClass::Isp));
}

#[test]
fn lookups_are_deterministic() {
    let a: Vec<IpInfo> = ["185.202.223.128", "2a01:4f8::1", "8.8.8.8"]
        .iter()
        .map(|s| lookup(s))
        .collect();
    let b: Vec<IpInfo> = ["185.202.223.128", "2a01:4f8::1", "8.8.8.8"]
        .iter()
        .map(|s| lookup(s))
        .collect();
    assert_eq!(a, b);
}

#[test]
fn serialises_in_snake_case() {
    let v = serde_json::to_value(lookup("185.202.223.128")).expect("serialise");
    assert_eq!(v["class"], "cloud");
    assert_eq!(v["asn"], 51167);
    let v = serde_json::to_value(NetClass::MailProvider).expect("serialise");
    assert_eq!(v, "mail_provider");
}

#[test]
fn country_names_and_centroids() {
    assert_eq!(country_name("DE"), Some(("Germany", "ドイツ")));
    assert_eq!(country_name("jp"), Some(("Japan", "日本")));
    assert_eq!(country_name("XK").map(|n| n.0), Some("Kosovo"));
    assert_eq!(country_name("ZZ"), None);
    assert_eq!(country_name(""), None);
    assert_eq!(country_name("ドイ"), None);
    let (lat, lon) = country_centroid("DE").expect("DE centroid");
    assert!((47.0..56.0).contains(&lat) && (5.0..16.0).contains(&lon));
    let (lat, lon) = country_centroid("BR").expect("BR centroid");
    assert!(lat < 0.0 && lon < 0.0);
    assert_eq!(country_centroid("QQ"), None);
}

#[test]
fn every_country_in_the_data_has_names_and_a_centroid() {
    // Every code the embedded tables can return must be renderable in both languages.
    let mut probe = 0u32;
    let mut seen = std::collections::BTreeSet::new();
    // A coarse deterministic sweep of IPv4 space (every /16) finds nearly every code.
    while probe < u32::MAX - 65_536 {
        if let Some(c) = IpIntel::embedded().lookup(IpAddr::V4(probe.into())).country {
            seen.insert(c);
        }
        probe += 65_536;
    }
    assert!(seen.len() > 150, "only {} countries seen", seen.len());
    for c in &seen {
        let (en, ja) = country_name(c).unwrap_or_else(|| panic!("no name for {c}"));
        assert!(!en.is_empty() && !ja.is_empty());
        let (lat, lon) = country_centroid(c).unwrap_or_else(|| panic!("no centroid for {c}"));
        assert!(lat.abs() <= 90.0 && lon.abs() <= 180.0, "{c}");
    }
}

#[test]
fn provider_names_in_japanese() {
    assert_eq!(provider_ja("SAKURA internet"), Some("さくらインターネット"));
    // No separate Japanese form: the brand name is used as is.
    assert_eq!(provider_ja("Contabo"), Some("Contabo"));
    assert_eq!(provider_ja("No Such Provider"), None);
}

#[test]
fn city_db_fills_city_region_and_coordinates() {
    let db = CityDb::open(&fixture("city-test.mmdb")).expect("fixture opens");
    let mut i = lookup("185.202.223.128");
    db.fill(ip("185.202.223.128"), &mut i);
    assert_eq!(i.city.as_deref(), Some("Munich"));
    assert_eq!(i.region.as_deref(), Some("Bavaria"));
    assert_eq!(i.lat, Some(48.1374));
    assert_eq!(i.lon, Some(11.5755));
    // The embedded facts are kept: the fixture's "DE" does not replace the embedded country.
    assert_eq!(i.asn, Some(51167));
    assert_eq!(i.country, lookup("185.202.223.128").country);
    let mut blank = IpInfo::default();
    db.fill(ip("185.202.223.128"), &mut blank);
    assert_eq!(blank.country.as_deref(), Some("DE"));
}

#[test]
fn city_db_tolerates_odd_encodings() {
    let db = CityDb::open(&fixture("city-test.mmdb")).expect("fixture opens");

    // Single-precision coordinates, Japanese-only city name, country filled when missing.
    let mut i = IpInfo::default();
    db.fill(ip("13.113.112.84"), &mut i);
    assert_eq!(i.city.as_deref(), Some("東京"));
    let (lat, lon) = (i.lat.expect("lat"), i.lon.expect("lon"));
    assert!((lat - 35.6895).abs() < 1e-4 && (lon - 139.6917).abs() < 1e-4);

    // IPv6 in an IPv6 tree.
    let mut i = IpInfo::default();
    db.fill(ip("2a01:4f8::2"), &mut i);
    assert_eq!(i.city.as_deref(), Some("Falkenstein"));
    assert_eq!(i.region.as_deref(), Some("Saxony"));

    // Latitude without longitude: no pin at all.
    let mut i = IpInfo::default();
    db.fill(ip("8.8.4.4"), &mut i);
    assert_eq!(i.city.as_deref(), Some("Halfpoint"));
    assert_eq!((i.lat, i.lon), (None, None));

    // Not in the database, or not public: untouched.
    let mut i = lookup("1.1.1.1");
    let before = i.clone();
    db.fill(ip("1.1.1.1"), &mut i);
    assert_eq!(i, before);
    let mut i = IpInfo::default();
    db.fill(ip("198.51.100.7"), &mut i);
    assert_eq!(i, IpInfo::default());
}

#[test]
fn city_db_missing_or_garbage_file_is_an_error() {
    let missing = fixture("does-not-exist.mmdb");
    let err = CityDb::open(&missing).expect_err("missing file");
    assert!(err.to_string().contains("does-not-exist.mmdb"), "{err}");

    let dir = std::env::temp_dir().join(format!("unphish-intel-ip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let garbage = dir.join("garbage.mmdb");
    std::fs::write(&garbage, b"this is not a MaxMind database\0\xff\xfe").expect("write");
    assert!(CityDb::open(&garbage).is_err());

    // A real database cut in half: the metadata marker is gone.
    let whole = std::fs::read(fixture("city-test.mmdb")).expect("fixture");
    let half = dir.join("half.mmdb");
    std::fs::write(&half, &whole[..whole.len() / 2]).expect("write");
    assert!(CityDb::open(&half).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}
