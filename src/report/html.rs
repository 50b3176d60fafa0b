//! A self-contained HTML page for reviewers (often legal or compliance, not
//! programmers): totals and a chart by category, then each file's copy with every
//! claim highlighted and explained, filters by severity and category, and print
//! styles that turn the explanations into footnotes.
//!
//! The page must be safe to open whatever the copy says: every piece of text from
//! the copy, a path or a rule pack goes through [`esc`] (text and attributes
//! alike), the script only moves existing DOM nodes and never parses strings as
//! HTML, and a Content-Security-Policy forbids any network access.
//!
//! Findings are numbered 1..=N in report order; finding N is the `<mark id="f-N">`
//! in the copy and the explanation `<li id="note-N">` under it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};

use super::{ReportInput, RuleInfo};
use crate::diagnostic::{Category, Diagnostic, Severity, floor_char_boundary};

/// Highlights longer than this many characters (a whole-document finding, say)
/// are underlined rather than filled, so they do not drown the copy.
const LONG_HIGHLIGHT: usize = 240;

pub fn render(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    let page = Page::new(input);
    out.write_all(page.render().as_bytes())
}

struct Page<'a> {
    input: &'a ReportInput<'a>,
    rules: HashMap<&'a str, &'a RuleInfo>,
    /// Findings grouped by file, each with its 1-based number.
    files: Vec<(&'a str, Vec<(usize, &'a Diagnostic)>)>,
}

impl<'a> Page<'a> {
    fn new(input: &'a ReportInput<'a>) -> Self {
        let rules = input.rules.iter().map(|r| (r.id.as_str(), r)).collect();
        let mut files: Vec<(&str, Vec<(usize, &Diagnostic)>)> = Vec::new();
        for (i, d) in input.diagnostics.iter().enumerate() {
            match files.last_mut() {
                Some((path, list)) if *path == d.path.as_str() => list.push((i + 1, d)),
                _ => files.push((&d.path, vec![(i + 1, d)])),
            }
        }
        Page {
            input,
            rules,
            files,
        }
    }

    fn render(&self) -> String {
        let super::Totals {
            errors,
            warnings,
            infos,
            ..
        } = self.input.totals();
        let active = errors + warnings + infos;
        let mut html = String::with_capacity(16 * 1024);
        let title = format!(
            "claimlint report: {}",
            plural(active, "finding", "findings")
        );
        let _ = write!(
            html,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; \
             base-uri 'none'; form-action 'none'\">\n\
             <meta name=\"referrer\" content=\"no-referrer\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"claimlint {}\">\n\
             <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
            env!("CARGO_PKG_VERSION"),
            esc(&title)
        );
        self.header(&mut html, errors, warnings, infos);
        if !self.input.diagnostics.is_empty() {
            self.filters(&mut html);
            self.summary(&mut html);
            html.push_str("<main>\n");
            for (index, (path, findings)) in self.files.iter().enumerate() {
                self.file(&mut html, index + 1, path, findings);
            }
            html.push_str("</main>\n");
        }
        html.push_str(
            "<div id=\"card\" class=\"card\" role=\"dialog\" aria-label=\"Finding details\" hidden>\
             <button type=\"button\" class=\"card-close\" aria-label=\"Close\">\u{d7}</button>\
             <ul class=\"card-body\"></ul></div>\n",
        );
        let _ = write!(html, "<script>{JS}</script>\n</body>\n</html>\n");
        html
    }

    fn header(&self, html: &mut String, errors: usize, warnings: usize, infos: usize) {
        let input = self.input;
        let active = errors + warnings + infos;
        let waived = input.diagnostics.len() - active;
        let with_findings: BTreeSet<&str> = input.active().map(|d| d.path.as_str()).collect();
        let _ = write!(
            html,
            "<header class=\"top\">\n<div class=\"intro\">\n<h1>Marketing claims review</h1>\n\
             <p class=\"meta\">{} checked by claimlint {}; {} with findings.</p>\n",
            plural(input.files, "file", "files"),
            env!("CARGO_PKG_VERSION"),
            plural(with_findings.len(), "file", "files"),
        );
        if active == 0 {
            html.push_str("<p class=\"clean\">No findings: nothing in the checked copy needs a closer look.</p>\n");
        } else {
            let _ = writeln!(
                html,
                "<p class=\"totals\"><span class=\"total\">{}</span>\
                 <span class=\"chip sev-error\">{}</span>\
                 <span class=\"chip sev-warning\">{}</span>\
                 <span class=\"chip sev-info\">{}</span></p>",
                plural(active, "finding", "findings"),
                plural(errors, "error", "errors"),
                plural(warnings, "warning", "warnings"),
                plural(infos, "info", "info"),
            );
        }
        if waived > 0 {
            let _ = writeln!(
                html,
                "<p class=\"meta\">{} waived by suppression comments<span class=\"no-print\"> \
                 (hidden: tick \u{201c}show waived findings\u{201d} to see them)</span>.</p>",
                plural(waived, "finding was", "findings were")
            );
        }
        html.push_str(
            "<p class=\"howto no-print\">Highlighted passages are claims that may need evidence, \
             a condition stated next to them, or a rewrite. Hover over or select a highlight \
             to see why; the numbered notes under each file say the same in full.</p>\n</div>\n",
        );
        if active > 0 {
            self.chart(html);
        }
        html.push_str("</header>\n");
    }

