//! The regex type the checkers' built-in patterns use: the part of the regex
//! crate's API they need, with the regex crate's matches.
//!
//! A built-in pattern (`checkers::patterns`) is compiled at build time, with
//! its capture groups, and rebuilt here from its NFAs (see
//! [`crate::rules::prebuilt`]): compiling the checkers' patterns at run time
//! was a fifth of a one-file run's instructions and a sixth of its page
//! faults. It is searched the way the regex crate's meta regex searches a
//! pattern it was not given literals for:
//! - a forward lazy DFA finds where a match ends and a reverse one where it
//!   starts; a pattern anchored at the end (`\z`) is searched backwards from
//!   the end only, never over the text before it;
//! - capture groups come from the bounded backtracker (the PikeVM for a
//!   long match) run over that match alone, anchored at its start;
//! - a lazy DFA that gives up (its cache thrashes) hands the search to the
//!   PikeVM.
//!
//! Any other pattern (the unit tests') is compiled at run time into a
//! regex-automata meta regex without literal prefilters or the one-pass DFA:
//! the same matches, cheaper to build than the regex crate's regex.

use std::ops::Range;

use regex_automata::nfa::thompson::{backtrack, pikevm};
use regex_automata::util::captures::{self, GroupInfo};
use regex_automata::util::iter::Searcher;
use regex_automata::{Anchored, Input, MatchKind, hybrid, meta};

use crate::cache_pool::CachePool;

/// A compiled pattern (see the module docs).
#[derive(Debug)]
pub struct Regex {
    engine: Engine,
}

#[derive(Debug)]
enum Engine {
    /// Compiled at run time.
    Meta(meta::Regex),
    /// Rebuilt from prebuilt NFAs.
    Prebuilt(Box<Prebuilt>),
}

/// A built-in pattern's engines over its prebuilt NFAs.
#[derive(Debug)]
struct Prebuilt {
    /// Forward and reverse lazy DFAs.
    regex: hybrid::regex::Regex,
    /// Every match ends at the end of the text (`\z`).
    anchored_end: bool,
    backtrack: backtrack::BoundedBacktracker,
    pikevm: pikevm::PikeVM,
    caches: CachePool<Caches>,
}

/// One search's caches; the backtracker's and PikeVM's are made when first
/// needed (most searches only ask the lazy DFAs).
#[derive(Debug)]
struct Caches {
    regex: hybrid::regex::Cache,
    backtrack: Option<backtrack::Cache>,
    pikevm: Option<pikevm::Cache>,
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
    /// Compiles `pattern` now (see the module docs).
    pub fn new(pattern: &str) -> Result<Regex, Box<meta::BuildError>> {
        let inner = meta::Regex::builder()
            .configure(meta::Config::new().auto_prefilter(false).onepass(false))
            .build(pattern)
            .map_err(Box::new)?;
        Ok(Regex {
            engine: Engine::Meta(inner),
        })
    }

    /// A built-in pattern (already through `ascii_classes`) rebuilt from its
    /// prebuilt NFAs; any other pattern compiled as by [`Regex::new`].
    pub fn built_in(pattern: &str) -> Result<Regex, Box<meta::BuildError>> {
        Regex::built_in_with(pattern, None)
    }

    /// [`Regex::built_in`] with lazy DFA caches of `cache` bytes instead of
    /// the meta regex's (tests use a tiny one, so the DFAs give up and the
    /// PikeVM answers).
    fn built_in_with(pattern: &str, cache: Option<usize>) -> Result<Regex, Box<meta::BuildError>> {
        match Prebuilt::new(pattern, cache) {
            Some(prebuilt) => Ok(Regex {
                engine: Engine::Prebuilt(Box::new(prebuilt)),
            }),
            None => Regex::new(pattern),
        }
    }

    /// Whether this regex was rebuilt from prebuilt NFAs.
    pub fn is_prebuilt(&self) -> bool {
        matches!(self.engine, Engine::Prebuilt(_))
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.is_match_input(&Input::new(text))
    }

    /// Is there a match starting at `start` or later? Text before `start`
    /// still counts for `\b` and `^`.
    pub fn is_match_at(&self, text: &str, start: usize) -> bool {
        self.is_match_input(&Input::new(text).range(start..))
    }

    fn is_match_input(&self, input: &Input<'_>) -> bool {
        match &self.engine {
            Engine::Meta(inner) => inner.is_match(input.clone()),
            Engine::Prebuilt(p) => p.is_match(input),
        }
    }

    /// The leftmost-first match in `input`.
    fn search(&self, input: &Input<'_>) -> Option<regex_automata::Match> {
        match &self.engine {
            Engine::Meta(inner) => inner.search(input),
            Engine::Prebuilt(p) => p.search(input),
        }
    }

