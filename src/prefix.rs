//! What can be known about a rule pattern without running it: its ASCII
//! form and the literal prefixes every match starts with.
//!
//! Pure functions over pattern text (only `regex-syntax`), so `build.rs`
//! includes this file too and works out the prefixes of the bundled packs'
//! patterns at build time: reading hundreds of patterns was most of the
//! start-up of a one-file run.

/// Rewrites `\b`, `\B`, `\d`, `\s` and `\w` to their ASCII forms.
///
/// Unicode word boundaries stop the regex crate's fast DFA at the first
/// non-ASCII character (a curly quote, an em dash, "é"), falling back to a
/// backtracker many times slower; Unicode classes also make automata large.
/// Copy is matched for English claims, where the ASCII forms mean the same.
pub fn ascii_classes(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Depth of `[...]` classes (nested classes are allowed in the regex crate).
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('b' | 'B')) if class_depth == 0 => {
                    out.push_str("(?-u:\\");
                    out.push(e);
                    out.push(')');
                }
                Some(e @ ('d' | 's' | 'w')) => {
                    if class_depth == 0 {
                        out.push_str("(?-u:\\");
                        out.push(e);
                        out.push(')');
                    } else {
                        out.push_str(match e {
                            'd' => "0-9",
                            's' => "\\t\\n\\x0B\\x0C\\r ",
                            _ => "0-9A-Za-z_",
                        });
                    }
                }
                Some(e) => {
                    out.push('\\');
                    out.push(e);
                }
                None => out.push('\\'),
            },
            '[' => {
                class_depth += 1;
                out.push(c);
                // A `]` right after `[` or `[^` is a literal, not the end.
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().expect("peeked"));
                }
                if chars.peek() == Some(&']') {
                    out.push(chars.next().expect("peeked"));
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// [`traits`]: the pattern's literal prefixes are [`selective`].
pub const SELECTIVE_PREFIXES: u8 = 1;
/// [`traits`]: the pattern's literal suffixes are [`selective`].
pub const SELECTIVE_SUFFIXES: u8 = 2;
/// [`traits`]: every match starts at a word boundary ([`word_bounds`]).
pub const OPENS_AT_BOUNDARY: u8 = 4;
/// [`traits`]: every match ends at a word boundary ([`word_bounds`]).
pub const CLOSES_AT_BOUNDARY: u8 = 8;
/// [`traits`]: the pattern has a long gap across words ([`has_open_gap`])
/// and its literal prefixes are words ([`all_words`]): it is tried at its
/// prefixes rather than read by the engine's pattern set.
pub const GAP_AFTER_WORDS: u8 = 16;

/// What the engine needs to know about a pattern besides its literals, as
/// the flags above. `build.rs` stores them for the bundled patterns: worked
/// out at each start, they were a tenth of a one-file run's set-up.
pub fn traits<S: AsRef<str>>(pattern: &str, prefixes: Option<&[S]>, suffixes: Option<&[S]>) -> u8 {
    let (opens, closes) = word_bounds(pattern);
    let mut flags = 0;
    if prefixes.is_some_and(selective) {
        flags |= SELECTIVE_PREFIXES;
    }
    if suffixes.is_some_and(selective) {
        flags |= SELECTIVE_SUFFIXES;
    }
    if opens {
        flags |= OPENS_AT_BOUNDARY;
    }
    if closes {
        flags |= CLOSES_AT_BOUNDARY;
    }
    if prefixes.is_some_and(all_words) && has_open_gap(pattern) {
        flags |= GAP_AFTER_WORDS;
    }
    flags
}

/// Whether every literal starts with a word of three letters or more
/// (common words included): a place to try a pattern at that is not on
/// every other byte, as a digit or a currency sign would be.
pub fn all_words<S: AsRef<str>>(literals: &[S]) -> bool {
    literals.iter().all(|p| {
        let word = p
            .as_ref()
            .split(|c: char| !c.is_ascii_alphabetic())
            .next()
            .unwrap_or("");
        word.len() >= 3
    })
}

/// Whether `pattern` has a long gap that runs across words: a repetition
/// without a bound, or of more than 20, over a class that holds both letters
/// and spaces (`[^.!?\n]*?`, `[^.]{0,60}`). In a lazy DFA that reads many
/// patterns at once, such a gap keeps the pattern's state open until the
/// sentence ends, and the states of several open at once multiply.
pub fn has_open_gap(pattern: &str) -> bool {
    parse(pattern).is_some_and(|hir| open_gap(&hir))
}

fn open_gap(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Repetition(r) => {
            let long = r.max.is_none_or(|max| max > 20);
            let across_words = match r.sub.kind() {
                HirKind::Class(Class::Bytes(c)) => {
                    let has = |b: u8| c.ranges().iter().any(|r| r.start() <= b && b <= r.end());
                    has(b' ') && has(b'a')
                }
                HirKind::Class(Class::Unicode(c)) => {
                    let has =
                        |ch: char| c.ranges().iter().any(|r| r.start() <= ch && ch <= r.end());
                    has(' ') && has('a')
                }
                _ => false,
            };
            (long && across_words) || open_gap(&r.sub)
        }
        HirKind::Capture(c) => open_gap(&c.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().any(open_gap),
        _ => false,
    }
}

/// Whether every match of `pattern` starts, and whether every match ends, at
/// a word boundary `\b` (read as ASCII, as [`ascii_classes`] makes it):
/// the pattern opens (closes) with `\b` and has no top-level alternative
/// that could start (end) elsewhere. A literal prefix found right after a
/// letter, or a suffix found right before one, then cannot be a match's edge.
///
/// Read from the pattern text, conservatively: anything unusual (`\b?`, a
/// boundary inside a group) answers false.
pub fn word_bounds(pattern: &str) -> (bool, bool) {
    let bytes = pattern.as_bytes();
    let mut depth = 0usize;
    let mut class_depth = 0usize;
    let mut i = 0;
    // Where the last top-level `\b` escape started.
    let mut last_boundary = None;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                if class_depth == 0 && depth == 0 && bytes.get(i + 1) == Some(&b'b') {
                    last_boundary = Some(i);
                }
                i += 2;
                continue;
            }
            b'[' => {
                class_depth += 1;
                // A `]` right after `[` or `[^` is a literal.
                if bytes.get(i + 1) == Some(&b'^') {
                    i += 1;
                }
                if bytes.get(i + 1) == Some(&b']') {
                    i += 1;
                }
            }
            b']' if class_depth > 0 => class_depth -= 1,
            _ if class_depth > 0 => {}
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b'|' if depth == 0 => return (false, false),
            _ => {}
        }
        i += 1;
    }
    let opens =
        bytes.starts_with(b"\\b") && !matches!(bytes.get(2), Some(b'?' | b'*' | b'+' | b'{'));
    let closes = last_boundary.is_some_and(|at| at + 2 == bytes.len());
    (opens, closes)
}

