//! Sources: turns a file's text into prose segments, an offset map and facts.
//!
//! Owns file kinds, front matter and what counts as copy (visible text, not
//! code, URLs or markup). It knows nothing about rules.

pub mod footnotes;
mod front_copy;
pub mod html;
pub mod markdown;
pub mod prose;
mod simple_yaml;
pub mod text;

use std::ops::Range;
use std::path::Path;

use serde_yaml::Value;

pub use prose::{Prose, ProseBuilder};

/// How a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Markdown,
    Html,
    Text,
}

impl Kind {
    /// The kind for a file name, by extension; unknown extensions read as text.
    pub fn of(path: &Path) -> Kind {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "md" | "markdown" | "mdx" | "mdown" | "mkd" => Kind::Markdown,
            "html" | "htm" | "xhtml" => Kind::Html,
            _ => Kind::Text,
        }
    }
}

/// Front matter that could not be read.
#[derive(Debug, Clone)]
pub struct FrontMatterError {
    pub span: Range<usize>,
    pub message: String,
}

/// The front matter block of a file.
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    /// The whole block, fences included.
    pub span: Range<usize>,
    /// The content between the fences.
    pub content: Range<usize>,
    pub value: Option<Value>,
    pub error: Option<FrontMatterError>,
}

/// A file read for linting.
#[derive(Debug, Default)]
pub struct Document {
    pub prose: Prose,
    pub front_matter: Option<FrontMatter>,
}

/// Reads `text` as `kind` into prose (reusing `builder`'s buffers) and front matter.
pub fn read(text: &str, kind: Kind, builder: &mut ProseBuilder) -> Document {
    builder.reset();
    match kind {
        Kind::Markdown => {
            let front_matter = split_front_matter(text);
            let body_start = front_matter.as_ref().map_or(0, |f| f.span.end);
            push_front_matter_copy(builder, text, front_matter.as_ref(), Kind::Markdown);
            markdown::extract(text, body_start..text.len(), builder);
            Document {
                prose: builder.finish(),
                front_matter,
            }
        }
        Kind::Html => {
            html::extract(text, builder);
            Document {
                prose: builder.finish(),
                front_matter: None,
            }
        }
        Kind::Text => {
            let front_matter = split_front_matter(text);
            let body_start = front_matter.as_ref().map_or(0, |f| f.span.end);
            push_front_matter_copy(builder, text, front_matter.as_ref(), Kind::Text);
            text::extract(text, body_start, builder);
            Document {
                prose: builder.finish(),
                front_matter,
            }
        }
    }
}

/// Pushes the copy in `front_matter` (see [`front_copy`]), each value a block
/// of its own, before the body: a one-line value is read as the page is
/// (`kind`), the lines of a block scalar as plain words.
fn push_front_matter_copy(
    builder: &mut ProseBuilder,
    text: &str,
    front_matter: Option<&FrontMatter>,
    kind: Kind,
) {
    let Some(front_matter) = front_matter else {
        return;
    };
    for value in front_copy::values(text, front_matter) {
        match value {
            front_copy::Copy::Inline(range) if kind == Kind::Markdown => {
                markdown::extract(text, range, builder);
            }
            front_copy::Copy::Inline(range) => push_lines(builder, text, &[range]),
            front_copy::Copy::Lines(lines) => push_lines(builder, text, &lines),
        }
        builder.end_block();
    }
}

/// Pushes `lines` of `text` as plain copy, a space between them.
fn push_lines(builder: &mut ProseBuilder, text: &str, lines: &[Range<usize>]) {
    for line in lines {
        push_copy(builder, &text[line.clone()], line.start);
        builder.space();
    }
}

