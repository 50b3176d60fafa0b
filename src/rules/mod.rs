//! Rule packs: loading, strict validation and the compiled [`Rule`] type.
//!
//! Owns the meaning of a pack: which keys exist, which categories, what a
//! checker name means. It does not match anything; that is the engine's job.

// A bad pack is a cold path that ends the run: carrying the file text and span
// by value in the error costs nothing that matters.
#![allow(clippy::result_large_err)]

pub mod prebuilt;
pub mod schema;

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use regex::{Regex, RegexBuilder};
use regex_automata::nfa::thompson;
use regex_automata::{hybrid, meta};

use crate::cache_pool::CachePool;
use crate::diagnostic::{Category, Severity};
use crate::error::{Error, FileError};
use schema::{ContextSpec, PackFile, RuleSpec};

pub use crate::prefix::ascii_classes;

include!(concat!(env!("OUT_DIR"), "/embedded_packs.rs"));

/// The bundled data a run reads only while it builds its rules and their
/// regexes: the packs, the literal table's text and the prebuilt NFAs. Once
/// built, a long run does not need these pages (see
/// [`crate::heap::release_read_only`]).
pub fn build_time_data() -> impl Iterator<Item = &'static [u8]> {
    let packs = EMBEDDED_PACKS.iter().flat_map(|p| {
        [Some(p.text), p.parsed, p.lean]
            .into_iter()
            .flatten()
            .map(str::as_bytes)
    });
    [PREBUILT_BLOB, LITERAL_TEXT.as_bytes()]
        .into_iter()
        .chain(packs)
}

/// A rule pack file compiled into the binary.
pub struct EmbeddedPack {
    pub pack: &'static str,
    pub path: &'static str,
    pub text: &'static str,
    /// The same pack as JSON, written by `build.rs` after parsing the YAML
    /// with the schema types (None if it did not parse there).
    pub parsed: Option<&'static str>,
    /// `parsed` without the rules' examples, for runs that do not need them.
    pub lean: Option<&'static str>,
    /// The byte offset of each rule's id in `text`, in order (empty when the
    /// pack did not parse at build time).
    pub offsets: &'static [usize],
}

#[cfg(test)]
impl EmbeddedPack {
    /// The pack as `build.rs` parsed it, examples included (for tests).
    pub fn spec(&self) -> PackFile {
        serde_json::from_str(self.parsed.expect("bundled packs parse")).expect("JSON")
    }
}

/// One row of the table `build.rs` writes: a bundled regex, its literal
/// prefixes and its literal suffixes, each a range of `LITERAL_SPANS`, and
/// its [`crate::prefix::traits`].
type BundledLiterals = (
    &'static str,
    Option<(usize, usize)>,
    Option<(usize, usize)>,
    u8,
);

/// The literals of a range `(first, count)` of `LITERAL_SPANS`.
fn literals_in(range: (usize, usize)) -> impl Iterator<Item = &'static str> {
    let (first, count) = range;
    LITERAL_SPANS[first..first + count]
        .iter()
        .map(|&(at, len)| &LITERAL_TEXT[at..at + len])
}

/// The row for `source` in one of the build-time tables, each sorted by
/// the regex source in its first field.
fn bundled_row<T>(
    table: &'static [T],
    source: &str,
    key: impl Fn(&T) -> &str,
) -> Option<&'static T> {
    let i = table.binary_search_by(|row| key(row).cmp(source)).ok()?;
    Some(&table[i])
}

/// One row of the table `build.rs` writes: a bundled regex, then the offset
/// and length in `PREBUILT_BLOB` of its forward and of its reverse NFA.
type PrebuiltNfa = (&'static str, usize, usize, usize, usize);

/// The NFA `build.rs` compiled for a bundled regex source, forward or
/// reverse, or None for a regex that is not bundled.
fn prebuilt_nfa(source: &str, reverse: bool) -> Option<thompson::NFA> {
    prebuilt_from(PREBUILT_NFAS, source, reverse)
}

/// The NFA `build.rs` compiled for a checker's built-in pattern (after
/// [`ascii_classes`]), forward (with its capture groups) or reverse, or None
/// for any other pattern (see [`crate::lean_regex::Regex::built_in`]).
pub(crate) fn prebuilt_checker_nfa(source: &str, reverse: bool) -> Option<thompson::NFA> {
    prebuilt_from(PREBUILT_CHECKERS, source, reverse)
}

/// The NFA for `source` in one of the prebuilt tables.
fn prebuilt_from(
    table: &'static [PrebuiltNfa],
    source: &str,
    reverse: bool,
) -> Option<thompson::NFA> {
    let &(_, fwd, fwd_len, rev, rev_len) = bundled_row(table, source, |row| row.0)?;
    let (at, len) = if reverse {
        (rev, rev_len)
    } else {
        (fwd, fwd_len)
    };
    let bytes = PREBUILT_BLOB.get(at..at + len)?;
    thread_local! {
        static BUILDER: std::cell::RefCell<thompson::Builder> =
            std::cell::RefCell::new(thompson::Builder::new());
    }
    BUILDER.with(|builder| match builder.try_borrow_mut() {
        Ok(mut builder) => prebuilt::decode_with(&mut builder, bytes),
        Err(_) => prebuilt::decode(bytes),
    })
}

/// A pattern's literal prefixes and suffixes, and its traits (see
/// [`crate::prefix`]). Borrowed from the build-time table for bundled
/// patterns (no copies at start-up), owned for user patterns.
pub type Literals = (
    Option<Vec<std::borrow::Cow<'static, str>>>,
    Option<Vec<std::borrow::Cow<'static, str>>>,
    u8,
);

/// The literal prefixes and suffixes `build.rs` worked out for a bundled
/// pattern, or None for a pattern that is not bundled.
pub fn bundled_literals(pattern: &str) -> Option<Literals> {
    let &(_, prefixes, suffixes, traits) = bundled_row(BUNDLED_LITERALS, pattern, |row| row.0)?;
    let borrowed =
        |range: Option<(usize, usize)>| range.map(|r| literals_in(r).map(Into::into).collect());
    Some((borrowed(prefixes), borrowed(suffixes), traits))
}

/// The bundled pack that is on by default.
pub const DEFAULT_PACK: &str = "core";
/// claimlint's own housekeeping rules (front matter, suppressions): always on.
pub const META_PACK: &str = "meta";

/// Names of the bundled optional packs (`--pack NAME`).
pub fn optional_packs() -> Vec<&'static str> {
    let mut names: Vec<&str> = EMBEDDED_PACKS
        .iter()
        .map(|p| p.pack)
        .filter(|p| *p != DEFAULT_PACK && *p != META_PACK)
        .collect();
    names.dedup();
    names
}

/// Where a regional rule set applies; changes thresholds and severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Jurisdiction {
    #[default]
    Us,
    Eu,
    Uk,
}

impl Jurisdiction {
    pub fn as_str(self) -> &'static str {
        match self {
            Jurisdiction::Us => "us",
            Jurisdiction::Eu => "eu",
            Jurisdiction::Uk => "uk",
        }
    }

    fn parse(s: &str) -> Option<Jurisdiction> {
        match s {
            "us" => Some(Jurisdiction::Us),
            "eu" => Some(Jurisdiction::Eu),
            "uk" => Some(Jurisdiction::Uk),
            _ => None,
        }
    }
}

