//! `--format human`: miette's graphical reports, one per finding: the source
//! line, the claim underlined, the message, how to fix it and the citation.
//! Plain (no colour) unless the caller says the output is a colour terminal.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{RenderOptions, ReportInput};
use crate::diagnostic::{Diagnostic, LineIndex, Severity, floor_char_boundary};

/// A finding in the shape miette renders.
struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a Excerpt<'a>,
    help: String,
}

/// A file as miette reads it: only the lines around a finding, and on a very
/// long line (minified HTML, one giant paragraph) only the stretch around the
/// claim. miette's own reader scans from the start of the file and shows whole
/// lines, so a big file with many findings cost time and output quadratic in
/// its size; this keeps each finding's cost bounded.
struct Excerpt<'a> {
    name: &'a str,
    text: &'a str,
    index: LineIndex<'a>,
}

/// Beyond this many bytes of lines to show, a finding's line is cut down.
const MAX_WINDOW: usize = 8 * 1024;
/// Bytes of a long line shown on either side of the claim.
const LONG_LINE_CONTEXT: usize = 160;

impl SourceCode for Excerpt<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let text = self.text;
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.index.line_of(start); // 1-based
        let last = self.index.line_of(end.saturating_sub(1).max(start));
        let window_start = self
            .index
            .line_range(first.saturating_sub(before).max(1))
            .map_or(0, |r| r.start);
        let window_end = self
            .index
            .line_range(last + after)
            .map_or(text.len(), |r| r.end);
        let named = |data: &'b [u8], offset: usize, line: usize, column: usize, count: usize| {
            Box::new(MietteSpanContents::new_named(
                self.name.to_string(),
                data,
                SourceSpan::new(offset.into(), data.len()),
                line,
                column,
                count,
            ))
        };
        if window_end - window_start <= MAX_WINDOW {
            // miette's reader over just these lines, its positions moved back.
            let base_line = first.saturating_sub(before).max(1) - 1;
            let bytes = &text.as_bytes()[window_start..window_end];
            let inner = SourceSpan::new((start - window_start).into(), span.len());
            let c = bytes.read_span(&inner, before, after)?;
            return Ok(named(
                c.data(),
                c.span().offset() + window_start,
                c.line() + base_line,
                c.column(),
                c.line_count() + base_line,
            ));
        }
        // A long line: the claim with some of the line either side of it.
        let line = self.index.line_range(first).unwrap_or(0..text.len());
        let a = floor_char_boundary(
            text,
            start.saturating_sub(LONG_LINE_CONTEXT).max(line.start),
        );
        let last_line = self.index.line_range(last).unwrap_or(0..text.len());
        let mut b = (end + LONG_LINE_CONTEXT).min(last_line.end).max(end);
        while !text.is_char_boundary(b) {
            b += 1;
        }
        let data = text[a..b].trim_end_matches(['\n', '\r']);
        let column = self.index.position(a).column - 1;
        Ok(named(data.as_bytes(), a, first - 1, column, last))
    }
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl MietteDiagnostic for Shown<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.diagnostic.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let primary = LabeledSpan::new_primary_with_span(
            Some(d.category.as_str().to_string()),
            (d.span.start, d.span.end - d.span.start),
        );
        let others = d.labels.iter().map(|l| {
            LabeledSpan::new_with_span(
                Some(l.text.clone()),
                (l.span.start, l.span.end - l.span.start),
            )
        });
        Some(Box::new(std::iter::once(primary).chain(others)))
    }
}

pub fn render(
    input: &ReportInput<'_>,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    super::drive(&mut Stream::new(options), input, out)
}

/// The findings of each file drawn as it comes in.
pub struct Stream {
    handler: GraphicalReportHandler,
}

impl Stream {
    pub fn new(options: RenderOptions) -> Stream {
        let theme = if options.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Stream {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(100)
                .with_links(false),
        }
    }
}

impl super::Stream for Stream {
    fn file(
        &mut self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        source: Option<&str>,
    ) -> io::Result<()> {
        let Some(first) = diagnostics.iter().find(|d| d.suppressed.is_none()) else {
            return Ok(());
        };
        let text = source.unwrap_or("");
        let excerpt = Excerpt {
            name: &first.path,
            text,
            index: LineIndex::new(text),
        };
        for d in diagnostics.iter().filter(|d| d.suppressed.is_none()) {
            let mut help = d.help.to_string();
            if !d.references.is_empty() {
                help.push_str("\nsee: ");
                help.push_str(&d.references.join("; "));
            }
            let shown = Shown {
                diagnostic: d,
                source: &excerpt,
                help,
            };
            let mut text = String::new();
            self.handler
                .render_report(&mut text, &shown)
                .map_err(|e| io::Error::other(e.to_string()))?;
            out.write_all(text.as_bytes())?;
            writeln!(out)?;
        }
        Ok(())
    }
}
