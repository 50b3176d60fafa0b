//! `--format human`: miette's graphical reports, one per finding: the source
//! line, the claim underlined, the message, how to fix it and the citation.
//! Plain (no colour) unless the caller says the output is a colour terminal.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    NamedSource,
};

use super::{RenderOptions, ReportInput};
use crate::diagnostic::{Diagnostic, Severity};

/// A finding in the shape miette renders.
struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a NamedSource<String>,
    help: String,
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
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut current: Option<(&str, NamedSource<String>)> = None;
    for d in input.active() {
        if current.as_ref().is_none_or(|(p, _)| *p != d.path) {
            let text = input.sources.get(&d.path).cloned().unwrap_or_default();
            current = Some((&d.path, NamedSource::new(&d.path, text)));
        }
        let (_, source) = current.as_ref().expect("set just above");
        let mut help = d.help.clone();
        if !d.references.is_empty() {
            help.push_str("\nsee: ");
            help.push_str(&d.references.join("; "));
        }
        let shown = Shown {
            diagnostic: d,
            source,
            help,
        };
        let mut text = String::new();
        handler
            .render_report(&mut text, &shown)
            .map_err(|e| io::Error::other(e.to_string()))?;
        out.write_all(text.as_bytes())?;
        writeln!(out)?;
    }
    Ok(())
}