/// How far around a claim a condition looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Sentence,
    Paragraph,
    Document,
}

impl Scope {
    fn parse(s: &str) -> Option<Scope> {
        match s {
            "sentence" => Some(Scope::Sentence),
            "paragraph" => Some(Scope::Paragraph),
            "document" => Some(Scope::Document),
            _ => None,
        }
    }
}

/// A built-in check that needs more than a phrase list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checker {
    /// Claimed discount (percentage or saving) that the was/now prices do not support.
    PriceArithmetic,
    /// A was-price that differs from the declared `offer.regular_price`.
    ReferencePriceMismatch,
    /// A reference price or reduction with no declared `offer.regular_price`.
    ReferencePriceUndeclared,
    /// `offer.regular_price_since` too recent for the jurisdiction.
    ReferencePeriodTooShort,
    /// `offer.ends` is before today: the copy runs an expired offer.
    OfferExpired,
    /// A date in the copy that disagrees with `offer.ends`.
    OfferDateMismatch,
    /// An asterisked claim whose footnote adds conditions.
    FootnoteConditions,
    /// Copy about the seller (we/our) more than the buyer (you/your).
    SellerFocus,
    /// An `evidence` entry past its `expires` date.
    EvidenceExpired,
    /// Front matter that is not valid YAML/TOML or is not closed.
    FrontMatterInvalid,
    /// A suppression comment without a reason.
    SuppressionWithoutReason,
    /// A suppression comment that suppressed nothing.
    UnusedSuppression,
}

impl Checker {
    const NAMES: [(&'static str, Checker); 12] = [
        ("price-arithmetic", Checker::PriceArithmetic),
        ("reference-price-mismatch", Checker::ReferencePriceMismatch),
        (
            "reference-price-undeclared",
            Checker::ReferencePriceUndeclared,
        ),
        (
            "reference-period-too-short",
            Checker::ReferencePeriodTooShort,
        ),
        ("offer-expired", Checker::OfferExpired),
        ("offer-date-mismatch", Checker::OfferDateMismatch),
        ("footnote-conditions", Checker::FootnoteConditions),
        ("seller-focus", Checker::SellerFocus),
        ("evidence-expired", Checker::EvidenceExpired),
        ("front-matter-invalid", Checker::FrontMatterInvalid),
        (
            "suppression-without-reason",
            Checker::SuppressionWithoutReason,
        ),
        ("unused-suppression", Checker::UnusedSuppression),
    ];

    pub fn parse(name: &str) -> Option<Checker> {
        Checker::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
    }

    pub fn names() -> impl Iterator<Item = &'static str> {
        Checker::NAMES.iter().map(|(n, _)| *n)
    }
}

/// A rule's regex, compiled on first use.
///
/// Most rules never need their condition regexes on a given run (the claim
/// does not occur), so compiling them all up front would dominate start-up.
/// Bundled packs are compiled in full by the test suite; user packs are
/// compiled in full when loaded. So the first use cannot fail.
///
/// Compiled forms, each built only when first needed, with the same matches
/// as [`user_regex`]:
/// - a forward lazy DFA ([`Forward`]), which answers "is there a match" and
///   "where does the match starting here end";
/// - for finding every match, a bundled regex adds a reverse lazy DFA
///   ([`Both`]); both come from NFAs compiled at build time
///   ([`prebuilt`]), so a bundled regex is never compiled at run time;
/// - a user regex finds every match with a lean [`meta::Regex`] (see
///   [`runtime_regex`]).
///
/// A bundled `nearby` list of several regexes is also answered member by
/// member for its first [`SPLIT_ASKS`] questions (see [`LazyRegex::members`]).
#[derive(Debug)]
pub struct LazyRegex {
    pub source: String,
    cell: OnceLock<meta::Regex>,
    /// The members of a bundled list, each on its own (empty for any other regex).
    members: OnceLock<Box<[LazyRegex]>>,
    /// Questions asked of a list so far (see [`SPLIT_ASKS`]).
    asked: AtomicU32,
    // Boxed: the lazy DFAs are large (1-2 KB) and most regexes never build
    // them, so a run with hundreds of rules stays small and quick to set up.
    forward: OnceLock<Option<Box<Forward>>>,
    both: OnceLock<Option<Box<Both>>>,
    /// The build-time literals that rule texts out before the regex is built.
    prechecks: OnceLock<Prechecks>,
    /// Texts ruled out so far that way; after [`PRECHECKS_BEFORE_BUILDING`]
    /// the regex is built, since a regex asked that often pays for itself.
    ruled_out: AtomicU32,
}

/// See [`LazyRegex::ruled_out`]: a check of the literals costs about what a
/// search with a built DFA does, and less than building it.
const PRECHECKS_BEFORE_BUILDING: u32 = 16;

/// How many questions a bundled `nearby` list answers member by member
/// before its union is built and asked instead.
///
/// A list names the ways a page can qualify a claim ("was £X from 1 to 28
/// May", "the price we charged for 28 days", ...): up to ~30 regexes whose
/// union is one NFA of thousands of states (190 KB for the fake-sale rules'
/// reference periods), which a page with one sale claim had to read back
/// and set up, though one or two members could match there. Asked member
/// by member, only the members whose literals occur near the claim are
/// built. A run that asks a list again and again (a whole repository) is
/// better served by the union: one search instead of several, and the union
/// costs once for the whole run. The answers are the same either way.
const SPLIT_ASKS: u32 = 32;

/// What `build.rs` worked out for a bundled regex, looked up once: its
/// literal prefixes (every match starts with one of them) and suffixes
/// (every match ends with one: exceptions that start with a common word or
/// a quote often end with a rare one), ASCII case folded, and its long
/// prefixes (see [`crate::prefix::long_prefix_literals`]).
#[derive(Debug, Clone, Copy)]
struct Prechecks {
    prefixes: Option<(usize, usize)>,
    suffixes: Option<(usize, usize)>,
    long: Option<(usize, usize)>,
    /// Literals one of which every match contains somewhere
    /// ([`crate::prefix::inner_literals`]).
    inner: Option<(usize, usize)>,
}

impl Clone for LazyRegex {
    fn clone(&self) -> LazyRegex {
        LazyRegex::new(self.source.clone())
    }
}

/// Cache capacity of each lazy DFA a rule regex runs on.
const LAZY_DFA_CACHE: usize = 2 * 1024 * 1024;

/// A forward-only lazy DFA with a pool of search caches.
#[derive(Debug)]
struct Forward {
    dfa: hybrid::dfa::DFA,
    caches: CachePool<hybrid::dfa::Cache>,
}

impl Forward {
    fn new(pattern: &str) -> Option<Forward> {
        let mut builder = hybrid::dfa::DFA::builder();
        builder.configure(hybrid::dfa::DFA::config().cache_capacity(LAZY_DFA_CACHE));
        let dfa = match prebuilt_nfa(pattern, false) {
            Some(nfa) => builder.build_from_nfa(nfa),
            None => builder
                .syntax(prebuilt::syntax_config())
                .thompson(prebuilt::thompson_config(false))
                .build(&ascii_classes(pattern)),
        }
        .ok()?;
        Some(Forward {
            dfa,
            caches: CachePool::default(),
        })
    }