/// The literal prefixes every match of `pattern` starts with, lower-cased, or
/// None when there is no useful finite set (the pattern then goes to the
/// engine's pattern set).
///
/// Extracted from the pattern read case-sensitively; the automaton they go
/// into folds ASCII case, so this is a superset test for ASCII prefixes.
/// First read without Unicode (cheap to parse); a pattern that needs Unicode
/// to parse (`[$£€]`) is read again with it, keeping prefixes whose non-ASCII
/// characters have no case (symbols, punctuation), which match only as written.
pub fn prefix_literals(pattern: &str) -> Option<Vec<String>> {
    extract(
        &parse(pattern)?,
        regex_syntax::hir::literal::ExtractKind::Prefix,
        8,
        64,
    )
}

/// The literal prefixes of the union of `members` (a `nearby` list): the
/// union of each member's [`prefix_literals`], or None when a member has
/// none or there are more than 256. Every match of the list is a match of a
/// member, so these are its prefixes; read as one regex, a long list passes
/// the extractor's limit and every literal is cut to a few bytes ("pric",
/// "our "), which rule out almost no page.
pub fn list_prefix_literals(members: &[String]) -> Option<Vec<String>> {
    let mut union = Vec::new();
    for member in members {
        union.extend(prefix_literals(member)?);
    }
    union.sort();
    union.dedup();
    Some(union).filter(|u| u.len() <= 256)
}

/// Longer literal prefixes of `pattern` (up to 32 bytes, at most 256 of
/// them), read as [`prefix_literals`] reads its short ones, or None.
///
/// Where a short prefix occurs, the pattern can only match if one of these
/// occurs there too: the engine checks them before it builds the pattern's
/// automaton ("limited " is a prefix of `limited (?:stock|supplies)`, and
/// "limited time" rules the pattern out).
pub fn long_prefix_literals(pattern: &str) -> Option<Vec<String>> {
    extract(
        &parse(pattern)?,
        regex_syntax::hir::literal::ExtractKind::Prefix,
        32,
        256,
    )
}

/// The literal suffixes every match of `pattern` ends with (lower-cased, at
/// most 8 bytes each), read as [`prefix_literals`] reads prefixes, or None.
/// A page that contains none of them cannot match the pattern.
pub fn suffix_literals(pattern: &str) -> Option<Vec<String>> {
    extract(
        &parse(pattern)?,
        regex_syntax::hir::literal::ExtractKind::Suffix,
        8,
        64,
    )
}

