//! IP address → ASN, AS organisation, country and provider class, offline.
//!
//! The ASN and country tables are derived from ip-location-db (RouteViews + NRO + DB-IP for
//! ASNs, GeoFeed + whois for countries; see `data/ATTRIBUTION.md`) by `tools/ipdata`, and
//! embedded with `include_bytes!`. Start-up only checks headers, section bounds and the IPv4
//! bucket index; each lookup is a binary search over the raw bytes, so nothing is parsed into
//! memory. [`IpIntel::self_check`] does the full (every key) check for tests.
//!
//! Which provider an ASN belongs to ("Contabo", "Amazon AWS") and what kind of network it is
//! comes from `data/networks.toml`; unlisted ASNs get a keyword guess from the AS name.
//! A MaxMind/DB-IP city database can add city, region and coordinates ([`CityDb`]).

mod countries;
mod networks;
mod table;

use networks::Networks;
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use table::{AsTable, Hit, RangeTable};

/// What kind of network an address belongs to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NetClass {
    /// Cloud, VPS, dedicated or shared hosting: somewhere anyone can rent a sending machine.
    Cloud,
    /// A CDN or reverse proxy; the real host is hidden behind it.
    Cdn,
    /// Webmail, an email service provider, or a mail security gateway.
    MailProvider,
    /// Residential, mobile or business access network.
    Isp,
    /// Not routable on the Internet: private, loopback, link-local, CGNAT, documentation,
    /// multicast or reserved.
    Private,
    #[default]
    Unknown,
}

/// Everything known offline about one address.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IpInfo {
    pub asn: Option<u32>,
    pub as_org: Option<String>,
    /// ISO 3166-1 alpha-2, upper case (plus `XK` for Kosovo, as the RIRs use it).
    pub country: Option<String>,
    /// Friendly provider name from `networks.toml`: "Contabo", "Amazon AWS", "Cloudflare".
    pub provider: Option<String>,
    pub class: NetClass,
    pub city: Option<String>,
    pub region: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// Errors from the optional city database.
#[derive(Debug, thiserror::Error)]
pub enum IntelError {
    #[error("cannot open GeoIP city database {path}")]
    CityDb {
        path: PathBuf,
        #[source]
        source: maxminddb::MaxMindDbError,
    },
}

/// The embedded IP tables. Get the shared instance with [`IpIntel::embedded`].
#[derive(Debug)]
pub struct IpIntel {
    asn4: RangeTable,
    asn6: RangeTable,
    asn6x: RangeTable,
    cc4: RangeTable,
    cc6: RangeTable,
    cc6x: RangeTable,
    names: AsTable,
    version: &'static str,
    load_errors: Vec<String>,
}

macro_rules! data {
    ($file:literal) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/ip/", $file))
    };
}

static EMBEDDED: OnceLock<IpIntel> = OnceLock::new();
static NETWORKS: OnceLock<Networks> = OnceLock::new();

fn networks() -> &'static Networks {
    // The file is compiled in and checked by a unit test, so a parse failure here means a
    // broken build; degrade to "no provider names" rather than panic.
    NETWORKS.get_or_init(|| Networks::parse(networks::NETWORKS_TOML).unwrap_or_default())
}