    /// The end of the first match in `input`, or Err when the DFA gave up.
    fn search(&self, input: &regex_automata::Input<'_>) -> Result<Option<usize>, ()> {
        let found = self.caches.with(
            || self.dfa.create_cache(),
            |cache| self.dfa.try_search_fwd(cache, input),
        );
        found.map(|m| m.map(|m| m.offset())).map_err(|_| ())
    }
}

/// Forward and reverse lazy DFAs over a bundled regex's prebuilt NFAs: finds
/// every match (leftmost-first, as [`meta::Regex`] does) with no compiling.
#[derive(Debug)]
struct Both {
    regex: hybrid::regex::Regex,
    caches: CachePool<hybrid::regex::Cache>,
}

impl Both {
    fn new(forward: &Forward, source: &str) -> Option<Both> {
        let reverse = hybrid::dfa::DFA::builder()
            .configure(
                hybrid::dfa::DFA::config()
                    .cache_capacity(LAZY_DFA_CACHE)
                    .prefilter(None)
                    .specialize_start_states(false)
                    .match_kind(regex_automata::MatchKind::All),
            )
            .build_from_nfa(prebuilt_nfa(source, true)?)
            .ok()?;
        Some(Both {
            regex: hybrid::regex::Builder::new().build_from_dfas(forward.dfa.clone(), reverse),
            caches: CachePool::default(),
        })
    }

    /// Every match in `span` of `text`, or Err when a DFA gave up.
    fn find_all(&self, text: &str, span: Range<usize>) -> Result<Vec<regex_automata::Match>, ()> {
        self.caches.with(
            || self.regex.create_cache(),
            |cache| {
                let input = regex_automata::Input::new(text).range(span);
                let mut searcher = regex_automata::util::iter::Searcher::new(input);
                let mut found = Vec::new();
                loop {
                    match searcher.try_advance(|input| self.regex.try_search(cache, input)) {
                        Ok(Some(m)) => found.push(m),
                        Ok(None) => return Ok(found),
                        Err(_) => return Err(()),
                    }
                }
            },
        )
    }
}

impl LazyRegex {
    pub fn new(source: String) -> LazyRegex {
        LazyRegex {
            source,
            cell: OnceLock::new(),
            members: OnceLock::new(),
            asked: AtomicU32::new(0),
            forward: OnceLock::new(),
            both: OnceLock::new(),
            prechecks: OnceLock::new(),
            ruled_out: AtomicU32::new(0),
        }
    }

    /// True when the regex is not built yet and `ruled_out` says `text`
    /// cannot match (see [`LazyRegex::ruled_out`]).
    fn precheck(&self, ruled_out: impl FnOnce(Prechecks) -> bool) -> bool {
        if self.forward.get().is_some()
            || self.ruled_out.load(Ordering::Relaxed) >= PRECHECKS_BEFORE_BUILDING
        {
            return false;
        }
        let out = ruled_out(self.prechecks());
        if out {
            self.ruled_out.fetch_add(1, Ordering::Relaxed);
        }
        out
    }

    fn prechecks(&self) -> Prechecks {
        *self.prechecks.get_or_init(|| {
            let literals = bundled_row(BUNDLED_LITERALS, &self.source, |row| row.0);
            let nonempty = |list: Option<(usize, usize)>| list.filter(|l| l.1 > 0);
            Prechecks {
                prefixes: nonempty(literals.and_then(|row| row.1)),
                suffixes: nonempty(literals.and_then(|row| row.2)),
                long: bundled_row(BUNDLED_LONG_PREFIXES, &self.source, |row| row.0)
                    .map(|row| row.1),
                inner: bundled_row(BUNDLED_INNER, &self.source, |row| row.0).map(|row| row.1),
            }
        })
    }

    pub fn get(&self) -> &meta::Regex {
        self.cell.get_or_init(|| {
            runtime_regex(&self.source)
                .expect("validated when the pack was loaded or by the test suite")
        })
    }

    fn forward(&self) -> Option<&Forward> {
        self.forward
            .get_or_init(|| Forward::new(&self.source).map(Box::new))
            .as_deref()
    }

    fn both(&self) -> Option<&Both> {
        self.both
            .get_or_init(|| Both::new(self.forward()?, &self.source).map(Box::new))
            .as_deref()
    }

    /// The members of a bundled list, each on its own, while the list is
    /// still answered that way (see [`SPLIT_ASKS`]): None for any other
    /// regex, and for a list asked that often. `ask` counts the question.
    fn members(&self, ask: bool) -> Option<&[LazyRegex]> {
        let members = self.members.get_or_init(|| {
            bundled_row(BUNDLED_LISTS, &self.source, |row| row.0)
                .map(|row| {
                    row.1
                        .iter()
                        .map(|m| LazyRegex::new(m.to_string()))
                        .collect()
                })
                .unwrap_or_default()
        });
        if members.is_empty() {
            return None;
        }
        let asked = if ask {
            self.asked.fetch_add(1, Ordering::Relaxed)
        } else {
            self.asked.load(Ordering::Relaxed)
        };
        (asked < SPLIT_ASKS).then_some(&**members)
    }

    /// Has a bundled list answer as one union from now on, never member by
    /// member: for a run of many documents, where the members built before
    /// the union takes over would only add to its memory.
    pub fn answer_whole(&self) {
        self.asked.store(SPLIT_ASKS, Ordering::Relaxed);
    }

    /// Builds the regex now unless it is built, or its literals rule out
    /// the text whose ASCII-lowercased form is `lowered` (see
    /// [`crate::engine::Engine::lend_spare_core`]). A list still answered
    /// member by member builds the members that may match instead.
    pub fn build_ahead(&self, lowered: &str) {
        if let Some(members) = self.members(false) {
            for member in members {
                member.build_ahead(lowered);
            }
            return;
        }
        if self.forward.get().is_some() {
            return;
        }
        if may_match_lowered(self.prechecks(), lowered) {
            self.forward();
        }
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.is_match_in(text, 0..text.len())
    }

    /// Whether a match lies in `span` of `text` (look-around sees past it).
    pub fn is_match_in(&self, text: &str, span: Range<usize>) -> bool {
        if let Some(members) = self.members(true) {
            return any_member_matches(members, text, span);
        }
        // Until the regex is built, a text without any of its literal
        // prefixes is answered without building it: in a small run most
        // exceptions and conditions are asked once or twice, never match,
        // and would cost more to build than to rule out.
        if self.precheck(|p| !may_match(p, &text[span.clone()])) {
            return false;
        }
        self.search_in(text, span)
    }

    /// [`LazyRegex::is_match_in`] with no literal precheck and no split.
    fn search_in(&self, text: &str, span: Range<usize>) -> bool {
        let input = regex_automata::Input::new(text).range(span).earliest(true);
        match self.forward().map(|f| f.search(&input)) {
            Some(Ok(found)) => found.is_some(),
            _ => self.get().is_match(input),
        }
    }

