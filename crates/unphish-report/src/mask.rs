//! Masking of recipient addresses and defanging of attacker indicators.

/// Replaces every recipient address (plain or percent-encoded) in a string with stars, keeping
/// the `@` and dots so the shape stays readable: `info@example.jp` → `****@*******.**`.
#[derive(Debug, Clone, Default)]
pub struct Masker {
    needles: Vec<(String, String)>,
}

fn stars(addr: &str) -> String {
    addr.chars()
        .map(|c| if c == '@' || c == '.' { c } else { '*' })
        .collect()
}

impl Masker {
    pub fn new(recipients: &[String]) -> Self {
        let mut needles = Vec::new();
        for r in recipients {
            let r = r.trim().to_lowercase();
            if r.len() < 3 || !r.contains('@') {
                continue;
            }
            let masked = stars(&r);
            needles.push((r.replace('@', "%40"), masked.replace('@', "%40")));
            needles.push((r, masked));
        }
        Masker { needles }
    }

    /// Masks a string; cheap when there is nothing to mask (one scan for `@`/`%`, one lower-casing).
    pub fn apply(&self, s: &str) -> String {
        if self.needles.is_empty() || !s.contains(['@', '%']) {
            return s.to_string();
        }
        let lower = s.to_ascii_lowercase();
        if !self.needles.iter().any(|(n, _)| lower.contains(n.as_str())) {
            return s.to_string();
        }
        let mut out = s.to_string();
        for (needle, masked) in &self.needles {
            out = replace_ignore_ascii_case(&out, needle, masked);
        }
        out
    }

    pub fn opt(&self, s: &Option<String>) -> Option<String> {
        s.as_deref().map(|v| self.apply(v))
    }
}

fn replace_ignore_ascii_case(hay: &str, needle: &str, with: &str) -> String {
    let lower = hay.to_ascii_lowercase();
    if !lower.contains(needle) {
        return hay.to_string();
    }
    let mut out = String::with_capacity(hay.len());
    let mut last = 0;
    for (pos, _) in lower.match_indices(needle) {
        if pos < last {
            continue;
        }
        out.push_str(&hay[last..pos]);
        out.push_str(with);
        last = pos + needle.len();
    }
    out.push_str(&hay[last..]);
    out
}

/// Defangs a URL so it cannot be clicked or auto-linked: `https://a.b/` → `hxxps://a[.]b/`.
pub fn defang_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(p) => (&url[..p], &url[p + 3..]),
        None => ("", url),
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(host_end);
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" => "hxxp".to_string(),
        "https" => "hxxps".to_string(),
        "" => String::new(),
        other => other.to_string(),
    };
    let sep = if scheme.is_empty() { "" } else { "://" };
    format!("{scheme}{sep}{}{tail}", defang_host(host))
}

/// `evil.example` → `evil[.]example`; IPv4 `1.2.3.4` → `1.2.3[.]4`.
pub fn defang_host(host: &str) -> String {
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        match host.rfind('.') {
            Some(p) => format!("{}[.]{}", &host[..p], &host[p + 1..]),
            None => host.to_string(),
        }
    } else if host.contains(':') && !host.contains('.') {
        host.replace(':', "[:]")
    } else {
        host.replace('.', "[.]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_plain_and_encoded_case_insensitively() {
        let m = Masker::new(&["info@example.jp".to_string()]);
        assert_eq!(m.apply("to INFO@example.jp"), "to ****@*******.**");
        assert_eq!(m.apply("?uid=info%40example.jp"), "?uid=****%40*******.**");
        assert_eq!(m.apply("nobody@else.jp"), "nobody@else.jp");
    }

    #[test]
    fn defangs_urls_hosts_and_ips() {
        assert_eq!(
            defang_url("https://solarpivotpower.com/wp-includes/js/kagoya.net/?uid=x"),
            "hxxps://solarpivotpower[.]com/wp-includes/js/kagoya.net/?uid=x"
        );
        assert_eq!(defang_host("185.202.223.128"), "185.202.223[.]128");
        assert_eq!(defang_host("2001:db8::1"), "2001[:]db8[:][:]1");
    }
}
