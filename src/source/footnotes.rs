//! Footnotes: the small print that a mark in the copy ("Free fitting*",
//! "9 out of 10 vets†", "Save 50%`[^1]`") leads to.
//!
//! One reading of a document's footnotes, shared by the rules that let small
//! print clear a claim and the checker that reports conditions hidden in it.
//! It only finds notes and marks; what a note must say is the rules' business.

use std::ops::Range;

use super::Prose;

/// The marks a footnote starts with, longest first, so a "**" note is not
/// taken for a "*" one.
pub const MARKS: [&str; 5] = ["***", "**", "*", "†", "‡"];

/// A footnote: its text in prose coordinates (its mark included where the
/// prose keeps it) and the mark that leads to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Footnote<'a> {
    pub text: Range<usize>,
    pub mark: &'a str,
}

/// Every footnote of a document, in prose order. `source` is the whole file
/// the prose was read from: a Markdown list item "* Survey of 100 vets" loses
/// its asterisk in the prose, and a note that Markdown ran into the paragraph
/// above it is known by the asterisk that starts its source line.
pub fn find<'a>(prose: &'a Prose, source: &str) -> Vec<Footnote<'a>> {
    let text = prose.text.as_str();
    if !text.contains(['*', '†', '‡']) && !text.contains("[^") && !source.contains('*') {
        return Vec::new();
    }
    let mut notes = Vec::new();
    for block in &prose.blocks {
        if let Some(mark) = block_mark(prose, source, block.clone()) {
            notes.push(Footnote {
                text: block.clone(),
                mark,
            });
        }
        notes_in_lines(prose, source, block.clone(), &mut notes);
    }
    notes.sort_by_key(|n| n.text.start);
    notes
}

/// The first note led to by `mark` that starts at or after `after`: the
/// small print belongs below the claim it qualifies.
pub fn note_for<'n, 'a>(
    notes: &'n [Footnote<'a>],
    mark: &str,
    after: usize,
) -> Option<&'n Footnote<'a>> {
    notes
        .iter()
        .find(|n| n.mark == mark && n.text.start >= after)
}

/// The mark a block starts with, if the block reads as a footnote.
fn block_mark<'a>(prose: &'a Prose, source: &str, block: Range<usize>) -> Option<&'a str> {
    let text = &prose.text[block.clone()];
    if let Some(mark) = MARKS.into_iter().find(|m| text.starts_with(m)) {
        return Some(mark);
    }
    // A Markdown footnote's text starts with its mark ("[^1] Minimum spend").
    if text.starts_with("[^")
        && let Some(end) = text.find(']')
    {
        return Some(&text[..=end]);
    }
    // A Markdown list item "* with orders over $50" loses its asterisk in the
    // prose; the source line it came from still has it.
    let at = prose.source_range(block).start;
    match line_lead(source, at).map(str::trim) {
        Some("*" | "\\*") => Some("*"),
        _ => None,
    }
}

/// The longest a line's lead before a note's text may be (indentation and a
/// list mark); looking no further keeps a page on one long line linear.
const LEAD_LIMIT: usize = 32;

/// The text of `source` from the start of the line holding `at` up to `at`,
/// when that is at most [`LEAD_LIMIT`] bytes.
fn line_lead(source: &str, at: usize) -> Option<&str> {
    let from = at.saturating_sub(LEAD_LIMIT);
    match source.as_bytes()[from..at]
        .iter()
        .rposition(|&b| b == b'\n')
    {
        Some(i) => Some(&source[from + i + 1..at]),
        None if from == 0 => Some(&source[..at]),
        None => None,
    }
}