    /// Every match in `text`, leftmost-first and not overlapping, in order.
    pub fn find_all(&self, text: &str) -> Vec<regex_automata::Match> {
        self.find_all_in(text, 0..text.len(), false)
    }

    /// Every match that lies in `span` of `text` (look-around still sees the
    /// text around it), leftmost-first and not overlapping, in order.
    ///
    /// Unless `expected` says a match is there, asks the forward DFA first:
    /// most texts a rule searches hold no match, and then the reverse
    /// automaton is never built.
    pub fn find_all_in(
        &self,
        text: &str,
        span: Range<usize>,
        expected: bool,
    ) -> Vec<regex_automata::Match> {
        if !expected && !self.is_match_in(text, span.clone()) {
            return Vec::new();
        }
        match self.both().map(|b| b.find_all(text, span.clone())) {
            Some(Ok(found)) => found,
            _ => self
                .get()
                .find_iter(regex_automata::Input::new(text).range(span))
                .collect(),
        }
    }

    /// Whether a match starts exactly at `start` and ends by `end`: what
    /// [`LazyRegex::match_at`] says, without finding where the match ends.
    pub fn matches_at(&self, text: &str, start: usize, end: usize) -> bool {
        if let Some(members) = self.members(true) {
            return any_member_matches_at(members, text, start, end);
        }
        self.anchored_end(text, start..end, true).is_some()
    }

    /// The match that starts exactly at `start` and ends by `end` (the
    /// leftmost-first one), if any; text outside still counts for `\b` and `^`.
    pub fn match_at(&self, text: &str, start: usize, end: usize) -> Option<regex_automata::Match> {
        self.anchored_end(text, start..end, false)
            .map(|end| regex_automata::Match::must(0, start..end))
    }

    /// The end of the match anchored at `span.start`, or with `earliest` of
    /// the first one found (enough to say that there is one).
    fn anchored_end(&self, text: &str, span: Range<usize>, earliest: bool) -> Option<usize> {
        // As in `is_match`: until it is built, a pattern whose long prefixes
        // do not start here is not built for this try.
        if self.precheck(|p| {
            !may_match_at(p.long, text, span.start) || !may_match_within(p, text, span.clone())
        }) {
            return None;
        }
        let input = regex_automata::Input::new(text)
            .range(span)
            .anchored(regex_automata::Anchored::Yes)
            .earliest(earliest);
        match self.forward().map(|f| f.search(&input)) {
            Some(Ok(end)) => end,
            _ => self.get().search(&input).map(|m| m.end()),
        }
    }

    /// The matches a leftmost-first search finds, for a regex whose every
    /// match starts at one of `starts` (in order): tried anchored at each
    /// start that no earlier match covers, each ending by `end_of(start)`.
    pub fn matches_from_starts(
        &self,
        text: &str,
        starts: impl IntoIterator<Item = usize>,
        end_of: impl Fn(usize) -> usize,
        mut found: impl FnMut(regex_automata::Match),
    ) {
        // No match may start before `from` (the end of the last one).
        let mut from = 0;
        for start in starts {
            if start < from {
                continue;
            }
            if let Some(m) = self.match_at(text, start, end_of(start)) {
                from = m.end().max(start + 1);
                found(m);
            }
        }
    }
}

/// False when a bundled pattern cannot match at `start`: none of the literal
/// prefixes in `long` (its long ones, or all of them) starts there (ASCII
/// case folded). True when there is no such list.
fn may_match_at(long: Option<(usize, usize)>, text: &str, start: usize) -> bool {
    let Some(long) = long else {
        return true;
    };
    let rest = text.as_bytes().get(start..).unwrap_or_default();
    literals_in(long).any(|p| {
        rest.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p.as_bytes()))
    })
}

/// Whether any of `members` (a list's, see [`LazyRegex::members`]) matches
/// in `span` of `text`. The span is lowered once for all the members'
/// literal checks; a member built already is searched without one.
fn any_member_matches(members: &[LazyRegex], text: &str, span: Range<usize>) -> bool {
    let lowered = text[span.clone()].to_ascii_lowercase();
    members.iter().any(|member| {
        (member.forward.get().is_some() || may_match_lowered(member.prechecks(), &lowered))
            && member.search_in(text, span.clone())
    })
}

/// Whether any of `members` (a list's) has a match that starts exactly at
/// `start` and ends by `end`. A member none of whose literal prefixes starts
/// there is not asked.
fn any_member_matches_at(members: &[LazyRegex], text: &str, start: usize, end: usize) -> bool {
    members.iter().any(|member| {
        may_match_at(member.prechecks().prefixes, text, start)
            && member.anchored_end(text, start..end, true).is_some()
    })
}

/// False when a bundled regex cannot match `text`: none of its literal
/// prefixes, none of its literal suffixes, or none of the literals every
/// match contains, occurs there (ASCII case folded).
fn may_match(checks: Prechecks, text: &str) -> bool {
    if checks.prefixes.is_none() && checks.suffixes.is_none() && checks.inner.is_none() {
        return true;
    }
    may_match_lowered(checks, &text.to_ascii_lowercase())
}

/// False when a bundled pattern cannot match inside `span` of `text`: none
/// of its suffixes, or none of the literals every match contains, occurs
/// there. Spans longer than a few kilobytes are not read (answered true): the
/// check is for the short stretches anchored tries end by, and a long one
/// would cost more to lower-case than it could save.
fn may_match_within(checks: Prechecks, text: &str, span: Range<usize>) -> bool {
    const LONGEST: usize = 4096;
    if (checks.suffixes.is_none() && checks.inner.is_none()) || span.len() > LONGEST {
        return true;
    }
    let Some(part) = text.as_bytes().get(span) else {
        return true;
    };
    // Lowered into a buffer the thread keeps: a fresh 4 KB array was zeroed
    // whole for every try, however short the span.
    thread_local! {
        static LOWERED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    LOWERED.with(|buffer| {
        let mut lowered = buffer.borrow_mut();
        lowered.clear();
        lowered.extend(part.iter().map(u8::to_ascii_lowercase));
        holds_any(checks.suffixes, &lowered) && holds_any(checks.inner, &lowered)
    })
}

/// [`may_match`] for a text already ASCII-lowercased.
fn may_match_lowered(checks: Prechecks, lowered: &str) -> bool {
    let lowered = lowered.as_bytes();
    holds_any(checks.prefixes, lowered)
        && holds_any(checks.suffixes, lowered)
        && holds_any(checks.inner, lowered)
}

/// True when `lowered` holds one of the literals in `range` of the literal
/// table, or when there is no such list to check.
fn holds_any(range: Option<(usize, usize)>, lowered: &[u8]) -> bool {
    range.is_none_or(|range| {
        literals_in(range).any(|p| memchr::memmem::find(lowered, p.as_bytes()).is_some())
    })
}

/// A regex and the scope it is looked for in.
#[derive(Debug, Clone)]
pub struct Context {
    pub nearby: Arc<LazyRegex>,
    pub within: Scope,
}

/// A condition on the file's facts: the path is declared, or equals a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactCondition {
    pub path: String,
    pub equals: Option<String>,
}

