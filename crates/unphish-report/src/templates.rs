//! Report templates: the words and layout of the terminal, Markdown and HTML reports are data
//! (minijinja templates under `templates/`), compiled into the binary and replaceable with
//! `--template FILE`.
//!
//! Everything a template prints from the report is escaped for its format unless a filter below
//! marks it safe, because nearly every string in the report came from the attacker: HTML output
//! uses minijinja's HTML escaping, Markdown output backslash-escapes the characters that would
//! start markup (links, images, raw HTML, emphasis) so a display name cannot inject a link into a
//! published post, and text output shows control characters as `\u{..}` so a subject cannot
//! carry an escape sequence that drives the reader's terminal.

use crate::model::Report;
use crate::text::Lang;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, State, UndefinedBehavior};

/// The formats rendered from templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The terminal report.
    Text,
    Markdown,
    Html,
}

impl Kind {
    /// The name the template is registered under; its extension picks the escaping.
    fn template_name(self) -> &'static str {
        match self {
            Kind::Text => "report.txt",
            Kind::Markdown => "report.md",
            Kind::Html => "report.html",
        }
    }
}

/// Choices that change how a report is laid out, not what it says.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub lang: Lang,
    /// Print attacker URLs, hosts and IPs defanged (`hxxps://`, `example[.]com`).
    pub defang: bool,
    /// A template source replacing the shipped one.
    pub template: Option<String>,
    /// Let the text report's `style` filter emit ANSI colour. The caller decides (a terminal,
    /// and no `NO_COLOR`); off by default so piped and saved reports stay plain.
    pub color: bool,
}

impl RenderOptions {
    pub fn new(lang: Lang) -> Self {
        RenderOptions {
            lang,
            defang: true,
            template: None,
            color: false,
        }
    }
}

/// A template failed to compile or render (only possible with a user template, or a bug).
#[derive(Debug)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RenderError {}

impl From<minijinja::Error> for RenderError {
    fn from(e: minijinja::Error) -> Self {
        // The alternate form carries the template line of the failure.
        RenderError(format!("template: {e:#}"))
    }
}

const MD_JA: &str = include_str!("../templates/report.ja.md");
const MD_EN: &str = include_str!("../templates/report.en.md");
const HTML: &str = include_str!("../templates/report.html");
const TEXT: &str = include_str!("../templates/report.txt");

/// The shipped template for a format and language (what `--template` replaces).
pub fn shipped(kind: Kind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (Kind::Markdown, Lang::Ja) => MD_JA,
        (Kind::Markdown, Lang::En) => MD_EN,
        (Kind::Html, _) => HTML,
        (Kind::Text, _) => TEXT,
    }
}

const MARKDOWN: &str = "markdown";
const TEXT_ESCAPE: &str = "text";

/// Shows C0/C1 control characters (ESC, CSI, BEL, CR, ...) as `\u{..}` text, keeping line
/// breaks and tabs. Bidirectional overrides and isolates are shown too: a right-to-left override
/// makes `invoice\u{202e}fdp.exe` display as `invoiceexe.pdf`, a classic attachment-name trick.
pub fn text_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let hidden = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if hidden {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// The ANSI style for a `style` filter name: report headings and the verdict levels.
fn ansi_style(name: &str) -> Option<anstyle::Style> {
    use anstyle::{AnsiColor, Style};
    let bold = Style::new().bold();
    Some(match name {
        "bold" => bold,
        "dim" => Style::new().dimmed(),
        "phishing" => bold.fg_color(Some(AnsiColor::Red.into())),
        "suspicious" => bold.fg_color(Some(AnsiColor::Yellow.into())),
        "clean" => bold.fg_color(Some(AnsiColor::Green.into())),
        _ => return None,
    })
}

/// `value | style("bold")`: the value, escaped, wrapped in the style's ANSI codes when the
/// template's `color` is true, and plain otherwise. Escaping first means the only escape
/// sequences in the output are the ones this filter writes.
fn style(state: &State, v: Value, name: &str) -> Result<Value, minijinja::Error> {
    let text = if v.is_safe() {
        v.to_string()
    } else {
        text_escape(&v.to_string())
    };
    let color = state.lookup("color").is_some_and(|c| c.is_true());
    let Some(st) = ansi_style(name) else {
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("unknown style {name:?} (bold, dim, phishing, suspicious, clean)"),
        ));
    };
    Ok(Value::from_safe_string(if color {
        format!("{st}{text}{st:#}")
    } else {
        text
    }))
}