/// Finds and parses a YAML (`---`) or TOML (`+++`) front matter block at the start.
///
/// An unclosed block is reported on its opening line, and only that line is
/// skipped, so the rest of the file is still linted.
pub fn split_front_matter(text: &str) -> Option<FrontMatter> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let fence = text[start..first_line_end]
        .trim_end_matches('\r')
        .trim_end();
    let toml = match fence {
        "---" => false,
        "+++" => true,
        _ => return None,
    };
    let content_start = (first_line_end + 1).min(text.len());
    // Find the closing fence: a line that is exactly the fence (or `...` for YAML).
    let mut pos = content_start;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_end_matches('\r').trim_end();
        if line == fence || (!toml && line == "...") {
            let content = content_start..pos;
            let block_end = (line_end + 1).min(text.len());
            let raw = &text[content.clone()];
            let (value, error) = if toml {
                match raw.parse::<toml::Table>() {
                    Ok(table) => (
                        Some(crate::facts::from_toml(toml::Value::Table(table))),
                        None,
                    ),
                    Err(e) => {
                        let span = e.span().map_or(content.start..content.start, |s| {
                            content.start + s.start..content.start + s.end
                        });
                        (
                            None,
                            Some(FrontMatterError {
                                span,
                                message: format!("front matter is not valid TOML: {}", e.message()),
                            }),
                        )
                    }
                }
            } else if raw.trim().is_empty() {
                (Some(Value::Null), None)
            } else if let Some(at) = flow_too_deep(raw, MAX_FLOW_DEPTH) {
                let at = content.start + at;
                (
                    None,
                    Some(FrontMatterError {
                        span: at..at + 1,
                        message: format!(
                            "front matter is not valid YAML: `[` and `{{` nest deeper than {MAX_FLOW_DEPTH} levels"
                        ),
                    }),
                )
            } else if let Some(value) = simple_yaml::read(raw) {
                (Some(value), None)
            } else {
                match serde_yaml::from_str::<Value>(raw) {
                    Ok(v @ (Value::Mapping(_) | Value::Null)) => (Some(v), None),
                    // A list or a bare scalar has no keys, so no facts: say so.
                    Ok(v) => {
                        let what = if v.is_sequence() {
                            "a list"
                        } else {
                            "a single value"
                        };
                        let first = raw.len() - raw.trim_start().len();
                        let line = raw[first..].lines().next().unwrap_or("");
                        let at = content.start + first;
                        (
                            None,
                            Some(FrontMatterError {
                                span: at..at + line.trim_end().len(),
                                message: format!(
                                    "front matter is {what}, not a mapping of keys such as `offer:`"
                                ),
                            }),
                        )
                    }
                    Err(e) => {
                        let at = content.start + e.location().map_or(0, |l| l.index());
                        let message = e.to_string();
                        let message = match message.find(" at line ") {
                            Some(i) => message[..i].to_string(),
                            None => message,
                        };
                        (
                            None,
                            Some(FrontMatterError {
                                span: at..(at + 1).min(content.end.max(at)),
                                message: format!("front matter is not valid YAML: {message}"),
                            }),
                        )
                    }
                }
            };
            return Some(FrontMatter {
                span: 0..block_end,
                content,
                value,
                error,
            });
        }
        pos = line_end + 1;
    }
    Some(FrontMatter {
        span: 0..content_start,
        content: content_start..content_start,
        value: None,
        error: Some(FrontMatterError {
            span: start..first_line_end,
            message: format!("front matter opened with `{fence}` is never closed"),
        }),
    })
}

/// Deeper nesting of YAML flow collections than any real front matter has.
const MAX_FLOW_DEPTH: usize = 64;

