//! Report formats: each module turns the sorted diagnostics of one run into bytes.
//!
//! Reports never lint and never read files: everything they print comes from
//! [`ReportInput`]. One module a format, each a function from the input to a writer.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::Duration;

use crate::diagnostic::{Category, Diagnostic, Severity};

pub mod concise;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;
#[cfg(test)]
pub(crate) mod test_support;

/// What a report knows about a rule (for SARIF's driver, HTML legends, `rules`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: String,
    pub category: Category,
    /// The default severity (after config and jurisdiction).
    pub severity: Severity,
    /// One line: the rule's message.
    pub summary: String,
    pub help: String,
    pub description: String,
    pub references: Vec<String>,
}

/// Everything one run hands to a report.
pub struct ReportInput<'a> {
    /// Sorted by path, then position. Includes suppressed findings
    /// (`suppressed.is_some()`); formats that cannot carry them skip them.
    pub diagnostics: &'a [Diagnostic],
    /// Number of files checked.
    pub files: usize,
    /// Every rule that was active in the run.
    pub rules: &'a [RuleInfo],
    /// Source text by path, present only for formats that need it
    /// ([`Format::needs_sources`]) and only for files with findings.
    pub sources: &'a BTreeMap<String, String>,
    pub elapsed: Duration,
}

impl ReportInput<'_> {
    /// The findings that count (not suppressed).
    pub fn active(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.suppressed.is_none())
    }

    /// Counts of active findings by severity: (errors, warnings, infos).
    pub fn totals(&self) -> (usize, usize, usize) {
        self.active()
            .fold((0, 0, 0), |(e, w, i), d| match d.severity {
                Severity::Error => (e + 1, w, i),
                Severity::Warning => (e, w + 1, i),
                Severity::Info => (e, w, i + 1),
            })
    }
}

/// An output format named by `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Html,
    Markdown,
    Concise,
}

impl Format {
    /// True when the report prints the copy itself and so needs the source text.
    pub fn needs_sources(self) -> bool {
        matches!(self, Format::Human | Format::Html)
    }
}

/// Options that only some formats use.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Colour and Unicode art in the human format.
    pub color: bool,
}

/// Writes `value` as indented JSON and a newline (the JSON and SARIF reports).
///
/// serde_json writes token by token; through `dyn Write` each token was an
/// indirect call into the writer that tracks failures (half the cost of the
/// JSON report). A local buffer takes the tokens inline and passes on large
/// chunks; write failures still reach the tracking writer.
fn write_pretty_json<T: serde::Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let mut buffered = io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut buffered, value)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// Writes the report in `format` to `out`.
pub fn render(
    format: Format,
    input: &ReportInput<'_>,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(input, options, out),
        Format::Json => json::render(input, out),
        Format::Sarif => sarif::render(input, out),
        Format::Github => github::render(input, out),
        Format::Html => html::render(input, out),
        Format::Markdown => markdown::render(input, out),
        Format::Concise => concise::render(input, out),
    }
}
