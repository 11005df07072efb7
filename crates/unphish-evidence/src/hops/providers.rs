//! Large mail providers: which host names and networks belong to one operator.
//!
//! Two uses. Above the trust boundary, a hand-over between two servers of the receiving
//! provider is internal even when it crosses public addresses (Exchange Online relays between
//! tenants over 40.107.0.0/16). Just below it, a large webmail provider's own record of an
//! authenticated submission can be believed, so the submitting client becomes the origin.
//!
//! Networks come from the providers' published SPF records and address registrations; a name
//! alone is never proof (anyone may say `HELO mail.google.com`), so an address match or a
//! reverse-DNS name recorded by a trusted server is what counts.

use ipnet::IpNet;
use std::net::IpAddr;
use std::sync::LazyLock;

pub(super) struct Family {
    /// How reports name the operator (short: it is used in sentences such as "Google's server").
    pub name: &'static str,
    /// Registrable domains of its hosts.
    pub domains: &'static [&'static str],
    /// Networks it sends from or relays through internally.
    pub nets: &'static [&'static str],
    /// A provider where anyone can open a mailbox and submit mail (webmail, SMTP AUTH): its
    /// record of who logged in is the best origin evidence there is.
    pub mailbox_provider: bool,
}

pub(super) static FAMILIES: &[Family] = &[
    Family {
        name: "Microsoft",
        domains: &[
            "outlook.com",
            "office365.com",
            "hotmail.com",
            "live.com",
            "msn.com",
            "exchangelabs.com",
            "office365.us",
            "microsoft.com",
            "outlook.jp",
            "hotmail.co.jp",
            "live.jp",
        ],
        // spf.protection.outlook.com, plus 2603:1000::/24, the block Exchange Online's own
        // hops use (`2603:10a6:...`, `2603:10b6:...`, `2603:1096:...`).
        nets: &[
            "40.92.0.0/15",
            "40.107.0.0/16",
            "52.100.0.0/14",
            "104.47.0.0/17",
            "2a01:111:f400::/48",
            "2a01:111:f403::/48",
            "2603:1000::/24",
        ],
        mailbox_provider: true,
    },
    Family {
        name: "Google",
        domains: &["google.com", "gmail.com", "googlemail.com", "1e100.net"],
        // _netblocks.google.com and friends.
        nets: &[
            "35.190.247.0/24",
            "35.191.0.0/16",
            "64.233.160.0/19",
            "66.102.0.0/20",
            "66.249.80.0/20",
            "72.14.192.0/18",
            "74.125.0.0/16",
            "108.177.8.0/21",
            "108.177.96.0/19",
            "130.211.0.0/22",
            "172.217.0.0/19",
            "172.217.32.0/20",
            "172.217.128.0/19",
            "172.217.160.0/20",
            "172.217.192.0/19",
            "172.253.56.0/21",
            "172.253.112.0/20",
            "173.194.0.0/16",
            "209.85.128.0/17",
            "216.58.192.0/19",
            "216.239.32.0/19",
            "2001:4860:4000::/36",
            "2404:6800:4000::/36",
            "2607:f8b0:4000::/36",
            "2800:3f0:4000::/36",
            "2a00:1450:4000::/36",
            "2c0f:fb50:4000::/36",
        ],
        mailbox_provider: true,
    },
    Family {
        name: "Yahoo",
        domains: &[
            "yahoo.com",
            "yahoodns.net",
            "ymail.com",
            "aol.com",
            "yahoo.net",
        ],
        nets: &[
            "66.163.160.0/19",
            "74.6.0.0/16",
            "98.136.0.0/14",
            "212.82.96.0/19",
        ],
        mailbox_provider: true,
    },
    Family {
        name: "Yahoo! JAPAN",
        domains: &["yahoo.co.jp"],
        nets: &[],
        mailbox_provider: true,
    },
    Family {
        name: "Apple iCloud",
        domains: &["icloud.com", "me.com", "mac.com", "apple.com"],
        nets: &["17.0.0.0/8"],
        mailbox_provider: true,
    },
    Family {
        name: "GMX/WEB.DE",
        domains: &["gmx.net", "gmx.com", "gmx.de", "web.de", "mail.com"],
        nets: &["212.227.0.0/16"],
        mailbox_provider: true,
    },
    Family {
        name: "Yandex",
        domains: &["yandex.ru", "yandex.net", "yandex.com"],
        nets: &["77.88.0.0/18", "5.45.192.0/18"],
        mailbox_provider: true,
    },
    Family {
        name: "Mail.ru",
        domains: &["mail.ru"],
        nets: &[],
        mailbox_provider: true,
    },
    Family {
        name: "Zoho Mail",
        // ZeptoMail (transactional sending) runs on zeptomail.net and transmail.net.
        domains: &[
            "zoho.com",
            "zohomail.com",
            "zoho.eu",
            "zoho.in",
            "zeptomail.net",
            "transmail.net",
        ],
        nets: &[],
        mailbox_provider: true,
    },
    Family {
        name: "Proton Mail",
        domains: &["protonmail.ch", "protonmail.com", "proton.me"],
        nets: &[],
        mailbox_provider: true,
    },
];

static NETS: LazyLock<Vec<(IpNet, usize)>> = LazyLock::new(|| {
    FAMILIES
        .iter()
        .enumerate()
        .flat_map(|(i, f)| {
            f.nets
                .iter()
                .filter_map(move |n| Some((n.parse().ok()?, i)))
        })
        .collect()
});

/// The provider that operates `ip`, by published network.
pub(super) fn family_of_ip(ip: IpAddr) -> Option<usize> {
    let ip = ip.to_canonical();
    NETS.iter()
        .find(|(net, _)| net.contains(&ip))
        .map(|(_, i)| *i)
}

/// The provider a registrable domain belongs to.
pub(super) fn family_of_domain(registrable: &str) -> Option<usize> {
    FAMILIES.iter().position(|f| {
        f.domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(registrable))
    })
}

pub(super) fn family(index: usize) -> Option<&'static Family> {
    FAMILIES.get(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_network_parses() {
        let listed: usize = FAMILIES.iter().map(|f| f.nets.len()).sum();
        assert_eq!(NETS.len(), listed);
    }

    #[test]
    fn addresses_map_to_their_operator() {
        let google = family_of_ip("209.85.215.181".parse().unwrap()).and_then(family);
        assert!(google.is_some_and(|f| f.name.starts_with("Google")));
        let ms = family_of_ip("2603:10a6:10:130::24".parse().unwrap()).and_then(family);
        assert!(ms.is_some_and(|f| f.name.starts_with("Microsoft")));
        assert_eq!(family_of_ip("198.51.100.7".parse().unwrap()), None);
        let ms = family_of_domain("office365.com").and_then(family);
        assert!(ms.is_some_and(|f| f.name.starts_with("Microsoft")));
    }
}
