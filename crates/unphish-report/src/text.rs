//! The terminal report: the seed posts in miniature. Verdict first, then the reasons with their
//! evidence, then where it came from, who it claims to be, and where the links go.
//!
//! Styling uses ANSI codes through `anstyle`; the caller's stream (anstream) strips them when the
//! output is not a terminal or `NO_COLOR` is set. Attacker indicators are printed defanged.

use crate::model::{Bilingual, Report};
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};

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

struct L {
    lang: Lang,
}

impl L {
    fn t<'a>(&self, en: &'a str, ja: &'a str) -> &'a str {
        match self.lang {
            Lang::En => en,
            Lang::Ja => ja,
        }
    }
}

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

fn level_style(level: &str) -> Style {
    match level {
        "phishing" => Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
        "suspicious" => Style::new().bold().fg_color(Some(AnsiColor::Yellow.into())),
        _ => Style::new().bold().fg_color(Some(AnsiColor::Green.into())),
    }
}

/// Writes the report as text.
///
/// Every string from the mail may carry terminal control sequences (an ESC that moves the cursor,
/// rewrites the title or hides text). The report is rendered to a buffer first, then every control
/// character is made visible except the report's own style codes, so a mail cannot drive the
/// reader's terminal.
pub fn render(r: &Report, lang: Lang, w: &mut dyn Write) -> io::Result<()> {
    let mut buf = Vec::with_capacity(8192);
    render_raw(r, lang, &mut buf)?;
    w.write_all(neutralise_controls(&String::from_utf8_lossy(&buf)).as_bytes())
}

/// The style sequences this renderer writes itself (and their resets).
fn own_styles() -> Vec<String> {
    let mut v = Vec::new();
    for st in [
        BOLD,
        DIM,
        level_style("phishing"),
        level_style("suspicious"),
        level_style("clean"),
    ] {
        v.push(format!("{st}"));
        v.push(format!("{st:#}"));
    }
    v.retain(|s| !s.is_empty());
    v.sort_by_key(|s| std::cmp::Reverse(s.len()));
    v
}