    /// The leftmost-first match in `input`, with its groups.
    fn search_captures(&self, input: &Input<'_>) -> captures::Captures {
        match &self.engine {
            Engine::Meta(inner) => {
                let mut groups = inner.create_captures();
                inner.search_captures(input, &mut groups);
                groups
            }
            Engine::Prebuilt(p) => p.search_captures(input),
        }
    }

    pub fn find<'t>(&self, text: &'t str) -> Option<Match<'t>> {
        self.search(&Input::new(text))
            .map(|m| Match::new(text, m.range()))
    }

    pub fn find_iter<'r, 't>(&'r self, text: &'t str) -> impl Iterator<Item = Match<'t>> + 'r
    where
        't: 'r,
    {
        let mut searcher = Searcher::new(Input::new(text));
        std::iter::from_fn(move || {
            searcher
                .advance(|input| Ok(self.search(input)))
                .map(|m| Match::new(text, m.range()))
        })
    }

    pub fn captures<'t>(&self, text: &'t str) -> Option<Captures<'t>> {
        self.captures_at(text, 0)
    }

    /// The first match starting at `start` or later, with its groups; text
    /// before `start` still counts for `\b` and `^`.
    pub fn captures_at<'t>(&self, text: &'t str, start: usize) -> Option<Captures<'t>> {
        let groups = self.search_captures(&Input::new(text).range(start..));
        groups.is_match().then_some(Captures { text, groups })
    }

    pub fn captures_iter<'r, 't>(&'r self, text: &'t str) -> impl Iterator<Item = Captures<'t>> + 'r
    where
        't: 'r,
    {
        // As the regex crate iterates: each search starts where the last
        // match ended, and an empty match right after one is skipped.
        let mut searcher = Searcher::new(Input::new(text));
        let mut last = None;
        std::iter::from_fn(move || {
            searcher.advance(|input| {
                let groups = self.search_captures(input);
                let found = groups.get_match();
                last = Some(groups);
                Ok(found)
            })?;
            last.take().map(|groups| Captures { text, groups })
        })
    }
}

impl Prebuilt {
    /// The engines for `pattern` from its prebuilt NFAs, or None when it is
    /// not a built-in pattern.
    fn new(pattern: &str, cache: Option<usize>) -> Option<Prebuilt> {
        let forward = crate::rules::prebuilt_checker_nfa(pattern, false)?;
        let reverse = crate::rules::prebuilt_checker_nfa(pattern, true)?;
        // The reverse NFA has no unanchored start exactly when every match
        // ends at `\z` (the compiler's rule), as the meta regex checks.
        let anchored_end =
            reverse.is_always_start_anchored() && !forward.is_always_start_anchored();
        // The meta regex's lazy DFA settings, without a prefilter.
        let mut config = hybrid::dfa::Config::new()
            .match_kind(MatchKind::LeftmostFirst)
            .unicode_word_boundary(true)
            .skip_cache_capacity_check(false)
            .minimum_cache_clear_count(Some(3))
            .minimum_bytes_per_state(Some(10));
        if let Some(bytes) = cache {
            config = config.cache_capacity(bytes).skip_cache_capacity_check(true);
        }
        let fwd = hybrid::dfa::Builder::new()
            .configure(config.clone())
            .build_from_nfa(forward.clone())
            .ok()?;
        let rev = hybrid::dfa::Builder::new()
            .configure(
                config
                    .prefilter(None)
                    .specialize_start_states(false)
                    .match_kind(MatchKind::All),
            )
            .build_from_nfa(reverse)
            .ok()?;
        let backtrack = backtrack::Builder::new()
            .build_from_nfa(forward.clone())
            .ok()?;
        let pikevm = pikevm::Builder::new().build_from_nfa(forward).ok()?;
        Some(Prebuilt {
            regex: hybrid::regex::Builder::new().build_from_dfas(fwd, rev),
            anchored_end,
            backtrack,
            pikevm,
            caches: CachePool::default(),
        })
    }

    fn group_info(&self) -> &GroupInfo {
        self.pikevm.get_nfa().group_info()
    }

    /// Runs `search` with a pooled set of caches.
    fn with<R>(&self, search: impl FnOnce(&mut Caches) -> R) -> R {
        self.caches.with(
            || Caches {
                regex: self.regex.create_cache(),
                backtrack: None,
                pikevm: None,
            },
            search,
        )
    }

