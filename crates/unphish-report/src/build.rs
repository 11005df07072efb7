//! Builds the report model from the stage outputs. All wording and masking happens here.

use crate::mask::{Masker, defang_host, defang_url};
use crate::model::*;
use unphish_evidence::{Evidence, LinkKind, Location};
use unphish_intel::brands::BrandDb;
use unphish_intel::ip::{IpInfo, NetClass, country_centroid, country_name};
use unphish_signals::{Claims, Enrichment, Hit, Level, Scoring, Verdict, fill};

/// Everything the report is made from.
pub struct BuildInput<'a> {
    pub evidence: &'a Evidence,
    pub enrichment: &'a Enrichment,
    pub claims: &'a Claims,
    pub hits: &'a [Hit],
    pub verdict: &'a Verdict,
    pub scoring: &'a Scoring,
    pub brands: &'a BrandDb,
    /// Mask recipient addresses (default true; the report is meant to be shared).
    pub mask_recipients: bool,
    pub nested: Vec<Report>,
}

fn bi(en: impl Into<String>, ja: impl Into<String>) -> Bilingual {
    Bilingual {
        en: en.into(),
        ja: ja.into(),
    }
}

fn class_str(c: NetClass) -> &'static str {
    match c {
        NetClass::Cloud => "cloud",
        NetClass::Cdn => "cdn",
        NetClass::MailProvider => "mail_provider",
        NetClass::Isp => "isp",
        NetClass::Private => "private",
        NetClass::Unknown => "unknown",
    }
}

/// "a rented server at Contabo (Germany)" in both languages.
pub fn describe_network(info: &IpInfo) -> Bilingual {
    let provider = info
        .provider
        .clone()
        .or_else(|| info.as_org.clone())
        .unwrap_or_else(|| "an unknown network".into());
    let (c_en, c_ja) = info
        .country
        .as_deref()
        .map(|c| {
            country_name(c)
                .map(|(e, j)| (e.to_string(), j.to_string()))
                .unwrap_or((c.to_string(), c.to_string()))
        })
        .unwrap_or_else(|| ("unknown country".into(), "国不明".into()));
    match info.class {
        NetClass::Cloud => bi(
            format!("a rented server at {provider} ({c_en})"),
            format!("{c_ja}にある {provider} のレンタルサーバー"),
        ),
        NetClass::Cdn => bi(
            format!("the {provider} network ({c_en})"),
            format!("{provider} のネットワーク({c_ja})"),
        ),
        NetClass::MailProvider => bi(
            format!("a mail service, {provider} ({c_en})"),
            format!("メールサービス {provider}({c_ja})"),
        ),
        NetClass::Isp => bi(
            format!("a home or mobile internet connection at {provider} ({c_en})"),
            format!("{c_ja}の {provider} の一般向けインターネット回線"),
        ),
        NetClass::Private => bi(
            "a private network address",
            "プライベートネットワークのアドレス",
        ),
        NetClass::Unknown => bi(
            format!("{provider} ({c_en})"),
            format!("{provider}({c_ja})"),
        ),
    }
}

fn headline(level: Level) -> Bilingual {
    match level {
        Level::Phishing => bi(
            "This is a phishing mail. Do not click its links or reply; delete it.",
            "これは詐欺メールです。リンクを開いたり返信したりせず、削除してください。",
        ),
        Level::Suspicious => bi(
            "This mail is suspicious. Do not use its links; check with the sender through their official site or app.",
            "このメールは不審です。リンクは使わず、公式サイトや公式アプリで確認してください。",
        ),
        Level::Clean => bi(
            "No signs of phishing were found. Stay careful with links that ask for passwords or payments.",
            "詐欺の兆候は見つかりませんでした。パスワードや支払いを求めるリンクには引き続き注意してください。",
        ),
    }
}

fn location_parts(loc: &Location) -> (String, String) {
    match loc {
        Location::Header { name, index } => (
            "header".into(),
            if *index == 0 {
                name.clone()
            } else {
                format!("{name}[{index}]")
            },
        ),
        Location::Part { index } => ("part".into(), index.to_string()),
        Location::Link { index } => ("link".into(), index.to_string()),
        Location::Attachment { index } => ("attachment".into(), index.to_string()),
    }
}

