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
