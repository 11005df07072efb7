//! Shared body of the lure-language signals: fire when the claims hold a strong phrase of the
//! given categories (or two different weak ones), citing where each was found.

use crate::claims::LureFound;
use crate::{Cite, Context, Hit, SignalMeta};
use unphish_intel::lures::LureCategory;

pub fn check(
    meta: &'static SignalMeta,
    cats: &[LureCategory],
    cx: &Context<'_>,
    hits: &mut Vec<Hit>,
) {
    check_where(meta, |l| cats.contains(&l.hit.category), cx, hits);
}

/// The same rule over the lures `keep` selects (LURE-005 selects entries by id, not category).
pub fn check_where(
    meta: &'static SignalMeta,
    keep: impl Fn(&LureFound) -> bool,
    cx: &Context<'_>,
    hits: &mut Vec<Hit>,
) {
    let found: Vec<&LureFound> = cx.claims.lures.iter().filter(|l| keep(l)).collect();
    let strong: Vec<&&LureFound> = found
        .iter()
        .filter(|l| l.hit.strength == unphish_intel::lures::LureStrength::Strong)
        .collect();
    let mut weak_ids: Vec<&str> = found
        .iter()
        .filter(|l| l.hit.strength != unphish_intel::lures::LureStrength::Strong)
        .map(|l| l.hit.id.as_str())
        .collect();
    weak_ids.sort();
    weak_ids.dedup();
    let chosen: Vec<&LureFound> = if !strong.is_empty() {
        strong.into_iter().copied().take(3).collect()
    } else if weak_ids.len() >= 2 {
        found.into_iter().take(3).collect()
    } else {
        return;
    };
    let phrases: Vec<String> = chosen
        .iter()
        .map(|l| format!("「{}」", l.hit.phrase))
        .collect();
    let mut hit = Hit::new(meta).var("phrases", phrases.join(" "));
    for l in chosen {
        hit = hit.cite(Cite {
            location: l.location.clone(),
            quote: crate::excerpt(&l.context, 200),
        });
    }
    hits.push(hit);
}