/// Whether a host or address found at `start..end` of `hay` stands alone, not as part of a
/// longer name (`evil.com` in `notevil.com` or `evil.com.cn` is not that host).
fn token_alone(hay: &str, start: usize, end: usize) -> bool {
    let glued = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let before = hay.get(..start).and_then(|h| h.chars().next_back());
    let mut after = hay.get(end..).map(str::chars).into_iter().flatten();
    let ok_before = !before.is_some_and(|c| glued(c) || c == '.');
    // A following dot is fine at the end of a sentence, not when a longer name continues.
    let ok_after = match after.next() {
        Some('.') => !after.next().is_some_and(glued),
        Some(c) => !glued(c),
        None => true,
    };
    ok_before && ok_after
}

/// Defangs the attacker's URLs, link hosts and origin address inside a quote or a sentence, so
/// a published report has nothing clickable. Hosts of a brand's own site stay as they are.
///
/// Built once per report: the needles (each distinct URL, its masked form, each non-brand host,
/// the origin address and name) are collected and deduplicated up front, because a report
/// defangs dozens of strings and a message can carry hundreds of links.
struct Defanger {
    /// (needle, its finder, replacement, whether it is a host or address that must stand alone).
    needles: Vec<Needle>,
}

struct Needle {
    text: String,
    finder: memchr::memmem::Finder<'static>,
    with: String,
    token: bool,
}

impl Defanger {
    fn new(ev: &Evidence, en: &Enrichment, mk: &Masker) -> Defanger {
        let mut needles: Vec<(String, String, bool)> = Vec::new();
        let mut push = |needle: &str, with: String, token: bool| {
            if !needle.is_empty() && !needles.iter().any(|(n, _, _)| n == needle) {
                needles.push((needle.to_string(), with, token));
            }
        };
        for l in ev.links.iter().take(200) {
            for u in [&l.raw, &l.url] {
                let masked = mk.apply(u);
                for cand in [u.as_str(), masked.as_str()] {
                    if cand.len() > 3 {
                        push(cand, defang_url(cand), false);
                    }
                }
            }
        }
        for (i, l) in ev.links.iter().enumerate().take(200) {
            if en.links.get(i).is_some_and(|x| x.owner.is_some()) {
                continue;
            }
            for h in [&l.host, &l.host_unicode].into_iter().flatten() {
                push(h, defang_host(h), true);
            }
        }
        if let Some(o) = &ev.origin {
            if let Some(ip) = o.ip {
                let s = ip.to_string();
                let d = defang_host(&s);
                push(&s, d, true);
            }
            if let Some(r) = &o.rdns {
                push(r, defang_host(r), true);
            }
        }
        // Searchers are built once per report (the costly part of a substring search) and
        // reused on every string; a needle that defangs to itself needs no search.
        let needles = needles
            .into_iter()
            .filter(|(n, with, _)| n != with)
            .map(|(text, with, token)| Needle {
                finder: memchr::memmem::Finder::new(text.as_bytes()).into_owned(),
                text,
                with,
                token,
            })
            .collect();
        Defanger { needles }
    }

    /// Replaces every needle in `q`: where matches overlap, the leftmost wins, then the longest
    /// (a whole URL over the host at its start).
    fn apply(&self, q: &str) -> String {
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for (ni, n) in self.needles.iter().enumerate() {
            if n.text.len() > q.len() {
                continue;
            }
            for start in n.finder.find_iter(q.as_bytes()) {
                let end = start + n.text.len();
                if !n.token || token_alone(q, start, end) {
                    found.push((start, end, ni));
                }
            }
        }
        if found.is_empty() {
            return q.to_string();
        }
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut out = String::with_capacity(q.len() + 16);
        let mut last = 0;
        for (start, end, ni) in found {
            if start < last {
                continue;
            }
            let Some(n) = self.needles.get(ni) else {
                continue;
            };
            out.push_str(q.get(last..start).unwrap_or(""));
            out.push_str(&n.with);
            last = end;
        }
        out.push_str(q.get(last..).unwrap_or(""));
        out
    }

    fn bi(&self, b: &Bilingual) -> Bilingual {
        bi(self.apply(&b.en), self.apply(&b.ja))
    }
}

fn mailbox(m: &unphish_evidence::Mailbox, mk: &Masker) -> MailboxOut {
    MailboxOut {
        display_name: mk.opt(&m.display_name),
        address: mk.opt(&m.address),
        domain: m.domain.clone(),
        registrable_domain: m.registrable_domain.clone(),
        display_name_address: mk.opt(&m.display_name_address),
        raw: mk.apply(&m.raw),
    }
}