impl IpIntel {
    /// The tables compiled into the binary, opened on first use.
    pub fn embedded() -> &'static IpIntel {
        EMBEDDED.get_or_init(IpIntel::open_embedded)
    }

    fn open_embedded() -> IpIntel {
        let mut load_errors = Vec::new();
        let mut range = |name: &str, bytes: &'static [u8], kw: usize, vw: usize| {
            RangeTable::open(bytes, kw, vw).unwrap_or_else(|e| {
                load_errors.push(format!("{name}: {e}"));
                RangeTable::EMPTY
            })
        };
        let asn4 = range("asn4", data!("asn4.bin"), 2, 3);
        let asn6 = range("asn6", data!("asn6.bin"), 8, 3);
        let asn6x = range("asn6x", data!("asn6x.bin"), 16, 3);
        let cc4 = range("cc4", data!("cc4.bin"), 2, 1);
        let cc6 = range("cc6", data!("cc6.bin"), 8, 1);
        let cc6x = range("cc6x", data!("cc6x.bin"), 16, 1);
        let names = AsTable::open(data!("asnames.bin")).unwrap_or_else(|e| {
            load_errors.push(format!("asnames: {e}"));
            AsTable::EMPTY
        });
        let version: &'static str = include_str!("../data/ip/VERSION");
        IpIntel {
            asn4,
            asn6,
            asn6x,
            cc4,
            cc6,
            cc6x,
            names,
            version: version.trim(),
            load_errors,
        }
    }

    /// Which data the tables were built from, for the report's provenance line.
    pub fn data_version(&self) -> &'static str {
        self.version
    }

    /// Problems found while opening the embedded tables (empty when all is well). A table
    /// that fails its checks is replaced by an empty one, so lookups answer "unknown".
    pub fn load_errors(&self) -> &[String] {
        &self.load_errors
    }

    /// Full consistency check of the embedded tables (every key in order). Touches all
    /// 1.3 million keys, so it is for tests and diagnostics, not for start-up.
    pub fn self_check(&self) -> Result<(), String> {
        if let Some(e) = self.load_errors.first() {
            return Err(e.clone());
        }
        for (name, t) in [
            ("asn4", &self.asn4),
            ("asn6", &self.asn6),
            ("asn6x", &self.asn6x),
            ("cc4", &self.cc4),
            ("cc6", &self.cc6),
            ("cc6x", &self.cc6x),
        ] {
            t.verify_order().map_err(|e| format!("{name}: {e}"))?;
        }
        Ok(())
    }

    /// Number of (range entries, AS table entries) in the embedded data.
    pub fn table_sizes(&self) -> (usize, usize) {
        let ranges = [
            &self.asn4,
            &self.asn6,
            &self.asn6x,
            &self.cc4,
            &self.cc6,
            &self.cc6x,
        ]
        .iter()
        .map(|t| t.len())
        .sum();
        (ranges, self.names.len())
    }

    /// Look an address up. Non-public addresses are answered without a lookup (class
    /// [`NetClass::Private`]); public ones the data does not know come back
    /// [`NetClass::Unknown`] with no ASN.
    pub fn lookup(&self, ip: IpAddr) -> IpInfo {
        let ip = unwrap_embedded_v4(ip);
        if is_non_public(ip) {
            return IpInfo {
                class: NetClass::Private,
                ..IpInfo::default()
            };
        }
        // Each country table carries its own code list; the two IPv6 ones share theirs.
        let (asn_hit, cc_hit, codes) = match ip {
            IpAddr::V4(v4) => {
                let key = u128::from(u32::from(v4));
                (self.asn4.find(key), self.cc4.find(key), self.cc4.aux)
            }
            IpAddr::V6(v6) => {
                let key = u128::from(v6);
                let prefix = key >> 64;
                // Sub-/64 ranges are rare and live in the sparse table; a hit there is final.
                let pick = |fine: &RangeTable, dense: &RangeTable| match fine.find(key) {
                    Hit::Miss => dense.find(prefix),
                    hit => hit,
                };
                (
                    pick(&self.asn6x, &self.asn6),
                    pick(&self.cc6x, &self.cc6),
                    self.cc6.aux,
                )
            }
        };
        let mut info = IpInfo::default();
        if let Hit::Value(i) = asn_hit
            && let Some((asn, org)) = self.names.get(i)
        {
            info.asn = Some(asn);
            info.as_org = (!org.is_empty()).then(|| org.to_owned());
        }
        if let Hit::Value(i) = cc_hit {
            info.country = country_at(codes, i);
        }
        if let Some(asn) = info.asn {
            if let Some(p) = networks().by_asn(asn) {
                info.provider = Some(p.name.to_owned());
                info.class = p.class;
            } else if let Some(class) = info.as_org.as_deref().and_then(networks::heuristic) {
                info.class = class;
            }
        }
        info
    }
}

/// The country code at index `i` of a country table's aux section (2 ASCII bytes per code).
fn country_at(aux: &[u8], i: u32) -> Option<String> {
    let at = usize::try_from(i).ok()?.checked_mul(2)?;
    let code = aux.get(at..at.checked_add(2)?)?;
    let code = std::str::from_utf8(code).ok()?;
    code.bytes()
        .all(|b| b.is_ascii_uppercase())
        .then(|| code.to_owned())
}