/// Keeps the renderer's own style sequences; shows every other C0/C1 control as `\u{..}` text.
pub fn neutralise_controls(s: &str) -> String {
    let styles = own_styles();
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}' {
            if let Some(st) = styles.iter().find(|st| rest.starts_with(st.as_str())) {
                out.push_str(st);
                rest = &rest[st.len()..];
                continue;
            }
        }
        if (c.is_control() && c != '\n' && c != '\t') || c == '\u{2028}' || c == '\u{2029}' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn render_raw(r: &Report, lang: Lang, w: &mut dyn Write) -> io::Result<()> {
    let l = L { lang };
    let st = level_style(r.verdict.level);
    if let Some(f) = &r.file {
        writeln!(w, "{DIM}== {f}{DIM:#}")?;
    }
    let verdict_word = match (r.verdict.level, lang) {
        ("phishing", Lang::Ja) => "詐欺メール",
        ("suspicious", Lang::Ja) => "不審なメール",
        ("clean", Lang::Ja) => "問題なし",
        ("phishing", _) => "PHISHING",
        ("suspicious", _) => "SUSPICIOUS",
        _ => "CLEAN",
    };
    writeln!(
        w,
        "{st}{verdict_word}{st:#}  {}  ({} {:.1})",
        lang.pick(&r.verdict.headline),
        l.t("score", "スコア"),
        r.verdict.score
    )?;
    writeln!(w)?;
    if let Some(s) = &r.subject {
        writeln!(w, "{BOLD}{}{BOLD:#} {s}", l.t("Subject:", "件名:"))?;
    }
    if let Some(f) = &r.sender.from {
        let shown = match (&f.display_name, &f.address) {
            (Some(n), Some(a)) => format!("\"{n}\" <{a}>"),
            (None, Some(a)) => format!("<{a}>"),
            _ => f.raw.trim_start_matches("From:").trim().to_string(),
        };
        writeln!(w, "{BOLD}{}{BOLD:#} {shown}", l.t("From:", "差出人:"))?;
    }
    if !r.findings.is_empty() {
        writeln!(w)?;
        writeln!(w, "{BOLD}{}{BOLD:#}", l.t("Why", "判断の理由"))?;
        for (i, f) in r.findings.iter().enumerate() {
            let sign = if f.weight < 0.0 { "−" } else { "•" };
            writeln!(
                w,
                " {sign} {}  {DIM}[{} {:+.1}]{DIM:#}",
                lang.pick(&f.title),
                f.id,
                f.weight
            )?;
            writeln!(w, "   {}", lang.pick(&f.explanation))?;
            for e in &f.evidence {
                let at = match e.kind.as_str() {
                    "header" => String::new(),
                    "part" => format!("{} ", l.t("body:", "本文:")),
                    "link" => format!("{} ", l.t("link:", "リンク:")),
                    _ => format!("{} ", l.t("attachment:", "添付:")),
                };
                writeln!(
                    w,
                    "   {DIM}{}{DIM:#} {at}{}",
                    l.t("evidence ›", "根拠 ›"),
                    e.quote_defanged
                )?;
            }
            if i + 1 < r.findings.len() {
                writeln!(w)?;
            }
        }
    }
    if !r.impersonation.is_empty() {
        writeln!(w)?;
        writeln!(
            w,
            "{BOLD}{}{BOLD:#}",
            l.t("Impersonated", "なりすまされた相手")
        )?;
        for i in &r.impersonation {
            writeln!(
                w,
                " • {} ({})  {DIM}{}{DIM:#}",
                lang.pick(&i.name),
                i.brand,
                i.fields.join(", ")
            )?;
            if !i.legitimate_domains.is_empty() {
                writeln!(
                    w,
                    "   {} {}",
                    l.t("real domains:", "本物のドメイン:"),
                    i.legitimate_domains.join(", ")
                )?;
            }
        }
    }
    if let Some(o) = &r.origin {
        writeln!(w)?;
        writeln!(
            w,
            "{BOLD}{}{BOLD:#}",
            l.t("Where it really came from", "本当の送信元")
        )?;
        writeln!(
            w,
            " {} {}  {}",
            o.ip_defanged.as_deref().unwrap_or("?"),
            o.rdns
                .as_deref()
                .map(crate::mask::defang_host)
                .unwrap_or_default(),
            lang.pick(&o.description)
        )?;
        let asn = o.asn.map(|a| format!("AS{a}")).unwrap_or_default();
        let place = [o.country.clone(), o.city.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" / ");
        writeln!(w, " {asn} {}  {place}", o.as_org.as_deref().unwrap_or(""))?;
        if let Some(h) = &o.helo {
            writeln!(w, " HELO {h}")?;
        }
        writeln!(
            w,
            " {DIM}{}{DIM:#}",
            crate::build_defang_line(&o.received, o)
        )?;
        writeln!(w, " {}", lang.pick(&o.why))?;
        writeln!(
            w,
            " {DIM}{} {}{DIM:#}",
            r.hops.len(),
            l.t("Received hops in the header", "件の Received ヘッダー")
        )?;
    }
    if !r.authentication.is_empty() {
        writeln!(w)?;
        writeln!(
            w,
            "{BOLD}{}{BOLD:#}",
            l.t(
                "Authentication (as recorded by the receiving side)",
                "認証結果(受信側の記録)"
            )
        )?;
        let mut line = Vec::new();
        for a in r.authentication.iter().take(8) {
            line.push(format!("{}={}", a.method, a.result));
        }
        writeln!(w, " {}", line.join("  "))?;
    }
    if !r.links.is_empty() {
        writeln!(w)?;
        writeln!(w, "{BOLD}{}{BOLD:#}", l.t("Links", "リンク"))?;
        for k in r.links.iter().take(20) {
            let text = k
                .text
                .as_deref()
                .filter(|t| !t.is_empty())
                .map(|t| format!("「{}」 → ", crate::short(t, 60)))
                .unwrap_or_default();
            let flag = if k.findings.is_empty() {
                String::new()
            } else {
                format!("  {DIM}[{}]{DIM:#}", k.findings.join(", "))
            };
            writeln!(w, " • {text}{}{flag}", k.url_defanged)?;
        }
        if r.links.len() > 20 {
            writeln!(w, " … {} {}", r.links.len() - 20, l.t("more", "件省略"))?;
        }
    }
    if !r.attachments.is_empty() {
        writeln!(w)?;
        writeln!(w, "{BOLD}{}{BOLD:#}", l.t("Attachments", "添付ファイル"))?;
        for a in &r.attachments {
            writeln!(
                w,
                " • {} ({} bytes) sha256 {}",
                a.name.as_deref().unwrap_or("-"),
                a.size,
                a.sha256
            )?;
        }
    }
    if !r.advice.is_empty() {
        writeln!(w)?;
        writeln!(
            w,
            "{BOLD}{}{BOLD:#}",
            l.t("If you already clicked", "もしクリックしてしまったら")
        )?;
        for a in &r.advice {
            writeln!(w, " • {}", lang.pick(a))?;
        }
    }
    if !r.defects.is_empty() {
        writeln!(w)?;
        writeln!(
            w,
            "{BOLD}{}{BOLD:#}",
            l.t("Problems with the message itself", "メール自体の不備")
        )?;
        for d in &r.defects {
            writeln!(w, " • {} {DIM}({}){DIM:#}", d.detail, d.code)?;
        }
    }
    for n in &r.nested {
        writeln!(w)?;
        writeln!(
            w,
            "{BOLD}{}{BOLD:#}",
            l.t("Attached message", "添付されたメール")
        )?;
        render_raw(n, lang, w)?;
    }
    writeln!(w)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_escape_sequences_are_shown_not_obeyed() {
        let own = format!("{BOLD}title{BOLD:#}");
        let evil = "subject\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\r";
        let out = neutralise_controls(&format!("{own} {evil}\n"));
        assert!(out.starts_with(&own), "own styles survive: {out:?}");
        assert!(!out[own.len()..].contains('\u{1b}'), "{out:?}");
        assert!(
            !out.contains('\u{9b}') && !out.contains('\u{7}') && !out.contains('\r'),
            "{out:?}"
        );
        assert!(
            out.contains("\\u{1b}]0;pwned") && out.ends_with('\n'),
            "{out:?}"
        );
    }
}