    /// A horizontal bar a category, stacked by severity.
    fn chart(&self, html: &mut String) {
        let mut counts: BTreeMap<Category, [usize; 3]> = BTreeMap::new();
        for d in self.input.active() {
            counts.entry(d.category).or_default()[slot(d.severity)] += 1;
        }
        let mut rows: Vec<(Category, [usize; 3])> = counts.into_iter().collect();
        rows.sort_by_key(|(c, n)| (std::cmp::Reverse(n.iter().sum::<usize>()), *c));
        let max = rows
            .iter()
            .map(|(_, n)| n.iter().sum::<usize>())
            .max()
            .unwrap_or(1)
            .max(1);
        const ROW: usize = 24;
        const LABEL: f64 = 140.0;
        const BAR: f64 = 220.0;
        let height = rows.len() * ROW + 8;
        let _ = write!(
            html,
            "<figure class=\"chart\">\n<svg viewBox=\"0 0 420 {height}\" width=\"420\" height=\"{height}\" \
             role=\"img\" aria-labelledby=\"chart-title\">\n<title id=\"chart-title\">Findings by category</title>\n"
        );
        for (row, (category, n)) in rows.iter().enumerate() {
            let y = row * ROW + 4;
            let _ = write!(
                html,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>",
                LABEL - 8.0,
                y + 15,
                esc(category.as_str())
            );
            let mut x = LABEL;
            for (i, severity) in ["error", "warning", "info"].iter().enumerate() {
                if n[i] == 0 {
                    continue;
                }
                let w = BAR * n[i] as f64 / max as f64;
                let _ = write!(
                    html,
                    "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" class=\"bar sev-{severity}\">\
                     <title>{} {severity}</title></rect>",
                    n[i]
                );
                x += w;
            }
            let _ = writeln!(
                html,
                "<text x=\"{:.1}\" y=\"{}\" class=\"count\">{}</text>",
                x + 6.0,
                y + 15,
                n.iter().sum::<usize>()
            );
        }
        html.push_str("</svg>\n<figcaption>Findings by category (red: error, amber: warning, blue: info)</figcaption>\n</figure>\n");
    }

    fn filters(&self, html: &mut String) {
        let mut severities = [0usize; 3];
        let mut categories: BTreeMap<Category, usize> = BTreeMap::new();
        let mut waived = 0;
        for d in self.input.diagnostics {
            if d.suppressed.is_some() {
                waived += 1;
            }
            severities[slot(d.severity)] += 1;
            *categories.entry(d.category).or_default() += 1;
        }
        html.push_str(
            "<form id=\"filters\" class=\"filters no-print\" hidden>\n\
             <fieldset><legend>Severity</legend>",
        );
        for (i, severity) in ["error", "warning", "info"].iter().enumerate() {
            if severities[i] > 0 {
                let _ = write!(
                    html,
                    "<label class=\"sev-{severity}\"><input type=\"checkbox\" data-filter=\"severity\" \
                     value=\"{severity}\" checked> {severity} ({})</label>",
                    severities[i]
                );
            }
        }
        html.push_str("</fieldset>\n<fieldset><legend>Category</legend>");
        for (category, n) in &categories {
            let _ = write!(
                html,
                "<label><input type=\"checkbox\" data-filter=\"category\" value=\"{0}\" checked> {0} ({n})</label>",
                esc(category.as_str())
            );
        }
        html.push_str("</fieldset>\n");
        if waived > 0 {
            let _ = writeln!(
                html,
                "<fieldset><legend>Waived</legend><label><input type=\"checkbox\" id=\"show-waived\"> \
                 show waived findings ({waived})</label></fieldset>"
            );
        }
        html.push_str("<p id=\"showing\" class=\"showing\" aria-live=\"polite\"></p>\n</form>\n");
    }

