//! The map picture: an SVG world map with a pin for the origin and for each link host whose
//! location is known (the report's `pins`). The land outline is Natural Earth 1:110m (public
//! domain), pre-projected to an equirectangular 1000x500 grid by `data/make_world.py`.
//!
//! The SVG is self-contained (no fonts, images or links to load) and every label is XML-escaped,
//! so it is safe both as a file and inlined in the HTML report.

use crate::model::{PinOut, Report};
use crate::text::Lang;
use std::fmt::Write as _;

const WORLD: &str = include_str!("../data/world-110m.svgpath");
const W: f64 = 1000.0;
const H: f64 = 500.0;

/// Equirectangular projection onto the map's 1000x500 grid; out-of-range input is clamped so a
/// bad coordinate cannot push a pin off the picture.
pub fn project(lat: f64, lon: f64) -> (f64, f64) {
    let lat = if lat.is_finite() {
        lat.clamp(-90.0, 90.0)
    } else {
        0.0
    };
    let lon = if lon.is_finite() {
        lon.clamp(-180.0, 180.0)
    } else {
        0.0
    };
    ((lon + 180.0) / 360.0 * W, (90.0 - lat) / 180.0 * H)
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn label(p: &PinOut, attached: bool, lang: Lang, defang: bool) -> String {
    let place = lang.pick(&p.place);
    let role = match (p.role, attached, lang) {
        ("origin", false, Lang::Ja) => "送信元",
        ("origin", false, Lang::En) => "origin",
        ("origin", true, Lang::Ja) => "添付メールの送信元",
        ("origin", true, Lang::En) => "attached mail's origin",
        (_, false, Lang::Ja) => "リンク先",
        (_, false, Lang::En) => "link",
        (_, true, Lang::Ja) => "添付メールのリンク先",
        (_, true, Lang::En) => "attached mail's link",
    };
    let what = if defang {
        p.label.clone()
    } else {
        p.label.replace("[.]", ".").replace("[:]", ":")
    };
    let mut s = format!("{role} {what}");
    if let Some(pr) = &p.provider {
        let _ = write!(s, " · {pr}");
    }
    if !place.is_empty() {
        let _ = write!(s, " · {place}");
    }
    crate::short(&s, 90)
}

/// The pins to draw: the message's own, then those of the messages attached to it (a forwarded
/// phish's origin is the one that matters), at most `MAX_PINS` in all.
fn all_pins(report: &Report) -> Vec<(&PinOut, bool)> {
    let mut out: Vec<(&PinOut, bool)> = report.pins.iter().map(|p| (p, false)).collect();
    let mut stack: Vec<&Report> = report.nested.iter().rev().collect();
    while let Some(n) = stack.pop() {
        if out.len() >= MAX_PINS {
            break;
        }
        out.extend(n.pins.iter().map(|p| (p, true)));
        stack.extend(n.nested.iter().rev());
    }
    out.truncate(MAX_PINS);
    out
}

const MAX_PINS: usize = 20;

/// The map as a standalone SVG document.
pub fn svg(report: &Report, lang: Lang, defang: bool) -> String {
    let title = match lang {
        Lang::Ja => "送信元とリンク先の位置(IPアドレスからの推定)",
        Lang::En => "Where the mail and its links are hosted (estimated from IP addresses)",
    };
    let mut out = String::with_capacity(WORLD.len() + 2048);
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1000 500\" width=\"1000\" height=\"500\" role=\"img\" aria-label=\"{t}\">\
<title>{t}</title>\
<rect width=\"1000\" height=\"500\" fill=\"#dbe9f4\"/>\
<path fill=\"#f3f1ea\" stroke=\"#9aa5ad\" stroke-width=\"0.5\" stroke-linejoin=\"round\" d=\"{WORLD}\"/>",
        t = xml_escape(title),
    );
    let pins = all_pins(report);
    for (i, (p, attached)) in pins.iter().enumerate() {
        let (x, y) = project(p.lat, p.lon);
        let color = if p.role == "origin" {
            "#c0392b"
        } else {
            "#d68910"
        };
        // A country centroid is a guess at the whole country: drawn as a wider ring.
        let r = if p.precision == "city" { 5.0 } else { 9.0 };
        let text = xml_escape(&label(p, *attached, lang, defang));
        // Labels to the left near the right edge; stacked so pins in one country stay legible.
        let (tx, anchor) = if x > 640.0 {
            (x - r - 4.0, "end")
        } else {
            (x + r + 4.0, "start")
        };
        let ty = (y + 4.0 + i as f64 * 16.0).min(H - 6.0);
        let _ = write!(
            out,
            "<g class=\"pin pin-{role}\"><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r}\" fill=\"{color}\" fill-opacity=\"0.35\" stroke=\"{color}\" stroke-width=\"2\"/>\
<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2.5\" fill=\"{color}\"/>\
<text x=\"{tx:.1}\" y=\"{ty:.1}\" text-anchor=\"{anchor}\" font-family=\"sans-serif\" font-size=\"13\" fill=\"#222\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">{text}</text></g>",
            role = if p.role == "origin" { "origin" } else { "link" },
        );
    }
    if pins.is_empty() {
        let none = match lang {
            Lang::Ja => "位置の分かる送信元・リンク先はありません",
            Lang::En => "No known location for the origin or the links",
        };
        let _ = write!(
            out,
            "<text x=\"500\" y=\"480\" text-anchor=\"middle\" font-family=\"sans-serif\" font-size=\"14\" fill=\"#555\">{}</text>",
            xml_escape(none)
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_corners_and_clamping() {
        assert_eq!(project(90.0, -180.0), (0.0, 0.0));
        assert_eq!(project(-90.0, 180.0), (1000.0, 500.0));
        assert_eq!(project(0.0, 0.0), (500.0, 250.0));
        assert_eq!(project(f64::NAN, 999.0), (1000.0, 250.0));
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(
            xml_escape("<script>&\"'\u{1}"),
            "&lt;script&gt;&amp;&quot;&#39; "
        );
    }
}
