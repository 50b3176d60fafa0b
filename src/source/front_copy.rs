//! The copy that front matter holds: a page's `title`, `description` and the
//! like, which a site generator prints as the heading, the standfirst or the
//! snippet a search engine shows. A claim there is as public as one in the
//! body.
//!
//! Only single-line values whose source text is exactly the value the front
//! matter reader gives are read (a plain or quoted scalar without escapes),
//! so every finding points at the characters that say it. Facts (`offer:`,
//! `evidence:`) and every other key are left alone.

use std::ops::Range;

use serde_yaml::Value;

use super::FrontMatter;

/// The keys whose values are copy, as Hugo, Jekyll, Eleventy and Astro name
/// them.
const COPY_KEYS: [&str; 13] = [
    "title",
    "subtitle",
    "headline",
    "tagline",
    "description",
    "summary",
    "excerpt",
    "lead",
    "teaser",
    "meta_title",
    "meta_description",
    "seo_title",
    "seo_description",
];

/// One value of copy in front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Copy {
    /// A value on the key's own line, quotes left out: read as the page reads.
    Inline(Range<usize>),
    /// The lines of a YAML block scalar (`description: >-` and indented lines
    /// under it), each without its indentation: read as plain words, one
    /// block, since the indentation is YAML's and not Markdown's.
    Lines(Vec<Range<usize>>),
}

/// The copy in `front_matter` of `text`, in order. A `title` that the body
/// repeats as a heading is left out: the body's heading is where the reader
/// sees it.
pub fn values(text: &str, front_matter: &FrontMatter) -> Vec<Copy> {
    let Some(Value::Mapping(map)) = &front_matter.value else {
        return Vec::new();
    };
    if front_matter.error.is_some() {
        return Vec::new();
    }
    let toml = text[front_matter.span.clone()].starts_with("+++")
        || text[front_matter.span.clone()].starts_with("\u{feff}+++");
    let body = &text[front_matter.span.end..];
    let mut lines = Vec::new();
    let mut at = front_matter.content.start;
    for line in text[front_matter.content.clone()].split_inclusive('\n') {
        lines.push((at, line));
        at += line.len();
    }
    let mut out = Vec::new();
    for (i, &(line_start, line)) in lines.iter().enumerate() {
        // A TOML table's keys (`[offer]`) follow its header unindented.
        if toml && line.starts_with('[') {
            break;
        }
        let Some((key, value)) = entry(line, toml) else {
            continue;
        };
        if !COPY_KEYS.contains(&key) {
            continue;
        }
        let Some(Value::String(read)) = map.get(key) else {
            continue;
        };
        if read.trim().is_empty() || (key == "title" && repeated_as_heading(body, read)) {
            continue;
        }
        match value {
            // The line's text must be the value the reader gave: no escapes,
            // and not a key of a nested table that shares the name.
            Some(value) if &line[value.clone()] == read.as_str() => {
                out.push(Copy::Inline(
                    line_start + value.start..line_start + value.end,
                ));
            }
            Some(_) => {}
            None if !toml => {
                let pieces = block_lines(&lines[i + 1..]);
                let words = pieces
                    .iter()
                    .flat_map(|r| text[r.clone()].split_whitespace());
                // The same words as the reader's value: folding and chomping
                // change only the spaces between them.
                if read.split_whitespace().eq(words) {
                    out.push(Copy::Lines(pieces));
                }
            }
            None => {}
        }
    }
    out
}

/// The indented lines of a block scalar at the start of `lines`, each
/// trimmed, blank ones left out.
fn block_lines(lines: &[(usize, &str)]) -> Vec<Range<usize>> {
    let mut pieces = Vec::new();
    for &(start, line) in lines {
        let content = line.trim_end();
        if content.is_empty() {
            continue;
        }
        if !content.starts_with([' ', '\t']) {
            break;
        }
        let lead = content.len() - content.trim_start().len();
        pieces.push(start + lead..start + content.len());
    }
    pieces
}