fn link_kind(k: LinkKind) -> &'static str {
    match k {
        LinkKind::Anchor => "anchor",
        LinkKind::Area => "area",
        LinkKind::Form => "form",
        LinkKind::MetaRefresh => "meta_refresh",
        LinkKind::Text => "text",
    }
}

fn advice(level: Level, imp: &[ImpersonationOut], hosting: bool) -> Vec<Bilingual> {
    if level == Level::Clean {
        return Vec::new();
    }
    let mut v = vec![
        bi(
            "If you opened the link and typed a password: change it at once on the official site or app (not through this mail), and everywhere else you use the same password; turn on two-step verification.",
            "リンクを開いてパスワードを入力してしまった場合は、このメールからではなく公式サイトや公式アプリで今すぐパスワードを変更し、同じパスワードを使っている他のサービスも変更して、二段階認証を有効にしてください。",
        ),
        bi(
            "If you entered card or bank details: call your card issuer or bank now to stop the card and check for unknown payments.",
            "カード情報や口座情報を入力してしまった場合は、すぐにカード会社や銀行に連絡してカードの利用停止を依頼し、身に覚えのない利用がないか確認してください。",
        ),
    ];
    if hosting {
        v.push(bi(
            "If this concerns your server or mail account and you logged in: change the account password, then check for forwarding rules, new accounts and files you did not create.",
            "サーバーやメールアカウントにログインしてしまった場合は、アカウントのパスワードを変更し、転送設定や見覚えのないアカウント・ファイルが追加されていないか確認してください。",
        ));
    }
    for i in imp {
        if let Some(url) = i.report_url.as_ref().or(i.official_url.as_ref()) {
            v.push(bi(
                format!("To check your {} account or report this mail, go to {}'s official page yourself: {url}", i.name.en, i.name.en),
                format!("{} のアカウント確認やこのメールの報告は、ご自身で公式ページを開いて行ってください: {url}", i.name.ja),
            ));
        }
    }
    v.push(bi(
        "Never use the links or phone numbers in a suspicious mail to check it; use a bookmark or the official app.",
        "不審なメールの真偽を確かめるときは、メール内のリンクや電話番号ではなく、ブックマークや公式アプリを使ってください。",
    ));
    v
}

/// Nothing could be read: an empty or non-mail input must not be called "clean" in words.
fn unreadable(ev: &Evidence) -> bool {
    ev.defects.iter().any(|d| {
        matches!(
            d.code.as_str(),
            "mime.empty" | "mime.unparseable" | "mime.no_headers" | "mime.parser_panic"
        )
    })
}

