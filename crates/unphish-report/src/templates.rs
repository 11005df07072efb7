//! Report templates: the words and layout of the Markdown and HTML reports are data
//! (minijinja templates under `templates/`), compiled into the binary and replaceable with
//! `--template FILE`.
//!
//! Everything a template prints from the report is escaped for its format unless a filter below
//! marks it safe, because nearly every string in the report came from the attacker: HTML output
//! uses minijinja's HTML escaping, Markdown output backslash-escapes the characters that would
//! start markup (links, images, raw HTML, emphasis) so a display name cannot inject a link into a
//! published post.

use crate::model::Report;
use crate::text::Lang;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

/// The formats rendered from templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Markdown,
    Html,
}

/// Choices that change how a report is laid out, not what it says.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub lang: Lang,
    /// Print attacker URLs, hosts and IPs defanged (`hxxps://`, `example[.]com`).
    pub defang: bool,
    /// A template source replacing the shipped one.
    pub template: Option<String>,
}

impl RenderOptions {
    pub fn new(lang: Lang) -> Self {
        RenderOptions {
            lang,
            defang: true,
            template: None,
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

/// The shipped template for a format and language (what `--template` replaces).
pub fn shipped(kind: Kind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (Kind::Markdown, Lang::Ja) => MD_JA,
        (Kind::Markdown, Lang::En) => MD_EN,
        (Kind::Html, _) => HTML,
    }
}

const MARKDOWN: &str = "markdown";

/// Backslash-escapes what CommonMark/GFM would read as markup, and folds line breaks so an
/// inline value cannot start a heading or list of its own.
pub fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '!' => {
                out.push('\\');
                out.push(c);
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
    static ENVS: [std::sync::OnceLock<Result<Environment<'static>, String>>; 4] =
        [const { std::sync::OnceLock::new() }; 4];
    let slot = match (kind, lang) {
        (Kind::Markdown, Lang::Ja) => 0,
        (Kind::Markdown, Lang::En) => 1,
        (Kind::Html, Lang::Ja) => 2,
        (Kind::Html, Lang::En) => 3,
    };
    let name = match kind {
        Kind::Markdown => "report.md",
        Kind::Html => "report.html",
    };
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
            _ => minijinja::escape_formatter(out, state, value),
        }
    });
    if kind == Kind::Markdown {
        env.add_filter("code", md_code);
        env.add_filter("block", md_block);
        env.add_filter("quote", md_quote);
    }
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
    let name = match kind {
        Kind::Markdown => "report.md",
        Kind::Html => "report.html",
    };
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
            "\\[click\\](javascript:x) \\!\\[i\\](http://a/) \\<script\\>"
        );
        assert_eq!(md_escape("a\n# b"), "a \\# b");
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
