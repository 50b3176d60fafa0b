//! One line a finding, `path:line:col: severity RULE message`, for editors'
//! problem matchers and for grep. Waived findings are left out.

use std::io::{self, Write};

use super::ReportInput;
use crate::diagnostic::Diagnostic;

pub fn render(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    super::drive(&mut super::Lines(line), input, out)
}

/// The finding's line, without its newline.
pub(super) fn line(d: &Diagnostic) -> String {
    format!(
        "{}:{}:{}: {} {} {}",
        d.path,
        d.start.line,
        d.start.column,
        d.severity,
        d.rule,
        one_line(&d.message)
    )
}

/// A line-oriented format cannot let a message break the line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Category, Severity};
    use crate::report::test_support::{run, sample};

    #[test]
    fn one_line_per_active_finding() {
        let finding = sample("urgency/limited-time")
            .category(Category::Urgency)
            .severity(Severity::Error)
            .path("copy/a.md")
            .claim("limited time", 0, 3, 5)
            .message("Urgency claim\nwithout an end date");
        let diagnostics = [finding.clone().build(), finding.waived("ok").build()];
        assert_eq!(
            run(&diagnostics).render(render),
            "copy/a.md:3:5: error urgency/limited-time Urgency claim without an end date\n"
        );
    }
}