/// Notes that Markdown ran into the paragraph above them: "Free fitting*"
/// with "*Minimum spend £5,000." on the next source line is one paragraph,
/// and one block of prose. A mark that starts a source line inside `block`
/// (not its first) begins a note that runs to the next such mark or the
/// block's end.
fn notes_in_lines<'a>(
    prose: &Prose,
    source: &str,
    block: Range<usize>,
    out: &mut Vec<Footnote<'a>>,
) {
    let text = &prose.text[block.clone()];
    let mut starts: Vec<(usize, &'static str)> = Vec::new();
    for (i, _) in text.match_indices(['*', '†', '‡']) {
        if i == 0 || !text[..i].ends_with(char::is_whitespace) {
            continue;
        }
        let at = block.start + i;
        let in_source = prose.source_range(at..at + 1).start;
        if !line_lead(source, in_source).is_some_and(|lead| lead.trim().is_empty()) {
            continue;
        }
        let rest = &text[i..];
        let Some(mark) = MARKS.into_iter().find(|m| rest.starts_with(m)) else {
            continue;
        };
        // Text must follow: a lone asterisk is not a footnote.
        if rest[mark.len()..]
            .trim_start()
            .starts_with(char::is_alphanumeric)
        {
            starts.push((at, mark));
        }
    }
    for (k, &(at, mark)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(block.end, |next| next.0);
        out.push(Footnote {
            text: at..end,
            mark,
        });
    }
}

/// The first footnote mark in `sentence` that is attached to the word or
/// sign before it ("it*", "50%†", "free`[^1]`"): an asterisk run, a dagger,
/// or a Markdown footnote reference. A spaced asterisk ("2 * 3") is not one.
pub fn mark_in(sentence: &str) -> Option<&str> {
    let b = sentence.as_bytes();
    let mut from = 0;
    while let Some(i) = sentence[from..]
        .find(['*', '†', '‡', '['])
        .map(|i| from + i)
    {
        from = i + sentence[i..].chars().next().map_or(1, char::len_utf8);
        if i == 0 || b[i - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = &sentence[i..];
        let len = match b[i] {
            b'*' => rest.bytes().take_while(|&c| c == b'*').count(),
            b'[' if rest.starts_with("[^") => match rest.find(']') {
                Some(end) if end > 2 && !rest[..end].contains(char::is_whitespace) => end + 1,
                _ => continue,
            },
            b'[' => continue,
            _ => rest.chars().next().map_or(1, char::len_utf8),
        };
        return Some(&rest[..len]);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Kind, ProseBuilder, read};

    fn notes_of(text: &str) -> Vec<(String, String)> {
        let doc = read(text, Kind::Markdown, &mut ProseBuilder::default());
        find(&doc.prose, text)
            .into_iter()
            .map(|n| {
                (
                    n.mark.to_string(),
                    doc.prose.text[n.text].trim_end().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn marks_are_attached_to_a_word() {
        assert_eq!(mark_in("9 out of 10 vets recommend it*"), Some("*"));
        assert_eq!(mark_in("Save 50%** on frames"), Some("**"));
        assert_eq!(mark_in("Cheapest in town\u{2020}."), Some("\u{2020}"));
        assert_eq!(mark_in("Free fitting[^terms] today"), Some("[^terms]"));
        assert_eq!(mark_in("2 * 3 is 6; see [the list](x)"), None);
        assert_eq!(mark_in("[^1] at the start is a footnote, not a mark"), None);
        assert_eq!(mark_in("\u{2020} Price valid for new accounts"), None);
        assert_eq!(mark_in("\u{2021}\u{2020}x\u{2021}"), Some("\u{2020}"));
    }

    #[test]
    fn notes_are_found_as_blocks_list_items_lines_and_definitions() {
        let text = "Loved by vets*\n\n*Survey of 100 vets, 2026.\n";
        assert_eq!(
            notes_of(text),
            [("*".into(), "*Survey of 100 vets, 2026.".into())]
        );

        // A bullet list item: Markdown drops the asterisk from the prose.
        let text = "Loved by vets*\n\n* Survey of 100 vets, 2026.\n";
        assert_eq!(
            notes_of(text),
            [("*".into(), "Survey of 100 vets, 2026.".into())]
        );

        // Run into the paragraph above it, and a second, daggered note.
        let text = "Free fitting* and 0% finance\u{2020}\n*Orders over \u{a3}500.\n\u{2020}Subject to status.\n";
        assert_eq!(
            notes_of(text),
            [
                ("*".into(), "*Orders over \u{a3}500.".into()),
                ("\u{2020}".into(), "\u{2020}Subject to status.".into()),
            ]
        );

        let text = "Free fitting[^t]\n\n[^t]: Orders over \u{a3}500.\n";
        let notes = notes_of(text);
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].0, "[^t]");
        assert!(notes[0].1.ends_with("Orders over \u{a3}500."), "{notes:?}");

        // Emphasis and sums are not notes.
        assert!(notes_of("A *bold* claim, 2 * 3 = 6.\n").is_empty());
    }

    #[test]
    fn a_line_lead_is_read_only_near_its_start() {
        assert_eq!(line_lead("a\n  * note", 6), Some("  * "));
        assert_eq!(line_lead("* note", 2), Some("* "));
        let long = format!("{}* note", "x".repeat(100));
        assert_eq!(line_lead(&long, 102), None);
    }

    #[test]
    fn a_note_is_found_below_its_claim_only() {
        let text = "* Free delivery\n\nLoved by vets*\n\n*Survey of 100 vets.\n";
        let doc = read(text, Kind::Markdown, &mut ProseBuilder::default());
        let notes = find(&doc.prose, text);
        let claim = doc
            .prose
            .text
            .find("vets*")
            .expect("the claim is in the prose");
        let note = note_for(&notes, "*", claim).expect("the note below is found");
        assert!(doc.prose.text[note.text.clone()].starts_with("*Survey"));
        assert!(note_for(&notes, "\u{2020}", claim).is_none());
    }
}
