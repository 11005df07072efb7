//! The Markdown report: a blog-style article in the order the seed posts use (verdict, subject,
//! sender, real origin, body, links, findings, what to do, summary), ready to publish. The words
//! and layout are the template `templates/report.{ja,en}.md`.

use crate::model::Report;
use crate::templates::{self, Kind, RenderError, RenderOptions};

/// Renders the report as Markdown.
pub fn render(report: &Report, opts: &RenderOptions) -> Result<String, RenderError> {
    templates::render(Kind::Markdown, report, opts, Vec::new())
}
