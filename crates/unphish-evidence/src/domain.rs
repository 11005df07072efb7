//! Host-name helpers shared by every stage: registrable domain, punycode for display, confusable
//! skeletons and mixed-script detection, and "does this visible text name a host?".
//!
//! All functions take attacker-written text and never panic; they answer `None`/`false` when the
//! input is not a usable host name.

use std::net::{IpAddr, Ipv4Addr};

use unicode_security::{MixedScript, RestrictionLevel, RestrictionLevelDetection};

use crate::links::refang;

/// Public suffix + 1 of `host` ("www.amazon.co.jp" → "amazon.co.jp").
///
/// `None` for IP literals, for hosts that are themselves a public suffix ("co.jp") and for names
/// that are not host names at all. Non-ASCII input is converted to punycode first, because the
/// suffix list is matched on the ASCII form and `psl` gives rubbish for anything else.
pub fn registrable_domain(host: &str) -> Option<String> {
    let host = ascii_host(host)?;
    psl::domain_str(&host).map(str::to_owned)
}

/// Lower-case ASCII form of a DNS host name, or `None` for IP literals and malformed names.
fn ascii_host(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('.');
    if host.is_empty() || host.starts_with('[') || host.parse::<IpAddr>().is_ok() {
        return None;
    }
    let host = if host.is_ascii() {
        host.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(host).ok()?
    };
    // WHATWG treats a host whose last label is numeric as IPv4 ("0x7f.1", "3232235777"), so such
    // a name never reaches DNS and has no registrable domain.
    let last = host.rsplit('.').next()?;
    if host.split('.').any(str::is_empty) || last.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(host)
}

/// The host with punycode labels decoded for display, when that differs from `host`.
///
/// `None` when there is nothing to decode or the punycode is invalid (the caller reports the
/// ASCII form then, which is the honest thing to show).
pub fn host_to_unicode(host: &str) -> Option<String> {
    let lower = host.to_ascii_lowercase();
    if !lower.split('.').any(|label| label.starts_with("xn--")) {
        return None;
    }
    let (unicode, result) = idna::domain_to_unicode(&lower);
    if result.is_err() || unicode == lower {
        return None;
    }
    Some(unicode)
}

/// UTS #39 confusable skeleton of `s`.
///
/// Only ever compare a skeleton with another skeleton: the mapping is not the identity on ASCII
/// (`m` becomes `rn`, so `apple.com` becomes `apple.corn`).
pub fn confusable_skeleton(s: &str) -> String {
    unicode_security::skeleton(s).collect()
}

/// True when the letters of `s` come from more than one script, beyond the Latin + Han +
/// Hiragana + Katakana mix that ordinary Japanese text uses (UTS #39 "highly restrictive").
///
/// Digits and punctuation are ignored, so a host is judged as a whole: `аррӏе.com` (Cyrillic
/// label, Latin TLD) is mixed, `日本語.jp` is not.
pub fn is_mixed_script(s: &str) -> bool {
    let letters: String = s.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() || letters.as_str().is_single_script() {
        return false;
    }
    letters.as_str().detect_restriction_level() > RestrictionLevel::HighlyRestrictive
}

/// When `s` (typically a link's visible text) is itself a URL or a bare host name, that host in
/// lower-case ASCII; otherwise `None`.
///
/// Accepts `https://www.amazon.co.jp/...`, `www.amazon.co.jp`, `amazon.co.jp`, defanged forms
/// and fullwidth letters. A bare name must end in a known public suffix so that "index.html" or
/// "Ver.2.0" do not count; an address with `@` is a mailbox, not a host.
pub fn looks_like_domain(s: &str) -> Option<String> {
    const EDGE: &[char] = &[
        '"', '\'', '(', ')', '<', '>', '[', ']', '「', '」', '『', '』', '【', '】', '、', '。',
        ',', ';', ':', '!', '?',
    ];
    let trimmed = s.trim().trim_matches(EDGE).trim();
    if trimmed.is_empty() || trimmed.len() > 2048 {
        return None;
    }
    let refanged = refang(trimmed).text;
    let candidate = refanged.trim().trim_end_matches(['.', ',']);
    if candidate.chars().any(char::is_whitespace) {
        return None;
    }
    if candidate.contains("://") {
        let url = url::Url::parse(candidate).ok()?;
        return match url.host()? {
            url::Host::Domain(d) => {
                let d = d.trim_end_matches('.');
                d.contains('.').then(|| d.to_ascii_lowercase())
            }
            url::Host::Ipv4(ip) => Some(ip.to_string()),
            url::Host::Ipv6(ip) => Some(ip.to_string()),
        };
    }
    let authority = candidate.split(['/', '?', '#']).next()?;
    if authority.contains('@') {
        return None;
    }
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        Some(_) => return None,
        None => authority,
    };
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return Some(ip.to_string());
    }
    let ascii = ascii_host(host)?;
    let labels_ok = ascii.split('.').count() >= 2
        && ascii
            .split('.')
            .all(|l| l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    let suffix_known = psl::suffix(ascii.as_bytes()).is_some_and(|s| s.is_known());
    (labels_ok && suffix_known && registrable_domain(&ascii).is_some()).then_some(ascii)
}
