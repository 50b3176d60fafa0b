//! One line a finding, `path:line:col: severity RULE message`, for editors'
//! problem matchers and for grep. Waived findings are left out.

use std::io::{self, Write};

use super::ReportInput;

pub fn render(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    for d in input.active() {
        writeln!(
            out,
            "{}:{}:{}: {} {} {}",
            d.path,
            d.start.line,
            d.start.column,
            d.severity,
            d.rule,
            one_line(&d.message)
        )?;
    }
    Ok(())
}

/// A line-oriented format cannot let a message break the line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Category, Diagnostic, Position, Severity, Suppression};
    use std::collections::BTreeMap;
    use std::time::Duration;

    #[test]
    fn one_line_per_active_finding() {
        let d = Diagnostic {
            rule: "urgency/limited-time".into(),
            category: Category::Urgency,
            severity: Severity::Error,
            path: "copy/a.md".into(),
            span: 0..12,
            start: Position { line: 3, column: 5 },
            end: Position {
                line: 3,
                column: 17,
            },
            matched: "limited time".into(),
            message: "Urgency claim\nwithout an end date".into(),
            help: "".into(),
            references: Vec::new().into(),
            labels: vec![],
            suppressed: None,
        };
        let mut waived = d.clone();
        waived.suppressed = Some(Suppression {
            justification: "ok".into(),
        });
        let diagnostics = [d, waived];
        let sources = BTreeMap::new();
        let input = ReportInput {
            diagnostics: &diagnostics,
            files: 1,
            rules: &[],
            sources: &sources,
            elapsed: Duration::ZERO,
        };
        let mut out = Vec::new();
        render(&input, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "copy/a.md:3:5: error urgency/limited-time Urgency claim without an end date\n"
        );
    }
}
