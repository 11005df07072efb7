//! Small helpers shared by signals: citing the usual header lines.

use crate::{Cite, Context};
use unphish_evidence::{Link, LinkKind};

/// The Received line that names the origin.
pub fn origin_cite(cx: &Context<'_>) -> Option<Cite> {
    let o = cx.evidence.origin.as_ref()?;
    Some(Cite::header("Received", o.hop_index, o.raw.clone()))
}

/// The From line.
pub fn from_cite(cx: &Context<'_>) -> Option<Cite> {
    let f = cx.evidence.identity.from.as_ref()?;
    Some(Cite::header("From", 0, crate::claims::from_line(f)))
}

/// A link as "text → url" for quoting.
pub fn link_quote(l: &Link) -> String {
    match &l.text {
        Some(t) if !t.is_empty() && t != &l.raw => {
            format!("{} → {}", crate::excerpt(t, 120), l.raw)
        }
        _ => l.raw.clone(),
    }
}

/// Links a person clicks (not plain URLs quoted in text, which are visible as what they are).
pub fn is_clickable(l: &Link) -> bool {
    matches!(
        l.kind,
        LinkKind::Anchor | LinkKind::Area | LinkKind::Form | LinkKind::MetaRefresh
    )
}

/// Whether `host` is the From domain, a sub-domain of it, or owned by a brand the mail claims.
pub fn host_belongs_to_sender(cx: &Context<'_>, link_index: usize) -> bool {
    let Some(l) = cx.evidence.links.get(link_index) else {
        return false;
    };
    let Some(reg) = l.registrable_domain.as_deref() else {
        return false;
    };
    if cx.claims.from_registrable.as_deref() == Some(reg) {
        return true;
    }
    let owner = cx
        .enrichment
        .links
        .get(link_index)
        .and_then(|i| i.owner.as_deref());
    owner.is_some_and(|o| cx.claims.brands.iter().any(|c| c.id == o))
}

/// Whether the link's host is owned by a brand that authentication proves sent this mail (the From
/// domain is the brand's, not a free-mail domain it runs, and aligns with a passing result).
/// Personalised links and the brand's own short links (r10.to in Rakuten's newsletter, the
/// address in Google's sign-in alert) are the brand talking about itself, not a disguise.
pub fn host_of_verified_sender_brand(cx: &Context<'_>, link_index: usize) -> bool {
    let Some(owner) = cx
        .enrichment
        .links
        .get(link_index)
        .and_then(|i| i.owner.as_deref())
    else {
        return false;
    };
    let freemail = cx
        .claims
        .from_registrable
        .as_deref()
        .is_some_and(unphish_intel::hosts::is_freemail);
    !freemail
        && cx
            .claims
            .brands
            .iter()
            .any(|c| c.sender_verified && c.id == owner)
}

/// Display form of the origin provider: "Contabo (DE)".
pub fn provider_label(cx: &Context<'_>) -> String {
    let Some(info) = cx.enrichment.origin.as_ref() else {
        return String::new();
    };
    let name = info
        .provider
        .clone()
        .or_else(|| info.as_org.clone())
        .unwrap_or_else(|| "?".into());
    match &info.country {
        Some(c) => format!("{name} ({c})"),
        None => name,
    }
}
