//! The regex type the checkers' built-in patterns use: the part of the regex
//! crate's API they need, over a regex-automata meta regex built without
//! literal prefilters.
//!
//! The regex crate extracts literal prefixes and suffixes from every pattern
//! to build a prefilter. For the checkers' long case-insensitive
//! alternations (price cues, money formats) that extraction was two thirds
//! of compiling them, and compiling them was more than a third of a one-file
//! run. They search one paragraph at a time, where a prefilter saves little;
//! the one-pass DFA is left out too. (Leaving out the lazy DFA as well was
//! tried: cheaper to build, but the backtracker and PikeVM searches cost
//! more than that saved.) Matches are the same: same syntax, same
//! leftmost-first semantics.

use std::ops::Range;

use regex_automata::Input;
use regex_automata::meta;
use regex_automata::util::captures;

/// A compiled pattern (see the module docs).
#[derive(Debug, Clone)]
pub struct Regex {
    inner: meta::Regex,
}

/// A match: where it is and the text it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match<'t> {
    text: &'t str,
    start: usize,
    end: usize,
}

/// The groups of one match.
#[derive(Debug, Clone)]
pub struct Captures<'t> {
    text: &'t str,
    groups: captures::Captures,
}

impl Regex {
    pub fn new(pattern: &str) -> Result<Regex, Box<meta::BuildError>> {
        let inner = meta::Regex::builder()
            .configure(meta::Config::new().auto_prefilter(false).onepass(false))
            .build(pattern)
            .map_err(Box::new)?;
        Ok(Regex { inner })
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.inner.is_match(text)
    }

    /// Is there a match starting at `start` or later? Text before `start`
    /// still counts for `\b` and `^`.
    pub fn is_match_at(&self, text: &str, start: usize) -> bool {
        self.inner.is_match(Input::new(text).range(start..))
    }

    pub fn find<'t>(&self, text: &'t str) -> Option<Match<'t>> {
        self.inner.find(text).map(|m| Match::new(text, m.range()))
    }

    pub fn find_iter<'r, 't>(&'r self, text: &'t str) -> impl Iterator<Item = Match<'t>> + 'r
    where
        't: 'r,
    {
        self.inner
            .find_iter(text)
            .map(move |m| Match::new(text, m.range()))
    }

    pub fn captures<'t>(&self, text: &'t str) -> Option<Captures<'t>> {
        self.captures_at(text, 0)
    }

    /// The first match starting at `start` or later, with its groups; text
    /// before `start` still counts for `\b` and `^`.
    pub fn captures_at<'t>(&self, text: &'t str, start: usize) -> Option<Captures<'t>> {
        let mut groups = self.inner.create_captures();
        self.inner
            .search_captures(&Input::new(text).range(start..), &mut groups);
        groups.is_match().then_some(Captures { text, groups })
    }

    pub fn captures_iter<'r, 't>(&'r self, text: &'t str) -> impl Iterator<Item = Captures<'t>> + 'r
    where
        't: 'r,
    {
        self.inner
            .captures_iter(text)
            .map(move |groups| Captures { text, groups })
    }
}

impl<'t> Captures<'t> {
    /// Group `index` (0 is the whole match), if it took part in the match.
    pub fn get(&self, index: usize) -> Option<Match<'t>> {
        self.groups
            .get_group(index)
            .map(|span| Match::new(self.text, span.range()))
    }

    /// The group called `name`, if it took part in the match.
    pub fn name(&self, name: &str) -> Option<Match<'t>> {
        self.groups
            .get_group_by_name(name)
            .map(|span| Match::new(self.text, span.range()))
    }
}

impl<'t> Match<'t> {
    fn new(text: &'t str, range: Range<usize>) -> Match<'t> {
        Match {
            text,
            start: range.start,
            end: range.end,
        }
    }

    pub fn start(&self) -> usize {
        self.start
    }

    pub fn end(&self) -> usize {
        self.end
    }

    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn as_str(&self) -> &'t str {
        &self.text[self.range()]
    }
}

#[cfg(test)]
mod tests {
    use super::Regex;

    /// Every method agrees with the regex crate on the same pattern.
    #[test]
    fn matches_as_the_regex_crate_does() {
        let pattern = r"(?i)\b(?P<cue>was|now)\s+(?P<n>[$£€]\d+)|(?P<pct>\d+)%";
        let lean = Regex::new(pattern).expect("compiles");
        let full = regex::Regex::new(pattern).expect("compiles");
        let text = "WAS £80, now $50 — 37% off; was nothing. Now €9!";
        assert_eq!(lean.is_match(text), full.is_match(text));
        for at in 0..text.len() {
            if !text.is_char_boundary(at) {
                continue;
            }
            let ours = lean.captures_at(text, at);
            let theirs = full.captures_at(text, at);
            assert_eq!(ours.is_some(), theirs.is_some(), "at {at}");
            if let (Some(ours), Some(theirs)) = (ours, theirs) {
                for name in ["cue", "n", "pct"] {
                    assert_eq!(
                        ours.name(name).map(|m| (m.range(), m.as_str())),
                        theirs.name(name).map(|m| (m.range(), m.as_str())),
                        "{name} at {at}"
                    );
                }
                assert_eq!(
                    ours.get(0).map(|m| m.range()),
                    theirs.get(0).map(|m| m.range())
                );
            }
            assert_eq!(
                lean.is_match_at(text, at),
                full.is_match_at(text, at),
                "at {at}"
            );
        }
        let ours: Vec<_> = lean.find_iter(text).map(|m| m.range()).collect();
        let theirs: Vec<_> = full.find_iter(text).map(|m| m.range()).collect();
        assert_eq!(ours, theirs);
        let ours: Vec<_> = lean
            .captures_iter(text)
            .map(|c| c.name("n").map(|m| m.as_str()))
            .collect();
        let theirs: Vec<_> = full
            .captures_iter(text)
            .map(|c| c.name("n").map(|m| m.as_str()))
            .collect();
        assert_eq!(ours, theirs);
        assert_eq!(
            lean.find(text).map(|m| m.range()),
            full.find(text).map(|m| m.range())
        );
        assert!(lean.captures("nothing here").is_none());
    }
}
