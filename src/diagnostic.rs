//! The one finding type every stage produces and every report format consumes.
//!
//! Byte spans into the original file are the source of truth; line and column
//! (1-based, columns in characters) are derived once per file by [`LineIndex`]
//! so that report formats never need the file text again.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stable categories of the outside contract; every rule has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Hype,
    Bait,
    NewCustomerOnly,
    FakeSale,
    Scarcity,
    Urgency,
    Drip,
    Bundle,
    Free,
    Green,
    Health,
    Endorsement,
    Guarantee,
    SellerFocus,
    /// Findings about the copy's own markup: bad front matter, suppression
    /// comments without a reason or that suppress nothing, unreadable input.
    Meta,
}

impl Category {
    pub const ALL: [Category; 15] = [
        Category::Hype,
        Category::Bait,
        Category::NewCustomerOnly,
        Category::FakeSale,
        Category::Scarcity,
        Category::Urgency,
        Category::Drip,
        Category::Bundle,
        Category::Free,
        Category::Green,
        Category::Health,
        Category::Endorsement,
        Category::Guarantee,
        Category::SellerFocus,
        Category::Meta,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Hype => "hype",
            Category::Bait => "bait",
            Category::NewCustomerOnly => "new-customer-only",
            Category::FakeSale => "fake-sale",
            Category::Scarcity => "scarcity",
            Category::Urgency => "urgency",
            Category::Drip => "drip",
            Category::Bundle => "bundle",
            Category::Free => "free",
            Category::Green => "green",
            Category::Health => "health",
            Category::Endorsement => "endorsement",
            Category::Guarantee => "guarantee",
            Category::SellerFocus => "seller-focus",
            Category::Meta => "meta",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A 1-based line and a 1-based column counted in characters (Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A second place that belongs to the same finding (for example the footnote
/// that adds the conditions to an asterisked "FREE*").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Range<usize>,
    pub start: Position,
    pub end: Position,
    pub text: String,
}

/// Why a finding was waived, when an inline comment suppressed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// The reason written after `--` in the comment.
    pub justification: String,
}

/// An immutable string shared by reference counting: cloning it copies a
/// pointer, not the text. Reads, prints, compares and serialises as a `str`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SharedStr(Arc<str>);

impl SharedStr {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> Self {
        SharedStr(Arc::from(s))
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// One finding in one file.
///
/// The per-rule texts (`rule`, `message`, `help`, `references`) are shared
/// between every finding of a rule rather than copied into each, so a run
/// with a million findings holds each rule's texts once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: SharedStr,
    pub category: Category,
    pub severity: Severity,
    /// The path as the user named it (or `--stdin-filename`), with `/` separators,
    /// shared by the file's findings.
    pub path: SharedStr,
    /// Byte range of the claim in the original file.
    pub span: Range<usize>,
    pub start: Position,
    /// The position just past the claim's last character.
    pub end: Position,
    /// The claim as written in the source.
    pub matched: String,
    /// The rule's message, or a copy with the finding's detail appended.
    pub message: SharedStr,
    pub help: SharedStr,
    #[serde(serialize_with = "shared_slice")]
    pub references: Arc<[String]>,
    /// Other places that belong to this finding.
    pub labels: Vec<Label>,
    /// Set when an inline comment waived this finding; such findings never
    /// count towards the exit status and only appear in formats that carry them.
    pub suppressed: Option<Box<Suppression>>,
}

/// Serialises a shared list of strings as a plain list.
fn shared_slice<S: serde::Serializer>(
    list: &Arc<[String]>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    list[..].serialize(serializer)
}

impl Diagnostic {
    /// The total order reports use: path, then position, then rule id.
    pub fn sort_key(&self) -> (&str, usize, usize, &str) {
        (&self.path, self.span.start, self.span.end, &self.rule)
    }
}

/// Sorts diagnostics into the order every report format prints them.
///
/// A stable sort of the findings themselves would merge through a scratch
/// buffer as large as all of them; this sorts their indices instead (stably,
/// so ties keep their order) and then moves each finding into place once.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    let Ok(n) = u32::try_from(diagnostics.len()) else {
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        return;
    };
    let mut order: Vec<u32> = (0..n).collect();
    order.sort_by(|&a, &b| {
        diagnostics[a as usize]
            .sort_key()
            .cmp(&diagnostics[b as usize].sort_key())
    });
    // `order[i]` is the index of the finding that belongs at `i`: follow each
    // cycle of the permutation, marking places done as `order[i] == i`.
    for start in 0..diagnostics.len() {
        let mut current = start;
        while order[current] as usize != current {
            let next = order[current] as usize;
            order[current] = current as u32;
            if next == start {
                break;
            }
            diagnostics.swap(current, next);
            current = next;
        }
    }
}

/// Converts byte offsets to 1-based line and character column.
///
/// Built once per file: the start of every line, then a binary search per lookup.
/// Columns on a very long line (a minified page, a 20 MB paragraph) come from
/// character counts kept every [`CHECKPOINT`] bytes, so each lookup counts at
/// most that many bytes instead of the line up to the offset.
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// Characters in `text[..k * CHECKPOINT]` for every k, built on first need.
    checkpoints: std::sync::OnceLock<Vec<usize>>,
}

