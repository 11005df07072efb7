//! Where the trust boundary lies in a `Received` chain, and who handed the message across it.
//!
//! Walking from the top, each field was written by a server of the receiving side until the
//! first hand-over from a public client outside it: that client is the origin. Everything below
//! is the sender's own account of the journey and is only checked for consistency.

use super::providers;
use super::{clause::parse_ip_literal, ip_scope, registrable};
use crate::model::{Bilingual, Hop, HopRole, IpScope, Origin};
use std::net::IpAddr;

/// Why a hop counts as a hand-over inside the receiving side.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Inside {
    /// Retrieval from the recipient's own mailbox (fetchmail over IMAP/POP3).
    Retrieval,
    /// LMTP or `local`: delivery inside one site (RFC 2033 §1 keeps LMTP off wide-area links).
    LocalDelivery,
    /// No client at all: the server made the message or moved it internally.
    NoClient,
    /// A private, loopback, link-local, CGNAT or reserved client: not reachable from outside.
    NonPublic,
    /// An address of the receiving provider's published networks.
    ProviderNetwork(usize),
    /// A client name of the same organisation as a receiving server.
    SameDomain(String),
}

impl Inside {
    fn text(&self) -> Bilingual {
        match self {
            Inside::Retrieval => Bilingual {
                en: "retrieval from the mailbox over IMAP/POP".into(),
                ja: "IMAP/POP によるメールボックスからの取得".into(),
            },
            Inside::LocalDelivery => Bilingual {
                en: "local delivery".into(),
                ja: "ローカル配送".into(),
            },
            Inside::NoClient => Bilingual {
                en: "hops that name no outside client".into(),
                ja: "外部の送信元を記載していない中継".into(),
            },
            Inside::NonPublic => Bilingual {
                en: "private or loopback addresses".into(),
                ja: "プライベート/ループバックアドレス".into(),
            },
            Inside::ProviderNetwork(f) => {
                let name = providers::family(*f).map_or("the provider", |f| f.name);
                Bilingual {
                    en: format!("{name}'s own network"),
                    ja: format!("{name} の内部ネットワーク"),
                }
            }
            Inside::SameDomain(d) => Bilingual {
                en: format!("servers of {d}"),
                ja: format!("{d} のサーバー"),
            },
        }
    }

    fn kind(&self) -> u8 {
        match self {
            Inside::Retrieval => 0,
            Inside::LocalDelivery => 1,
            Inside::NoClient => 2,
            Inside::NonPublic => 3,
            Inside::ProviderNetwork(_) => 4,
            Inside::SameDomain(_) => 5,
        }
    }
}

/// The organisations seen on the receiving side so far: the `by` servers of trusted hops.
#[derive(Default)]
struct ReceivingSide {
    domains: Vec<String>,
    families: Vec<usize>,
}

impl ReceivingSide {
    fn add_server(&mut self, by: Option<&str>) {
        let Some(by) = by else { return };
        if let Some(ip) = parse_ip_literal(by) {
            if let Some(f) = providers::family_of_ip(ip) {
                push_unique(&mut self.families, f);
            }
            return;
        }
        let Some(domain) = registrable(by) else {
            return;
        };
        if let Some(f) = providers::family_of_domain(&domain) {
            push_unique(&mut self.families, f);
        }
        push_unique(&mut self.domains, domain);
    }

