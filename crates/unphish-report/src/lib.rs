//! The report: a versioned, serialisable model of one analysis, and the renderers that print it.
//!
//! [`build()`] turns the stage outputs into a [`Report`]: it picks the words (both languages),
//! masks recipient addresses and prepares defanged forms. Renderers only lay the model out; they
//! compute nothing: [`text`], [`markdown`] and [`html`] through the [`templates`] (data, replaceable
//! with `--template`), the [`map`] as SVG, [`iocs`] as CSV, STIX or MISP, and JSON via serde.

pub mod build;
pub mod html;
pub mod iocs;
pub mod map;
pub mod markdown;
pub mod mask;
pub mod model;
pub mod templates;
pub mod text;

pub use build::{BuildInput, build};
pub use model::*;
pub use templates::{RenderError, RenderOptions};

/// The JSON report's schema identifier; bumped on any incompatible change.
pub const SCHEMA: &str = "unphish.report/1";

/// Shortens a display string on a char boundary.
pub fn short(s: &str, max: usize) -> String {
    unphish_signals::excerpt(s, max)
}

/// The origin's Received line with its IP and host defanged, for display.
pub fn build_defang_line(line: &str, o: &model::OriginOut) -> String {
    let mut out = line.to_string();
    if let (Some(ip), Some(d)) = (&o.ip, &o.ip_defanged) {
        out = out.replace(ip.as_str(), d);
    }
    if let Some(r) = &o.rdns {
        out = out.replace(r.as_str(), &mask::defang_host(r));
    }
    out
}