/// Literals one of which every match of `pattern` contains somewhere, chosen
/// to rule out as many texts as possible (lower-cased, at most 8 bytes each,
/// at most 64), or None when no such set is [`selective`].
///
/// Prefixes and suffixes only see a match's ends, and many patterns open
/// with a digit or a common word and close with a gap or a short word; the
/// word that makes the claim is in the middle ("3 shoppers **bought** this",
/// "free ... **when you buy**"). A text without any of these literals cannot
/// match, so the engine skips building the pattern's automaton for it.
///
/// Worked out on the pattern's syntax: a sequence must contain something
/// every one of its required parts contains (the part with the best set is
/// taken); an alternation, something from one of its branches (the union of
/// the branches' sets); any other part, one of its own literal prefixes.
pub fn inner_literals(pattern: &str) -> Option<Vec<String>> {
    required(&parse(pattern)?).map(|(_, literals)| literals)
}

/// [`inner_literals`] of one syntax node, with its score (higher rules out more).
fn required(hir: &regex_syntax::hir::Hir) -> Option<(usize, Vec<String>)> {
    use regex_syntax::hir::HirKind;
    if hir.properties().minimum_len().is_none_or(|n| n == 0) {
        return None;
    }
    let own = || {
        let literals = extract(hir, regex_syntax::hir::literal::ExtractKind::Prefix, 8, 64)?;
        selective(&literals).then(|| (score(&literals), literals))
    };
    match hir.kind() {
        HirKind::Capture(capture) => required(&capture.sub),
        HirKind::Concat(parts) => parts
            .iter()
            .filter_map(required)
            .chain(own())
            .max_by_key(|(score, _)| *score),
        HirKind::Alternation(branches) => {
            // Every branch must name a set; if one cannot, the alternation's
            // own prefixes may still serve.
            let union = branches.iter().try_fold(Vec::new(), |mut union, branch| {
                union.extend(required(branch)?.1);
                Some(union)
            });
            union
                .map(|mut union| {
                    union.sort();
                    union.dedup();
                    union
                })
                .filter(|union| union.len() <= 64)
                .map(|union| (score(&union), union))
                .or_else(own)
        }
        _ => own(),
    }
}

/// How well `literals` rule texts out: longer literals are rarer, and fewer
/// of them are quicker to look for.
fn score(literals: &[String]) -> usize {
    let shortest = literals.iter().map(String::len).min().unwrap_or(0);
    shortest * 100 - literals.len().min(99)
}

fn parse(pattern: &str) -> Option<regex_syntax::hir::Hir> {
    let ascii = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .multi_line(true)
        .build()
        .parse(pattern);
    match ascii {
        Ok(hir) => Some(hir),
        Err(_) => regex_syntax::ParserBuilder::new()
            .multi_line(true)
            .build()
            .parse(&ascii_classes(pattern))
            .ok(),
    }
}

/// At most `total` literals of at most `max_len` bytes each. For the
/// engine's automaton, 8 bytes and 64: it stays small and cheap to build
/// (long alternations share their first bytes), and each prefix hit is only
/// a place to try the pattern, anchored.
fn extract(
    hir: &regex_syntax::hir::Hir,
    kind: regex_syntax::hir::literal::ExtractKind,
    max_len: usize,
    total: usize,
) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let mut extractor = Extractor::new();
    let suffix = matches!(kind, ExtractKind::Suffix);
    extractor
        .kind(kind)
        .limit_total(total)
        .limit_literal_len(max_len);
    let seq = extractor.extract(hir);
    let literals = seq.literals()?;
    if literals.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(literals.len());
    for literal in literals {
        // A literal cut at 8 bytes may end (a prefix) or start (a suffix)
        // inside a character: keep the whole characters.
        let bytes = literal.as_bytes();
        let text = match suffix {
            true => {
                let skip = bytes.iter().take_while(|b| (**b & 0xC0) == 0x80).count();
                std::str::from_utf8(&bytes[skip..]).ok()?
            }
            false => match std::str::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    std::str::from_utf8(&bytes[..e.valid_up_to()]).expect("valid up to there")
                }
            },
        };
        if text.is_empty() || text.chars().any(|c| !c.is_ascii() && has_case(c)) {
            return None;
        }
        out.push(text.to_ascii_lowercase());
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// True when `c` has another case (or is a letter): a case-insensitive
/// regex matches more than `c` itself, which the ASCII-folding automaton would miss.
fn has_case(c: char) -> bool {
    c.is_alphabetic() || c.to_lowercase().ne([c]) || c.to_uppercase().ne([c])
}