/// IPv4-mapped (`::ffff:a.b.c.d`) and NAT64 (`64:ff9b::a.b.c.d`, RFC 6052) addresses carry
/// an IPv4 address; the IPv4 tables know it, the IPv6 tables do not.
fn unwrap_embedded_v4(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return IpAddr::V4(v4);
            }
            let s = v6.segments();
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let b = v6.octets();
                return IpAddr::V4(Ipv4Addr::new(b[12], b[13], b[14], b[15]));
            }
            ip
        }
        IpAddr::V4(_) => ip,
    }
}

/// Addresses that never identify an Internet host: RFC 1918, loopback, link-local, CGNAT
/// (RFC 6598), documentation (RFC 5737, 3849, 9637), benchmarking (RFC 2544), multicast,
/// reserved, ULA (RFC 4193), discard-only (RFC 6666) and local-use NAT64 (RFC 8215).
/// Received headers contain them for internal hops; looking them up would be meaningless.
fn is_non_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            a == 0
                || a == 10
                || a == 127
                || (a == 100 && (64..128).contains(&b))
                || (a == 169 && b == 254)
                || (a == 172 && (16..32).contains(&b))
                || (a == 192 && b == 168)
                || (a == 192 && b == 0 && (c == 0 || c == 2))
                || (a == 198 && (b == 18 || b == 19))
                || (a == 198 && b == 51 && c == 100)
                || (a == 203 && b == 0 && c == 113)
                || a >= 224
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6 == Ipv6Addr::UNSPECIFIED
                || v6 == Ipv6Addr::LOCALHOST
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] & 0xffc0) == 0xfec0
                || (s[0] & 0xff00) == 0xff00
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || (s[0] == 0x3fff && (s[1] & 0xf000) == 0)
                || s[..4] == [0x100, 0, 0, 0]
                || s[..3] == [0x64, 0xff9b, 1]
                // IPv4-compatible (::a.b.c.d, deprecated by RFC 4291) and the rest of ::/96.
                || s[..6] == [0, 0, 0, 0, 0, 0]
        }
    }
}

/// English and Japanese short names for an ISO 3166-1 alpha-2 code (case-insensitive),
/// e.g. `"DE"` → `("Germany", "ドイツ")`.
pub fn country_name(code: &str) -> Option<(&'static str, &'static str)> {
    countries::find(code).map(|row| (row.1, row.2))
}

/// An approximate centre (latitude, longitude) for a country, for a map pin when the exact
/// location is unknown. Good to about a degree.
pub fn country_centroid(code: &str) -> Option<(f64, f64)> {
    countries::find(code).map(|row| (row.3, row.4))
}

/// The Japanese name of a provider returned in [`IpInfo::provider`]: its `name_ja` from
/// `networks.toml`, or the provider name itself when it has no separate Japanese form
/// (most brand names are written the same way). `None` for names the file does not know.
pub fn provider_ja(provider: &str) -> Option<&'static str> {
    networks()
        .by_name(provider)
        .map(|p| p.name_ja.unwrap_or(p.name))
}

/// An optional city-level database in MaxMind DB format (GeoLite2-City, DB-IP City Lite).
pub struct CityDb {
    reader: maxminddb::Reader<Vec<u8>>,
}

impl std::fmt::Debug for CityDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CityDb")
            .field("database_type", &self.reader.metadata().database_type)
            .finish()
    }
}

/// A number read from a city database whatever width or type it was stored with: third-party
/// writers store coordinates as float or double and sometimes integers.
struct AnyNum(f64);

