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

    /// Counts of the findings by severity, and of the waived ones.
    pub fn totals(&self) -> Totals {
        let mut totals = Totals::default();
        for d in self.diagnostics {
            totals.count(d);
        }
        totals
    }
}

/// Active findings by severity, and waived ones.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
}

impl Totals {
    /// Counts one finding.
    pub fn count(&mut self, d: &Diagnostic) {
        if d.suppressed.is_some() {
            self.suppressed += 1;
            return;
        }
        match d.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }
}

/// Bytes a report gathers before passing them on to the writer.
const CHUNK: usize = 64 * 1024;

/// Passes `buf` on to `out` once it holds a [`CHUNK`]: a report written
/// token by token through `dyn Write` paid an indirect call a token.
fn pass_on_full(buf: &mut Vec<u8>, out: &mut dyn Write) -> io::Result<()> {
    if buf.len() >= CHUNK {
        out.write_all(buf)?;
        buf.clear();
    }
    Ok(())
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

/// Writes the report in `format` to `out`.
pub fn render(
    format: Format,
    input: &ReportInput<'_>,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match stream(format, input.rules, options) {
        Some(mut stream) => drive(&mut *stream, input, out),
        None if format == Format::Html => html::render(input, out),
        None => markdown::render(input, out),
    }
}

/// A report written file by file while the run goes on, so that a run over
/// a large tree never holds all of its findings: each file's findings go
/// out once the files before it are done, then the end of the report.
pub trait Stream {
    /// One file's findings, sorted by position, waived ones included. Files
    /// come in report order (by path), each once; files without findings are
    /// left out. `source` is the file's text when the format needs it
    /// ([`Format::needs_sources`]).
    fn file(
        &mut self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        source: Option<&str>,
    ) -> io::Result<()>;

    /// Ends the report once every file is in; `files` is how many were
    /// checked. Formats with nothing to add after the findings keep this.
    fn finish(&mut self, _out: &mut dyn Write, _files: usize) -> io::Result<()> {
        Ok(())
    }
}

/// A format of one line per active finding and nothing else: the line,
/// without its newline, is the function's.
pub struct Lines(pub fn(&Diagnostic) -> String);

impl Stream for Lines {
    fn file(
        &mut self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        _source: Option<&str>,
    ) -> io::Result<()> {
        for d in diagnostics.iter().filter(|d| d.suppressed.is_none()) {
            writeln!(out, "{}", (self.0)(d))?;
        }
        Ok(())
    }
}

/// The format's report as a [`Stream`], for the formats that can be written
/// before the run ends (all but the HTML and Markdown reports, which open
/// with the run's totals). `rules` are the run's active rules.
pub fn stream<'a>(
    format: Format,
    rules: &'a [RuleInfo],
    options: RenderOptions,
) -> Option<Box<dyn Stream + 'a>> {
    match format {
        Format::Json => Some(Box::new(json::Stream::default())),
        Format::Sarif => Some(Box::new(sarif::Stream::new(rules))),
        Format::Human => Some(Box::new(human::Stream::new(options))),
        Format::Github => Some(Box::new(Lines(github::command))),
        Format::Concise => Some(Box::new(Lines(concise::line))),
        Format::Html | Format::Markdown => None,
    }
}

/// Writes a whole run's report through `stream`, one path at a time.
fn drive(stream: &mut dyn Stream, input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    for group in input.diagnostics.chunk_by(|a, b| a.path == b.path) {
        let source = input.sources.get(group[0].path.as_str());
        stream.file(out, group, source.map(String::as_str))?;
    }
    stream.finish(out, input.files)
}