/// True when `literals` are rare enough in prose to be worth looking for.
///
/// For prefixes: each hit costs one anchored try, so prefixes that occur all
/// over ordinary prose (a digit, `$`, "the ", "from") would mean hundreds of
/// tries per page; patterns whose prefixes fail this test go into the
/// engine's pattern set instead, which reads a page once for all of them.
/// For suffixes: a page without any of them skips the pattern, which only
/// pays when they are not on every page.
pub fn selective<S: AsRef<str>>(literals: &[S]) -> bool {
    literals.iter().all(|p| {
        let word = p.as_ref().trim_matches(|c: char| !c.is_alphanumeric());
        word.len() >= 3 && COMMON_WORDS.binary_search(&word).is_err()
    })
}

/// The most frequent English words of three letters or more (lower case),
/// plus words that run through nearly all sales copy. A prefix that is one of
/// them occurs many times on a typical page. Sorted (binary search; a unit
/// test checks).
const COMMON_WORDS: &[&str] = &[
    "about", "after", "again", "all", "also", "and", "any", "are", "back", "because", "been",
    "before", "best", "but", "buy", "can", "could", "day", "days", "did", "does", "each", "even",
    "every", "first", "for", "free", "from", "get", "give", "good", "great", "had", "has", "have",
    "her", "here", "him", "his", "home", "how", "into", "its", "just", "know", "last", "like",
    "look", "made", "make", "many", "may", "more", "most", "much", "must", "new", "next", "not",
    "now", "off", "one", "only", "other", "our", "out", "over", "people", "price", "same", "save",
    "see", "she", "should", "some", "such", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "three", "through", "time", "today", "too", "two",
    "under", "use", "very", "was", "way", "well", "were", "what", "when", "where", "which", "who",
    "will", "with", "work", "would", "year", "years", "you", "your",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_gaps_run_across_words() {
        for gap in [
            r"\bfree\b[^.!?\n]*?\bwith\b",
            r"\bsave\b[^.!?]{0,60}\bbundle",
            r"(?:a|\bsee\b.*\bresults)",
            r"\b(?:how) (?:x|[^.]+) made",
        ] {
            assert!(has_open_gap(gap), "{gap}");
        }
        for closed in [
            r"\bfree\b(?: [a-z-]+){0,4}",
            r"\b\d+\s*%\s+off\b",
            r"[^.!?]{0,20}\bnow\b",
            r"[\w-]+(?:\W+\w+){0,5}?",
            r"[£$€]\s?\d[\d.,]*",
        ] {
            assert!(!has_open_gap(closed), "{closed}");
        }
        // Tried at the prefixes only when they are words.
        let gap = r"\bfree\b[^.!?\n]*?\bwith\b";
        assert_ne!(traits(gap, Some(&["free"]), None) & GAP_AFTER_WORDS, 0);
        let digits = r"\d+[^.!?\n]*?\boff\b";
        assert_eq!(traits(digits, Some(&["1", "2"]), None) & GAP_AFTER_WORDS, 0);
    }

    #[test]
    fn word_bounds_read_only_top_level_boundaries() {
        assert_eq!(word_bounds(r"\bfree\b"), (true, true));
        assert_eq!(word_bounds(r"\b(?:a|b) c\b"), (true, true));
        assert_eq!(word_bounds(r"\bfoo|bar\b"), (false, false));
        assert_eq!(word_bounds(r"\b?foo (?:x\b)"), (false, false));
        assert_eq!(word_bounds(r"\bfoo\\b"), (true, false));
        assert_eq!(word_bounds(r"\bfoo[|(]\b"), (true, true));
        assert_eq!(word_bounds(r"[\]\b]foo\b"), (false, true));
        assert_eq!(word_bounds(r"\bfoo\b+"), (true, false));
    }

    #[test]
    fn inner_literals_come_from_the_rarest_required_part() {
        let own = |list: &[&str]| Some(list.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        // A digit and a common word open it; the verb is what is rare.
        assert_eq!(
            inner_literals(r"\b\d+ (?:people|others) (?:have )?(?:bought|booked) this\b"),
            own(&["booked", "bought"])
        );
        // Optional parts are not required; literals are cut at 8 bytes.
        assert_eq!(
            inner_literals(r"\bfree\b[^.!?]{0,60}?\b(?:with purchase|when you order)\b"),
            own(&["when you", "with pur"])
        );
        // An alternation needs something from every branch.
        assert_eq!(
            inner_literals(r"(?:\d+ refunds?|guaranteed \d+)"),
            own(&[" refund", "guarante"])
        );
        assert_eq!(inner_literals(r"(?:\d+ refunds?|\d+%)"), None);
        assert_eq!(inner_literals(r"\d+\s?%"), None);
        assert_eq!(inner_literals(r"(?:the|and) \w+"), None);
    }

    #[test]
    fn common_words_are_sorted() {
        assert!(COMMON_WORDS.windows(2).all(|w| w[0] < w[1]));
    }
}
