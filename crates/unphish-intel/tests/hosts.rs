//! Host lists: each class has a sample that fires and a near-miss that must not.

use unphish_intel::hosts::{
    HostClass, HostDb, classify_host, cms_of_path, is_cms_path, is_freemail, is_ipfs_path,
};

#[test]
fn embedded_file_is_valid() {
    let parsed = HostDb::from_toml(HostDb::embedded_source());
    assert!(parsed.is_ok(), "{:?}", parsed.err());
}

#[test]
fn bad_files_are_rejected() {
    let base = |extra: &str| {
        format!(
            "shorteners = [\"bit.ly\"]\nfree_hosting = [{extra}]\ndynamic_dns = []\nfreemail = []\n\
             mail_infrastructure = []\nipfs_gateways = []\n[[cms_path]]\ncms = \"WordPress\"\nmarkers = [\"/wp-admin/\"]\n"
        )
    };
    assert!(HostDb::from_toml(&base("")).is_ok());
    assert!(
        HostDb::from_toml(&base("\"bit.ly\"")).is_err(),
        "duplicate across lists"
    );
    assert!(
        HostDb::from_toml(&base("\"Web.App\"")).is_err(),
        "upper case"
    );
}

#[test]
fn classes_fire() {
    assert_eq!(classify_host("bit.ly", None), HostClass::Shortener);
    assert_eq!(classify_host("BIT.LY.", None), HostClass::Shortener);
    assert_eq!(
        classify_host("evil-kit.workers.dev", Some("workers.dev")),
        HostClass::FreeHosting
    );
    assert_eq!(
        classify_host("x-pages-dev.translate.goog", None),
        HostClass::FreeHosting
    );
    assert_eq!(
        classify_host("abc123.duckdns.org", Some("duckdns.org")),
        HostClass::DynamicDns
    );
    assert_eq!(classify_host("gmail.com", None), HostClass::Freemail);
    assert_eq!(
        classify_host("o1.ptr1234.sendgrid.net", None),
        HostClass::MailInfrastructure
    );
    assert_eq!(
        classify_host("bafy.ipfs.dweb.link", None),
        HostClass::IpfsGateway
    );
    assert_eq!(
        classify_host("foo.lolipop.jp", None),
        HostClass::FreeHosting
    );
    assert_eq!(
        classify_host("mysite.blogspot.com", None),
        HostClass::FreeHosting
    );
    // Falls back to the registrable domain when the host is not given in full.
    assert_eq!(classify_host("", Some("ddns.net")), HostClass::DynamicDns);
}

#[test]
fn class_near_misses() {
    assert_eq!(
        classify_host("sapoom.adamclarkcinematographer.de", None),
        HostClass::Ordinary
    );
    assert_eq!(classify_host("notbit.ly", None), HostClass::Ordinary);
    assert_eq!(
        classify_host("bit.ly.example.com", None),
        HostClass::Ordinary
    );
    assert_eq!(classify_host("203.0.113.5", None), HostClass::Ordinary);
    // Wildcard entries: the platform's own apex is not its customers' space.
    assert_eq!(classify_host("lolipop.jp", None), HostClass::Ordinary);
    assert_eq!(classify_host("blogspot.com", None), HostClass::Ordinary);
    assert_eq!(classify_host("www.kagoya.jp", None), HostClass::Ordinary);
    assert_eq!(classify_host("", None), HostClass::Ordinary);
}

#[test]
fn freemail() {
    for d in [
        "gmail.com",
        "outlook.com",
        "yahoo.co.jp",
        "docomo.ne.jp",
        "ezweb.ne.jp",
        "i.softbank.jp",
        "icloud.com",
        "uol.com.br",
    ] {
        assert!(is_freemail(d), "{d}");
    }
    for d in [
        "kagoya.net",
        "keydog.co.jp",
        "wdy.docomo.ne.jp",
        "mail.google.com",
        "gmail.com.evil.example",
        "",
    ] {
        assert!(!is_freemail(d), "{d}");
    }
}

#[test]
fn cms_paths() {
    assert_eq!(
        is_cms_path("/wp-includes/js/kagoya.net/"),
        Some("/wp-includes/")
    );
    assert_eq!(
        is_cms_path("/WP-CONTENT/uploads/x.html"),
        Some("/wp-content/")
    );
    assert_eq!(
        cms_of_path("/image/catalog/2025/Kagoya/Active!mail.html"),
        Some(("OpenCart", "/image/catalog/"))
    );
    assert_eq!(
        cms_of_path("/components/com_content/x.php").map(|x| x.0),
        Some("Joomla")
    );
    assert_eq!(is_cms_path("/login"), None);
    assert_eq!(is_cms_path("/blog/wp-tips-for-beginners"), None);
    assert_eq!(is_cms_path(""), None);
}

#[test]
fn ipfs_paths() {
    assert!(is_ipfs_path(
        "/ipfs/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
    ));
    assert!(is_ipfs_path("/IPNS/example.eth/index.html"));
    assert!(!is_ipfs_path("/ipfs/"));
    assert!(!is_ipfs_path("/docs/ipfs/intro"));
}