/// `value | short(n)`: at most `n` characters, with an ellipsis when cut (on a char boundary).
fn short(v: Value, max: usize) -> String {
    crate::short(&v.to_string(), max)
}

/// Backslash-escapes what CommonMark/GFM would read as markup, and folds line breaks so an
/// inline value cannot start a heading or list of its own.
///
/// GFM also turns bare `scheme://...` and `www....` text into live links, so a link text or
/// subject reading `https://evil.example/login` would be clickable in the published post even
/// with every URL defanged. The `:` before `//` and the `.` after `www` are escaped: the text
/// renders the same, but the autolink no longer matches.
pub fn md_escape(s: &str) -> String {
    md_escape_with(s, true)
}

/// `value | links`: escaped like every value, but a URL in it stays a live link. Only for the
/// report's own sentences that point the reader at a brand's official page (the advice), never
/// for anything from the mail.
fn md_links(v: Value) -> Value {
    Value::from_safe_string(md_escape_with(&v.to_string(), false))
}

fn md_escape_with(s: &str, break_autolinks: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.char_indices() {
        let rest = s.get(i + c.len_utf8()..).unwrap_or("");
        let before = s.get(..i).unwrap_or("");
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '!' => {
                out.push('\\');
                out.push(c);
            }
            ':' if break_autolinks && rest.starts_with("//") => out.push_str("\\:"),
            '.' if break_autolinks
                && before.len() >= 3
                && before
                    .get(before.len() - 3..)
                    .is_some_and(|w| w.eq_ignore_ascii_case("www")) =>
            {
                out.push_str("\\.")
            }
            '\r' | '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// The longest run of backticks in `s`: a code span or fence must be longer to contain it.
fn longest_backtick_run(s: &str) -> usize {
    let (mut best, mut cur) = (0usize, 0usize);
    for c in s.chars() {
        if c == '`' {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// An inline code span: nothing inside is interpreted, so URLs and header lines stay literal
/// and unclickable.
fn md_code(v: Value) -> Value {
    let s = v.to_string().replace(['\r', '\n'], " ");
    let fence = "`".repeat(longest_backtick_run(&s) + 1);
    // A span that begins or ends with a backtick needs a space so the fence stays separate.
    let pad = if s.starts_with('`') || s.ends_with('`') || s.is_empty() {
        " "
    } else {
        ""
    };
    Value::from_safe_string(format!("{fence}{pad}{s}{pad}{fence}"))
}

/// A fenced code block, its fence longer than any backtick run inside.
fn md_block(v: Value) -> Value {
    let s = v.to_string();
    let fence = "`".repeat((longest_backtick_run(&s) + 1).max(3));
    Value::from_safe_string(format!("{fence}text\n{}\n{fence}", s.trim_end()))
}

/// A block quote of escaped lines (the quoted mail body).
fn md_quote(v: Value) -> Value {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len() + 64);
    for line in s.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            out.push_str(">\n");
        } else {
            out.push_str("> ");
            out.push_str(&md_escape(line));
            out.push('\n');
        }
    }
    Value::from_safe_string(out.trim_end().to_string())
}

/// The environment with the shipped template for `kind` and `lang`, compiled on first use.
fn shipped_environment(
    kind: Kind,
    lang: Lang,
) -> Result<&'static Environment<'static>, &'static String> {
    static ENVS: [std::sync::OnceLock<Result<Environment<'static>, String>>; 6] =
        [const { std::sync::OnceLock::new() }; 6];
    let slot = match (kind, lang) {
        (Kind::Markdown, Lang::Ja) => 0,
        (Kind::Markdown, Lang::En) => 1,
        (Kind::Html, Lang::Ja) => 2,
        (Kind::Html, Lang::En) => 3,
        (Kind::Text, Lang::Ja) => 4,
        (Kind::Text, Lang::En) => 5,
    };
    let name = kind.template_name();
    ENVS[slot]
        .get_or_init(|| {
            let mut env = environment(kind);
            env.add_template(name, shipped(kind, lang))
                .map_err(|e| format!("template: {e:#}"))?;
            Ok(env)
        })
        .as_ref()
}

fn environment(kind: Kind) -> Environment<'static> {
    let mut env = Environment::new();
    // Block tags on their own lines leave no blank lines behind: templates stay readable.
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else if name.ends_with(".md") {
            AutoEscape::Custom(MARKDOWN.into())
        } else if name.ends_with(".txt") {
            AutoEscape::Custom(TEXT_ESCAPE.into())
        } else {
            AutoEscape::None
        }
    });
    env.set_formatter(|out, state, value| {
        // `none` prints as nothing in every format: optional fields are common.
        if value.is_none() || value.is_undefined() {
            return Ok(());
        }
        match state.auto_escape() {
            AutoEscape::Custom(name) if name == MARKDOWN => {
                let s = if value.is_safe() {
                    value.to_string()
                } else {
                    md_escape(&value.to_string())
                };
                out.write_str(&s)
                    .map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write"))
            }
            AutoEscape::Custom(name) if name == TEXT_ESCAPE => {
                let s = if value.is_safe() {
                    value.to_string()
                } else {
                    text_escape(&value.to_string())
                };
                out.write_str(&s)
                    .map_err(|_| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write"))
            }
            _ => minijinja::escape_formatter(out, state, value),
        }
    });
    match kind {
        Kind::Markdown => {
            env.add_filter("code", md_code);
            env.add_filter("block", md_block);
            env.add_filter("quote", md_quote);
            env.add_filter("links", md_links);
        }
        Kind::Text => env.add_filter("style", style),
        Kind::Html => {}
    }
    env.add_filter("short", short);
    env
}

