//! The terminal report: the seed posts in miniature. Verdict first, then the reasons with their
//! evidence, then where it came from, who it claims to be, and where the links go. The words and
//! layout are the template `templates/report.txt` (replaceable with `--template FILE`).
//!
//! Colour is ANSI from the template's `style` filter, written only when
//! [`RenderOptions::color`] is set (the CLI sets it for a terminal without `NO_COLOR`). Every
//! value from the mail has its control characters made visible ([`crate::templates::text_escape`]),
//! so the only escape sequences in the output are the report's own styles.

use crate::model::{Bilingual, Report};
use crate::templates::{self, Kind, RenderError, RenderOptions};

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ja,
}

impl Lang {
    pub fn pick(self, b: &Bilingual) -> &str {
        match self {
            Lang::En => &b.en,
            Lang::Ja => &b.ja,
        }
    }
    /// The language of a message code (`ja` → Japanese, anything else → English).
    pub fn from_code(code: &str) -> Lang {
        if code == "ja" { Lang::Ja } else { Lang::En }
    }
}

/// Renders the report as terminal text.
pub fn render(report: &Report, opts: &RenderOptions) -> Result<String, RenderError> {
    templates::render(Kind::Text, report, opts, Vec::new())
}