/// Builds the report.
pub fn build(input: BuildInput<'_>) -> Report {
    let ev = input.evidence;
    let en = input.enrichment;
    let mk = if input.mask_recipients {
        Masker::new(&ev.recipients)
    } else {
        Masker::default()
    };
    let df = Defanger::new(ev, en, &mk);

    let origin = ev.origin.as_ref().map(|o| {
        let info = en.origin.clone().unwrap_or_default();
        let country_name = info
            .country
            .as_deref()
            .and_then(country_name)
            .map(|(e, j)| bi(e, j));
        OriginOut {
            ip: o.ip.map(|i| i.to_string()),
            ip_defanged: o.ip.map(|i| defang_host(&i.to_string())),
            rdns: o.rdns.clone(),
            rdns_defanged: o.rdns.as_deref().map(defang_host),
            helo: o.helo.clone(),
            asn: info.asn,
            as_org: info.as_org.clone(),
            country: info.country.clone(),
            country_name,
            city: info.city.clone(),
            lat: info.lat,
            lon: info.lon,
            provider: info.provider.clone(),
            network_class: class_str(info.class).to_string(),
            description: describe_network(&info),
            authenticated_submission: o.authenticated,
            received: mk.apply(&o.raw),
            received_defanged: String::new(),
            hop_index: o.hop_index,
            why: bi(mk.apply(&o.why.en), mk.apply(&o.why.ja)),
            why_defanged: df.bi(&bi(mk.apply(&o.why.en), mk.apply(&o.why.ja))),
        }
    });

    let origin = origin.map(|mut o| {
        o.received_defanged = crate::build_defang_line(&o.received, &o);
        o
    });

    let hops: Vec<HopOut> = ev
        .hops
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let info = en.hops.get(i).and_then(|x| x.as_ref());
            let mut hop = h.clone();
            hop.raw = mk.apply(&hop.raw);
            hop.for_addr = mk.opt(&hop.for_addr);
            HopOut {
                ip_defanged: hop.ip.map(|i| defang_host(&i.to_string())),
                rdns_defanged: hop.rdns.as_deref().map(defang_host),
                hop,
                asn: info.and_then(|x| x.asn),
                as_org: info.and_then(|x| x.as_org.clone()),
                country: info.and_then(|x| x.country.clone()),
            }
        })
        .collect();

    let id = &ev.identity;
    let sender = SenderOut {
        from: id.from.as_ref().map(|m| mailbox(m, &mk)),
        reply_to: id.reply_to.iter().map(|m| mailbox(m, &mk)).collect(),
        return_path: id.return_path.as_ref().map(|m| mailbox(m, &mk)),
        sender: id.sender.as_ref().map(|m| mailbox(m, &mk)),
        message_id: mk.opt(&id.message_id),
        message_id_domain: id.message_id_domain.clone(),
        dkim_domains: id.dkim_domains.clone(),
        forwarded_from: ev.forwarded.as_ref().map(|f| mailbox(&f.from, &mk)),
        forwarded_subject: ev.forwarded.as_ref().and_then(|f| mk.opt(&f.subject)),
    };
    let authentication = id
        .auth
        .iter()
        .map(|a| AuthOut {
            source: a.source.clone(),
            authserv_id: a.authserv_id.clone(),
            method: a.method.clone(),
            result: a.result.clone(),
            props: a
                .props
                .iter()
                .map(|(k, v)| (k.clone(), mk.apply(v)))
                .collect(),
        })
        .collect();

    let counted: Vec<&str> = input
        .verdict
        .contributions
        .iter()
        .map(|(i, _)| i.as_str())
        .collect();
    let mut findings: Vec<FindingOut> = Vec::new();
    for h in input.hits {
        if !counted.contains(&h.id) {
            continue;
        }
        let Some(meta) = unphish_signals::meta(h.id) else {
            continue;
        };
        let weight = input.scoring.weight(h.id).unwrap_or(0.0);
        let vars: Vec<(&'static str, String)> =
            h.vars.iter().map(|(k, v)| (*k, mk.apply(v))).collect();
        let title = bi(fill(meta.title.en, &vars), fill(meta.title.ja, &vars));
        let explanation = bi(fill(meta.explain.en, &vars), fill(meta.explain.ja, &vars));
        findings.push(FindingOut {
            id: h.id.to_string(),
            slug: meta.slug.to_string(),
            group: meta.group.as_str().to_string(),
            confidence: format!("{:?}", meta.confidence).to_lowercase(),
            weight,
            title_defanged: df.bi(&title),
            explanation_defanged: df.bi(&explanation),
            title,
            explanation,
            evidence: h
                .evidence
                .iter()
                .map(|c| {
                    let (kind, at) = location_parts(&c.location);
                    let quote = mk.apply(&c.quote);
                    EvidenceOut {
                        kind,
                        at,
                        quote_defanged: df.apply(&quote),
                        quote,
                    }
                })
                .collect(),
        });
    }
    // Strongest reasons first; equal weights keep the registry order.
    findings.sort_by(|a, b| {
        b.weight
            .partial_cmp(&a.weight)
            .unwrap_or(std::cmp::Ordering::Equal)
    });

    let links: Vec<LinkOut> = ev
        .links
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let intel = en.links.get(i);
            let url = mk.apply(&l.url);
            let cited: Vec<String> = input
                .hits
                .iter()
                .filter(|h| {
                    h.evidence
                        .iter()
                        .any(|c| c.location == Location::Link { index: i })
                })
                .map(|h| h.id.to_string())
                .collect();
            LinkOut {
                url_defanged: defang_url(&url),
                url,
                raw: mk.apply(&l.raw),
                text: mk.opt(&l.text),
                kind: link_kind(l.kind).into(),
                host_defanged: l.host.as_deref().map(defang_host),
                host: l.host.clone(),
                host_unicode: l.host_unicode.clone(),
                registrable_domain: l.registrable_domain.clone(),
                ip: l.ip.map(|i| i.to_string()),
                host_class: intel
                    .map(|x| {
                        serde_json::to_value(x.host_class)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default()
                    })
                    .unwrap_or_default(),
                owner: intel.and_then(|x| x.owner.clone()),
                defanged_in_mail: l.defanged,
                parse_error: l.parse_error.clone(),
                findings: cited,
            }
        })
        .collect();

    // A brand counts as impersonated when a brand finding names it.
    let mut brand_ids: Vec<String> = Vec::new();
    for h in input.hits.iter().filter(|h| counted.contains(&h.id)) {
        if let Some((_, b)) = h.vars.iter().find(|(k, _)| *k == "brand_id")
            && !brand_ids.contains(b)
        {
            brand_ids.push(b.clone());
        }
    }
    let mut hosting = false;
    let impersonation: Vec<ImpersonationOut> = brand_ids
        .iter()
        .filter_map(|bid| {
            let idx = input.brands.by_id(bid)?;
            let b = input.brands.get(idx);
            hosting |= b.category.to_lowercase().contains("host");
            let sources: Vec<ClaimSourceOut> = input
                .claims
                .brands
                .iter()
                .filter(|c| &c.id == bid)
                .flat_map(|c| c.sources.iter())
                .map(|s| ClaimSourceOut {
                    field: s.field.to_string(),
                    matched: mk.apply(&s.matched),
                    quote: mk.apply(&s.quote),
                })
                .collect();
            Some(ImpersonationOut {
                brand: b.id.clone(),
                name: bi(
                    b.name_en.clone(),
                    b.name_ja.clone().unwrap_or_else(|| b.name_en.clone()),
                ),
                category: b.category.clone(),
                official_url: b.official_url.clone(),
                report_url: b.report_url.clone(),
                legitimate_domains: b.domains.clone(),
                fields: sources.iter().fold(Vec::new(), |mut v: Vec<String>, s| {
                    if !v.contains(&s.field) {
                        v.push(s.field.clone());
                    }
                    v
                }),
                sources,
            })
        })
        .collect();

    let attachments = ev
        .attachments
        .iter()
        .map(|a| AttachmentOut {
            name: a.name.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
            md5: a.md5.clone(),
            sha1: a.sha1.clone(),
            sha256: a.sha256.clone(),
        })
        .collect();

    let body = ev
        .bodies
        .iter()
        .find(|b| b.content_type == "text/plain" && !b.text.trim().is_empty())
        .or_else(|| ev.bodies.iter().find(|b| !b.text.trim().is_empty()))
        .map(|b| mk.apply(&unphish_signals::excerpt(b.text.trim(), 1500)));

    let body_defanged = body.as_deref().map(|b| defang_links_in(b, &links));
    let counted_hits: Vec<&Hit> = input
        .hits
        .iter()
        .filter(|h| counted.contains(&h.id))
        .collect();
    let story = StoryOut {
        sender: story_sender(&sender, &impersonation, &counted),
        hops: story_hops(&hops, origin.as_ref()),
    };
    let pins = pins(ev, en, &links);
    let indicators = indicators(ev, &counted_hits, &links, &impersonation, &mk);

    let level = input.verdict.level;
    let (p, s) = input.scoring.thresholds();
    Report {
        schema: crate::SCHEMA,
        file: None,
        language: ev.language.clone(),
        verdict: VerdictOut {
            level: level.as_str(),
            score: input.verdict.score,
            headline: if unreadable(ev) {
                bi(
                    "This input could not be read as an e-mail, so no verdict could be reached (see the problems listed).",
                    "この入力はメールとして読み取れなかったため、判定できませんでした(不備の一覧を参照)。",
                )
            } else {
                headline(level)
            },
            thresholds: Thresholds {
                phishing: p,
                suspicious: s,
            },
            cancelled: input
                .verdict
                .cancelled
                .iter()
                .map(|(id, r)| Cancelled {
                    id: id.clone(),
                    reason: r.clone(),
                })
                .collect(),
        },
        subject: mk.opt(&ev.subject),
        date: ev.date.clone(),
        origin,
        hops,
        sender,
        authentication,
        links,
        advice: advice(level, &impersonation, hosting),
        impersonation,
        findings,
        attachments,
        body_excerpt: body,
        body_excerpt_defanged: body_defanged,
        story,
        pins,
        indicators,
        defects: ev.defects.clone(),
        nested: input.nested,
        data: DataOut {
            scoring: input.verdict.scoring_version.clone(),
            intel: en.data.clone(),
            skipped_online: en.skipped_online.iter().map(|s| s.to_string()).collect(),
            unphish_version: env!("CARGO_PKG_VERSION"),
        },
    }
}

