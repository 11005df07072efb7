//! The HTML report: one standalone page with the Markdown report's content.
use crate::model::Report;
use crate::templates::{self, Kind, RenderError, RenderOptions};

/// Renders the report as a standalone HTML page.
pub fn render(report: &Report, opts: &RenderOptions) -> Result<String, RenderError> {
    templates::render(Kind::Html, report, opts, Vec::new())
}