/// What clears a finding.
#[derive(Debug, Clone, Default)]
pub struct Unless {
    pub facts: Vec<FactCondition>,
    pub nearby: Option<Context>,
    pub evidence: bool,
    /// `nearby` is also looked for in the footnote the claim's mark leads to.
    pub footnotes: bool,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub description: String,
    pub references: Vec<String>,
    /// Literal phrases, normalised to single spaces.
    pub phrases: Vec<String>,
    /// Regex sources, as written.
    pub patterns: Vec<String>,
    /// Each exception on its own: a short one must not hide a longer one that
    /// covers the claim (alternation would take the first that matches).
    pub exceptions: Vec<Arc<LazyRegex>>,
    pub when: Option<Context>,
    pub unless: Unless,
    pub checker: Option<Checker>,
    pub bad_examples: Vec<String>,
    pub good_examples: Vec<String>,
    /// The pack file the rule came from.
    pub origin: String,
    /// The pack (bundled name, or the file path for user packs).
    pub pack: String,
    /// Byte offset of the rule's id in its pack file, for errors.
    pub offset: usize,
    /// Turned off for the active jurisdiction.
    pub off: bool,
}

/// The regex options every user-supplied pattern gets: case-insensitive,
/// `^`/`$` at block edges, and a compiled-size cap so a pack cannot exhaust memory.
///
/// `\b`, `\d`, `\s` and `\w` are read as their ASCII forms (see [`ascii_classes`]).
pub fn user_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(&ascii_classes(pattern))
        .case_insensitive(true)
        .multi_line(true)
        .size_limit(2 * 1024 * 1024)
        .dfa_size_limit(4 * 1024 * 1024)
        .build()
}

/// The form rules' regexes are run in: the options of [`user_regex`] (so the
/// same matches), built without the literal prefilter, one-pass DFA and
/// backtracker. The engine already narrows where a pattern runs with its own
/// literal automaton, and those extra engines cost more to build than they
/// save on the short texts (one block or sentence) rules search.
pub fn runtime_regex(pattern: &str) -> Result<meta::Regex, regex_automata::meta::BuildError> {
    meta::Regex::builder()
        .syntax(prebuilt::syntax_config())
        .configure(
            meta::Config::new()
                .nfa_size_limit(Some(2 * 1024 * 1024))
                .hybrid_cache_capacity(4 * 1024 * 1024)
                .auto_prefilter(false)
                .onepass(false)
                .backtrack(false)
                .which_captures(thompson::WhichCaptures::Implicit),
        )
        .build(&ascii_classes(pattern))
}

/// A built-in pattern compiled with the ASCII classes of [`ascii_classes`]
/// (checkers use it for the same speed reason as rule patterns), as a
/// [`crate::lean_regex::Regex`]: no literal prefilter, cheap to compile.
pub fn ascii_regex(
    pattern: &str,
) -> Result<crate::lean_regex::Regex, Box<regex_automata::meta::BuildError>> {
    crate::lean_regex::Regex::new(&ascii_classes(pattern))
}

/// Loads one pack from its text. `path` names it in errors.
///
/// `thorough` compiles every regex now (user packs: a bad or oversized regex
/// is reported with its position); bundled packs are checked that way by the
/// test suite, and at run time only parsed, to keep start-up fast.
pub fn load_pack(
    path: &str,
    pack: &str,
    text: &str,
    jurisdiction: Jurisdiction,
    thorough: bool,
) -> Result<Vec<Rule>, FileError> {
    let file: PackFile =
        serde_yaml::from_str(text).map_err(|e| FileError::from_yaml(path, text, &e))?;
    compile_pack(path, pack, text, file, jurisdiction, thorough, None)
}

/// Loads a bundled pack, from the JSON `build.rs` made of it when there is one.
fn load_embedded(
    p: &EmbeddedPack,
    jurisdiction: Jurisdiction,
    examples: bool,
) -> Result<Vec<Rule>, FileError> {
    let json = if examples { p.parsed } else { p.lean };
    match json.and_then(|json| serde_json::from_str::<PackFile>(json).ok()) {
        Some(file) => compile_pack(
            p.path,
            p.pack,
            p.text,
            file,
            jurisdiction,
            false,
            Some(p.offsets),
        ),
        None => load_pack(p.path, p.pack, p.text, jurisdiction, false),
    }
}

/// Compiles a parsed pack. `text` is its source, for error positions;
/// `offsets` are where its rules' ids are in it, when known already (a
/// bundled pack: its text is then not read unless there is an error).
fn compile_pack(
    path: &str,
    pack: &str,
    text: &str,
    file: PackFile,
    jurisdiction: Jurisdiction,
    thorough: bool,
    offsets: Option<&[usize]>,
) -> Result<Vec<Rule>, FileError> {
    let mut rules = Vec::with_capacity(file.rules.len());
    let mut cursor = 0;
    for (i, spec) in file.rules.into_iter().enumerate() {
        let at = match offsets.and_then(|o| o.get(i)) {
            Some(&at) => at,
            None => schema::locate_id(text, &spec.id, cursor),
        };
        cursor = at + spec.id.len();
        rules.push(compile_rule(
            path,
            pack,
            text,
            at,
            spec,
            jurisdiction,
            thorough,
        )?);
    }
    Ok(rules)
}

/// The offset of `needle` in `text` after `from` (falling back to `from`), for error spans.
fn locate(text: &str, needle: &str, from: usize) -> (usize, usize) {
    let rest = &text[from.min(text.len())..];
    // Regexes in YAML may be written with escapes; fall back to the first line of the needle.
    let probe = needle.lines().next().unwrap_or(needle);
    match rest.find(probe) {
        Some(i) => (from + i, probe.len().max(1)),
        None => (from, 1),
    }
}