    fn summary(&self, html: &mut String) {
        html.push_str("<nav class=\"summary\" aria-labelledby=\"summary-title\">\n<h2 id=\"summary-title\">All findings</h2>\n<ol>\n");
        for (_, findings) in &self.files {
            for &(n, d) in findings {
                let _ = writeln!(
                    html,
                    "<li {}><a href=\"#f-{n}\"><span class=\"num\">{n}</span> <span class=\"where\">{}:{}:{}</span></a> \
                     <span class=\"badge sev-{}\">{}</span> <code class=\"rule\">{}</code> {}</li>",
                    item_attributes(n, d, "item"),
                    esc(&d.path),
                    d.start.line,
                    d.start.column,
                    d.severity,
                    d.severity,
                    esc(&d.rule),
                    esc(&d.message)
                );
            }
        }
        html.push_str("</ol>\n</nav>\n");
    }

    fn file(&self, html: &mut String, index: usize, path: &str, findings: &[(usize, &Diagnostic)]) {
        let active = findings
            .iter()
            .filter(|(_, d)| d.suppressed.is_none())
            .count();
        let _ = write!(
            html,
            "<section class=\"file\" id=\"file-{index}\" aria-labelledby=\"file-{index}-title\">\n\
             <h2 id=\"file-{index}-title\"><span class=\"path\">{}</span> \
             <span class=\"file-count\">{}</span></h2>\n",
            esc(path),
            plural(active, "finding", "findings")
        );
        let source = self.input.sources.get(path);
        match source {
            Some(text) => {
                html.push_str("<pre class=\"copy\">");
                copy(html, text, findings);
                html.push_str("</pre>\n");
            }
            None => html.push_str(
                "<p class=\"no-source\">The text of this file is not part of the report; \
                 the notes below give each claim and its position.</p>\n",
            ),
        }
        html.push_str("<ol class=\"notes\">\n");
        for &(n, d) in findings {
            self.note(html, n, d, source.is_none());
        }
        html.push_str("</ol>\n</section>\n");
    }

    fn note(&self, html: &mut String, n: usize, d: &Diagnostic, anchor: bool) {
        let _ = writeln!(
            html,
            "<li {} id=\"note-{n}\">{}<div class=\"note-head\"><a class=\"num\" href=\"#f-{n}\" \
             title=\"Show in the copy\">{n}</a> <span class=\"badge sev-{}\">{}</span> \
             <code class=\"rule\">{}</code> <span class=\"cat\">{}</span> \
             <span class=\"loc\">line {}, column {}</span></div>",
            item_attributes(n, d, "note"),
            if anchor {
                format!("<span class=\"anchor\" id=\"f-{n}\"></span>")
            } else {
                String::new()
            },
            d.severity,
            d.severity,
            esc(&d.rule),
            esc(d.category.as_str()),
            d.start.line,
            d.start.column,
        );
        if !d.matched.is_empty() {
            let _ = writeln!(
                html,
                "<p class=\"claim\">\u{201c}{}\u{201d}</p>",
                esc(&d.matched)
            );
        }
        let _ = writeln!(html, "<p class=\"msg\">{}</p>", esc(&d.message));
        if !d.help.trim().is_empty() {
            let _ = writeln!(
                html,
                "<p class=\"help\"><strong>How to fix:</strong> {}</p>",
                esc(&d.help)
            );
        }
        if let Some(rule) = self.rules.get(d.rule.as_str())
            && !rule.description.trim().is_empty()
        {
            let _ = writeln!(
                html,
                "<p class=\"why\"><strong>Why it matters:</strong> {}</p>",
                esc(rule.description.trim())
            );
        }
        if !d.references.is_empty() {
            let refs: Vec<String> = d.references.iter().map(|r| esc(r)).collect();
            let _ = writeln!(
                html,
                "<p class=\"refs\"><strong>Citation:</strong> {}</p>",
                refs.join("; ")
            );
        }
        for label in &d.labels {
            let _ = writeln!(
                html,
                "<p class=\"related-note\"><strong>See also line {}:</strong> {}</p>",
                label.start.line,
                esc(&label.text)
            );
        }
        if let Some(s) = &d.suppressed {
            let reason = match s.justification.trim() {
                "" => "no reason given".to_string(),
                reason => esc(reason),
            };
            let _ = writeln!(
                html,
                "<p class=\"waiver\"><strong>Waived by a suppression comment:</strong> {reason}</p>"
            );
        }
        html.push_str("</li>\n");
    }
}

