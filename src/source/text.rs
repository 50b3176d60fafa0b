//! Plain text: paragraphs split on blank lines, list-like lines on their own.

use super::ProseBuilder;

/// Feeds `text[body_start..]` into the builder, one block per paragraph or bullet line.
///
/// HTML comments (`<!-- … -->`, where suppression directives live) are not
/// copy: each one ends the block it sits in.
pub fn extract(text: &str, body_start: usize, out: &mut ProseBuilder) {
    let mut pos = body_start;
    let mut last = body_start;
    while let Some(open) = text[pos..].find("<!--").map(|i| pos + i) {
        let close = text[open..]
            .find("-->")
            .map_or(text.len(), |i| open + i + 3);
        extract_lines(text, last, open, out);
        out.end_block();
        last = close;
        pos = close;
    }
    extract_lines(text, last, text.len(), out);
}

/// Lines of `text[start..end]`: paragraphs split on blank lines, bullets on their own.
/// Lines starting with `>` (a quoted email, a pasted review) form block
/// quotes of their own, marks left out.
fn extract_lines(text: &str, start: usize, end: usize, out: &mut ProseBuilder) {
    let text = &text[..end];
    let mut pos = start;
    let mut quoted = false;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let mut line = &text[pos..line_end];
        let marks = quote_marks_len(line);
        if (marks > 0) != quoted {
            quoted = marks > 0;
            if quoted {
                out.enter_quote();
            } else {
                out.leave_quote();
            }
        }
        let line_start = pos + marks;
        line = &line[marks..];
        let trimmed = line.trim();
        if trimmed.is_empty() {
            out.end_block();
        } else {
            let lead = line.len() - line.trim_start().len();
            let marker = bullet_len(trimmed);
            if marker > 0 {
                out.end_block();
            }
            let content = &line[lead + marker..];
            let content = content.trim_end_matches('\r');
            super::push_copy(out, content, line_start + lead + marker);
            out.space();
            if marker > 0 {
                // A bullet stands alone unless the next lines continue it (indented).
                let next = &text[(line_end + 1).min(text.len())..];
                if !next.starts_with([' ', '\t']) {
                    out.end_block();
                }
            }
        }
        pos = line_end + 1;
    }
    if quoted {
        out.leave_quote();
    }
}

/// The length of a line's quote marks (`> `, `>> `, `> > `, after spaces), or 0.
fn quote_marks_len(line: &str) -> usize {
    let b = line.as_bytes();
    let lead = b.iter().take_while(|c| matches!(c, b' ' | b'\t')).count();
    if b.get(lead) != Some(&b'>') {
        return 0;
    }
    lead + b[lead..]
        .iter()
        .take_while(|c| matches!(c, b'>' | b' ' | b'\t'))
        .count()
}

/// The length of a leading bullet (`- `, `* `, `• `, `1. `, `2) `), or 0.
fn bullet_len(line: &str) -> usize {
    for marker in ["- ", "* ", "• ", "– ", "+ "] {
        if line.starts_with(marker) {
            return marker.len();
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits)
        && matches!(
            line.as_bytes().get(digits..digits + 2),
            Some([b'.' | b')', b' '])
        )
    {
        return digits + 2;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_not_copy() {
        let text = "<!-- claimlint-disable-next-line scarcity -- 200 units -->\nCandles while supplies last.\n";
        let mut b = ProseBuilder::new();
        extract(text, 0, &mut b);
        let prose = b.finish();
        assert_eq!(prose.text, "Candles while supplies last.");
        let at = prose.text.find("while").unwrap();
        assert_eq!(&text[prose.source_range(at..at + 5)], "while");
    }

    #[test]
    fn paragraphs_and_bullets() {
        let text = "Dear reader,\nwhile supplies\nlast.\n\n- one\n- two\n";
        let mut b = ProseBuilder::new();
        extract(text, 0, &mut b);
        let prose = b.finish();
        assert_eq!(prose.blocks.len(), 3);
        assert!(prose.text.contains("while supplies last."));
        let at = prose.text.find("two").unwrap();
        assert_eq!(&text[prose.source_range(at..at + 3)], "two");
    }
}