fn compile_rule(
    path: &str,
    pack: &str,
    text: &str,
    at: usize,
    spec: RuleSpec,
    jurisdiction: Jurisdiction,
    thorough: bool,
) -> Result<Rule, FileError> {
    let err = |needle: &str, message: String, label: &str| {
        let (offset, len) = locate(text, needle, at);
        FileError::at(path, text, offset, len, message, label)
    };

    if !valid_id(&spec.id) {
        return Err(err(
            &spec.id,
            format!("rule id `{}` is not of the form `pack/name`", spec.id),
            "bad id",
        )
        .with_help("use lowercase letters, digits and dashes, with one `/`: e.g. `scarcity/while-supplies-last`"));
    }
    let category = Category::parse(&spec.category)
        .filter(|c| *c != Category::Meta || pack == META_PACK)
        .ok_or_else(|| {
            err(
                &format!("category: {}", spec.category),
                format!("unknown category `{}` in rule `{}`", spec.category, spec.id),
                "unknown category",
            )
            .with_help(format!(
                "use one of: {}",
                Category::ALL
                    .iter()
                    .filter(|c| **c != Category::Meta)
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    let parse_severity = |s: &str| {
        Severity::parse(s).ok_or_else(|| {
            err(
                &format!("severity: {s}"),
                format!("unknown severity `{s}` in rule `{}`", spec.id),
                "unknown severity",
            )
            .with_help("use error, warning or info")
        })
    };
    let mut severity = parse_severity(&spec.severity)?;
    let mut off = false;
    for (name, change) in &spec.jurisdictions {
        let Some(j) = Jurisdiction::parse(name) else {
            return Err(err(
                &format!("{name}:"),
                format!("unknown jurisdiction `{name}` in rule `{}`", spec.id),
                "unknown jurisdiction",
            )
            .with_help("use us, eu or uk"));
        };
        let changed = match &change.severity {
            Some(s) => Some(parse_severity(s)?),
            None => None,
        };
        if j == jurisdiction {
            if let Some(s) = changed {
                severity = s;
            }
            off = change.off;
        }
    }
    for (field, value) in [("message", &spec.message), ("help", &spec.help)] {
        if value.trim().is_empty() {
            return Err(err(
                &spec.id,
                format!("rule `{}` has an empty `{field}`", spec.id),
                "this rule",
            ));
        }
    }

    let checker = match &spec.checker {
        Some(name) => Some(Checker::parse(name).ok_or_else(|| {
            err(
                &format!("checker: {name}"),
                format!("unknown checker `{name}` in rule `{}`", spec.id),
                "unknown checker",
            )
            .with_help(format!(
                "built-in checkers: {}",
                Checker::names().collect::<Vec<_>>().join(", ")
            ))
        })?),
        None => None,
    };
    if checker.is_none() && spec.phrases.is_empty() && spec.patterns.is_empty() {
        return Err(err(
            &spec.id,
            format!(
                "rule `{}` has no `phrases`, `patterns` or `checker`",
                spec.id
            ),
            "matches nothing",
        ));
    }

    let mut phrases = Vec::with_capacity(spec.phrases.len());
    for phrase in &spec.phrases {
        let normal = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
        if normal.is_empty() {
            return Err(err(
                phrase,
                format!("empty phrase in rule `{}`", spec.id),
                "empty phrase",
            ));
        }
        phrases.push(normal);
    }
    let check = |pattern: &str| -> Result<(), FileError> {
        if !thorough {
            return Ok(());
        }
        user_regex(pattern)
            .map(|_| ())
            .map_err(|e| bad_regex(path, text, at, &spec.id, pattern, &e))
    };
    for pattern in &spec.patterns {
        check(pattern)?;
    }
    let combined = |list: &[String]| -> Result<Option<Arc<LazyRegex>>, FileError> {
        if list.is_empty() {
            return Ok(None);
        }
        for p in list {
            check(p)?;
        }
        let joined = schema::any_of(list);
        if thorough {
            user_regex(&joined).map_err(|e| bad_regex(path, text, at, &spec.id, &list[0], &e))?;
        }
        Ok(Some(Arc::new(LazyRegex::new(joined))))
    };
    let context = |spec: Option<&ContextSpec>| -> Result<Option<Context>, FileError> {
        let Some(spec) = spec else { return Ok(None) };
        let within = scope(path, text, at, &spec.within)?;
        Ok(combined(&spec.nearby)?.map(|nearby| Context { nearby, within }))
    };
    let mut exceptions = Vec::with_capacity(spec.exceptions.len());
    for exception in &spec.exceptions {
        if let Some(regex) = combined(std::slice::from_ref(exception))? {
            exceptions.push(regex);
        }
    }
    let when = context(spec.when.as_ref())?;
    let unless = match &spec.unless {
        Some(u) => Unless {
            facts: u.facts.iter().map(|f| parse_fact_condition(f)).collect(),
            nearby: combined(&u.nearby)?.map(|nearby| Context {
                nearby,
                within: Scope::Sentence,
            }),
            evidence: u.evidence,
            footnotes: u.footnotes,
        },
        None => Unless::default(),
    };
    let unless = match (&spec.unless, unless) {
        (Some(u), mut compiled) => {
            let within = scope(path, text, at, &u.within)?;
            if let Some(ctx) = compiled.nearby.as_mut() {
                ctx.within = within;
            }
            compiled
        }
        (None, compiled) => compiled,
    };

    // Every finding says what it rests on: a rule without a citation would
    // print a finding with no "why".
    let references: Vec<String> = spec
        .references
        .iter()
        .map(|r| r.trim().to_string())
        .collect();
    if references.is_empty() || references.iter().any(String::is_empty) {
        let what = if references.is_empty() {
            "has no `references`"
        } else {
            "has an empty entry in `references`"
        };
        return Err(err(
            &spec.id,
            format!("rule `{}` {what}", spec.id),
            "no citation",
        )
        .with_help(
            "list at least one regulation, code or guidance the rule rests on, \
             e.g. `references: [\"16 CFR 233.1\", \"CAP Code 3.17\"]`",
        ));
    }

    let examples = spec.examples.unwrap_or_default();
    Ok(Rule {
        id: spec.id,
        category,
        severity,
        message: spec.message.trim().to_string(),
        help: spec.help.trim().to_string(),
        description: spec.description.trim().to_string(),
        references,
        phrases,
        patterns: spec.patterns,
        exceptions,
        when,
        unless,
        checker,
        bad_examples: examples.bad,
        good_examples: examples.good,
        origin: path.to_string(),
        pack: pack.to_string(),
        offset: at,
        off,
    })
}

fn scope(path: &str, text: &str, at: usize, within: &Option<String>) -> Result<Scope, FileError> {
    match within {
        None => Ok(Scope::Sentence),
        Some(s) => Scope::parse(s).ok_or_else(|| {
            let (offset, len) = locate(text, &format!("within: {s}"), at);
            FileError::at(
                path,
                text,
                offset,
                len,
                format!("unknown scope `{s}`"),
                "unknown scope",
            )
            .with_help("use sentence, paragraph or document")
        }),
    }
}

fn bad_regex(
    path: &str,
    text: &str,
    at: usize,
    id: &str,
    pattern: &str,
    e: &regex::Error,
) -> FileError {
    let (offset, len) = locate(text, pattern, at);
    let detail = e.to_string();
    let summary = detail
        .lines()
        .last()
        .unwrap_or("invalid regex")
        .trim()
        .to_string();
    FileError::at(
        path,
        text,
        offset,
        len,
        format!("invalid regex in rule `{id}`: {summary}"),
        "this pattern",
    )
    .with_help(detail)
}

fn parse_fact_condition(s: &str) -> FactCondition {
    match s.split_once('=') {
        Some((path, value)) => FactCondition {
            path: path.trim().to_string(),
            equals: Some(value.trim().to_string()),
        },
        None => FactCondition {
            path: s.trim().to_string(),
            equals: None,
        },
    }
}

fn valid_id(id: &str) -> bool {
    let mut parts = id.split('/');
    let ok = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    };
    matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None) if ok(a) && ok(b))
}

/// Which rule packs to load.
#[derive(Debug, Clone, Default)]
pub struct PackSelection {
    /// Load the bundled default pack.
    pub default_rules: bool,
    /// Bundled optional packs to add (`all` = every one).
    pub packs: Vec<String>,
    /// User pack files or folders.
    pub extra: Vec<std::path::PathBuf>,
    pub jurisdiction: Jurisdiction,
    /// Keep the bundled rules' examples (`test`, `explain`); a run that only
    /// lints leaves them out.
    pub examples: bool,
}

/// Loads the selected packs: the meta pack always, then bundled, then user packs.
/// Duplicate ids across all of them are an error pointing at the second one.
pub fn load(selection: &PackSelection) -> Result<Vec<Rule>, Error> {
    let known = optional_packs();
    for name in &selection.packs {
        if name != "all" && !known.contains(&name.as_str()) {
            return Err(Error::Usage(format!(
                "unknown pack `{name}`; bundled optional packs: {}, or all",
                known.join(", ")
            )));
        }
    }
    let wanted = |pack: &str| {
        pack == META_PACK
            || (pack == DEFAULT_PACK && selection.default_rules)
            || (pack != DEFAULT_PACK && selection.packs.iter().any(|p| p == pack || p == "all"))
    };
    let mut rules = Vec::new();
    let mut seen = HashSet::new();
    let mut add = |batch: Vec<Rule>, path: &str, text: &str| -> Result<(), Error> {
        for rule in batch {
            if !seen.insert(rule.id.clone()) {
                return Err(FileError::at(
                    path,
                    text,
                    rule.offset,
                    rule.id.len(),
                    format!("duplicate rule id `{}`", rule.id),
                    "defined again here",
                )
                .with_help("every rule id must be unique across all loaded packs")
                .into());
            }
            rules.push(rule);
        }
        Ok(())
    };
    // Bundled packs come pre-parsed as JSON (see build.rs): loading them is
    // cheap enough to do in order, on this thread.
    for pack in EMBEDDED_PACKS.iter().filter(|p| wanted(p.pack)) {
        add(
            load_embedded(pack, selection.jurisdiction, selection.examples)?,
            pack.path,
            pack.text,
        )?;
    }
    for root in &selection.extra {
        for file in pack_files(root)? {
            let text = std::fs::read_to_string(&file).map_err(|e| Error::io(&file, e))?;
            let shown = file.to_string_lossy().replace('\\', "/");
            let batch = load_pack(&shown, &shown, &text, selection.jurisdiction, true)?;
            add(batch, &shown, &text)?;
        }
    }
    Ok(rules)
}

/// The YAML files of a user pack path: the file itself, or every `.yaml`/`.yml` below a folder.
fn pack_files(root: &Path) -> Result<Vec<std::path::PathBuf>, Error> {
    let meta = std::fs::metadata(root).map_err(|e| Error::io(root, e))?;
    if meta.is_file() {
        return Ok(vec![root.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
            if kind.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_located() {
        let text = "rules:\n  - id: a/b\n    category: hype\n    severity: info\n    message: m\n    help: h\n    references: [r]\n    phrasez: [x]\n";
        let err = load_pack("p.yaml", "p", text, Jurisdiction::Us, true).unwrap_err();
        assert_eq!(err.line, 8, "{err}");
        assert!(err.message.contains("phrasez"), "{}", err.message);
    }

    #[test]
    fn bad_regex_and_category_are_located() {
        let text = "rules:\n  - id: a/b\n    category: hype\n    severity: info\n    message: m\n    help: h\n    references: [r]\n    patterns: ['(unclosed']\n";
        let err = load_pack("p.yaml", "p", text, Jurisdiction::Us, true).unwrap_err();
        assert_eq!((err.line, err.column), (8, 17), "{err}");
        let text = text.replace("category: hype", "category: hyped");
        let err = load_pack("p.yaml", "p", &text, Jurisdiction::Us, true).unwrap_err();
        assert_eq!(err.line, 3, "{err}");
    }

    /// Bundled packs skip the full compile at run time; this is where they get it.
    #[test]
    fn every_bundled_regex_compiles_within_limits() {
        for pack in EMBEDDED_PACKS {
            for j in [Jurisdiction::Us, Jurisdiction::Eu, Jurisdiction::Uk] {
                let rules = match load_pack(pack.path, pack.pack, pack.text, j, true) {
                    Ok(rules) => rules,
                    Err(e) => panic!("{e}"),
                };
                // The lean run-time form builds too (same limits, fewer engines).
                for rule in &rules {
                    let conditions = [
                        rule.when.as_ref().map(|c| &c.nearby),
                        rule.unless.nearby.as_ref().map(|c| &c.nearby),
                    ];
                    let sources = rule
                        .patterns
                        .iter()
                        .map(String::as_str)
                        .chain(rule.exceptions.iter().map(|r| r.source.as_str()))
                        .chain(conditions.into_iter().flatten().map(|r| r.source.as_str()));
                    for source in sources {
                        if let Err(e) = runtime_regex(source) {
                            panic!("{}: {source}: {e}", rule.id);
                        }
                        // build.rs named it as the loader does, so it is
                        // never compiled at run time.
                        for reverse in [false, true] {
                            assert!(
                                prebuilt_nfa(source, reverse).is_some(),
                                "{}: no prebuilt NFA for {source}",
                                rule.id
                            );
                        }
                    }
                }
            }
        }
    }

    /// The literals and traits in the build-time table are what the run-time
    /// extraction works out for a user pattern with the same source.
    #[test]
    fn bundled_literal_table_agrees_with_run_time_extraction() {
        // `nearby` lists of several regexes have their members' prefixes.
        let mut lists = std::collections::HashMap::new();
        for pack in EMBEDDED_PACKS {
            let parsed = pack.spec();
            for rule in parsed.rules {
                let when = rule.when.map(|w| w.nearby);
                let unless = rule.unless.map(|u| u.nearby);
                for list in [when, unless].into_iter().flatten() {
                    if list.len() > 1 {
                        lists.insert(schema::any_of(&list), list);
                    }
                }
            }
        }
        assert!(lists.len() > 20, "the packs have nearby lists");
        for &(source, ..) in BUNDLED_LITERALS {
            let (prefixes, suffixes, traits) = bundled_literals(source).expect("a row");
            let want_prefixes = match lists.get(source) {
                Some(members) => crate::prefix::list_prefix_literals(members)
                    .or_else(|| crate::prefix::prefix_literals(source)),
                None => crate::prefix::prefix_literals(source),
            };
            let want_suffixes = crate::prefix::suffix_literals(source);
            let owned = |list: Option<Vec<std::borrow::Cow<'static, str>>>| {
                list.map(|l| l.into_iter().map(|s| s.into_owned()).collect::<Vec<_>>())
            };
            assert_eq!(owned(prefixes), want_prefixes, "{source}");
            assert_eq!(owned(suffixes), want_suffixes, "{source}");
            let want =
                crate::prefix::traits(source, want_prefixes.as_deref(), want_suffixes.as_deref());
            assert_eq!(traits, want, "{source}");
        }
    }

    /// Every match of a bundled regex contains one of the literals the
    /// build-time table says it must (`prefix::inner_literals`): checked on
    /// every bundled example, with the regexes compiled (no prechecks).
    #[test]
    fn inner_literals_occur_in_every_match() {
        let mut text = String::new();
        for pack in EMBEDDED_PACKS {
            let parsed = pack.spec();
            for rule in parsed.rules {
                let examples = rule.examples.unwrap_or_default();
                for example in examples.bad.iter().chain(&examples.good) {
                    text.push_str(example);
                    text.push_str("\n\n");
                }
            }
        }
        assert!(
            BUNDLED_INNER.len() > 300,
            "most regexes have inner literals"
        );
        let mut checked = 0;
        for &(source, range) in BUNDLED_INNER {
            let regex = runtime_regex(source).expect("bundled regexes compile");
            for m in regex.find_iter(text.as_str()) {
                let found = text[m.range()].to_ascii_lowercase();
                assert!(
                    literals_in(range).any(|l| found.contains(l)),
                    "{source}: the match {:?} holds none of its inner literals",
                    &text[m.range()]
                );
                checked += 1;
            }
        }
        assert!(
            checked > 1000,
            "the examples exercise the regexes ({checked})"
        );
    }

    #[test]
    fn prebuilt_regexes_match_as_compiled_ones() {
        let text = "Not certified. Save 20% off today only; save  $5 — ends SUNDAY.";
        for (source, ..) in PREBUILT_NFAS.iter().step_by(7) {
            let prebuilt = LazyRegex::new(source.to_string());
            let compiled = runtime_regex(source).expect("bundled regexes compile");
            let expected: Vec<_> = compiled.find_iter(text).collect();
            assert_eq!(prebuilt.find_all(text), expected, "{source}");
            assert_eq!(prebuilt.is_match(text), compiled.is_match(text), "{source}");
        }
    }

    /// A bundled list asked member by member gives the answers its union
    /// gives: anywhere in each bundled example, and anchored at each of its
    /// char boundaries for the examples of the rules that use the list.
    #[test]
    fn split_lists_answer_as_their_union() {
        let mut all = Vec::new();
        let mut own: std::collections::HashMap<String, Vec<String>> = Default::default();
        for pack in EMBEDDED_PACKS {
            let parsed = pack.spec();
            for rule in parsed.rules {
                let examples = rule.examples.unwrap_or_default();
                let texts: Vec<String> = examples.bad.into_iter().chain(examples.good).collect();
                let lists = [rule.when.map(|w| w.nearby), rule.unless.map(|u| u.nearby)];
                for list in lists.into_iter().flatten().filter(|l| l.len() > 1) {
                    own.entry(schema::any_of(&list))
                        .or_default()
                        .extend(texts.iter().cloned());
                }
                all.extend(texts);
            }
        }
        assert!(BUNDLED_LISTS.len() > 20, "the packs have lists");
        let (mut matched, mut anchored) = (0, 0);
        for &(source, member_sources) in BUNDLED_LISTS {
            let union = runtime_regex(source).expect("bundled regexes compile");
            let list = LazyRegex::new(source.to_string());
            let members = list.members(false).expect("a bundled list has members");
            assert_eq!(members.len(), member_sources.len(), "{source}");
            for text in &all {
                let want = union.is_match(text.as_str());
                assert_eq!(
                    any_member_matches(members, text, 0..text.len()),
                    want,
                    "{source}: {text:?}"
                );
                matched += usize::from(want);
            }
            for text in &own[source] {
                for start in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
                    let input = regex_automata::Input::new(text.as_str())
                        .range(start..)
                        .anchored(regex_automata::Anchored::Yes);
                    let want = union.search(&input).is_some();
                    assert_eq!(
                        any_member_matches_at(members, text, start, text.len()),
                        want,
                        "{source} at {start} of {text:?}"
                    );
                    anchored += usize::from(want);
                }
            }
        }
        assert!(matched > 500 && anchored > 200, "{matched} {anchored}");
    }

    /// The ids' offsets worked out at build time are where the loader would
    /// find them in the YAML.
    #[test]
    fn bundled_id_offsets_are_where_the_ids_are() {
        for pack in EMBEDDED_PACKS {
            let parsed = pack.spec();
            assert_eq!(pack.offsets.len(), parsed.rules.len(), "{}", pack.path);
            let mut cursor = 0;
            for (rule, &at) in parsed.rules.iter().zip(pack.offsets) {
                assert_eq!(
                    at,
                    schema::locate_id(pack.text, &rule.id, cursor),
                    "{}",
                    rule.id
                );
                assert!(pack.text[at..].starts_with(&rule.id), "{}", rule.id);
                cursor = at + rule.id.len();
            }
        }
    }

    /// A list told to answer whole (a large run) is never split again, and a
    /// list asked `SPLIT_ASKS` times goes over to its union by itself.
    #[test]
    fn a_list_goes_over_to_its_union() {
        let (source, _) = BUNDLED_LISTS[0];
        let list = LazyRegex::new(source.to_string());
        assert!(list.members(false).is_some());
        list.answer_whole();
        assert!(list.members(false).is_none());
        let list = LazyRegex::new(source.to_string());
        for _ in 0..SPLIT_ASKS {
            assert!(list.members(true).is_some());
        }
        assert!(list.members(true).is_none());
        assert!(
            LazyRegex::new(r"\bfree\b".to_string())
                .members(false)
                .is_none()
        );
    }

    #[test]
    fn damaged_prebuilt_bytes_are_refused() {
        let nfa = prebuilt::compile(r"\bsave (?:\d+%|[$£€]\d)", false).expect("compiles");
        let bytes = prebuilt::encode(&nfa).expect("encodes");
        assert_eq!(
            format!("{:?}", prebuilt::decode(&bytes).expect("decodes")),
            format!("{nfa:?}")
        );
        for cut in 0..bytes.len() {
            assert!(prebuilt::decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut junk = bytes.clone();
        junk.push(0);
        assert!(prebuilt::decode(&junk).is_none());
    }

    #[test]
    fn ascii_classes_keep_meaning() {
        assert_eq!(ascii_classes(r"\bonly \d+"), r"(?-u:\b)only (?-u:\d)+");
        assert_eq!(ascii_classes(r"[\d,.]+\\b"), r"[0-9,.]+\\b");
        assert_eq!(ascii_classes(r"[^\]\w]"), r"[^\]0-9A-Za-z_]");
        let re = user_regex(r"\bsave \$?\d+\b").unwrap();
        assert!(re.is_match("You’ll SAVE $20 — today"));
    }

    #[test]
    fn exceptions_do_not_hide_each_other() {
        let text = "rules:\n  - id: a/b\n    category: hype\n    severity: info\n    message: m\n    help: h\n    references: [r]\n    patterns: ['\\bbaz\\b']\n    exceptions: ['\\bfoo\\b', '\\bfoo bar baz\\b']\n";
        let rules = load_pack("p.yaml", "p", text, Jurisdiction::Us, true).unwrap();
        assert_eq!(rules[0].exceptions.len(), 2);
    }

    #[test]
    fn jurisdiction_changes_severity() {
        let text = "rules:\n  - id: a/b\n    category: green\n    severity: warning\n    message: m\n    help: h\n    references: [r]\n    phrases: [eco]\n    jurisdictions:\n      eu: { severity: error }\n      uk: { off: true }\n";
        let us = load_pack("p.yaml", "p", text, Jurisdiction::Us, true).unwrap();
        let eu = load_pack("p.yaml", "p", text, Jurisdiction::Eu, true).unwrap();
        let uk = load_pack("p.yaml", "p", text, Jurisdiction::Uk, true).unwrap();
        assert_eq!(us[0].severity, Severity::Warning);
        assert_eq!(eu[0].severity, Severity::Error);
        assert!(uk[0].off);
    }
}