    fn owns_name(&self, name: &str) -> Option<Inside> {
        let domain = registrable(name)?;
        if self.domains.contains(&domain) {
            return Some(Inside::SameDomain(domain));
        }
        let family = providers::family_of_domain(&domain)?;
        self.families
            .contains(&family)
            .then_some(Inside::ProviderNetwork(family))
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

fn protocol_is(hop: &Hop, names: &[&str]) -> bool {
    hop.with
        .as_deref()
        .is_some_and(|w| names.iter().any(|n| w.eq_ignore_ascii_case(n)))
}

/// A submission after login: RFC 3848 protocol names, webmail over HTTP, or an MTA's own
/// `(authenticated ...)` / `(Authenticated sender: ...)` comment.
fn is_authenticated(hop: &Hop) -> bool {
    const AUTH: &[&str] = &[
        "ESMTPA",
        "ESMTPSA",
        "LMTPA",
        "LMTPSA",
        "UTF8SMTPA",
        "UTF8SMTPSA",
        "UTF8LMTPA",
        "UTF8LMTPSA",
        "HTTP",
        "HTTPS",
    ];
    protocol_is(hop, AUTH) || hop.raw.to_ascii_lowercase().contains("(authenticated")
}

fn is_public(ip: IpAddr) -> bool {
    matches!(ip_scope(ip), IpScope::Public | IpScope::Documentation)
}

/// Whether the client of `hop` sits inside the receiving side, and why.
fn inside(hop: &Hop, side: &ReceivingSide) -> Option<Inside> {
    if protocol_is(hop, &["IMAP", "POP3", "POP"]) {
        return Some(Inside::Retrieval);
    }
    if protocol_is(hop, &["LMTP", "LMTPS", "LMTPA", "LMTPSA", "LOCAL"]) {
        return Some(Inside::LocalDelivery);
    }
    match hop.ip {
        Some(ip) => {
            if !is_public(ip) {
                return Some(Inside::NonPublic);
            }
            if let Some(f) = providers::family_of_ip(ip) {
                // A published network decides; a name cannot override it.
                return side
                    .families
                    .contains(&f)
                    .then_some(Inside::ProviderNetwork(f));
            }
            // With a public address only the reverse DNS the server looked up counts, never the
            // HELO: `HELO mx.victim.example` costs an attacker nothing.
            hop.rdns.as_deref().and_then(|r| side.owns_name(r))
        }
        None => {
            let name = hop.rdns.as_deref().or(hop.helo.as_deref());
            let Some(name) = name else {
                return Some(Inside::NoClient);
            };
            if let Some(literal) = parse_ip_literal(name) {
                return (!is_public(literal)).then_some(Inside::NonPublic);
            }
            if !name.contains('.') {
                // `from dave by host with local`, `from mailman by host`: a local program or
                // user, not a network peer.
                return Some(Inside::NoClient);
            }
            side.owns_name(name)
        }
    }
}

fn has_client(hop: &Hop) -> bool {
    hop.ip.is_some() || hop.rdns.is_some() || hop.helo.is_some()
}

/// The operator of the client, by published network, else by the reverse DNS a trusted server
/// looked up (never by HELO).
fn client_family(hop: &Hop) -> Option<usize> {
    if let Some(ip) = hop.ip
        && let Some(f) = providers::family_of_ip(ip)
    {
        return Some(f);
    }
    let domain = registrable(hop.rdns.as_deref()?)?;
    providers::family_of_domain(&domain)
}

fn server_family(hop: &Hop) -> Option<usize> {
    let by = hop.by.as_deref()?;
    match parse_ip_literal(by) {
        Some(ip) => providers::family_of_ip(ip),
        None => providers::family_of_domain(&registrable(by)?),
    }
}

/// What the records of a large provider say about the submission behind the boundary.
enum Submission {
    /// The provider recorded a login from a public client at this hop.
    Authenticated(usize),
    /// The provider recorded a login but not the client's address.
    Hidden(usize),
    /// A mailbox provider, but no record of who submitted the message.
    NoRecord,
}

fn provider_submission(hops: &[Hop], boundary: usize, family: usize) -> Submission {
    for (j, hop) in hops.iter().enumerate().skip(boundary + 1) {
        let recorded_by_provider = server_family(hop) == Some(family);
        // Gmail's internal hops are `by 2002:a05:...` with no client; they keep the trail going
        // but cannot carry a submission.
        let anonymous_internal = !has_client(hop)
            && hop
                .by
                .as_deref()
                .is_some_and(|b| parse_ip_literal(b).is_some());
        if !recorded_by_provider {
            if anonymous_internal {
                continue;
            }
            return Submission::NoRecord;
        }
        if is_authenticated(hop) {
            return match hop.ip {
                Some(ip) if is_public(ip) && providers::family_of_ip(ip) != Some(family) => {
                    Submission::Authenticated(j)
                }
                _ => Submission::Hidden(j),
            };
        }
        let still_inside = match hop.ip {
            Some(ip) => !is_public(ip) || providers::family_of_ip(ip) == Some(family),
            None => !has_client(hop) || client_family(hop) == Some(family),
        };
        if !still_inside {
            return Submission::NoRecord;
        }
    }
    Submission::NoRecord
}

/// How a client is shown in the explanation: `ip (name)`.
fn show(hop: &Hop) -> Bilingual {
    let name = hop.rdns.as_deref().or(hop
        .helo
        .as_deref()
        .filter(|h| parse_ip_literal(h).is_none()));
    match (hop.ip, name) {
        (Some(ip), Some(name)) => Bilingual {
            en: format!("{ip} ({name})"),
            ja: format!("{ip}({name})"),
        },
        // Japanese text keeps a space between an address and the particle that follows it.
        (Some(ip), None) => Bilingual {
            en: ip.to_string(),
            ja: format!("{ip} "),
        },
        (None, _) => {
            let name = hop.rdns.as_deref().or(hop.helo.as_deref()).unwrap_or("?");
            Bilingual {
                en: format!("{name} (no IP address recorded)"),
                ja: format!("{name}(IP アドレスの記録なし)"),
            }
        }
    }
}

fn server_name(hop: &Hop) -> Bilingual {
    match hop.by.as_deref() {
        Some(by) => Bilingual {
            en: by.to_string(),
            ja: by.to_string(),
        },
        None => Bilingual {
            en: "(unnamed)".into(),
            ja: "(名前なし)".into(),
        },
    }
}

/// "The top N headers ... were skipped" for the hops above the origin.
fn skipped_sentence(reasons: &[Inside], count: usize) -> Bilingual {
    if count == 0 {
        return Bilingual::default();
    }
    let mut kinds: Vec<&Inside> = Vec::new();
    for r in reasons {
        if !kinds.iter().any(|k| k.kind() == r.kind() && *k == r) && kinds.len() < 4 {
            kinds.push(r);
        }
    }
    let en: Vec<String> = kinds.iter().map(|k| k.text().en).collect();
    let ja: Vec<String> = kinds.iter().map(|k| k.text().ja).collect();
    let en = if count == 1 {
        format!(
            "The top Received header records a hand-over inside the receiving side ({}) and was \
             skipped. ",
            en.join(", ")
        )
    } else {
        format!(
            "The top {count} Received headers record hand-overs inside the receiving side ({}) \
             and were skipped. ",
            en.join(", ")
        )
    };
    let ja = format!(
        "上から {count} 件の Received ヘッダーは受信側内部での受け渡し({})なので除外しました。",
        ja.join("、")
    );
    Bilingual { en, ja }
}

fn helo_remark(hop: &Hop) -> Bilingual {
    let Some(helo) = hop.helo.as_deref() else {
        return Bilingual::default();
    };
    if parse_ip_literal(helo).is_none() || hop.ip.is_none() {
        return Bilingual::default();
    }
    Bilingual {
        en: format!(" It introduced itself (HELO) as {helo} instead of a host name."),
        ja: format!("このクライアントは HELO で自分のホスト名ではなく {helo} と名乗っています。"),
    }
}

fn join(parts: &[Bilingual]) -> Bilingual {
    Bilingual {
        en: parts
            .iter()
            .map(|p| p.en.as_str())
            .collect::<String>()
            .trim()
            .to_string(),
        ja: parts
            .iter()
            .map(|p| p.ja.as_str())
            .collect::<String>()
            .trim()
            .to_string(),
    }
}

/// Assigns HopRole to every hop and picks the origin, explaining why in `Origin::why` (en and ja).
pub fn determine_origin(hops: &mut [Hop]) -> Option<Origin> {
    let mut side = ReceivingSide::default();
    let mut reasons: Vec<Inside> = Vec::new();
    let mut boundary = None;
    for (i, hop) in hops.iter().enumerate() {
        side.add_server(hop.by.as_deref());
        match inside(hop, &side) {
            Some(reason) => reasons.push(reason),
            None => {
                boundary = Some(i);
                break;
            }
        }
    }

    let (origin_index, why, authenticated) = match boundary {
        Some(b) => explain_boundary(hops, b, &reasons)?,
        None => explain_all_inside(hops, &reasons)?,
    };

    for (i, hop) in hops.iter_mut().enumerate() {
        hop.role = match i.cmp(&origin_index) {
            std::cmp::Ordering::Less => HopRole::Internal,
            std::cmp::Ordering::Equal => HopRole::Boundary,
            std::cmp::Ordering::Greater => HopRole::External,
        };
    }
    check_external(hops, origin_index);

    let hop = hops.get(origin_index)?;
    Some(Origin {
        hop_index: origin_index,
        ip: hop.ip,
        rdns: hop.rdns.clone(),
        helo: hop.helo.clone(),
        raw: hop.raw.clone(),
        authenticated,
        why,
    })
}

fn explain_boundary(
    hops: &mut [Hop],
    b: usize,
    reasons: &[Inside],
) -> Option<(usize, Bilingual, bool)> {
    let hop = hops.get(b)?;
    let skipped = skipped_sentence(reasons, b);
    let by = server_name(hop);
    let client = show(hop);
    let first = if b == 0 {
        Bilingual {
            en: format!(
                "The receiving server {} recorded this client as the sender: {}.",
                by.en, client.en
            ),
            ja: format!(
                "受信側の最初のサーバー {} が、送信元として {}を記録しています。",
                by.ja, client.ja
            ),
        }
    } else {
        Bilingual {
            en: format!(
                "The receiving side's first server {} recorded this client as the sender: {}.",
                by.en, client.en
            ),
            ja: format!(
                "受信側の最初のサーバー {} が、送信元として {}を記録しています。",
                by.ja, client.ja
            ),
        }
    };
    let unverifiable = Bilingual {
        en: " No earlier hop can be verified.".into(),
        ja: "これより前の経路は検証できません。".into(),
    };
    let helo = helo_remark(hop);

    let family = client_family(hop).and_then(|f| providers::family(f).map(|fam| (f, fam)));
    if let Some((f, fam)) = family.filter(|(_, fam)| fam.mailbox_provider) {
        match provider_submission(hops, b, f) {
            Submission::Authenticated(j) => {
                let sub = hops.get(j)?;
                let with = sub.with.clone().unwrap_or_default();
                let text = Bilingual {
                    en: format!(
                        "The message reached the receiving side from {} ({}, via {}), a large \
                         mail provider whose own records are trusted. Its server {} recorded an \
                         authenticated submission ({}) from {}: that client logged in to a \
                         mailbox at {} and sent the message (phishing often uses hijacked or \
                         throw-away accounts).",
                        fam.name,
                        client.en,
                        by.en,
                        server_name(sub).en,
                        with,
                        show(sub).en,
                        fam.name
                    ),
                    ja: format!(
                        "受信側のサーバー {} へは大手メール事業者 {} の {}から届いており、\
                         この事業者の記録は信頼できます。{} のサーバー {} が、{}からの認証付き送信\
                         ({})を記録しています。送信者はこのクライアントから {} のアカウントに\
                         ログインして送信しました(フィッシングでは乗っ取られたアカウントや\
                         使い捨てアカウントがよく使われます)。",
                        by.ja,
                        fam.name,
                        client.ja,
                        fam.name,
                        server_name(sub).ja,
                        show(sub).ja,
                        with,
                        fam.name
                    ),
                };
                let skipped = skipped_sentence(reasons, b);
                let extended = j - b;
                let note = format!(
                    "trust extended through {extended} hop(s) recorded by {}",
                    fam.name
                );
                if let Some(h) = hops.get_mut(b) {
                    h.notes.push(note);
                }
                return Some((j, join(&[skipped, text]), true));
            }
            Submission::Hidden(j) => {
                let sub = hops.get(j)?;
                let with = sub.with.clone().unwrap_or_default();
                let text = Bilingual {
                    en: format!(
                        " {} is a large mail provider: its server {} recorded a submission after \
                         login ({}) but not the client's IP address, so {}'s server is the \
                         furthest point that can be verified.",
                        fam.name,
                        server_name(sub).en,
                        with,
                        fam.name
                    ),
                    ja: format!(
                        "{} は大手メール事業者で、そのサーバー {} はログインによる送信({})を\
                         記録していますが、送信者の IP アドレスは記録していません。そのため\
                         検証できるのはこの事業者のサーバーまでです。",
                        fam.name,
                        server_name(sub).ja,
                        with
                    ),
                };
                return Some((b, join(&[skipped, first, helo, text]), false));
            }
            Submission::NoRecord => {
                let text = Bilingual {
                    en: format!(
                        " {} is a large mail provider and does not show who submitted the \
                         message (webmail and API submissions hide the client), so its server \
                         is the furthest point that can be verified.",
                        fam.name
                    ),
                    ja: format!(
                        "{} は大手メール事業者で、送信者のクライアント(ウェブメールや API)を\
                         記録していないため、検証できるのはこの事業者のサーバーまでです。",
                        fam.name
                    ),
                };
                return Some((b, join(&[skipped, first, helo, text]), false));
            }
        }
    }

    // Not a large provider: a login recorded just below is the sender's claim, worth showing but
    // not trusting (an attacker running the relay writes whatever it likes).
    let claim = match hops.get(b + 1) {
        Some(below) if is_authenticated(below) && continues(hop, below) != Some(false) => {
            let with = below.with.clone().unwrap_or_else(|| "authenticated".into());
            Bilingual {
                en: format!(
                    " Below it, {} claims a submission after login ({}) from {}; that claim \
                     cannot be verified.",
                    server_name(below).en,
                    with,
                    show(below).en
                ),
                ja: format!(
                    "その下のヘッダーでは {} が {}からの認証付き送信({})を記録していますが、\
                     この記録は検証できません。",
                    server_name(below).ja,
                    show(below).ja,
                    with
                ),
            }
        }
        _ => Bilingual::default(),
    };
    Some((b, join(&[skipped, first, unverifiable, helo, claim]), false))
}

fn explain_all_inside(hops: &[Hop], reasons: &[Inside]) -> Option<(usize, Bilingual, bool)> {
    let origin = hops.iter().rposition(has_client)?;
    let hop = hops.get(origin)?;
    let mut kinds: Vec<Bilingual> = Vec::new();
    for r in reasons {
        let t = r.text();
        if !kinds.contains(&t) && kinds.len() < 4 {
            kinds.push(t);
        }
    }
    let en: Vec<&str> = kinds.iter().map(|k| k.en.as_str()).collect();
    let ja: Vec<&str> = kinds.iter().map(|k| k.ja.as_str()).collect();
    let mut why = Bilingual {
        en: format!(
            "Every Received header was written inside the receiving side ({}); no hand-over from \
             outside was recorded. The earliest client on record is {}, at {}.",
            en.join(", "),
            show(hop).en,
            server_name(hop).en
        ),
        ja: format!(
            "すべての Received ヘッダーが受信側内部で書かれており({})、外部からの受け渡しは\
             記録されていません。記録上もっとも古い送信元は {} が記録した {}です。",
            ja.join("、"),
            server_name(hop).ja,
            show(hop).ja
        ),
    };
    // Mail between two mailboxes of one provider (Gmail to Gmail, one Microsoft 365 tenant to
    // Outlook.com) is submitted inside it: by webmail (HTTP), MAPI or SMTP AUTH, and the
    // provider keeps the submitting client's address to itself.
    let submission = hops
        .get(origin..)
        .unwrap_or_default()
        .iter()
        .find(|h| is_authenticated(h) || protocol_is(h, &["MAPI"]));
    if let Some(sub) = submission.filter(|s| s.ip.is_none_or(|ip| !is_public(ip))) {
        let with = sub.with.clone().unwrap_or_default();
        why.en.push_str(&format!(
            " The message was submitted at {} ({}), which did not record the submitting \
             client's public address.",
            server_name(sub).en,
            with
        ));
        why.ja.push_str(&format!(
            "メッセージは {} で投稿されており({})、投稿したクライアントの公開 IP アドレスは\
             記録されていません。",
            server_name(sub).ja,
            with
        ));
    }
    Some((origin, why, is_authenticated(hop)))
}

/// Whether `lower`'s server is the client `upper` recorded: `Some(false)` only when both sides
/// name hosts and they clearly differ.
fn continues(upper: &Hop, lower: &Hop) -> Option<bool> {
    let by = lower.by.as_deref()?;
    if let Some(by_ip) = parse_ip_literal(by) {
        // Google's and Microsoft's own hops name the server by an internal address.
        return upper
            .ip
            .map(|ip| ip == by_ip || !is_public(by_ip))
            .filter(|same| *same);
    }
    let by_domain = registrable(by)?;
    let names: Vec<String> = [upper.rdns.as_deref(), upper.helo.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(registrable)
        .collect();
    let mut families: Vec<usize> = names
        .iter()
        .filter_map(|n| providers::family_of_domain(n))
        .collect();
    if let Some(f) = upper.ip.and_then(providers::family_of_ip) {
        families.push(f);
    }
    if names.contains(&by_domain) {
        return Some(true);
    }
    if let Some(f) = providers::family_of_domain(&by_domain)
        && families.contains(&f)
    {
        return Some(true);
    }
    if names.is_empty() && families.is_empty() {
        return None;
    }
    Some(false)
}

/// Notes on the sender-side hops: where the chain breaks and which dates do not fit.
fn check_external(hops: &mut [Hop], origin: usize) {
    let origin_time = hops.get(origin).and_then(|h| h.timestamp);
    for k in origin..hops.len() {
        let (Some(upper), Some(lower)) = (hops.get(k), hops.get(k + 1)) else {
            break;
        };
        let mut notes = Vec::new();
        if continues(upper, lower) == Some(false) {
            let claimed = lower.by.clone().unwrap_or_default();
            let seen = show(upper).en;
            match server_family(lower).and_then(providers::family) {
                // The classic trick: a made-up hop "received by mail-xx.google.com" below a
                // hand-over from the attacker's own server, to borrow a provider's reputation.
                Some(f) => notes.push(format!(
                    "unverified: says it was received by {claimed} (it claims to be {}), but the \
                     hop above records the message coming from {seen}; this hop is likely \
                     invented",
                    f.name
                )),
                // Organisations often name their servers differently inside and outside, so
                // a plain mismatch is only a gap, not evidence of forgery.
                None => notes.push(format!(
                    "chain gap: says it was received by {claimed}, but the hop above names the \
                     client {seen}"
                )),
            }
        }
        if let (Some(t), Some(o)) = (lower.timestamp, origin_time) {
            // Five minutes of slack for ordinary clock drift between honest servers.
            if t > o.saturating_add(300) {
                notes.push(format!(
                    "dated {} s after the receiving side accepted the message: invented date or \
                     wrong clock",
                    t.saturating_sub(o)
                ));
            }
        }
        if let Some(ip) = lower.ip
            && !is_public(ip)
        {
            notes.push(format!(
                "claims a private-network client {ip}; normal inside the sender's network, not \
                 verifiable"
            ));
        }
        if let Some(h) = hops.get_mut(k + 1) {
            h.notes.extend(notes);
        }
    }
}
