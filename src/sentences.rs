//! Sentence boundaries inside one block of prose, for `within: sentence`.
//!
//! Deliberately simple and predictable: a sentence ends at `.`, `!` or `?`
//! (plus closing quotes or brackets) followed by white space and a capital,
//! digit, quote or currency sign, except after common abbreviations
//! ("e.g.", "No.", "approx.") and single initials ("U.S.").

use std::ops::Range;

const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "no", "nos", "approx", "incl", "excl", "inc", "ltd", "co", "corp",
    "mr", "mrs", "ms", "dr", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "est", "min", "max",
    "fig", "ref", "reg", "p", "pp", "ca", "cf", "al",
];

/// The sentences of `block` as byte ranges covering all of it.
pub fn split(block: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let bytes = block.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b'.' | b'!' | b'?') {
            let mut end = i + 1;
            while end < bytes.len() && matches!(bytes[end], b'.' | b'!' | b'?') {
                end += 1;
            }
            // Closing quotes and brackets stay with the sentence.
            let rest = &block[end..];
            let closers = rest
                .char_indices()
                .take_while(|(_, c)| matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '*'))
                .last()
                .map_or(0, |(j, c)| j + c.len_utf8());
            let end = end + closers;
            let after = &block[end..];
            let ws = after.len() - after.trim_start().len();
            let next = after.trim_start().chars().next();
            let starts_sentence = ws > 0
                && next.is_some_and(|c| {
                    c.is_uppercase()
                        || c.is_ascii_digit()
                        || matches!(
                            c,
                            '"' | '“' | '\'' | '‘' | '(' | '$' | '£' | '€' | '*' | '#'
                        )
                });
            if starts_sentence && (b != b'.' || !is_abbreviation(&block[start..i])) {
                out.push(start..end);
                start = end + ws;
                i = start;
                continue;
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    if start < block.len() || out.is_empty() {
        out.push(start..block.len());
    }
    out
}

/// True when the text before a period ends in an abbreviation or an initial.
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("")
        .trim_start_matches(['"', '“', '\'']);
    if word.chars().count() == 1 && word.chars().all(char::is_alphabetic) {
        return true;
    }
    let lower = word.to_ascii_lowercase();
    ABBREVIATIONS.contains(&lower.as_str()) || lower.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(block: &str) -> Vec<&str> {
        split(block).into_iter().map(|r| &block[r]).collect()
    }

    #[test]
    fn splits_on_terminal_punctuation() {
        assert_eq!(
            texts("Only 3 left! Order now. Rated 4.9 by 200 buyers."),
            vec!["Only 3 left!", "Order now.", "Rated 4.9 by 200 buyers."]
        );
    }

    #[test]
    fn keeps_abbreviations_together() {
        assert_eq!(
            texts("The No. 1 pick, e.g. Our range. Next"),
            vec!["The No. 1 pick, e.g. Our range.", "Next"]
        );
        assert_eq!(
            texts("Made in the U.S. From local parts."),
            vec!["Made in the U.S. From local parts."]
        );
    }
}
