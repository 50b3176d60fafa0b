//! A pull-request comment in GitHub-flavoured Markdown: totals by severity and
//! category, then one table a file (collapsed when a file has many findings).
//! Waived findings are only counted.
//!
//! Everything that comes from the copy or a rule pack goes through [`cell`], so a
//! claim can neither break the table nor inject markup into the comment.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::ReportInput;
use crate::diagnostic::{Category, Diagnostic, Severity};

/// Files with more findings than this are wrapped in `<details>`.
const COLLAPSE_OVER: usize = 10;

/// Bytes for the per-file tables. GitHub rejects comments over 65,536
/// characters; the heading, totals and closing note fit in what is left.
const TABLES_BUDGET: usize = 60_000;

pub fn render(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    let active: Vec<&Diagnostic> = input.active().collect();
    let waived = input.diagnostics.len() - active.len();
    let files = plural(input.files, "file", "files");

    writeln!(out, "## claimlint report\n")?;
    if active.is_empty() {
        writeln!(out, "No findings in {files} checked.")?;
        if waived > 0 {
            writeln!(
                out,
                "\n{} waived by suppression comments.",
                plural(waived, "finding", "findings")
            )?;
        }
        return Ok(());
    }

    let super::Totals {
        errors,
        warnings,
        infos,
        ..
    } = input.totals();
    let with_findings = active
        .iter()
        .map(|d| &d.path)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    writeln!(
        out,
        "**{}** in {} of {files} checked: {}, {}, {}.",
        plural(active.len(), "finding", "findings"),
        with_findings,
        plural(errors, "error", "errors"),
        plural(warnings, "warning", "warnings"),
        plural(infos, "info", "info"),
    )?;
    if waived > 0 {
        writeln!(
            out,
            "\n{} waived by suppression comments (not listed).",
            plural(waived, "finding was", "findings were")
        )?;
    }

    let mut by_category: BTreeMap<Category, [usize; 3]> = BTreeMap::new();
    for d in &active {
        by_category.entry(d.category).or_default()[severity_slot(d.severity)] += 1;
    }
    writeln!(out, "\n| Category | Errors | Warnings | Info | Total |")?;
    writeln!(out, "| --- | ---: | ---: | ---: | ---: |")?;
    for (category, [e, w, i]) in &by_category {
        writeln!(out, "| {category} | {e} | {w} | {i} | {} |", e + w + i)?;
    }

    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &active {
        by_file.entry(&d.path).or_default().push(d);
    }
    // Tables go into a string first: GitHub refuses a comment over its size
    // limit, so rows stop at a budget and the rest are counted instead.
    let mut tables = String::new();
    let mut omitted = 0;
    for (path, findings) in by_file {
        if omitted > 0 {
            omitted += findings.len();
            continue;
        }
        let collapse = findings.len() > COLLAPSE_OVER;
        let count = plural(findings.len(), "finding", "findings");
        let mut table = if collapse {
            format!(
                "\n<details>\n<summary><code>{}</code>: {count}</summary>\n",
                html_text(path)
            )
        } else {
            format!("\n### {} ({count})\n", cell(path))
        };
        table.push_str("\n| Line | Severity | Rule | Claim | Message | Fix |\n");
        table.push_str("| --- | --- | --- | --- | --- | --- |\n");
        let end = if collapse { "\n</details>\n" } else { "" };
        let mut shown = 0;
        for d in &findings {
            let row = row(d);
            if tables.len() + table.len() + row.len() + end.len() > TABLES_BUDGET {
                break;
            }
            table.push_str(&row);
            shown += 1;
        }
        omitted += findings.len() - shown;
        if shown > 0 {
            tables.push_str(&table);
            tables.push_str(end);
        }
    }
    out.write_all(tables.as_bytes())?;
    if omitted > 0 {
        writeln!(
            out,
            "\n{} not listed: the comment would be too long for GitHub. \
             The `sarif`, `html` and `concise` formats list every finding.",
            plural(omitted, "more finding", "more findings")
        )?;
    }
    Ok(())
}

/// One table row.
fn row(d: &Diagnostic) -> String {
    let mut fix = cell(&d.help);
    if !d.references.is_empty() {
        fix.push_str(&format!(
            "<br><sub>{}</sub>",
            cell(&d.references.join("; "))
        ));
    }
    format!(
        "| {}:{} | {} | {} | {} | {} | {} |\n",
        d.start.line,
        d.start.column,
        d.severity,
        cell(&d.rule),
        cell(&format!("\u{201c}{}\u{201d}", d.matched)),
        cell(&d.message),
        fix
    )
}

fn severity_slot(severity: Severity) -> usize {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Makes text safe inside a table cell: Markdown punctuation is backslash-escaped
/// (`$` too, which GitHub would otherwise read as maths),
/// HTML is turned into entities, and line breaks become `<br>`.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let text = text.trim().replace("\r\n", "\n").replace('\r', "\n");
    for c in text.chars() {
        match c {
            '|' | '`' | '\\' | '*' | '_' | '[' | ']' | '~' | '#' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push_str("<br>"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text inside raw HTML (the `<summary>` of a collapsed file).
fn html_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::{run, sample};

    fn diag(path: &str, line: usize) -> Diagnostic {
        sample("free/conditions")
            .category(Category::Free)
            .severity(Severity::Warning)
            .path(path)
            .claim("FREE*", 0, line, 1)
            .message("A | pipe, `tick`, <b>bold</b>\nnext")
            .help("Move the conditions next to the claim.")
            .references(&["CAP Code 3.23"])
            .build()
    }

    fn render_str(diagnostics: &[Diagnostic]) -> String {
        run(diagnostics).files(3).render(render)
    }

    #[test]
    fn escapes_cells() {
        let md = render_str(&[diag("a.md", 2)]);
        assert!(md.contains(
            "| 2:1 | warning | free/conditions | “FREE\\*” | A \\| pipe, \\`tick\\`, &lt;b&gt;bold&lt;/b&gt;<br>next |"
        ), "{md}");
        assert!(md.contains("| free | 0 | 1 | 0 | 1 |"));
        assert!(md.contains("### a.md (1 finding)"));
    }

    #[test]
    fn stays_under_githubs_comment_limit() {
        let mut many: Vec<_> = (1..=2000).map(|l| diag("big.md", l)).collect();
        many.push(diag("z.md", 1));
        let md = render_str(&many);
        assert!(md.len() < 65_536, "{} bytes", md.len());
        assert!(md.contains("**2001 findings**"));
        let shown = md.matches("| warning | free/conditions |").count();
        assert!(shown > 100, "{shown} rows");
        assert!(md.contains(&format!("\n{} more findings not listed", 2001 - shown)));
        assert!(md.trim_end().ends_with("list every finding."));
        assert!(!md.contains("z.md"), "later files are left out whole");
        // The collapsed file that was cut short is still closed.
        assert!(md.contains("</details>"));
    }

    #[test]
    fn collapses_long_files_and_says_when_clean() {
        let many: Vec<_> = (1..=11).map(|l| diag("big.md", l)).collect();
        let md = render_str(&many);
        assert!(md.contains("<details>\n<summary><code>big.md</code>: 11 findings</summary>"));
        assert!(render_str(&[]).contains("No findings in 3 files checked."));
    }
}