/// The offset where YAML flow collections (`[`, `{`) first nest deeper than
/// `limit`, outside quoted scalars. The YAML reader's time grows with the
/// square of the depth (50,000 `[` took half a minute), and its own recursion
/// limit refuses such input anyway, so it is refused before parsing.
fn flow_too_deep(yaml: &str, limit: usize) -> Option<usize> {
    let bytes = yaml.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(b'"') if b == b'\\' => i += 1,
            Some(q) if b == q || b == b'\n' => quote = None,
            Some(_) => {}
            None => match b {
                // An apostrophe inside a word is not a quote.
                b'\'' if i > 0 && bytes[i - 1].is_ascii_alphanumeric() => {}
                b'"' | b'\'' => quote = Some(b),
                b'[' | b'{' => {
                    depth += 1;
                    if depth > limit {
                        return Some(i);
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Pushes a stretch of source text as prose, leaving out URLs and e-mail
/// addresses (a claim word inside `https://example.com/best-deal` is not copy).
pub fn push_copy(builder: &mut ProseBuilder, text: &str, source_start: usize) {
    let mut last = 0;
    for url in url_spans(text) {
        builder.push_verbatim(&text[last..url.start], source_start + last);
        builder.space();
        last = url.end;
    }
    builder.push_verbatim(&text[last..], source_start + last);
}

/// Byte ranges of bare URLs and e-mail addresses in `text`.
fn url_spans(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    static URL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)\b(?:https?://|www\.)[^\s<>]*[^\s<>.,;:!?)\]'”]|\b[\w.+-]+@[\w-]+\.[\w.-]*\w",
        )
        .expect("a fixed, valid regex")
    });
    // Cheap test first, one pass: most text has no URL at all.
    let bytes = text.as_bytes();
    let maybe = memchr::memchr3_iter(b':', b'@', b'.', bytes).any(|i| match bytes[i] {
        b'@' => true,
        b':' => bytes[i + 1..].starts_with(b"//"),
        _ => i >= 3 && bytes[i - 3..i].eq_ignore_ascii_case(b"www"),
    });
    maybe
        .then(|| URL.find_iter(text).map(|m| m.range()))
        .into_iter()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_addresses_are_found_in_any_case() {
        let text =
            "See WWW.Shop.com/best-deal, https://x.io/free or deals@shop.com. No: 3:30, e.g. www";
        let found: Vec<&str> = url_spans(text).map(|r| &text[r]).collect();
        assert_eq!(
            found,
            [
                "WWW.Shop.com/best-deal",
                "https://x.io/free",
                "deals@shop.com"
            ]
        );
        assert_eq!(url_spans("Best price: 10.5 at noon. ").count(), 0);
    }

    #[test]
    fn yaml_front_matter() {
        let text = "---\noffer:\n  stock: 5\n---\nBody\n";
        let fm = split_front_matter(text).unwrap();
        assert_eq!(&text[fm.span.end..], "Body\n");
        assert!(fm.error.is_none());
        assert_eq!(fm.value.unwrap()["offer"]["stock"].as_i64(), Some(5));
    }

    #[test]
    fn unclosed_and_invalid_front_matter() {
        let fm = split_front_matter("---\ntitle: x\nBody\n").unwrap();
        assert!(fm.error.unwrap().message.contains("never closed"));
        assert_eq!(fm.span, 0..4);
        let text = "---\ntitle: [x\n---\nBody";
        let fm = split_front_matter(text).unwrap();
        assert!(fm.error.is_some());
        assert_eq!(&text[fm.span.end..], "Body");
    }

    #[test]
    fn deeply_nested_yaml_is_refused_before_parsing() {
        let deep = format!(
            "---\noffer: {}1{}\n---\nBody\n",
            "[".repeat(50_000),
            "]".repeat(50_000)
        );
        let fm = split_front_matter(&deep).unwrap();
        assert!(fm.error.unwrap().message.contains("nest deeper"));
        let fine =
            "---\ntitle: \"[[[[ it's\"\nnote: it's fine\ntags: [[a, b], {c: [d]}]\n---\nBody\n";
        assert!(split_front_matter(fine).unwrap().error.is_none());
    }

    #[test]
    fn toml_front_matter() {
        let text = "+++\n[offer]\nends = \"2026-12-31\"\n+++\nBody";
        let fm = split_front_matter(text).unwrap();
        assert_eq!(
            fm.value.unwrap()["offer"]["ends"].as_str(),
            Some("2026-12-31")
        );
    }

    /// The quoted blocks of `text` read as `kind`, as their prose.
    fn quoted_blocks(text: &str, kind: Kind) -> Vec<String> {
        let doc = read(text, kind, &mut ProseBuilder::new());
        let prose = &doc.prose;
        (0..prose.blocks.len())
            .filter(|&i| prose.is_quote(i))
            .map(|i| prose.text[prose.blocks[i].clone()].to_string())
            .collect()
    }

    #[test]
    fn block_quotes_are_marked_by_every_reader() {
        let markdown = "We fit kitchens.\n\n> We love our kitchen.\n>\n> - Fitted in a day\n\n\
                        ```\n> not a quote\n```\n\nOur team.\n";
        assert_eq!(
            quoted_blocks(markdown, Kind::Markdown),
            ["We love our kitchen.", "Fitted in a day"]
        );
        // An HTML quote, nested ones, and a stray end tag that closes nothing.
        let html = "<p>Our team</p><blockquote><p>We loved it</p><blockquote>Us too\
                    </blockquote><p>Five stars</p></blockquote></blockquote><p>Our vans</p>";
        assert_eq!(
            quoted_blocks(html, Kind::Html),
            ["We loved it", "Us too", "Five stars"]
        );
        // An HTML block inside Markdown.
        let mixed = "Our shop.\n\n<blockquote>\nWe were thrilled\n</blockquote>\n\nOur vans.\n";
        assert_eq!(quoted_blocks(mixed, Kind::Markdown), ["We were thrilled"]);
        // Plain text: `>` lines, as in a quoted email; the marks are not copy.
        let text = "Our offer.\n> We loved our new sofa.\n>> Me too\nBack to us.\n\n5 > 3\n";
        assert_eq!(
            quoted_blocks(text, Kind::Text),
            ["We loved our new sofa. Me too"]
        );
    }

    #[test]
    fn urls_are_not_copy() {
        let mut b = ProseBuilder::new();
        push_copy(
            &mut b,
            "See https://x.com/best-deal or mail best@shop.com now",
            0,
        );
        let prose = b.finish();
        assert!(!prose.text.contains("best"), "{}", prose.text);
    }
}