impl<'de> serde::Deserialize<'de> for AnyNum {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<AnyNum, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = AnyNum;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E>(self, v: f64) -> Result<AnyNum, E> {
                Ok(AnyNum(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<AnyNum, E> {
                Ok(AnyNum(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<AnyNum, E> {
                Ok(AnyNum(v as f64))
            }
            fn visit_i128<E>(self, v: i128) -> Result<AnyNum, E> {
                Ok(AnyNum(v as f64))
            }
            fn visit_u128<E>(self, v: u128) -> Result<AnyNum, E> {
                Ok(AnyNum(v as f64))
            }
        }
        d.deserialize_any(V)
    }
}

impl CityDb {
    /// Open a `.mmdb` file. A missing, unreadable or malformed file is an error.
    pub fn open(path: &Path) -> Result<CityDb, IntelError> {
        let err = |source| IntelError::CityDb {
            path: path.to_owned(),
            source,
        };
        let reader = maxminddb::Reader::open_readfile(path).map_err(err)?;
        Ok(CityDb { reader })
    }

    /// Add city, region and coordinates for `ip` to `info`, and the country when the embedded
    /// data had none. Fields the database lacks, or stores in a shape we do not understand,
    /// are left as they were; a lookup error leaves `info` untouched.
    pub fn fill(&self, ip: IpAddr, info: &mut IpInfo) {
        use maxminddb::PathElement::{Index, Key};
        let ip = unwrap_embedded_v4(ip);
        if is_non_public(ip) {
            return;
        }
        let Ok(found) = self.reader.lookup(ip) else {
            return;
        };
        if !found.has_data() {
            return;
        }
        // Each field is read by path, so one odd field does not lose the others, and the
        // subdivisions array is never decoded whole.
        let text = |path: &[maxminddb::PathElement<'_>]| -> Option<String> {
            found
                .decode_path::<String>(path)
                .ok()
                .flatten()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        let number = |path: &[maxminddb::PathElement<'_>]| -> Option<f64> {
            found
                .decode_path::<AnyNum>(path)
                .ok()
                .flatten()
                .map(|n| n.0)
                .filter(|n| n.is_finite())
        };
        let city = text(&[Key("city"), Key("names"), Key("en")])
            .or_else(|| text(&[Key("city"), Key("names"), Key("ja")]));
        let region = text(&[Key("subdivisions"), Index(0), Key("names"), Key("en")])
            .or_else(|| text(&[Key("subdivisions"), Index(0), Key("names"), Key("ja")]));
        let lat = number(&[Key("location"), Key("latitude")]).filter(|v| v.abs() <= 90.0);
        let lon = number(&[Key("location"), Key("longitude")]).filter(|v| v.abs() <= 180.0);
        if city.is_some() {
            info.city = city;
        }
        if region.is_some() {
            info.region = region;
        }
        // Coordinates only as a pair: half a coordinate would put a pin on the equator.
        if let (Some(lat), Some(lon)) = (lat, lon) {
            info.lat = Some(lat);
            info.lon = Some(lon);
        }
        if info.country.is_none() {
            info.country = text(&[Key("country"), Key("iso_code")])
                .map(|c| c.to_ascii_uppercase())
                .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    #[test]
    fn non_public_ranges() {
        for s in [
            "0.1.2.3",
            "10.1.2.3",
            "100.64.0.1",
            "100.127.255.255",
            "127.0.0.1",
            "169.254.1.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.2.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.5",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "2001:db8::1",
            "3fff::1",
            "100::1",
            "64:ff9b:1::1",
        ] {
            assert!(is_non_public(unwrap_embedded_v4(ip(s))), "{s}");
        }
        for s in [
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "8.8.8.8",
            "2a01:4f8::1",
            "2001:4860::1",
        ] {
            assert!(!is_non_public(ip(s)), "{s}");
        }
    }

    #[test]
    fn mapped_and_nat64_unwrap_to_v4() {
        assert_eq!(unwrap_embedded_v4(ip("::ffff:8.8.8.8")), ip("8.8.8.8"));
        assert_eq!(unwrap_embedded_v4(ip("64:ff9b::808:808")), ip("8.8.8.8"));
        assert_eq!(unwrap_embedded_v4(ip("2a01:4f8::1")), ip("2a01:4f8::1"));
        assert!(is_non_public(unwrap_embedded_v4(ip("::ffff:10.0.0.1"))));
    }

    #[test]
    fn country_code_decoding_rejects_garbage() {
        assert_eq!(country_at(b"DEJP", 1).as_deref(), Some("JP"));
        assert_eq!(country_at(b"DEJP", 2), None);
        assert_eq!(country_at(b"d1", 0), None);
    }
}