/// Renders a report with the shipped template of `kind` (or `opts.template`), passing `extra`
/// values (already safe, e.g. the map SVG) to the template as well.
pub fn render(
    kind: Kind,
    report: &Report,
    opts: &RenderOptions,
    extra: Vec<(&'static str, Value)>,
) -> Result<String, RenderError> {
    let name = kind.template_name();
    // The shipped templates are compiled once per process (triage renders two analyses per new
    // campaign; compiling each time cost as much as an analysis). A user's template is compiled
    // for the call, registered under the shipped name so it gets the same escaping.
    let owned;
    let env: &Environment<'static> = match &opts.template {
        None => shipped_environment(kind, opts.lang).map_err(|e| RenderError(e.clone()))?,
        Some(source) => {
            let mut env = environment(kind);
            env.add_template_owned(name, source.clone())?;
            owned = env;
            &owned
        }
    };
    let lang = match opts.lang {
        Lang::Ja => "ja",
        Lang::En => "en",
    };
    let mut ctx: Vec<(&'static str, Value)> = vec![
        ("r", Value::from(Serde(report))),
        ("lang", Value::from(lang)),
        ("defang", Value::from(opts.defang)),
        ("color", Value::from(opts.color && kind == Kind::Text)),
    ];
    ctx.extend(extra);
    let ctx: std::collections::BTreeMap<&str, Value> = ctx.into_iter().collect();
    let out = env.get_template(name)?.render(Value::from(ctx))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escape_neutralises_links_images_and_html() {
        assert_eq!(
            md_escape("[click](javascript:x) ![i](http://a/) <script>"),
            "\\[click\\](javascript:x) \\!\\[i\\](http\\://a/) \\<script\\>"
        );
        assert_eq!(md_escape("a\n# b"), "a \\# b");
        // GFM autolinks are broken without changing the rendered text.
        assert_eq!(
            md_escape("see https://evil.example/x or WWW.evil.example, www"),
            "see https\\://evil.example/x or WWW\\.evil.example, www"
        );
        assert_eq!(md_escape("日本語www.例え.jp"), "日本語www\\.例え.jp");
    }

    #[test]
    fn text_escape_shows_controls_and_bidi_overrides() {
        assert_eq!(
            text_escape("a\u{1b}[2J\u{9b}1m\u{7}\r\tb\nc\u{202e}d\u{2066}"),
            "a\\u{1b}[2J\\u{9b}1m\\u{7}\\u{d}\tb\nc\\u{202e}d\\u{2066}"
        );
        assert_eq!(text_escape("日本語 ok"), "日本語 ok");
    }

    #[test]
    fn code_spans_outgrow_backticks_inside() {
        assert_eq!(md_code(Value::from("a`b")).to_string(), "``a`b``");
        assert_eq!(md_code(Value::from("`x")).to_string(), "`` `x ``");
        assert_eq!(
            md_block(Value::from("```x")).to_string(),
            "````text\n```x\n````"
        );
    }
}