/// Replaces each link URL found in `text` by its defanged form, so a published excerpt cannot be
/// clicked. Bounded: at most 200 links, each replaced in one pass.
fn defang_links_in(text: &str, links: &[LinkOut]) -> String {
    let mut out = text.to_string();
    for l in links.iter().take(200) {
        for candidate in [&l.raw, &l.url] {
            if candidate.len() > 3 && out.contains(candidate.as_str()) {
                out = out.replace(candidate.as_str(), &defang_url(candidate));
            }
        }
    }
    out
}

fn place_of(city: Option<&str>, country: Option<&str>) -> Bilingual {
    let (c_en, c_ja) = country
        .map(|c| {
            country_name(c)
                .map(|(e, j)| (e.to_string(), j.to_string()))
                .unwrap_or((c.to_string(), c.to_string()))
        })
        .unwrap_or_default();
    match city {
        Some(city) if !c_en.is_empty() => bi(format!("{city}, {c_en}"), format!("{c_ja} {city}")),
        Some(city) => bi(city, city),
        None => bi(c_en, c_ja),
    }
}

/// A pin from network data: the city's coordinates when a city database gave them, otherwise
/// the country's centroid (which says "somewhere in this country", never a street).
fn pin(role: &'static str, label: String, info: &IpInfo) -> Option<PinOut> {
    let place = place_of(info.city.as_deref(), info.country.as_deref());
    let provider = info.provider.clone().or_else(|| info.as_org.clone());
    if let (Some(lat), Some(lon)) = (info.lat, info.lon)
        && lat.is_finite()
        && lon.is_finite()
    {
        return Some(PinOut {
            role,
            label,
            provider,
            place,
            lat,
            lon,
            precision: "city",
        });
    }
    let (lat, lon) = country_centroid(info.country.as_deref()?)?;
    Some(PinOut {
        role,
        label,
        provider,
        place: place_of(None, info.country.as_deref()),
        lat,
        lon,
        precision: "country",
    })
}