    fn is_match(&self, input: &Input<'_>) -> bool {
        self.with(|caches| {
            let found = if self.anchored_end && !input.get_anchored().is_anchored() {
                self.start_from_end(caches, input)
                    .map(|start| start.is_some())
            } else {
                let (fwd, _) = caches.regex.as_parts_mut();
                self.regex
                    .forward()
                    .try_search_fwd(fwd, &input.clone().earliest(true))
                    .map(|end| end.is_some())
                    .map_err(|_| ())
            };
            found.unwrap_or_else(|()| {
                let cache = caches
                    .pikevm
                    .get_or_insert_with(|| self.pikevm.create_cache());
                self.pikevm.is_match(cache, input.clone())
            })
        })
    }

    fn search(&self, input: &Input<'_>) -> Option<regex_automata::Match> {
        self.with(|caches| self.search_with(caches, input))
    }

    fn search_with(&self, caches: &mut Caches, input: &Input<'_>) -> Option<regex_automata::Match> {
        let found = if self.anchored_end && !input.get_anchored().is_anchored() {
            self.start_from_end(caches, input)
                .map(|start| start.map(|start| regex_automata::Match::must(0, start..input.end())))
        } else {
            self.regex
                .try_search(&mut caches.regex, input)
                .map_err(|_| ())
        };
        match found {
            Ok(found) => found,
            Err(()) => {
                let pikevm_cache = caches
                    .pikevm
                    .get_or_insert_with(|| self.pikevm.create_cache());
                self.pikevm.find(pikevm_cache, input.clone())
            }
        }
    }

    /// Where the match that ends at the end of `input` starts (the leftmost
    /// such start), found by the reverse lazy DFA anchored at the end; Err
    /// when it gave up.
    fn start_from_end(&self, caches: &mut Caches, input: &Input<'_>) -> Result<Option<usize>, ()> {
        let (_, rev) = caches.regex.as_parts_mut();
        self.regex
            .reverse()
            .try_search_rev(rev, &input.clone().anchored(Anchored::Yes))
            .map(|found| found.map(|half| half.offset()))
            .map_err(|_| ())
    }

    fn search_captures(&self, input: &Input<'_>) -> captures::Captures {
        let mut groups = captures::Captures::all(self.group_info().clone());
        self.with(|caches| {
            let Some(m) = self.search_with(caches, input) else {
                return;
            };
            // The groups of this match alone: anchored at its start, over
            // its span (look-around still sees the text beyond).
            let span = input
                .clone()
                .span(m.range())
                .anchored(Anchored::Pattern(m.pattern()))
                .earliest(false);
            if m.len() <= self.backtrack.max_haystack_len() {
                let cache = caches
                    .backtrack
                    .get_or_insert_with(|| self.backtrack.create_cache());
                if self.backtrack.try_search(cache, &span, &mut groups).is_ok() {
                    return;
                }
            }
            let cache = caches
                .pikevm
                .get_or_insert_with(|| self.pikevm.create_cache());
            self.pikevm.search(cache, &span, &mut groups);
        });
        groups
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

    /// When a lazy DFA gives up (its cache thrashes), the PikeVM answers, with
    /// the same matches and groups as the regex crate.
    #[test]
    fn a_dfa_that_gives_up_hands_over_to_the_pikevm() {
        let text =
            "Was £80, now £50: 37% off. RRP $1,299.00, now $999 (up to 20 % off); 99p each. "
                .repeat(40);
        for pattern in [
            crate::checkers::patterns::money(),
            crate::checkers::patterns::pct_off(),
        ] {
            let source = crate::rules::ascii_classes(&pattern);
            let tiny = Regex::built_in_with(&source, Some(1)).expect("compiles");
            assert!(tiny.is_prebuilt());
            let theirs = regex::Regex::new(&source).expect("compiles");
            let want: Vec<_> = theirs.find_iter(&text).map(|m| m.range()).collect();
            assert!(!want.is_empty(), "{pattern}");
            let got: Vec<_> = tiny.find_iter(&text).map(|m| m.range()).collect();
            assert_eq!(got, want, "{pattern}");
            // Every group's span, for either crate's captures.
            let n = theirs.captures_len();
            let spans = |get: &dyn Fn(usize) -> Option<std::ops::Range<usize>>| {
                (0..n).map(get).collect::<Vec<_>>()
            };
            let want: Vec<_> = theirs
                .captures_iter(&text)
                .map(|c| spans(&|i| c.get(i).map(|m| m.range())))
                .collect();
            let got: Vec<_> = tiny
                .captures_iter(&text)
                .map(|c| spans(&|i| c.get(i).map(|m| m.range())))
                .collect();
            assert_eq!(got, want, "{pattern}");
            assert_eq!(tiny.is_match(&text), theirs.is_match(&text));
        }
    }

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
