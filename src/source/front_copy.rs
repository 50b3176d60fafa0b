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

/// The source ranges of the copy in `front_matter` of `text`, in order. A
/// `title` that the body repeats as a heading is left out: the body's
/// heading is where the reader sees it.
pub fn ranges(text: &str, front_matter: &FrontMatter) -> Vec<Range<usize>> {
    let Some(Value::Mapping(map)) = &front_matter.value else {
        return Vec::new();
    };
    if front_matter.error.is_some() {
        return Vec::new();
    }
    let toml = text[front_matter.span.clone()].starts_with("+++")
        || text[front_matter.span.clone()].starts_with("\u{feff}+++");
    let body = &text[front_matter.span.end..];
    let mut out = Vec::new();
    let mut at = front_matter.content.start;
    for line in text[front_matter.content.clone()].split_inclusive('\n') {
        let line_start = at;
        at += line.len();
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
        // The line's text must be the value the reader gave: no escapes, no
        // folding, and not a key of a nested table that shares the name.
        if &line[value.clone()] != read.as_str() || read.trim().is_empty() {
            continue;
        }
        if key == "title" && repeated_as_heading(body, read) {
            continue;
        }
        out.push(line_start + value.start..line_start + value.end);
    }
    out
}

/// A top-level `key: value` (YAML) or `key = value` (TOML) line: the key and
/// the range of the value's text within `line`, quotes left out.
fn entry(line: &str, toml: bool) -> Option<(&str, Range<usize>)> {
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
        '|' | '>' | '[' | '{' | '&' | '*' | '!' => return None,
        _ => {
            let end = value.find(" #").unwrap_or(value.len());
            start..start + value[..end].trim_end().len()
        }
    };
    Some((key, range))
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

    fn copy(text: &str) -> Vec<&str> {
        let fm = split_front_matter(text).expect("the test text has front matter");
        ranges(text, &fm).into_iter().map(|r| &text[r]).collect()
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
        // An escape, a block scalar, a list, a number.
        let text = "---\ntitle: \"Save \\\"big\\\"\"\ndescription: >-\n  Folded text\n\
                    summary: [a, b]\nexcerpt: 42\n---\n";
        assert!(copy(text).is_empty(), "{:?}", copy(text));
        assert!(copy("---\ntitle: [unclosed\n---\n").is_empty());
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