/// Bytes between character-count checkpoints.
const CHECKPOINT: usize = 256;

/// Up to this many bytes between a line's start and an offset, the column is
/// counted directly: a paragraph-long line then needs no checkpoints over the
/// whole file (counting a few KB costs less than building them), and a
/// lookup still counts a bounded number of bytes.
const DIRECT_COUNT: usize = 4096;

/// Characters in `bytes` (valid UTF-8): the bytes that do not continue a character.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(text.as_bytes()).map(|i| i + 1));
        LineIndex {
            text,
            line_starts,
            checkpoints: std::sync::OnceLock::new(),
        }
    }

    /// Characters in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let checkpoints = self.checkpoints.get_or_init(|| {
            let mut total = 0;
            let mut out = vec![0];
            for chunk in bytes.chunks_exact(CHECKPOINT) {
                total += count_chars(chunk);
                out.push(total);
            }
            out
        });
        let k = offset / CHECKPOINT;
        checkpoints[k] + count_chars(&bytes[k * CHECKPOINT..offset])
    }

    /// The position of byte `offset`; an offset inside a multi-byte character
    /// is rounded down to that character.
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let column = if offset - start <= DIRECT_COUNT {
            count_chars(&self.text.as_bytes()[start..offset])
        } else {
            self.chars_before(offset) - self.chars_before(start)
        } + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The byte offset of a position: the inverse of [`LineIndex::position`].
    pub fn offset(&self, position: Position) -> Option<usize> {
        let start = *self.line_starts.get(position.line.checked_sub(1)?)?;
        let line_end = self
            .line_starts
            .get(position.line)
            .copied()
            .unwrap_or(self.text.len());
        let line = &self.text[start..line_end];
        let wanted = position.column.checked_sub(1)?;
        match line.char_indices().nth(wanted) {
            Some((i, _)) => Some(start + i),
            None if line.chars().count() == wanted => Some(line_end),
            None => None,
        }
    }

    /// The byte range of 1-based `line`, its newline included.
    pub fn line_range(&self, line: usize) -> Option<Range<usize>> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        Some(start..end)
    }

    /// The 1-based line of `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.position(offset).line
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes)
}

/// The largest char boundary at or below `i`.
pub fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let text = "“Best” é\nwhile supplies last";
        let index = LineIndex::new(text);
        let at = text.find("é").unwrap();
        assert_eq!(index.position(at), Position { line: 1, column: 8 });
        let at = text.find("supplies").unwrap();
        assert_eq!(index.position(at), Position { line: 2, column: 7 });
        assert_eq!(index.offset(Position { line: 2, column: 7 }), Some(at));
    }

    #[test]
    fn columns_on_very_long_lines() {
        let text = format!("{}\n{}x", "é“".repeat(5000), "ab€".repeat(4000));
        let index = LineIndex::new(&text);
        for offset in [
            0,
            3,
            9000,
            14_999,
            15_000,
            15_001,
            15_005,
            20_000,
            // Either side of the longest directly counted stretch, on both lines.
            DIRECT_COUNT - 1,
            DIRECT_COUNT,
            DIRECT_COUNT + 2,
            25_001 + DIRECT_COUNT - 1,
            25_001 + DIRECT_COUNT,
            25_001 + DIRECT_COUNT + 3,
            text.len(),
        ] {
            let offset = floor_char_boundary(&text, offset);
            let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
            let column = text[line_start..offset].chars().count() + 1;
            assert_eq!(index.position(offset).column, column, "at {offset}");
        }
    }

    #[test]
    fn sort_matches_a_stable_sort() {
        let finding = |path: &str, start: usize, rule: &str, matched: String| Diagnostic {
            rule: rule.into(),
            category: Category::Hype,
            severity: Severity::Warning,
            path: path.into(),
            span: start..start + 1,
            start: Position::default(),
            end: Position::default(),
            matched,
            message: "m".into(),
            help: "h".into(),
            references: Vec::new().into(),
            labels: Vec::new(),
            suppressed: None,
        };
        // A scrambled order with ties (same path, span and rule) whose
        // original order a stable sort keeps: `matched` tells them apart.
        let mut list: Vec<Diagnostic> = (0..500usize)
            .map(|i| {
                let k = (i * 7919) % 61;
                finding(
                    ["b.md", "a.md", "c/a.md"][k % 3],
                    k % 5,
                    ["r/y", "r/x"][k % 2],
                    i.to_string(),
                )
            })
            .collect();
        let mut expected = list.clone();
        expected.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        sort(&mut list);
        assert_eq!(list, expected);
    }

    #[test]
    fn end_of_text_round_trips() {
        let text = "ab\n";
        let index = LineIndex::new(text);
        let end = index.position(3);
        assert_eq!(end, Position { line: 2, column: 1 });
        assert_eq!(index.offset(end), Some(3));
    }
}