fn pins(ev: &Evidence, en: &Enrichment, links: &[LinkOut]) -> Vec<PinOut> {
    let mut out: Vec<PinOut> = Vec::new();
    if let (Some(o), Some(info)) = (&ev.origin, &en.origin) {
        let label =
            o.ip.map(|i| defang_host(&i.to_string()))
                .unwrap_or_default();
        out.extend(pin("origin", label, info));
    }
    // Offline, only IP-literal link hosts have a location; named hosts would need DNS.
    let mut seen: Vec<String> = Vec::new();
    for (i, l) in links.iter().enumerate().take(200) {
        let Some(info) = en.links.get(i).and_then(|x| x.ip.as_ref()) else {
            continue;
        };
        let label = l.host_defanged.clone().unwrap_or_default();
        if seen.contains(&label) || seen.len() >= 20 {
            continue;
        }
        seen.push(label.clone());
        out.extend(pin("link", label, info));
    }
    out
}

fn header_is(loc: &Location, header: &str) -> bool {
    matches!(loc, Location::Header { name, .. } if name.eq_ignore_ascii_case(header))
}

/// The indicators of one message, deduplicated by (kind, value), in order of appearance.
fn indicators(
    ev: &Evidence,
    hits: &[&Hit],
    links: &[LinkOut],
    imp: &[ImpersonationOut],
    mk: &Masker,
) -> Vec<IndicatorOut> {
    let mut out: Vec<IndicatorOut> = Vec::new();
    let mut index: std::collections::BTreeMap<(&'static str, String), usize> =
        std::collections::BTreeMap::new();
    let mut add = |kind: &'static str,
                   value: String,
                   role: &'static str,
                   brand_owned: bool,
                   findings: Vec<String>| {
        if value.is_empty() {
            return;
        }
        match index.get(&(kind, value.clone())) {
            Some(&i) => {
                if let Some(x) = out.get_mut(i) {
                    for f in findings {
                        if !x.findings.contains(&f) {
                            x.findings.push(f);
                        }
                    }
                }
            }
            None => {
                index.insert((kind, value.clone()), out.len());
                out.push(IndicatorOut {
                    kind,
                    value,
                    role,
                    brand_owned,
                    findings,
                });
            }
        }
    };
    let citing = |pred: &dyn Fn(&unphish_signals::Cite) -> bool| -> Vec<String> {
        hits.iter()
            .filter(|h| h.evidence.iter().any(pred))
            .map(|h| h.id.to_string())
            .collect()
    };
    let legit = |domain: &str| {
        imp.iter()
            .any(|i| i.legitimate_domains.iter().any(|d| d == domain))
    };

    if let Some(o) = &ev.origin
        && let Some(ip) = o.ip
    {
        let s = ip.to_string();
        let f = citing(&|c| header_is(&c.location, "Received") && c.quote.contains(&s));
        let kind = if ip.is_ipv4() { "ipv4" } else { "ipv6" };
        add(kind, s, "origin", false, f.clone());
        if let Some(r) = &o.rdns {
            add("hostname", r.to_lowercase(), "origin", false, f);
        }
    }
    let id = &ev.identity;
    let mailboxes = [
        ("from", "From", id.from.as_ref()),
        ("reply_to", "Reply-To", id.reply_to.first()),
        ("return_path", "Return-Path", id.return_path.as_ref()),
    ];
    for (role, header, m) in mailboxes {
        let Some(m) = m else { continue };
        let f = citing(&|c| header_is(&c.location, header));
        let domain = m.registrable_domain.clone().unwrap_or_default();
        let owned = legit(&domain) || m.domain.as_deref().is_some_and(legit);
        // An address that contains the recipient's (VERP bounces, From spoofed as the victim)
        // would leak it or, masked, be no indicator at all.
        if let Some(a) = m.address.as_ref().map(|a| a.to_lowercase())
            && mk.apply(&a) == a
        {
            add("email", a, role, owned, f.clone());
        }
        add("domain", domain, role, owned, f);
    }
    for l in links.iter().take(500) {
        let f = l.findings.clone();
        let owned = l.owner.is_some();
        add("url", l.url.clone(), "link", owned, f.clone());
        if let Some(ip) = &l.ip {
            let kind = if ip.contains(':') { "ipv6" } else { "ipv4" };
            add(kind, ip.clone(), "link", owned, f.clone());
        } else if let Some(h) = &l.host {
            add("hostname", h.clone(), "link", owned, f.clone());
            if let Some(d) = l.registrable_domain.as_ref().filter(|d| *d != h) {
                add("domain", d.clone(), "link", owned, f);
            }
        }
    }
    for (i, a) in ev.attachments.iter().enumerate().take(200) {
        let f = citing(&|c| c.location == Location::Attachment { index: i });
        add("md5", a.md5.clone(), "attachment", false, f.clone());
        add("sha1", a.sha1.clone(), "attachment", false, f.clone());
        add("sha256", a.sha256.clone(), "attachment", false, f.clone());
        if let Some(n) = &a.name {
            add("filename", n.clone(), "attachment", false, f);
        }
    }
    out
}

/// What the From line claims and why that claim is worth nothing on its own.
fn story_sender(
    sender: &SenderOut,
    imp: &[ImpersonationOut],
    counted: &[&str],
) -> Option<Bilingual> {
    let from = sender.from.as_ref()?;
    let addr = from.address.clone().unwrap_or_default();
    let shown = match (&from.display_name, &from.address) {
        (Some(n), Some(a)) => format!("\"{n}\" <{a}>"),
        (None, Some(a)) => format!("<{a}>"),
        _ => from.raw.trim_start_matches("From:").trim().to_string(),
    };
    let mut en = format!(
        "The From line says {shown}. That line is written by whoever sends the mail and nothing checks it on the way, so it proves nothing."
    );
    let mut ja = format!(
        "差出人欄には『{shown}』とあります。この欄は送り主が自由に書ける自己申告で、途中で誰も確認しないので、これだけでは何の証明にもなりません。"
    );
    let domain = from.domain.clone().unwrap_or_default();
    let owned_by = imp.iter().find(|i| {
        i.legitimate_domains
            .iter()
            .any(|d| Some(d) == from.registrable_domain.as_ref() || *d == domain)
    });
    if let Some(i) = owned_by {
        en.push_str(&format!(
            " {domain} does belong to {}, but the mail was not sent from {}'s systems (see where it really came from), so the address was forged or the account misused.",
            i.name.en, i.name.en
        ));
        ja.push_str(&format!(
            "確かに {domain} は {} のドメインですが、メールは {} のシステムから送られていません(次の「本当の送信元」を参照)。アドレスは偽装されたか、アカウントが悪用されたと考えられます。",
            i.name.ja, i.name.ja
        ));
    } else if let Some(i) = imp.first() {
        en.push_str(&format!(
            " It presents itself as {}, but {domain} is not one of {}'s domains.",
            i.name.en, i.name.en
        ));
        ja.push_str(&format!(
            "{} を名乗っていますが、{domain} は {} のドメインではありません。",
            i.name.ja, i.name.ja
        ));
    } else if counted.contains(&"ORIG-001") && !domain.is_empty() {
        en.push_str(&format!(
            " The server that really handed the mail over has nothing to do with {domain} (next section): either the address is forged, or the account behind it was taken over."
        ));
        ja.push_str(&format!(
            "実際にメールを送り込んだサーバーは {domain} と無関係です(次の項)。アドレスが偽装されたか、アカウント自体が乗っ取られたかのどちらかです。"
        ));
    }
    if let Some(dna) = &from.display_name_address
        && !dna.eq_ignore_ascii_case(&addr)
    {
        en.push_str(&format!(
                " The display name carries another address, {dna}, which is what most mail apps show; the real sending address is {addr}."
            ));
        ja.push_str(&format!(
                "表示名には別のアドレス {dna} が書かれていて、多くのメールアプリではこちらが目に入りますが、実際の送信アドレスは {addr} です。"
            ));
    }
    if let Some(rt) = sender.reply_to.first()
        && rt.registrable_domain.is_some()
        && rt.registrable_domain != from.registrable_domain
    {
        let rta = rt.address.clone().unwrap_or_default();
        en.push_str(&format!(
            " Replies would go to {rta}, not back to the sender."
        ));
        ja.push_str(&format!("返信すると差出人ではなく {rta} に届きます。"));
    }
    Some(bi(en, ja))
}

/// What the Received chain shows as a whole.
fn story_hops(hops: &[HopOut], origin: Option<&OriginOut>) -> Bilingual {
    use unphish_evidence::HopRole;
    let n = hops.len();
    if n == 0 {
        return bi(
            "The message has no Received lines at all, so where it came from cannot be traced; mail that crossed the internet always has them.",
            "Received ヘッダーが1行もないため、どこから来たかを追跡できません。インターネットを通ってきたメールには必ずあるものです。",
        );
    }
    let internal = hops
        .iter()
        .filter(|h| h.hop.role == HopRole::Internal)
        .count();
    let external = hops
        .iter()
        .filter(|h| h.hop.role == HopRole::External)
        .count();
    let boundary_by = origin
        .and_then(|o| hops.get(o.hop_index))
        .and_then(|h| h.hop.by.clone());
    let mut en = format!(
        "The header holds {n} Received line(s); each server adds one on top as it passes the mail on."
    );
    let mut ja = format!(
        "ヘッダーには Received が {n} 行あります。メールを中継したサーバーが、受け取るたびに上へ1行ずつ書き足していくものです。"
    );
    if internal > 0 {
        en.push_str(&format!(
            " {internal} of them were written by servers inside the receiving side."
        ));
        ja.push_str(&format!(
            "そのうち {internal} 行は受信側の内部のサーバーが書いたものです。"
        ));
    }
    if let Some(by) = boundary_by {
        en.push_str(&format!(
            " The line written by {by}, the first server of the receiving side, is the one that can be trusted: it records who handed the mail over."
        ));
        ja.push_str(&format!(
            "受信側の最初のサーバー {by} が書いた行が信用できる行で、誰がメールを渡してきたかを記録しています。"
        ));
    }
    if external > 0 {
        en.push_str(&format!(
            " The {external} line(s) below it were written before the mail reached the receiving side: they are the sender's own claims and cannot be verified."
        ));
        ja.push_str(&format!(
            "それより下の {external} 行は受信側に届く前に書かれたもので、送り主の自己申告にすぎず、検証できません。"
        ));
    }
    bi(en, ja)
}
