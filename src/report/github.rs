//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line a
//! finding, which the runner turns into annotations on the pull request's diff.
//! Waived findings are left out.
//!
//! Escaping follows the Actions toolkit: in the message `%`, CR and LF are
//! percent-encoded; in properties (file, title) `:` and `,` are too, so a path
//! or rule can never end the property list early.

use std::io::{self, Write};

use super::ReportInput;
use crate::diagnostic::{Diagnostic, Severity};

pub fn render(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    super::drive(&mut super::Lines(command), input, out)
}

/// The finding's workflow command, without its newline.
pub(super) fn command(d: &Diagnostic) -> String {
    let name = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut properties = format!("file={},line={}", property(&d.path), d.start.line);
    // GitHub only accepts columns when the annotation starts and ends on one line.
    if d.end.line <= d.start.line {
        properties.push_str(&format!(
            ",col={},endLine={},endColumn={}",
            d.start.column,
            d.start.line,
            d.end.column.max(d.start.column)
        ));
    } else {
        properties.push_str(&format!(",endLine={}", d.end.line));
    }
    properties.push_str(&format!(",title={}", property(&d.rule)));

    let mut message = d.message.trim().to_string();
    if !d.matched.is_empty() {
        message.push_str(&format!(" (\"{}\")", d.matched));
    }
    if !d.help.trim().is_empty() {
        message.push_str(&format!("\nFix: {}", d.help.trim()));
    }
    if !d.references.is_empty() {
        message.push_str(&format!("\nReferences: {}", d.references.join("; ")));
    }
    format!("::{name} {properties}::{}", data(&message))
}

/// Escapes a command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Category, Position};
    use crate::report::test_support::sample;

    fn diag() -> Diagnostic {
        sample("fake-sale/was-now")
            .category(Category::FakeSale)
            .severity(Severity::Info)
            .path("copy/a,b:c.md")
            .claim("50%", 0, 2, 4)
            .message("100% off:: now\r\nreally")
            .help("Say it")
            .references(&["A", "B"])
            .build()
    }

    #[test]
    fn escapes_properties_and_data() {
        assert_eq!(
            command(&diag()),
            "::notice file=copy/a%2Cb%3Ac.md,line=2,col=4,endLine=2,endColumn=7,\
             title=fake-sale/was-now::100%25 off:: now%0D%0Areally (\"50%25\")%0AFix: Say it%0AReferences: A; B"
        );
    }

    #[test]
    fn multi_line_claims_drop_columns() {
        let mut d = diag();
        d.end = Position { line: 3, column: 2 };
        assert!(command(&d).starts_with("::notice file=copy/a%2Cb%3Ac.md,line=2,endLine=3,title="));
    }
}