/// The attributes that the filters read, shared by marks, summary items and notes.
fn item_attributes(n: usize, d: &Diagnostic, class: &str) -> String {
    let waived = d.suppressed.is_some();
    format!(
        "class=\"{class} sev-{}{}\" data-n=\"{n}\" data-severity=\"{}\" data-category=\"{}\" \
         data-rule=\"{}\"{}",
        d.severity,
        if waived { " waived off" } else { "" },
        d.severity,
        esc(d.category.as_str()),
        esc(&d.rule),
        if waived { " data-waived=\"true\"" } else { "" }
    )
}

/// One highlighted range in the copy: a finding, or a related place of one.
struct Highlight<'a> {
    start: usize,
    end: usize,
    n: usize,
    diagnostic: &'a Diagnostic,
    related: bool,
}

/// Writes the file's text with a `<mark>` a finding.
///
/// Highlights must nest to be valid HTML. Sorted by start (longest first), each
/// highlight opens inside those still open; one that would outlive the
/// highlight it starts in is shortened to end with it, so every finding keeps
/// exactly one element and its start. The page shows every finding at a point
/// (the innermost and the ones around it) when that point is hovered.
fn copy(html: &mut String, text: &str, findings: &[(usize, &Diagnostic)]) {
    let clamp = |i: usize| floor_char_boundary(text, i.min(text.len()));
    let mut highlights: Vec<Highlight<'_>> = Vec::new();
    for &(n, d) in findings {
        let start = clamp(d.span.start);
        highlights.push(Highlight {
            start,
            end: clamp(d.span.end).max(start),
            n,
            diagnostic: d,
            related: false,
        });
        for label in &d.labels {
            let start = clamp(label.span.start);
            highlights.push(Highlight {
                start,
                end: clamp(label.span.end).max(start),
                n,
                diagnostic: d,
                related: true,
            });
        }
    }
    highlights.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end), h.related, h.n));

    let mut writer = CopyWriter {
        html,
        text,
        pos: 0,
        line: 1,
    };
    writer.line_number();
    let mut open: Vec<usize> = Vec::new();
    for h in &highlights {
        while let Some(&end) = open.last() {
            if end > h.start {
                break;
            }
            writer.text_to(end);
            writer.html.push_str("</mark>");
            open.pop();
        }
        writer.text_to(h.start);
        let end = open.last().map_or(h.end, |&outer| h.end.min(outer));
        writer.open(h, end);
        if end == h.start {
            writer.html.push_str("</mark>");
        } else {
            open.push(end);
        }
    }
    while let Some(end) = open.pop() {
        writer.text_to(end);
        writer.html.push_str("</mark>");
    }
    writer.text_to(text.len());
}

struct CopyWriter<'a, 'h> {
    html: &'h mut String,
    text: &'a str,
    pos: usize,
    line: usize,
}

impl CopyWriter<'_, '_> {
    /// Escapes the text up to `end`, numbering each line as it starts.
    fn text_to(&mut self, end: usize) {
        if end <= self.pos {
            return;
        }
        let chunk = &self.text[self.pos..end];
        self.pos = end;
        let mut lines = chunk.split('\n');
        if let Some(first) = lines.next() {
            self.html.push_str(&esc(first));
        }
        for rest in lines {
            self.html.push('\n');
            self.line += 1;
            // The empty "line" after a final newline gets no number.
            if end < self.text.len() || !rest.is_empty() {
                self.line_number();
            }
            self.html.push_str(&esc(rest));
        }
    }

    fn line_number(&mut self) {
        let _ = write!(
            self.html,
            "<span class=\"ln\" data-line=\"{}\" aria-hidden=\"true\"></span>",
            self.line
        );
    }

    fn open(&mut self, h: &Highlight<'_>, end: usize) {
        let d = h.diagnostic;
        if h.related {
            // Same filter attributes as the finding, so both switch off together.
            let _ = write!(
                self.html,
                "<mark {} data-for=\"{}\" title=\"Belongs to finding {}\">",
                item_attributes(h.n, d, "related"),
                h.n,
                h.n
            );
            return;
        }
        let mut extra = String::new();
        if h.end == h.start {
            extra.push_str(" point");
        }
        if self.text[h.start..h.end].chars().count() > LONG_HIGHLIGHT {
            extra.push_str(" long");
        }
        let _ = write!(
            self.html,
            "<mark {} id=\"f-{}\" tabindex=\"0\" aria-describedby=\"note-{}\"{}>",
            item_attributes(h.n, d, &format!("finding{extra}")),
            h.n,
            h.n,
            if end < h.end {
                " data-clipped=\"true\""
            } else {
                ""
            }
        );
    }
}

