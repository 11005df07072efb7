//! The HTML report: one standalone page with the Markdown report's content, readable on screen
//! and in print, in Japanese or English (template `templates/report.html`).
//!
//! Safe to open: every string from the mail is HTML-escaped by the template engine; the mail's
//! own HTML is never included, only its extracted text; the page has no script and loads nothing
//! (no fonts, images or styles from the network), and a Content-Security-Policy meta tag
//! (`default-src 'none'`) makes the browser refuse anything that slipped through. The map is
//! inline SVG built by [`crate::map`], whose labels are XML-escaped.

use crate::map;
use crate::model::Report;
use crate::templates::{self, Kind, RenderError, RenderOptions};
use minijinja::value::Value;

/// Renders the report as a standalone HTML page.
pub fn render(report: &Report, opts: &RenderOptions) -> Result<String, RenderError> {
    let svg = map::svg(report, opts.lang, opts.defang);
    templates::render(
        Kind::Html,
        report,
        opts,
        vec![("map_svg", Value::from_safe_string(svg))],
    )
}