/// A top-level `key: value` (YAML) or `key = value` (TOML) line: the key and
/// the range of the value's text within `line`, quotes left out; `None` for
/// the value of a YAML block scalar (`key: >-`), whose text is on the lines
/// below.
fn entry(line: &str, toml: bool) -> Option<(&str, Option<Range<usize>>)> {
    let body = line.trim_end_matches(['\n', '\r']);
    let key_end = body.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
    let key = &body[..key_end];
    if key.is_empty() {
        return None;
    }
    let rest = &body[key_end..];
    let after = if toml {
        rest.trim_start().strip_prefix('=')?
    } else {
        rest.strip_prefix(':')?
    };
    let lead = after.len() - after.trim_start().len();
    let start = body.len() - after.len() + lead;
    let value = &body[start..];
    let range = match value.chars().next()? {
        q @ ('"' | '\'') => {
            let end = value[1..].find(q)? + 1;
            // Anything after the closing quote but a comment is not a plain value.
            let tail = value[end + 1..].trim();
            if !(tail.is_empty() || tail.starts_with('#')) {
                return None;
            }
            start + 1..start + end
        }
        '|' | '>' => {
            let header = value.split(" #").next().unwrap_or_default().trim_end();
            return matches!(header, "|" | ">" | "|-" | ">-" | "|+" | ">+").then_some((key, None));
        }
        '[' | '{' | '&' | '*' | '!' => return None,
        _ => {
            let end = value.find(" #").unwrap_or(value.len());
            start..start + value[..end].trim_end().len()
        }
    };
    Some((key, Some(range)))
}

/// True when `title` is the text of a heading line of the Markdown `body`
/// (`# Title`, or a line underlined with `=` or `-`).
fn repeated_as_heading(body: &str, title: &str) -> bool {
    let same = |s: &str| s.trim().eq_ignore_ascii_case(title.trim());
    let mut previous = "";
    for line in body.lines() {
        let trimmed = line.trim();
        if let Some(heading) = trimmed.strip_prefix('#') {
            let heading = heading.trim_start_matches('#');
            if heading.starts_with([' ', '\t']) && same(heading.trim().trim_end_matches('#')) {
                return true;
            }
        }
        let underline = !trimmed.is_empty()
            && (trimmed.bytes().all(|b| b == b'=') || trimmed.bytes().all(|b| b == b'-'));
        if underline && same(previous) {
            return true;
        }
        previous = line;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::split_front_matter;

    fn copy(text: &str) -> Vec<String> {
        let fm = split_front_matter(text).expect("the test text has front matter");
        values(text, &fm)
            .into_iter()
            .map(|v| match v {
                Copy::Inline(r) => text[r].to_string(),
                Copy::Lines(lines) => lines
                    .into_iter()
                    .map(|r| &text[r])
                    .collect::<Vec<_>>()
                    .join(" / "),
            })
            .collect()
    }

    #[test]
    fn titles_and_descriptions_are_copy() {
        let text = "---\ntitle: \"The UK's cheapest sofas\"\ndate: 2026-01-02\n\
                    description: Only 3 left # stock\noffer:\n  stock: 3\n  title: Not read\n---\nBody\n";
        assert_eq!(copy(text), ["The UK's cheapest sofas", "Only 3 left"]);
    }

    #[test]
    fn toml_values_are_copy() {
        let text = "+++\ntitle = 'Best prices in town'\nweight = 3\n+++\nBody\n";
        assert_eq!(copy(text), ["Best prices in town"]);
    }

    #[test]
    fn values_unlike_their_source_are_left_alone() {
        // An escape, a list, a number.
        let text = "---\ntitle: \"Save \\\"big\\\"\"\n\
                    summary: [a, b]\nexcerpt: 42\n---\n";
        assert!(copy(text).is_empty(), "{:?}", copy(text));
        assert!(copy("---\ntitle: [unclosed\n---\n").is_empty());
    }

    #[test]
    fn block_scalars_are_read_line_by_line() {
        let text = "---\ndescription: >-\n  The UK's cheapest\n\n  sofas, only 3 left\n\
                    summary: |\n    Line one\ntags: [a]\n---\nBody\n";
        assert_eq!(
            copy(text),
            ["The UK's cheapest / sofas, only 3 left", "Line one"]
        );
        // An indentation indicator is left to the reader.
        assert!(copy("---\ndescription: >2\n   x\n---\n").is_empty());
    }

    #[test]
    fn a_title_the_body_repeats_as_a_heading_is_read_there() {
        let text = "---\ntitle: Oak sofas\ndescription: Hand-made in Leeds\n---\n\n# Oak sofas\n";
        assert_eq!(copy(text), ["Hand-made in Leeds"]);
        let text = "---\ntitle: Oak sofas\n---\n\nOak sofas\n=========\n";
        assert!(copy(text).is_empty());
        let text = "---\ntitle: Oak sofas\n---\n\n## Oak sofas and chairs\n";
        assert_eq!(copy(text), ["Oak sofas"]);
    }
}