fn slot(severity: Severity) -> usize {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Escapes text for HTML element content and double- or single-quoted attributes.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root{--error:#b3261e;--error-bg:#fddcd8;--warning:#8a5a00;--warning-bg:#ffe7a6;--info:#1f5fa8;--info-bg:#dbe8fb;--line:#d7d7de;--muted:#5c5c66}
*{box-sizing:border-box}
body{margin:0 auto;max-width:64rem;padding:1.5rem 1.25rem 4rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1d1d22;background:#fff}
h1{font-size:1.6rem;margin:0 0 .25rem}
h2{font-size:1.15rem;margin:2rem 0 .5rem}
.top{display:flex;flex-wrap:wrap;gap:1rem 2rem;align-items:flex-start;justify-content:space-between;border-bottom:2px solid var(--line);padding-bottom:1rem}
.intro{flex:1 1 22rem}
.meta,.howto,.no-source{color:var(--muted);margin:.25rem 0}
.clean{font-size:1.1rem;font-weight:600;color:#1b6b32}
.totals{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.5rem 0}
.total{font-weight:700;font-size:1.1rem;margin-right:.4rem}
.chip,.badge{display:inline-block;border-radius:999px;padding:0 .6rem;font-size:.85rem;font-weight:600;border:1px solid currentColor}
.badge{font-size:.75rem;padding:0 .45rem;text-transform:uppercase;letter-spacing:.03em}
.sev-error.chip,.sev-error.badge{color:var(--error);background:var(--error-bg)}
.sev-warning.chip,.sev-warning.badge{color:var(--warning);background:var(--warning-bg)}
.sev-info.chip,.sev-info.badge{color:var(--info);background:var(--info-bg)}
.chart{margin:0}
.chart svg{max-width:100%;height:auto}
.chart .label{font-size:13px;fill:#1d1d22}
.chart .count{font-size:12px;fill:var(--muted)}
.chart figcaption{font-size:.8rem;color:var(--muted)}
.bar.sev-error{fill:var(--error)}.bar.sev-warning{fill:#d99a00}.bar.sev-info{fill:var(--info)}
.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;margin:1rem 0;padding:.6rem .8rem;background:#f6f6f9;border:1px solid var(--line);border-radius:8px;position:sticky;top:0;z-index:5}
.filters fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.2rem .7rem;align-items:center}
.filters legend{float:left;font-weight:700;margin-right:.4rem;font-size:.85rem;text-transform:uppercase;color:var(--muted)}
.filters label{font-size:.9rem;white-space:nowrap}
.showing{margin:0;font-size:.85rem;color:var(--muted);align-self:center}
.summary ol{padding-left:0;list-style:none;margin:0}
.summary li{padding:.3rem 0;border-bottom:1px solid #eee}
.summary a{color:inherit;font-variant-numeric:tabular-nums;margin-right:.3rem;text-decoration:none}
.summary a:hover .where,.summary a:focus .where{text-decoration:underline}
.num{display:inline-block;min-width:1.6rem;text-align:center;font-size:.75rem;font-weight:700;border-radius:4px;background:#ececf2;color:#333;text-decoration:none}
code.rule{font-size:.85em;background:#f2f2f6;padding:0 .25rem;border-radius:3px}
.file{margin-top:2.5rem}
.file h2{display:flex;gap:.75rem;align-items:baseline;flex-wrap:wrap;border-bottom:1px solid var(--line);padding-bottom:.3rem}
.path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:1rem;word-break:break-all}
.file-count{font-size:.85rem;font-weight:400;color:var(--muted)}
pre.copy{white-space:pre-wrap;overflow-wrap:anywhere;font:17px/1.75 Georgia,"Iowan Old Style","Times New Roman",serif;margin:0;padding:1rem 1.25rem 1rem 3.75rem;background:#fcfcfd;border:1px solid var(--line);border-radius:8px;tab-size:4}
.ln{position:relative}
.ln::before{content:attr(data-line);position:absolute;left:-3.5rem;width:2.6rem;text-align:right;font:12px/2.4 ui-monospace,Menlo,Consolas,monospace;color:#9a9aa5}
mark{color:inherit;background:none}
mark.finding{border-radius:3px;padding:.05em 0;cursor:pointer;-webkit-box-decoration-break:clone;box-decoration-break:clone}
mark.finding::after{content:attr(data-n);font:700 10px/1 system-ui,sans-serif;vertical-align:super;margin-left:1px;padding:0 2px;border-radius:3px;color:#fff}
mark.finding.sev-error{background:var(--error-bg);border-bottom:2px solid var(--error)}
mark.finding.sev-error::after{background:var(--error)}
mark.finding.sev-warning{background:var(--warning-bg);border-bottom:2px dashed #b07800}
mark.finding.sev-warning::after{background:#b07800}
mark.finding.sev-info{background:var(--info-bg);border-bottom:2px dotted var(--info)}
mark.finding.sev-info::after{background:var(--info)}
mark.finding.long{background:none}
mark.finding.point::before{content:"\25B2";font-size:.7em;color:var(--muted)}
mark.finding:focus,mark.finding:target,mark.finding.active{outline:2px solid #3b3bd1;outline-offset:1px}
mark.related{border-bottom:2px dotted var(--muted);background:#eeeef3;cursor:pointer}
mark.related.off{background:none;border-bottom:0;cursor:auto}
mark.finding.waived{background:#ececec;border-bottom:2px solid #aaa;color:#555}
mark.finding.waived::after{background:#888}
mark.finding.off,mark.finding.off.waived{background:none;border-bottom:0;color:inherit;cursor:auto;outline:0}
mark.finding.off::after,mark.finding.off::before{content:none}
li.off{display:none}
.notes{padding-left:0;list-style:none;margin:1rem 0 0}
.note{border-left:4px solid var(--line);padding:.4rem .8rem;margin:.6rem 0;background:#fafafb;break-inside:avoid}
.note.sev-error{border-left-color:var(--error)}.note.sev-warning{border-left-color:#d99a00}.note.sev-info{border-left-color:var(--info)}
.note.waived{opacity:.75}
.note p{margin:.2rem 0}
.note-head{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center}
.cat,.loc{font-size:.8rem;color:var(--muted)}
.claim{font-family:Georgia,serif;font-style:italic}
.msg{font-weight:600}
.refs,.why{font-size:.9rem}
.waiver{color:#444}
.card{position:absolute;z-index:20;width:min(28rem,calc(100vw - 1rem));max-height:70vh;overflow:auto;background:#fff;border:1px solid #b8b8c4;border-radius:8px;box-shadow:0 6px 24px rgba(0,0,0,.18);padding:.5rem .75rem}
.card-body{list-style:none;padding:0;margin:0}
.card .note{margin:.3rem 0}
.card-close{float:right;border:0;background:none;font-size:1.3rem;line-height:1;cursor:pointer;color:var(--muted)}
.card:not(.pinned) .card-close{display:none}
@media (max-width:40rem){pre.copy{padding-left:2.75rem}.ln::before{left:-2.6rem;width:2rem}}
@media print{
 body{max-width:none;padding:0;font-size:10.5pt}
 .no-print,.filters,.card{display:none!important}
 .summary li{break-inside:avoid}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 .top{border-bottom:1px solid #999}
 pre.copy{border:0;padding-right:0;font-size:11pt;background:none}
 .file{break-before:page}
 .file h2{break-after:avoid}
 mark.finding{outline:0!important}
 a{color:inherit;text-decoration:none}
}
"#;

const JS: &str = r#"
(function () {
  'use strict';
  var card = document.getElementById('card');
  var body = card.querySelector('.card-body');
  var pinned = null;
  var hideTimer = 0;
  var active = [];

  function visibleFinding(el) {
    var m = el && el.closest ? el.closest('mark.finding') : null;
    // A related place (a footnote, say) stands for its finding.
    var related = el && el.closest ? el.closest('mark.related') : null;
    if (!m && related) m = document.getElementById('f-' + related.getAttribute('data-for'));
    while (m && m.classList.contains('off')) {
      m = m.parentElement ? m.parentElement.closest('mark.finding') : null;
    }
    return m;
  }

  // The finding under the pointer and every visible finding around it.
  function stack(m) {
    var list = [];
    for (var e = m; e; e = e.parentElement ? e.parentElement.closest('mark.finding') : null) {
      if (!e.classList.contains('off')) list.push(e);
    }
    return list;
  }

  function show(m, pin, anchor) {
    clearTimeout(hideTimer);
    active.forEach(function (e) { e.classList.remove('active'); });
    active = stack(m);
    body.textContent = '';
    active.forEach(function (e) {
      e.classList.add('active');
      var note = document.getElementById('note-' + e.getAttribute('data-n'));
      if (!note) return;
      var copy = note.cloneNode(true);
      copy.removeAttribute('id');
      copy.classList.remove('off');
      Array.prototype.forEach.call(copy.querySelectorAll('[id]'), function (x) { x.removeAttribute('id'); });
      body.appendChild(copy);
    });
    pinned = pin ? m : null;
    card.classList.toggle('pinned', !!pin);
    card.hidden = false;
    var at = anchor || m;
    var rects = at.getClientRects();
    var r = rects.length ? rects[0] : at.getBoundingClientRect();
    var width = card.offsetWidth;
    var left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - width - 8));
    var top = window.scrollY + r.bottom + 6;
    if (r.bottom + card.offsetHeight + 12 > window.innerHeight && r.top > card.offsetHeight + 12) {
      top = window.scrollY + r.top - card.offsetHeight - 6;
    }
    card.style.left = left + 'px';
    card.style.top = top + 'px';
  }

  function hide() {
    pinned = null;
    card.hidden = true;
    card.classList.remove('pinned');
    active.forEach(function (e) { e.classList.remove('active'); });
    active = [];
  }

  document.addEventListener('mouseover', function (ev) {
    if (pinned) return;
    if (card.contains(ev.target)) { clearTimeout(hideTimer); return; }
    var m = visibleFinding(ev.target);
    if (m) show(m, false, ev.target.closest('mark'));
  });
  document.addEventListener('mouseout', function (ev) {
    if (pinned) return;
    if (visibleFinding(ev.target) || card.contains(ev.target)) {
      clearTimeout(hideTimer);
      hideTimer = setTimeout(hide, 250);
    }
  });
  document.addEventListener('click', function (ev) {
    if (ev.target.closest('.card-close')) { hide(); return; }
    if (card.contains(ev.target)) return;
    var m = visibleFinding(ev.target);
    if (m) { show(m, true, ev.target.closest('mark')); ev.preventDefault(); } else if (pinned) { hide(); }
  });
  document.addEventListener('focusin', function (ev) {
    var m = visibleFinding(ev.target);
    if (m && ev.target === m) show(m, true);
  });
  document.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') hide();
  });

  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^f-\d+$/.test(id)) return;
    var m = document.getElementById(id);
    if (m && m.matches('mark.finding') && !m.classList.contains('off')) {
      setTimeout(function () { show(m, true); }, 0);
    }
  }
  window.addEventListener('hashchange', fromHash);

  var form = document.getElementById('filters');
  if (form) {
    form.hidden = false;
    var items = document.querySelectorAll('[data-n][data-severity]');
    var showing = document.getElementById('showing');
    var apply = function () {
      var on = { severity: {}, category: {} };
      Array.prototype.forEach.call(form.querySelectorAll('input[data-filter]'), function (box) {
        on[box.getAttribute('data-filter')][box.value] = box.checked;
      });
      var waivedBox = document.getElementById('show-waived');
      var showWaived = !!(waivedBox && waivedBox.checked);
      var shown = 0;
      var total = 0;
      Array.prototype.forEach.call(items, function (el) {
        var off = !on.severity[el.getAttribute('data-severity')] ||
          !on.category[el.getAttribute('data-category')] ||
          (el.hasAttribute('data-waived') && !showWaived);
        el.classList.toggle('off', off);
        if (el.classList.contains('note')) {
          total += 1;
          if (!off) shown += 1;
        }
      });
      showing.textContent = 'Showing ' + shown + ' of ' + total + ' findings';
      if (pinned && pinned.classList.contains('off')) hide();
    };
    form.addEventListener('change', apply);
    apply();
  }
  fromHash();
})();
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{LineIndex, Suppression};
    use crate::report::test_support::{run, sample};

    fn finding(text: &str, needle: &str, rule: &str, severity: Severity) -> Diagnostic {
        sample(rule)
            .category(Category::Urgency)
            .severity(severity)
            .path("copy/landing page.md")
            .found_in(text, needle)
            .message(&format!("Message for {rule} <b>"))
            .help("Help & more")
            .references(&["16 CFR 238"])
            .build()
    }

    fn render_page(text: &str, diagnostics: &[Diagnostic]) -> String {
        run(diagnostics)
            .source("copy/landing page.md", text)
            .render(render)
    }

    #[test]
    fn escapes_everything_from_the_copy() {
        let text = "Hi <script>alert(1)</script> and \"><img src=x onerror=alert(1)> \
                    [x](javascript:alert(1)) limited time";
        let d = finding(
            text,
            "limited time",
            "urgency/limited-time",
            Severity::Error,
        );
        let html = render_page(text, &[d]);
        assert!(html.contains("Hi &lt;script&gt;alert(1)&lt;/script&gt; and &quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!html.contains("<img"));
        assert_eq!(html.matches("<script>").count(), 1);
        assert!(html.contains("Message for urgency/limited-time &lt;b&gt;"));
        assert!(!html.contains("http://") && !html.contains("https://"));
    }

    #[test]
    fn one_mark_per_finding_even_when_overlapping() {
        let text = "line one\nHurry, limited time offer while supplies last!\n";
        let a = finding(text, "limited time offer", "a/x", Severity::Error);
        let b = finding(text, "time offer while", "b/y", Severity::Warning);
        let c = finding(text, "offer", "c/z", Severity::Info);
        let mut d = finding(text, "supplies", "d/w", Severity::Warning);
        d.suppressed = Some(Box::new(Suppression {
            justification: "Legal said <ok>".into(),
        }));
        let mut list = vec![a, b, c, d];
        crate::diagnostic::sort(&mut list);
        let html = render_page(text, &list);
        assert_eq!(html.matches("<mark class=\"finding").count(), 4, "{html}");
        assert_eq!(html.matches("</mark>").count(), 4);
        assert!(html.contains("data-clipped=\"true\""));
        assert!(html.contains("Legal said &lt;ok&gt;"));
        assert!(html.contains("class=\"finding sev-warning waived off\""));
        // The marks are balanced, and without them the copy comes back unchanged.
        assert_eq!(copy_text(&html), text);
        assert!(html.contains("data-line=\"2\""));
    }

    /// The copy with tags removed and escapes undone.
    fn copy_text(html: &str) -> String {
        let start = html.find("<pre class=\"copy\">").unwrap() + 18;
        let end = html[start..].find("</pre>").unwrap() + start;
        let mut text = String::new();
        let mut depth = 0usize;
        let mut rest = &html[start..end];
        while let Some(i) = rest.find('<') {
            text.push_str(&rest[..i]);
            let close = rest[i..].find('>').unwrap() + i;
            let tag = &rest[i..=close];
            if tag.starts_with("<mark") {
                depth += 1;
            } else if tag == "</mark>" {
                depth = depth.checked_sub(1).expect("a </mark> without its <mark>");
            }
            rest = &rest[close + 1..];
        }
        text.push_str(rest);
        assert_eq!(depth, 0, "unclosed <mark>");
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    proptest::proptest! {
        #[test]
        fn highlights_always_nest_and_keep_the_copy(
            text in "[a-c<>&\"' \né“]{0,60}",
            spans in proptest::collection::vec((0usize..80, 0usize..30, proptest::option::of((0usize..80, 0usize..10))), 1..8),
        ) {
            let index = LineIndex::new(&text);
            let mut diagnostics: Vec<Diagnostic> = spans
                .iter()
                .enumerate()
                .map(|(i, &(start, len, label))| {
                    let start = floor_char_boundary(&text, start);
                    let end = floor_char_boundary(&text, start + len);
                    let mut d = finding("x", "x", &format!("r/{i}"), Severity::Warning);
                    d.span = start..end;
                    d.start = index.position(start);
                    d.end = index.position(end);
                    d.matched = text[start..end].to_string();
                    if let Some((ls, ll)) = label {
                        let ls = floor_char_boundary(&text, ls);
                        let le = floor_char_boundary(&text, ls + ll);
                        d.labels.push(crate::diagnostic::Label {
                            span: ls..le,
                            start: index.position(ls),
                            end: index.position(le),
                            text: "label".into(),
                        });
                    }
                    d
                })
                .collect();
            crate::diagnostic::sort(&mut diagnostics);
            let html = render_page(&text, &diagnostics);
            proptest::prop_assert_eq!(html.matches("<mark class=\"finding").count(), diagnostics.len());
            proptest::prop_assert_eq!(copy_text(&html), text);
        }
    }

    #[test]
    fn clean_run_says_so() {
        let html = render_page("", &[]);
        assert!(html.contains("No findings"));
    }
}
