//! The matcher: every rule compiled once, then run over a document's prose.
//!
//! All literal phrases of all rules, and the literal prefixes and suffixes of
//! their patterns, are found in one pass (a hash table for a few pages, a DFA
//! for many); the patterns whose prefixes are too common to go by sit behind
//! one multi-pattern lazy DFA that says which of them match, and where.
//! Conditions (`exceptions`, `when`, `unless`) and the built-in checkers then
//! decide which candidates become findings. Nothing here is compiled per
//! file, and nothing here knows about output or suppression.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use regex_automata::{MatchKind, hybrid};

use crate::cache_pool::CachePool;
use crate::checkers;
use crate::date::Date;
use crate::facts::Facts;
use crate::literal_dfa::LiteralDfa;
use crate::literal_table::LiteralTable;
use crate::prefix::{prefix_literals, suffix_literals};
use crate::rules::{Checker, Context, Jurisdiction, LazyRegex, Rule, Scope};
use crate::sentences;
use crate::source::footnotes::{self, Footnote};
use crate::source::prose::BLOCK_SEPARATOR;
use crate::source::{Document, Prose};

/// Knobs that change what the rules and checkers decide.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The date date-based checks use (`--today`).
    pub today: Date,
    pub jurisdiction: Jurisdiction,
    /// Minimum days a reference price must have been charged (US; EU is 30, UK 28).
    pub us_reference_days: i64,
    pub seller_focus: SellerFocusSettings,
}

/// Thresholds of the document-level seller-focus metric.
#[derive(Debug, Clone, Copy)]
pub struct SellerFocusSettings {
    /// Documents with fewer prose words are not judged.
    pub min_words: usize,
    /// Report when seller words exceed buyer words by more than this factor.
    pub ratio: f64,
    /// And there are at least this many seller words.
    pub min_seller_words: usize,
}

impl Default for SellerFocusSettings {
    fn default() -> Self {
        SellerFocusSettings {
            min_words: 60,
            ratio: 1.5,
            min_seller_words: 8,
        }
    }
}

impl Settings {
    pub fn new(today: Date) -> Settings {
        Settings {
            today,
            jurisdiction: Jurisdiction::Us,
            us_reference_days: 28,
            seller_focus: SellerFocusSettings::default(),
        }
    }

    /// Days a former price must have been charged before a reduction.
    pub fn reference_days(&self) -> i64 {
        match self.jurisdiction {
            Jurisdiction::Eu => 30,
            Jurisdiction::Uk => 28,
            Jurisdiction::Us => self.us_reference_days,
        }
    }
}

/// A literal phrase in the automaton and the rule it belongs to.
#[derive(Debug, Clone, Copy)]
struct PhraseOwner {
    rule: u32,
    /// The phrase begins (ends) with a word character, so the text must not
    /// continue a word there.
    word_start: bool,
    word_end: bool,
}

/// One finding before suppression, in source bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Index into [`Engine::rules`].
    pub rule: usize,
    pub span: Range<usize>,
    /// Secondary places, with what each one shows.
    pub labels: Vec<(Range<usize>, String)>,
    /// Specifics appended to the rule's message ("claims 50%, the prices give 37.5%").
    pub detail: Option<String>,
}

/// A candidate match in prose coordinates.
#[derive(Debug, Clone)]
struct Candidate {
    rule: usize,
    prose: Range<usize>,
}

/// A rule's regex pattern and what must appear in the text before it is worth running.
#[derive(Debug)]
struct Pattern {
    rule: usize,
    regex: LazyRegex,
}

/// Prefix hits of one pattern in one document up to which the pattern is
/// tried at each hit; above it, the document is searched in one pass.
const MAX_ANCHORED_TRIES: usize = 64;

/// Documents a run must have before it uses the pattern set. Building the
/// set and its literal DFA is cheap; warming the set's lazy DFA is not, and
/// depends on how varied the copy is. On the bench corpus (a small
/// vocabulary) the set pays from about 40 pages (callgrind: 20 pages cost
/// 35% more with it, 100 pages 20% less); on varied real copy (the probe
/// pages written from regulators' rulings, `fixtures/`) the lazy DFA keeps
/// meeting new states, and the set pays only from about 130 pages (100
/// pages 5% more, 200 pages 10% less, 400 24% less, 800 39% less; the 108
/// files of `fixtures/` 40% more). A pre-commit hook's few files never pay
/// for it. A run that says how many pages it has ([`Engine::plan`])
/// decides up front; otherwise (an editor session) the set comes in after
/// that many pages.
const SET_AFTER_DOCS: usize = 150;

/// Runs of up to this many documents ask `nearby` lists member by member
/// (see [`Engine::plan`]).
const SPLIT_LISTS_UP_TO_DOCS: usize = 8;

/// How [`Engine::candidates_with`] finds pattern matches; all three find the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Search {
    /// Every pattern over the whole prose (the reference, for tests).
    Exhaustive,
    /// Each pattern tried, anchored, where one of its prefixes occurs.
    Anchored,
    /// Selective patterns anchored; the rest only if the pattern set says so.
    Set,
}

/// What one string in the engine's literal automaton stands for. Twelve
/// bytes (it was 24): there are ~10,000 of them, and a one-file run pays for
/// every page of memory it touches.
#[derive(Debug, Clone, Copy)]
enum Literal {
    /// A rule's literal phrase.
    Phrase(PhraseOwner),
    /// A prefix every match of pattern `u32` starts with; `bool`: every
    /// match starts at a word boundary ([`crate::prefix::word_bounds`]).
    Prefix(u32, bool),
    /// A suffix every match of pattern `u32` ends with: without one on the
    /// page, the pattern is not tried at all. `bool`: every match ends at a
    /// word boundary.
    Suffix(u32, bool),
    /// A prefix every match of condition `u32` (an exception or `nearby`
    /// regex, see [`Conditions`]) starts with; `bool` as for `Prefix`.
    Condition(u32, bool),
}

/// The conditions of the rules (exceptions, `when` and `unless` regexes)
/// whose every match starts with a selective literal: in runs that use the
/// pattern set, those literals are found in the same pass as the rules'
/// own, so a condition is searched for only in scopes where one of them
/// occurs. Most conditions never match a given block, and each search has a
/// fixed cost of about 1,500 instructions. (Short runs do not pay for
/// working the literals out: there, every condition is searched.)
#[derive(Debug, Default)]
struct Conditions {
    /// Per rule: the id of each exception, then of `when` and `unless`
    /// (None: no known prefixes, always searched).
    exceptions: Vec<Vec<Option<u32>>>,
    when: Vec<Option<u32>>,
    unless: Vec<Option<u32>>,
    /// The prefixes, and the literal kind (condition id) of each.
    literals: Vec<Cow<'static, str>>,
    kinds: Vec<Literal>,
}

/// Where in one document the prefixes of each condition occur: (condition,
/// prose offset), sorted. Without `complete` (no condition prefixes were
/// looked for), every condition may match anywhere.
#[derive(Debug, Default)]
struct ConditionHits {
    hits: Vec<(u32, usize)>,
    complete: bool,
}

impl ConditionHits {
    /// Where in `range` a match of condition `id` can start: None when it
    /// may start anywhere (no known prefixes, or none were looked for), else
    /// the offsets of its prefixes there, in order (empty: it cannot match).
    /// An offset may repeat when two of its prefixes start at the same place.
    fn starts_in(&self, id: Option<u32>, range: &Range<usize>) -> Option<&[(u32, usize)]> {
        let id = id.filter(|_| self.complete)?;
        let from = self.hits.partition_point(|&hit| hit < (id, range.start));
        let to = self.hits.partition_point(|&hit| hit < (id, range.end));
        Some(&self.hits[from..to])
    }
}

/// How [`ProseView`] looks for a condition in a scope where it can only
/// start at `starts` (prose offsets, in order), `rest` bytes from the first
/// of them to the scope's end: `Some(offsets)` to try it anchored at each
/// offset, None to search the scope from the first one. A try costs a few
/// hundred instructions however short; a search about three and a half a
/// byte, so a page-wide condition with a dozen prefixes on the page is
/// tried, and one with hundreds searched.
fn anchored_tries(
    starts: &[(u32, usize)],
    rest: usize,
) -> Option<impl Iterator<Item = usize> + '_> {
    const TRY_COST: usize = 500;
    const SEARCH_COST: usize = 1_500;
    (starts.len() * TRY_COST < SEARCH_COST + rest * 7 / 2).then(|| {
        let mut last = None;
        starts.iter().filter_map(move |&(_, at)| {
            let new = last != Some(at);
            last = Some(at);
            new.then_some(at)
        })
    })
}

/// All active rules, compiled.
pub struct Engine {
    rules: Vec<Rule>,
    /// Every phrase of every rule and the literal prefixes and (specific)
    /// suffixes of every pattern, in one automaton: one pass over the prose
    /// finds them all.
    literals: LiteralSet,
    /// The same without the prefixes and suffixes of the set's patterns
    /// (the set search decides those patterns itself), for [`Search::Set`].
    set_literals: OnceLock<LiteralSet>,
    /// The strings of `literals` (its `kinds` say what each stands for);
    /// `set_literals` is built from them when a run first needs it.
    literal_list: Vec<Cow<'static, str>>,
    patterns: Vec<Pattern>,
    /// Patterns that need one of their suffixes on the page.
    needs_suffix: Vec<bool>,
    /// Patterns with no literal prefix (indexes into `patterns`).
    unfiltered: Vec<usize>,
    /// Patterns whose prefixes are too common to anchor on
    /// ([`crate::prefix::selective`]), and the unfiltered ones: in runs of
    /// [`SET_AFTER_DOCS`] documents or more, the set below says which of them
    /// match a document at all, in one pass.
    set_members: Vec<usize>,
    in_set: Vec<bool>,
    set: OnceLock<Option<PatternSet>>,
    /// Set once a thread has started building `set` and `set_literals`.
    set_building: AtomicBool,
    /// Documents checked so far, and the number the run said it has.
    docs_seen: AtomicUsize,
    docs_planned: AtomicUsize,
    /// Set when the run has one document and a core to spare: the regexes
    /// that document may need are then built ahead on that core.
    spare_core: AtomicBool,
    checkers: Vec<(usize, Checker)>,
    /// Built with `set_literals`, which holds their prefixes.
    conditions: OnceLock<Conditions>,
    pub settings: Settings,
}

/// Literal strings, and what each stands for.
struct LiteralSet {
    finder: LiteralFinder,
    kinds: Vec<Literal>,
}

/// How a [`LiteralSet`] finds its literals.
enum LiteralFinder {
    /// A hash table: built in a fraction of an automaton's time, so
    /// runs of a few pages (the pre-commit case) do not pay for one.
    Table(Box<LiteralTable>),
    /// A DFA ([`LiteralDfa`]): scans much faster than the table, but its
    /// build (a few milliseconds) would be most of a pre-commit run.
    Dfa(Box<LiteralDfa>),
}

impl LiteralSet {
    fn new<S: AsRef<str>>(list: &[S], kinds: Vec<Literal>, automaton: bool) -> LiteralSet {
        let finder = if automaton {
            let list: Vec<&[u8]> = list.iter().map(|s| s.as_ref().as_bytes()).collect();
            LiteralFinder::Dfa(Box::new(LiteralDfa::new(&list)))
        } else {
            LiteralFinder::Table(Box::new(LiteralTable::from_strs(list)))
        };
        LiteralSet { finder, kinds }
    }

    /// Calls `found(literal, start, end)` for every occurrence of every
    /// literal in `text`, overlapping ones included.
    fn for_each_match(&self, text: &str, found: impl FnMut(usize, usize, usize)) {
        match &self.finder {
            LiteralFinder::Table(table) => table.for_each_match(text.as_bytes(), found),
            LiteralFinder::Dfa(dfa) => dfa.for_each_match(text.as_bytes(), found),
        }
    }
}

/// Several patterns as one lazy DFA that reports which of them match.
struct PatternSet {
    dfa: hybrid::dfa::DFA,
    caches: CachePool<hybrid::dfa::Cache>,
}

impl PatternSet {
    fn new(sources: &[&str]) -> Option<PatternSet> {
        let converted: Vec<String> = sources
            .iter()
            .map(|p| crate::rules::ascii_classes(p))
            .collect();
        let dfa = hybrid::dfa::DFA::builder()
            .configure(
                hybrid::dfa::DFA::config()
                    .match_kind(MatchKind::All)
                    // One cache per thread. 4 MB kept the fewest states
                    // rebuilt, but put peak memory on the 10k corpus within
                    // 1-2 MB of the 64 MB target once the rules grew; 3 MB
                    // costs about 3% of the time there and keeps 1.5 MB more
                    // margin (2 MB cost 10%).
                    .cache_capacity(3 * 1024 * 1024),
            )
            .syntax(
                regex_automata::util::syntax::Config::new()
                    .case_insensitive(true)
                    .multi_line(true),
            )
            .thompson(
                regex_automata::nfa::thompson::Config::new()
                    .which_captures(regex_automata::nfa::thompson::WhichCaptures::None)
                    .nfa_size_limit(Some(16 * 1024 * 1024)),
            )
            .build_many(&converted)
            .ok()?;
        Some(PatternSet {
            dfa,
            caches: CachePool::default(),
        })
    }

    /// Calls `found(i, end)` for every offset `end` of `text` where a match
    /// of member `i` ends (matches of every member from every start, as an
    /// overlapping search reports them), in order of `end`. False when the
    /// DFA gave up (the caller then searches every member itself).
    ///
    /// regex-automata's overlapping search returns at each match and keeps
    /// its loop general (callgrind: ~36 instructions a byte); this walks the
    /// lazy DFA itself and reports every pattern of a match state at once.
    /// As in any lazy DFA search, a match state is entered one byte after
    /// the match ends, and the end of the text has a transition of its own.
    fn for_each_end(&self, text: &str, mut found: impl FnMut(usize, usize)) -> bool {
        self.caches.with(
            || self.dfa.create_cache(),
            |cache| {
                let dfa = &self.dfa;
                let input = regex_automata::Input::new(text);
                let Ok(mut sid) = dfa.start_state_forward(cache, &input) else {
                    return false;
                };
                let mut report = |cache: &mut hybrid::dfa::Cache, sid, end| {
                    for i in 0..dfa.match_len(cache, sid) {
                        found(dfa.match_pattern(cache, sid, i).as_usize(), end);
                    }
                };
                for (at, &byte) in text.as_bytes().iter().enumerate() {
                    let Ok(next) = dfa.next_state(cache, sid, byte) else {
                        return false;
                    };
                    sid = next;
                    if sid.is_tagged() {
                        if sid.is_match() {
                            report(cache, sid, at);
                        } else if sid.is_dead() {
                            return true;
                        } else if sid.is_quit() {
                            return false;
                        }
                    }
                }
                let Ok(sid) = dfa.next_eoi_state(cache, sid) else {
                    return false;
                };
                if sid.is_match() {
                    report(cache, sid, text.len());
                }
                !sid.is_quit()
            },
        )
    }
}

/// A spare core for one document's check (see [`Engine::lend_spare_core`]).
struct Ahead<'scope, 'env> {
    scope: &'scope std::thread::Scope<'scope, 'env>,
    /// Set when the check is over: the builder stops.
    done: &'scope AtomicBool,
}

/// The prose split at the middle of each block separator: every match that
/// does not span a separator lies in exactly one window, and patterns are
/// searched window by window, so a match across two blocks (dropped) can
/// never hide one inside a block.
#[derive(Clone, Copy)]
struct Windows<'a> {
    blocks: &'a [Range<usize>],
    len: usize,
}

impl<'a> Windows<'a> {
    fn new(prose: &'a Prose) -> Windows<'a> {
        Windows {
            blocks: &prose.blocks,
            len: prose.text.len(),
        }
    }

    fn count(&self) -> usize {
        self.blocks.len().max(1)
    }

    /// Where window `i` ends and window `i + 1` starts: between the two
    /// characters of the separator after block `i`.
    fn boundary(&self, i: usize) -> usize {
        if i + 1 >= self.count() {
            self.len
        } else {
            (self.blocks[i].end + 1).min(self.len)
        }
    }

    fn range(&self, i: usize) -> Range<usize> {
        let start = if i == 0 { 0 } else { self.boundary(i - 1) };
        start..self.boundary(i)
    }

    /// The window holding byte `offset`.
    fn index(&self, offset: usize) -> usize {
        let inner = &self.blocks[..self.count() - 1];
        inner.partition_point(|b| b.end < offset)
    }

    /// Every match of `regex` window by window. One search of the whole text
    /// finds the same unless one of its matches spans a separator, so that
    /// is tried first.
    fn find_all(&self, regex: &LazyRegex, text: &str) -> Vec<regex_automata::Match> {
        let whole = regex.find_all(text);
        if !whole.iter().any(|m| spans_blocks(text, m)) {
            return whole;
        }
        (0..self.count())
            .flat_map(|i| regex.find_all_in(text, self.range(i), false))
            .collect()
    }
}

impl Engine {
    /// Compiles `rules` (already filtered and with final severities).
    pub fn new(rules: Vec<Rule>, settings: Settings) -> Engine {
        let mut rules: Vec<Rule> = rules.into_iter().filter(|r| !r.off).collect();
        share_conditions(&mut rules);
        let sources: Vec<&str> = rules
            .iter()
            .flat_map(|r| r.patterns.iter().map(String::as_str))
            .collect();
        let extracted = all_literals(&sources);
        // Sized up front: the lists hold ~10,000 literals, and growing them
        // step by step copied them and touched twice the memory.
        let capacity = rules.iter().map(|r| 2 * r.phrases.len()).sum::<usize>()
            + extracted
                .iter()
                .map(|(p, s, _)| p.as_ref().map_or(0, Vec::len) + s.as_ref().map_or(0, Vec::len))
                .sum::<usize>();
        let mut literal_list: Vec<Cow<'static, str>> = Vec::with_capacity(capacity);
        let mut literal_kinds = Vec::with_capacity(capacity);
        let mut patterns = Vec::with_capacity(sources.len());
        let mut unfiltered = Vec::new();
        let mut set_members = Vec::new();
        let mut checkers = Vec::new();
        let mut extracted = extracted.into_iter();
        let mut needs_suffix = Vec::with_capacity(sources.len());
        for (i, rule) in rules.iter().enumerate() {
            for phrase in &rule.phrases {
                for variant in phrase_variants(phrase) {
                    let owner = PhraseOwner {
                        rule: u32::try_from(i).expect("fewer than 2^32 rules"),
                        word_start: variant.chars().next().is_some_and(is_word_char),
                        word_end: variant.chars().next_back().is_some_and(is_word_char),
                    };
                    literal_list.push(variant.into());
                    literal_kinds.push(Literal::Phrase(owner));
                }
            }
            for pattern in &rule.patterns {
                let index = patterns.len();
                let id = u32::try_from(index).expect("fewer than 2^32 patterns");
                let (prefixes, suffixes, traits) = extracted.next().expect("one entry per pattern");
                let opens = traits & crate::prefix::OPENS_AT_BOUNDARY != 0;
                let closes = traits & crate::prefix::CLOSES_AT_BOUNDARY != 0;
                match suffixes.filter(|_| traits & crate::prefix::SELECTIVE_SUFFIXES != 0) {
                    Some(suffixes) => {
                        needs_suffix.push(true);
                        literal_kinds.extend(std::iter::repeat_n(
                            Literal::Suffix(id, closes),
                            suffixes.len(),
                        ));
                        literal_list.extend(suffixes);
                    }
                    None => needs_suffix.push(false),
                }
                match prefixes {
                    Some(prefixes) => {
                        // Common prefixes: the set decides, unless a specific
                        // suffix already rules most pages out (then tries at
                        // the prefixes cost less than a bigger set DFA), or
                        // the pattern has a gap running across words after
                        // prefixes that are words (a try then reads on to the
                        // sentence's end, while in the set the gap's open
                        // state multiplies the DFA's states with the others').
                        let tried = traits & crate::prefix::SELECTIVE_PREFIXES != 0
                            || needs_suffix[index]
                            || traits & crate::prefix::GAP_AFTER_WORDS != 0;
                        if !tried {
                            set_members.push(index);
                        }
                        literal_kinds.extend(std::iter::repeat_n(
                            Literal::Prefix(id, opens),
                            prefixes.len(),
                        ));
                        literal_list.extend(prefixes);
                    }
                    None => {
                        unfiltered.push(index);
                        set_members.push(index);
                    }
                }
                patterns.push(Pattern {
                    rule: i,
                    regex: LazyRegex::new(pattern.clone()),
                });
            }
            if let Some(checker) = rule.checker {
                checkers.push((i, checker));
            }
        }
        let mut in_set = vec![false; patterns.len()];
        for &i in &set_members {
            in_set[i] = true;
        }
        Engine {
            rules,
            literals: LiteralSet::new(&literal_list, literal_kinds, false),
            set_literals: OnceLock::new(),
            literal_list,
            patterns,
            in_set,
            needs_suffix,
            unfiltered,
            set_members,
            set: OnceLock::new(),
            set_building: AtomicBool::new(false),
            docs_seen: AtomicUsize::new(0),
            docs_planned: AtomicUsize::new(0),
            spare_core: AtomicBool::new(false),
            checkers,
            conditions: OnceLock::new(),
            settings,
        }
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The index of the rule with `id`, if it is active.
    pub fn rule_index(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }

    /// Finds every claim in one document. `text` is the whole file, `doc` its
    /// prose and front matter, `facts` what it declares.
    pub fn check(&self, text: &str, doc: &Document, facts: &Facts) -> Vec<Finding> {
        if !self.spare_core.load(Ordering::Relaxed) {
            return self.check_with(text, doc, facts, None);
        }
        let done = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let ahead = Ahead { scope, done: &done };
            let findings = self.check_with(text, doc, facts, Some(&ahead));
            // The builder stops after the regex it is building.
            done.store(true, Ordering::Relaxed);
            findings
        })
    }

    fn check_with<'scope>(
        &'scope self,
        text: &str,
        doc: &'scope Document,
        facts: &Facts,
        ahead: Option<&Ahead<'scope, '_>>,
    ) -> Vec<Finding> {
        let prose = &doc.prose;
        let (mut candidates, condition_hits) = self.candidates(prose, ahead);
        // Leftmost-longest per rule: one finding per claim, not one per variant.
        candidates.sort_by(|a, b| {
            (a.rule, a.prose.start, std::cmp::Reverse(a.prose.end)).cmp(&(
                b.rule,
                b.prose.start,
                std::cmp::Reverse(b.prose.end),
            ))
        });
        let mut view = ProseView::new(prose, text, condition_hits);
        let mut findings = Vec::new();
        let mut last: Option<(usize, usize)> = None;
        for c in candidates {
            if let Some((rule, end)) = last
                && rule == c.rule
                && c.prose.start < end
            {
                continue;
            }
            last = Some((c.rule, c.prose.end));
            let rule = &self.rules[c.rule];
            if rule.checker.is_some() {
                continue;
            }
            match self.judge(c.rule, &c.prose, &mut view, facts) {
                Verdict::Clear => {}
                Verdict::Report => findings.push(Finding {
                    rule: c.rule,
                    span: prose.source_range(c.prose.clone()),
                    labels: Vec::new(),
                    detail: None,
                }),
                Verdict::ExpiredEvidence(evidence) => {
                    findings.push(Finding {
                        rule: c.rule,
                        span: prose.source_range(c.prose.clone()),
                        labels: Vec::new(),
                        detail: None,
                    });
                    if let Some(i) = self.checker_rule(Checker::EvidenceExpired) {
                        findings.push(Finding {
                            rule: i,
                            span: prose.source_range(c.prose.clone()),
                            labels: Vec::new(),
                            detail: Some(evidence),
                        });
                    }
                }
            }
        }
        let context = checkers::Context {
            engine: self,
            text,
            doc,
            facts,
        };
        for &(index, checker) in &self.checkers {
            checkers::run(&context, index, checker, &mut view, &mut findings);
        }
        findings
    }

    /// The first active rule backed by `checker`.
    pub fn checker_rule(&self, checker: Checker) -> Option<usize> {
        self.checkers
            .iter()
            .find(|(_, c)| *c == checker)
            .map(|(i, _)| *i)
    }

    fn candidates<'scope>(
        &'scope self,
        prose: &'scope Prose,
        ahead: Option<&Ahead<'scope, '_>>,
    ) -> (Vec<Candidate>, ConditionHits) {
        let seen = self.docs_seen.fetch_add(1, Ordering::Relaxed);
        let planned = self.docs_planned.load(Ordering::Relaxed);
        let search = if seen.max(planned) >= SET_AFTER_DOCS && self.set_ready() {
            Search::Set
        } else {
            Search::Anchored
        };
        self.candidates_with(prose, search, ahead)
    }

    /// Says how many documents the run will check, so the engine can pick
    /// its search for the whole run (the results are the same either way).
    pub fn plan(&self, documents: usize) {
        self.docs_planned.store(documents, Ordering::Relaxed);
        // A run of more than a few documents answers every `nearby` list as
        // one union (see `rules::SPLIT_ASKS`): asking members one by one
        // pays off only when a list is asked a few times in all.
        if documents > SPLIT_LISTS_UP_TO_DOCS {
            for rule in &self.rules {
                let lists = rule.when.iter().chain(&rule.unless.nearby);
                lists.for_each(|context| context.nearby.answer_whole());
            }
        }
    }

    /// Says that the run may use a second core while it checks a single
    /// document (the pre-commit case, where the other core sits idle): the
    /// regexes the document may need are then built on it ahead of the
    /// search (see [`Engine::build_ahead`]). The results are the same.
    pub fn lend_spare_core(&self, spare: bool) {
        self.spare_core.store(spare, Ordering::Relaxed);
    }

    /// Builds, on the spare core, the regexes a document's search will try:
    /// the patterns with a literal prefix on the page, then the conditions
    /// of the rules whose phrases occur (a pattern's rule is left out: most
    /// tries of a pattern find no claim, and building its conditions then
    /// would be work for nothing). Building a bundled regex
    /// (its prebuilt NFAs read back, its lazy DFA set up) costs far more than
    /// a search of one page with it, and the search thread builds them in
    /// the same order, so this one starts from the other end; a regex the
    /// two reach at once is built once (the other waits for it).
    fn build_ahead<'scope>(
        &'scope self,
        ahead: &Ahead<'scope, '_>,
        text: &'scope str,
        patterns: Vec<usize>,
        mut rules: Vec<usize>,
    ) {
        rules.sort_unstable();
        rules.dedup();
        let mut regexes: Vec<&LazyRegex> =
            patterns.iter().map(|&p| &self.patterns[p].regex).collect();
        for rule in rules.iter().map(|&r| &self.rules[r]) {
            regexes.extend(rule.exceptions.iter().map(|e| &**e));
            regexes.extend(rule.when.iter().map(|w| &*w.nearby));
            regexes.extend(rule.unless.nearby.iter().map(|u| &*u.nearby));
        }
        let done = ahead.done;
        ahead.scope.spawn(move || {
            let lowered = text.to_ascii_lowercase();
            for regex in regexes.iter().rev() {
                if done.load(Ordering::Relaxed) {
                    break;
                }
                regex.build_ahead(&lowered);
            }
        });
    }

    /// Whether the set search can run now. The first document that wants it
    /// builds the set and its automaton (tens of milliseconds); documents
    /// other threads check meanwhile use the anchored search, which finds
    /// the same, instead of waiting for the build.
    fn set_ready(&self) -> bool {
        if self.set_members.is_empty() {
            return false;
        }
        if self.set.get().is_none() && self.set_building.swap(true, Ordering::AcqRel) {
            return false;
        }
        // The literals first: once `set` is there, both are.
        self.set_literals();
        self.pattern_set().is_some()
    }

    /// The automaton of the set search: all literals but the prefixes and
    /// suffixes of the set's own patterns (the set decides those exactly).
    fn set_literals(&self) -> &LiteralSet {
        self.set_literals.get_or_init(|| {
            let (list, kinds): (Vec<&str>, Vec<Literal>) = self
                .literal_list
                .iter()
                .zip(&self.literals.kinds)
                .filter(|(_, kind)| {
                    !matches!(kind, Literal::Prefix(p, _) | Literal::Suffix(p, _) if self.in_set[*p as usize])
                })
                .map(|(s, k)| (s.as_ref(), *k))
                .unzip();
            let conditions = self.conditions.get_or_init(|| condition_literals(&self.rules));
            let list: Vec<&str> = list
                .into_iter()
                .chain(conditions.literals.iter().map(Cow::as_ref))
                .collect();
            let kinds = kinds.into_iter().chain(conditions.kinds.iter().copied()).collect();
            LiteralSet::new(&list, kinds, true)
        })
    }

    /// The pattern set, built on first use (None if it could not be built).
    fn pattern_set(&self) -> Option<&PatternSet> {
        self.set
            .get_or_init(|| {
                if self.set_members.is_empty() {
                    return None;
                }
                let sources: Vec<&str> = self
                    .set_members
                    .iter()
                    .map(|&i| self.patterns[i].regex.source.as_str())
                    .collect();
                PatternSet::new(&sources)
            })
            .as_ref()
    }

    /// Every claim candidate in `prose`, found the way `search` says, and
    /// where the conditions' prefixes occur.
    fn candidates_with<'scope>(
        &'scope self,
        prose: &'scope Prose,
        search: Search,
        ahead: Option<&Ahead<'scope, '_>>,
    ) -> (Vec<Candidate>, ConditionHits) {
        let exhaustive = search == Search::Exhaustive;
        let text = prose.text.as_str();
        let mut out = Vec::new();
        // (pattern, offset) where one of the pattern's prefixes occurs, at
        // most `MAX_ANCHORED_TRIES` per pattern; `hits` counts them all.
        let mut starts: Vec<(usize, usize)> = Vec::new();
        let mut hits = vec![0usize; self.patterns.len()];
        // Patterns whose suffix (if they need one) occurs on the page.
        // (The set search decides its own patterns exactly: their suffixes
        // are not in the set-mode automaton.)
        let mut possible: Vec<bool> = self
            .needs_suffix
            .iter()
            .zip(&self.in_set)
            .map(|(&needs, &in_set)| !needs || exhaustive || (in_set && search == Search::Set))
            .collect();
        let literals = match search {
            Search::Set => self.set_literals(),
            _ => &self.literals,
        };
        let bytes = text.as_bytes();
        let mut condition_hits = ConditionHits {
            hits: Vec::new(),
            complete: search == Search::Set,
        };
        literals.for_each_match(text, |literal, start, end| {
            let owner = match literals.kinds[literal] {
                Literal::Condition(id, opens) => {
                    if !(opens && inside_word(bytes, start)) {
                        condition_hits.hits.push((id, start));
                    }
                    return;
                }
                Literal::Suffix(pattern, closes) => {
                    // A suffix inside a longer word cannot end a match.
                    if !(closes && inside_word(bytes, end)) {
                        possible[pattern as usize] = true;
                    }
                    return;
                }
                Literal::Prefix(pattern, opens) => {
                    if opens && inside_word(bytes, start) {
                        return;
                    }
                    let pattern = pattern as usize;
                    hits[pattern] += 1;
                    if hits[pattern] <= MAX_ANCHORED_TRIES {
                        starts.push((pattern, start));
                    }
                    return;
                }
                Literal::Phrase(owner) => owner,
            };
            if owner.word_start && text[..start].chars().next_back().is_some_and(is_word_char) {
                return;
            }
            if owner.word_end && text[end..].chars().next().is_some_and(is_word_char) {
                return;
            }
            out.push(Candidate {
                rule: owner.rule as usize,
                prose: start..end,
            });
        });
        let windows = Windows::new(prose);
        // A pattern with literal prefixes can only match where one of them
        // occurs: try it there, anchored, in order, the way `find_iter` would
        // step (a match hides the starts it covers), ending by the end of the
        // start's window. A pattern with more hits than `MAX_ANCHORED_TRIES`
        // in one document is searched in one pass instead, so a hostile input
        // (a megabyte of digits) can make the tries neither quadratic nor a
        // large list.
        if exhaustive {
            starts.clear();
        }
        starts.retain(|s| possible[s.0]);
        starts.sort_unstable();
        starts.dedup();
        if let Some(ahead) = ahead {
            let mut patterns: Vec<usize> = starts.iter().map(|s| s.0).collect();
            patterns.dedup();
            let rules = out.iter().map(|c| c.rule).collect();
            self.build_ahead(ahead, text, patterns, rules);
        }
        let mut push = |pattern: &Pattern, m: regex_automata::Match| {
            if m.is_empty() || spans_blocks(text, &m) {
                return;
            }
            out.push(Candidate {
                rule: pattern.rule,
                prose: m.start()..complete_word(text, m.end()),
            });
        };
        let mut group = 0;
        while group < starts.len() {
            let index = starts[group].0;
            let len = starts[group..].partition_point(|s| s.0 == index);
            let pattern = &self.patterns[index];
            if hits[index] > MAX_ANCHORED_TRIES {
                for m in windows.find_all(&pattern.regex, text) {
                    push(pattern, m);
                }
            } else {
                pattern.regex.matches_from_starts(
                    text,
                    starts[group..group + len].iter().map(|&(_, start)| start),
                    |start| windows.range(windows.index(start)).end,
                    |m| push(pattern, m),
                );
            }
            group += len;
        }
        if exhaustive {
            for pattern in &self.patterns {
                for m in windows.find_all(&pattern.regex, text) {
                    push(pattern, m);
                }
            }
        } else if search == Search::Set {
            // The set says in which windows each member has a match: only
            // those are searched, and each is known to hold one.
            // Ends come in order, so a member's windows do too: one entry per
            // (member, window) keeps the list as short as the page's blocks,
            // not its matches (a page of nothing but claims has millions).
            let mut found: Vec<(usize, usize)> = Vec::new();
            let mut last = vec![usize::MAX; self.set_members.len()];
            let decided = self.pattern_set().is_some_and(|set| {
                set.for_each_end(text, |member, end| {
                    let window = windows.index(end.saturating_sub(1));
                    if end > 0 && last[member] != window {
                        last[member] = window;
                        found.push((self.set_members[member], window));
                    }
                })
            });
            if decided {
                found.sort_unstable();
                found.dedup();
                for &(index, window) in &found {
                    let pattern = &self.patterns[index];
                    for m in pattern.regex.find_all_in(text, windows.range(window), true) {
                        push(pattern, m);
                    }
                }
            } else {
                for &index in &self.set_members {
                    let pattern = &self.patterns[index];
                    for m in windows.find_all(&pattern.regex, text) {
                        push(pattern, m);
                    }
                }
            }
        } else if search == Search::Anchored {
            for &index in &self.unfiltered {
                if !possible[index] {
                    continue;
                }
                let pattern = &self.patterns[index];
                for m in windows.find_all(&pattern.regex, text) {
                    push(pattern, m);
                }
            }
        }
        condition_hits.hits.sort_unstable();
        (out, condition_hits)
    }

    /// Decides whether a candidate claim stands, given the rule's conditions.
    fn judge(
        &self,
        index: usize,
        claim: &Range<usize>,
        view: &mut ProseView<'_>,
        facts: &Facts,
    ) -> Verdict {
        let rule = &self.rules[index];
        let ids = self.conditions.get();
        if rule.exceptions.iter().enumerate().any(|(i, exception)| {
            let id = ids.and_then(|c| c.exceptions[index][i]);
            view.exception_overlaps(exception, id, claim)
        }) {
            return Verdict::Clear;
        }
        if let Some(when) = &rule.when
            && !view.found_near(when, ids.and_then(|c| c.when[index]), claim)
        {
            return Verdict::Clear;
        }
        if rule.unless.facts.iter().any(|f| facts.satisfies(f)) {
            return Verdict::Clear;
        }
        if let Some(nearby) = &rule.unless.nearby
            && (view.found_near(nearby, ids.and_then(|c| c.unless[index]), claim)
                || (rule.unless.footnotes && view.found_in_footnote(nearby, claim)))
        {
            return Verdict::Clear;
        }
        if rule.unless.evidence && !facts.evidence.is_empty() {
            let sentence = view.scope_range(Scope::Sentence, claim);
            // Every claim of a sentence gets the same answer: work it out once.
            let key = (sentence.start, sentence.end);
            let verdict = match view.evidence.get(&key) {
                Some(v) => v.clone(),
                None => {
                    let v = self.evidence_verdict(&view.prose.text[sentence], facts);
                    view.evidence.insert(key, v.clone());
                    v
                }
            };
            match verdict {
                EvidenceVerdict::Covered => return Verdict::Clear,
                EvidenceVerdict::Expired(detail) => return Verdict::ExpiredEvidence(detail),
                EvidenceVerdict::None => {}
            }
        }
        Verdict::Report
    }

    /// What the file's evidence says about the claims of one sentence.
    fn evidence_verdict(&self, sentence: &str, facts: &Facts) -> EvidenceVerdict {
        let mut expired = None;
        for evidence in facts.evidence.iter().filter(|e| e.covers(sentence)) {
            if evidence.expired(self.settings.today) {
                expired.get_or_insert_with(|| {
                    format!(
                        "evidence for \"{}\" ({}) expired on {}",
                        evidence.claim,
                        evidence.source,
                        evidence.expires.map(|d| d.to_string()).unwrap_or_default()
                    )
                });
            } else {
                return EvidenceVerdict::Covered;
            }
        }
        expired.map_or(EvidenceVerdict::None, EvidenceVerdict::Expired)
    }

    /// Decides whether a checker's candidate stands: the rule's `exceptions`,
    /// `when`, and `unless` conditions apply to checker findings too.
    pub(crate) fn judge_checker_claim(
        &self,
        rule: usize,
        claim: &Range<usize>,
        view: &mut ProseView<'_>,
        facts: &Facts,
    ) -> bool {
        !matches!(self.judge(rule, claim, view, facts), Verdict::Clear)
    }
}

/// Evidence for the claims of one sentence.
#[derive(Clone)]
enum EvidenceVerdict {
    None,
    Covered,
    Expired(String),
}

enum Verdict {
    Clear,
    Report,
    /// Only expired evidence covered the claim: report it, and the expiry.
    ExpiredEvidence(String),
}

/// A map keyed by offsets in one page and by addresses of the rules' regexes.
/// The keyed SipHash the standard map defaults to guards maps whose keys an
/// attacker picks (strings from a request); for these, and for the packs' own
/// regex sources, it only cost time: a fiftieth of a corpus run for a few
/// lookups per claim.
type OffsetMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A multiply-rotate hash of whole integers (the Fx hash of rustc and
/// Firefox); bytes are taken eight at a time.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let word: [u8; 8] = word.try_into().expect("chunks of eight");
            self.write_u64(u64::from_le_bytes(word));
        }
        for &b in words.remainder() {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Block and sentence lookups over one document's prose, computed lazily.
///
/// Conditions are answered once per scope, not once per claim: a block with
/// many claims (a 20 MB paragraph) would otherwise be searched again for each.
pub struct ProseView<'a> {
    pub prose: &'a Prose,
    /// The whole file the prose was read from.
    source: &'a str,
    sentences: Vec<Option<Vec<Range<usize>>>>,
    /// `found_near` answers by (regex address, scope start, scope end).
    near: OffsetMap<(usize, usize, usize), bool>,
    /// Exception matches by (regex address, block start), in prose coordinates.
    exception_matches: OffsetMap<(usize, usize), Vec<Range<usize>>>,
    /// Evidence answers by sentence range.
    evidence: OffsetMap<(usize, usize), EvidenceVerdict>,
    /// The document's footnotes, found when a rule first asks.
    notes: Option<Vec<Footnote<'a>>>,
    /// The footnote (if any) a sentence's mark leads to, by sentence range:
    /// worked out once per sentence, however many claims it holds.
    sentence_notes: OffsetMap<(usize, usize), Option<Range<usize>>>,
    /// Where the conditions' prefixes occur: scopes without one are not searched.
    condition_hits: ConditionHits,
}

impl<'a> ProseView<'a> {
    fn new(prose: &'a Prose, source: &'a str, condition_hits: ConditionHits) -> ProseView<'a> {
        ProseView {
            prose,
            source,
            notes: None,
            sentences: vec![None; prose.blocks.len()],
            near: OffsetMap::default(),
            exception_matches: OffsetMap::default(),
            evidence: OffsetMap::default(),
            sentence_notes: OffsetMap::default(),
            condition_hits,
        }
    }

    /// True when a match of `exceptions` (condition `id`) in the claim's
    /// block overlaps the claim. A heading is read with the block under it,
    /// as for conditions (see [`ProseView::under_heading`]): "Is this the
    /// cheapest broadband in the UK?" as a heading, answered "No." below.
    fn exception_overlaps(
        &mut self,
        exceptions: &LazyRegex,
        id: Option<u32>,
        claim: &Range<usize>,
    ) -> bool {
        let block = self.paragraph_range(claim.start);
        let key = (std::ptr::from_ref(exceptions) as usize, block.start);
        let text = &self.prose.text;
        let hits = &self.condition_hits;
        let matches = self.exception_matches.entry(key).or_insert_with(|| {
            let within = &text[block.clone()];
            let to_prose =
                |m: regex_automata::Match| block.start + m.start()..block.start + m.end();
            // Every match starts at a prefix, so none starts before the first.
            let first = match hits.starts_in(id, &block) {
                None => block.start,
                Some([]) => return Vec::new(),
                Some(starts) => match anchored_tries(starts, block.end - starts[0].1) {
                    Some(tries) => {
                        let mut found = Vec::new();
                        exceptions.matches_from_starts(
                            within,
                            tries.map(|at| at - block.start),
                            |_| within.len(),
                            |m| found.push(to_prose(m)),
                        );
                        return found;
                    }
                    None => starts[0].1,
                },
            };
            exceptions
                .find_all_in(within, first - block.start..within.len(), false)
                .into_iter()
                .map(to_prose)
                .collect()
        });
        // Matches do not overlap and come in order: the first ending after the
        // claim's start is the only one that can overlap it.
        let i = matches.partition_point(|m| m.end <= claim.start);
        matches.get(i).is_some_and(|m| m.start < claim.end)
    }

    /// The prose range of the block holding `offset`.
    pub fn block_range(&self, offset: usize) -> Range<usize> {
        self.prose
            .block_of(offset)
            .map_or(0..self.prose.text.len(), |i| self.prose.blocks[i].clone())
    }

    /// The prose range of the block holding `offset`, with the block under it
    /// when it is a heading (see [`ProseView::under_heading`]), and with the
    /// heading over it when it is the first block under one.
    fn paragraph_range(&self, offset: usize) -> Range<usize> {
        match self.prose.block_of(offset) {
            Some(i) => {
                let first = self.heading_over(i).unwrap_or(i);
                let last = self.under_heading(i).unwrap_or(i);
                self.prose.blocks[first].start..self.prose.blocks[last].end
            }
            None => 0..self.prose.text.len(),
        }
    }

    /// The heading just before block `index`, when `index` is not a heading
    /// itself: the other side of [`ProseView::under_heading`]. Copy puts an
    /// offer's terms in its heading ("Sale ends Sunday 30 November") and the
    /// claim in the text under it ("Ends in 2 days!"), as often as the
    /// other way round.
    fn heading_over(&self, index: usize) -> Option<usize> {
        (index > 0 && self.prose.is_heading(index - 1) && !self.prose.is_heading(index))
            .then(|| index - 1)
    }

    /// The block after block `index` when block `index` is a heading: copy
    /// puts a claim in a heading ("Best rate guarantee", "Free delivery")
    /// and its terms in the text under it, so a condition looked for in the
    /// heading's paragraph or sentence is also looked for there.
    fn under_heading(&self, index: usize) -> Option<usize> {
        (self.prose.is_heading(index) && index + 1 < self.prose.blocks.len()).then_some(index + 1)
    }

    /// The sentences of block `index`, in prose coordinates.
    pub fn sentences(&mut self, index: usize) -> &[Range<usize>] {
        let block = self.prose.blocks[index].clone();
        let text = &self.prose.text;
        self.sentences[index].get_or_insert_with(|| {
            sentences::split(&text[block.clone()])
                .into_iter()
                .map(|r| block.start + r.start..block.start + r.end)
                .collect()
        })
    }

    /// The prose range of `scope` around `claim`.
    pub fn scope_range(&mut self, scope: Scope, claim: &Range<usize>) -> Range<usize> {
        match scope {
            Scope::Document => 0..self.prose.text.len(),
            Scope::Paragraph => self.paragraph_range(claim.start),
            Scope::Sentence => {
                let Some(index) = self.prose.block_of(claim.start) else {
                    return claim.clone();
                };
                if let Some(next) = self.under_heading(index) {
                    // A heading is one sentence; the first sentence under it goes with it.
                    let block = self.prose.blocks[index].clone();
                    let next_end = self.prose.blocks[next].end;
                    let end = self.sentences(next).first().map_or(next_end, |s| s.end);
                    return block.start.min(claim.start)..end.max(claim.end);
                }
                let over = self.heading_over(index).map(|h| self.prose.blocks[h].start);
                let sentences = self.sentences(index);
                // Sentences are in order: binary searches, not scans, so a block
                // of many sentences with many claims stays linear-logarithmic.
                let at = sentences.partition_point(|s| s.end <= claim.start);
                let first = match (sentences.get(at), over) {
                    // The first sentence under a heading goes with the heading.
                    (Some(_), Some(heading)) if at == 0 => heading,
                    (Some(s), _) => s.start,
                    (None, _) => claim.start,
                };
                let last = sentences
                    .get(sentences.partition_point(|s| s.end < claim.end))
                    .map_or(claim.end, |s| s.end);
                first.min(claim.start)..last.max(claim.end)
            }
        }
    }

    pub fn scope_text(&mut self, scope: Scope, claim: &Range<usize>) -> &'a str {
        let range = self.scope_range(scope, claim);
        &self.prose.text[range]
    }

    /// The document's footnotes (see [`footnotes::find`]), found once.
    pub fn notes(&mut self) -> &[Footnote<'a>] {
        self.notes
            .get_or_insert_with(|| footnotes::find(self.prose, self.source))
    }

    /// True when the claim's sentence carries a footnote mark ("9 out of 10
    /// dermatologists recommend it*") and `context.nearby` matches in the
    /// footnote it leads to ("*Survey of 100 UK dermatologists, March 2026"):
    /// the basis or the terms given in small print still clear the claim, as
    /// they would beside it. (That small print must not *take away* what a
    /// claim gives is a different check: `footnote-conditions`.)
    fn found_in_footnote(&mut self, context: &Context, claim: &Range<usize>) -> bool {
        let sentence = self.scope_range(Scope::Sentence, claim);
        let text: &'a str = self.prose.text.as_str();
        let note = match self.sentence_notes.get(&(sentence.start, sentence.end)) {
            Some(note) => note.clone(),
            None => {
                let note = footnotes::mark_in(&text[sentence.clone()]).and_then(|mark| {
                    footnotes::note_for(self.notes(), mark, sentence.end).map(|n| n.text.clone())
                });
                self.sentence_notes
                    .insert((sentence.start, sentence.end), note.clone());
                note
            }
        };
        let Some(note) = note else {
            return false;
        };
        let key = near_key(context, &note);
        if let Some(&hit) = self.near.get(&key) {
            return hit;
        }
        let within = &text[note.clone()];
        let hit = context.nearby.is_match_in(within, 0..within.len());
        self.near.insert(key, hit);
        hit
    }

    /// True when `context.nearby` (condition `id`) matches within its scope
    /// around `claim`.
    fn found_near(&mut self, context: &Context, id: Option<u32>, claim: &Range<usize>) -> bool {
        let range = self.scope_range(context.within, claim);
        let key = near_key(context, &range);
        if let Some(&hit) = self.near.get(&key) {
            return hit;
        }
        // As for exceptions: a match can only start at a prefix.
        let within = &self.prose.text[range.clone()];
        let nearby = &context.nearby;
        // Searched from the first prefix on, or tried at each when that is cheaper.
        let search_from =
            |first: usize| nearby.is_match_in(within, first - range.start..within.len());
        let hit = match self.condition_hits.starts_in(id, &range) {
            None => search_from(range.start),
            Some([]) => false,
            Some(starts) => match anchored_tries(starts, range.end - starts[0].1) {
                Some(mut tries) => {
                    tries.any(|at| nearby.matches_at(within, at - range.start, within.len()))
                }
                None => search_from(starts[0].1),
            },
        };
        self.near.insert(key, hit);
        hit
    }
}

/// How [`ProseView::near`] knows the answer of `context` in `range`: the
/// regex's address and the range.
fn near_key(context: &Context, range: &Range<usize>) -> (usize, usize, usize) {
    (
        std::ptr::from_ref(&context.nearby) as usize,
        range.start,
        range.end,
    )
}

/// Word characters for phrase boundaries: letters, digits, and the joiners
/// that keep "risk-free" or "don't" one word are not included, so a phrase
/// "free" still matches in "risk-free" unless the rule lists an exception.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether offset `at` of `text` lies between two ASCII word characters,
/// where an ASCII `\b` cannot hold.
fn inside_word(text: &[u8], at: usize) -> bool {
    use crate::checkers::price::is_word_byte;
    at > 0 && text.get(at).is_some_and(|&b| is_word_byte(b)) && is_word_byte(text[at - 1])
}

/// Whether match `m` runs across a block separator (a claim never does).
fn spans_blocks(text: &str, m: &regex_automata::Match) -> bool {
    memchr::memmem::find(&text.as_bytes()[m.range()], BLOCK_SEPARATOR.as_bytes()).is_some()
}

/// Extends a match that stops inside a word or number to its end, so a
/// pattern written as `from [$£€]\d` reports "from $29", not "from $2".
fn complete_word(text: &str, end: usize) -> usize {
    let before = text[..end].chars().next_back();
    if !before.is_some_and(char::is_alphanumeric) {
        return end;
    }
    let mut end = end;
    let mut chars = text[end..].chars().peekable();
    while let Some(c) = chars.next() {
        let continues = c.is_alphanumeric()
            || (matches!(c, '.' | ',')
                && text[..end].ends_with(|p: char| p.is_ascii_digit())
                && chars.peek().is_some_and(char::is_ascii_digit));
        if !continues {
            break;
        }
        end += c.len_utf8();
    }
    end
}

/// Gives each condition regex of `rules` (exceptions, `when` and `unless`)
/// whose selective literal prefixes `build.rs` worked out an id, with those
/// prefixes. Regexes with the same source share an id.
fn condition_literals(rules: &[Rule]) -> Conditions {
    let mut list: Vec<Cow<'static, str>> = Vec::new();
    let mut kinds: Vec<Literal> = Vec::new();
    let mut ids: HashMap<String, Option<u32>> = HashMap::new();
    let mut id_of = |regex: &LazyRegex| -> Option<u32> {
        if let Some(&id) = ids.get(&regex.source) {
            return id;
        }
        let id = crate::rules::bundled_literals(&regex.source).and_then(|(prefixes, _, traits)| {
            // Common prefixes ("the", digits) would rule out little and
            // cost a report at every occurrence.
            let prefixes = prefixes.filter(|p| !p.is_empty() && crate::prefix::selective(p))?;
            let id = u32::try_from(ids.len()).expect("fewer than 2^32 conditions");
            let opens = traits & crate::prefix::OPENS_AT_BOUNDARY != 0;
            kinds.extend(std::iter::repeat_n(
                Literal::Condition(id, opens),
                prefixes.len(),
            ));
            list.extend(prefixes);
            Some(id)
        });
        ids.insert(regex.source.clone(), id);
        id
    };
    let mut conditions = Conditions::default();
    for rule in rules {
        let exceptions = rule.exceptions.iter().map(|e| id_of(e)).collect();
        conditions.exceptions.push(exceptions);
        conditions
            .when
            .push(rule.when.as_ref().and_then(|c| id_of(&c.nearby)));
        conditions
            .unless
            .push(rule.unless.nearby.as_ref().and_then(|c| id_of(&c.nearby)));
    }
    conditions.literals = list;
    conditions.kinds = kinds;
    conditions
}

/// Makes the rules' identical condition regexes (exceptions and `nearby`
/// lists) one object. Packs repeat them (a clearance for quoted or denied
/// claims serves dozens of rules); shared, each is built once and searched
/// once per block or scope for all of its rules, since the document's
/// answers are kept by regex.
fn share_conditions(rules: &mut [Rule]) {
    /// A pooled regex, known by its source (no copy of the source is kept).
    struct BySource(Arc<LazyRegex>);
    impl std::hash::Hash for BySource {
        fn hash<H: Hasher>(&self, state: &mut H) {
            self.0.source.as_str().hash(state);
        }
    }
    impl PartialEq for BySource {
        fn eq(&self, other: &BySource) -> bool {
            self.0.source == other.0.source
        }
    }
    impl Eq for BySource {}
    impl std::borrow::Borrow<str> for BySource {
        fn borrow(&self) -> &str {
            &self.0.source
        }
    }
    let count = rules.iter().map(|r| r.exceptions.len() + 2).sum::<usize>();
    // Sized once: growing it rehashed every long source several times. Keys
    // hash by their source alone, which never changes (what is mutable inside
    // a regex is its lazily built automata).
    #[allow(clippy::mutable_key_type)]
    let mut pool: std::collections::HashSet<BySource, BuildHasherDefault<FxHasher>> =
        std::collections::HashSet::with_capacity_and_hasher(count, Default::default());
    let mut share = |regex: &mut Arc<LazyRegex>| match pool.get(regex.source.as_str()) {
        Some(shared) => *regex = Arc::clone(&shared.0),
        None => {
            pool.insert(BySource(Arc::clone(regex)));
        }
    };
    for rule in rules {
        rule.exceptions.iter_mut().for_each(&mut share);
        if let Some(when) = &mut rule.when {
            share(&mut when.nearby);
        }
        if let Some(unless) = &mut rule.unless.nearby {
            share(&mut unless.nearby);
        }
    }
}

/// The literal prefixes and suffixes of every source, in order. Bundled
/// patterns come from the table `build.rs` made; reading the others runs on
/// two threads.
fn all_literals(sources: &[&str]) -> Vec<crate::rules::Literals> {
    let mut out: Vec<Option<crate::rules::Literals>> = sources
        .iter()
        .map(|p| crate::rules::bundled_literals(p))
        .collect();
    let missing: Vec<usize> = (0..sources.len()).filter(|&i| out[i].is_none()).collect();
    let owned = |list: Option<Vec<String>>| list.map(|l| l.into_iter().map(Cow::Owned).collect());
    let read = |i: &usize| {
        let prefixes = prefix_literals(sources[*i]);
        let suffixes = suffix_literals(sources[*i]);
        let traits = crate::prefix::traits(sources[*i], prefixes.as_deref(), suffixes.as_deref());
        (owned(prefixes), owned(suffixes), traits)
    };
    let threads = crate::cores().min(2);
    let found: Vec<crate::rules::Literals> = if threads < 2 || missing.len() < 32 {
        missing.iter().map(read).collect()
    } else {
        let (first, second) = missing.split_at(missing.len() / 2);
        std::thread::scope(|scope| {
            let other = scope.spawn(|| second.iter().map(read).collect::<Vec<_>>());
            let mut out: Vec<_> = first.iter().map(read).collect();
            out.extend(other.join().expect("literal extraction does not panic"));
            out
        })
    };
    for (i, literals) in missing.into_iter().zip(found) {
        out[i] = Some(literals);
    }
    out.into_iter().map(|l| l.expect("filled")).collect()
}

/// The spellings a literal phrase matches: as written, and with curly
/// apostrophes for straight ones (copy pasted from word processors).
fn phrase_variants(phrase: &str) -> Vec<String> {
    let mut variants = vec![phrase.to_string()];
    if phrase.contains('\'') {
        variants.push(phrase.replace('\'', "’"));
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::complete_word;

    #[test]
    fn a_literal_kind_stays_small() {
        assert!(std::mem::size_of::<super::Literal>() <= 12);
    }

    /// Every bundled rule, default and optional packs.
    fn all_rules() -> Vec<crate::rules::Rule> {
        use crate::rules::{Jurisdiction, PackSelection};
        crate::rules::load(&PackSelection {
            default_rules: true,
            packs: vec!["all".to_string()],
            extra: Vec::new(),
            jurisdiction: Jurisdiction::Us,
            examples: true,
        })
        .expect("bundled packs load")
    }

    /// Trying patterns only at their literal prefixes (anchored) and only
    /// when the pattern set says they match finds exactly what running every
    /// pattern over the whole prose finds, for every bundled rule on every
    /// bundled example.
    #[test]
    fn narrowed_candidates_equal_exhaustive_ones() {
        let rules = all_rules();
        let mut text = String::new();
        for rule in &rules {
            for example in rule.bad_examples.iter().chain(&rule.good_examples) {
                text.push_str(example);
                text.push_str("\n\n");
            }
        }
        text.push_str("Was $120, now $90! SAVE 25%. Only 3 left — 12:30:00 h, 2-for-1, ");
        text.push_str("x100% effective £0 today €5 a month for 3 months; 9 out of 10 vets.\n");
        // Over `MAX_ANCHORED_TRIES` hits of the same prefixes: the linear fallback.
        text.push_str(&"$9 a month for 3 months, only 2 left, 1 in 10 people, ".repeat(80));
        let settings = || super::Settings::new(crate::date::Date::new(2026, 11, 27).unwrap());
        // A second engine whose regexes are all unbuilt when it searches:
        // unbuilt regexes are ruled out by their literals first.
        let fresh = super::Engine::new(rules.clone(), settings());
        let engine = super::Engine::new(rules, settings());
        let doc = crate::source::read(
            &text,
            crate::source::Kind::Text,
            &mut crate::source::ProseBuilder::new(),
        );
        let key = |c: &super::Candidate| (c.rule, c.prose.start, c.prose.end);
        let found_by = |engine: &super::Engine, search| {
            let mut list: Vec<_> = engine
                .candidates_with(&doc.prose, search, None)
                .0
                .iter()
                .map(key)
                .collect();
            list.sort();
            list
        };
        let found = |search| found_by(&engine, search);
        let anchored_unbuilt = found_by(&fresh, super::Search::Anchored);
        let slow = found(super::Search::Exhaustive);
        assert_eq!(anchored_unbuilt, slow);
        assert!(
            slow.len() > 100,
            "the examples exercise the patterns ({})",
            slow.len()
        );
        assert!(engine.pattern_set().is_some(), "the pattern set builds");
        assert_eq!(found(super::Search::Anchored), slow);
        assert_eq!(found(super::Search::Set), slow);
    }

    /// Searching a condition only in scopes where one of its prefixes
    /// occurs decides every bundled example as searching every scope does.
    #[test]
    fn condition_prefixes_change_no_verdict() {
        let rules = all_rules();
        let settings = || super::Settings::new(crate::date::Date::new(2026, 11, 27).unwrap());
        // Both search the way a long run does (the prefixes are only looked
        // for there); one knows no condition's prefixes.
        let narrowed = super::Engine::new(rules.clone(), settings());
        let everywhere = super::Engine::new(rules.clone(), settings());
        narrowed.plan(1000);
        everywhere.plan(1000);
        let all_searched = super::Conditions {
            exceptions: rules
                .iter()
                .map(|r| vec![None; r.exceptions.len()])
                .collect(),
            when: vec![None; rules.len()],
            unless: vec![None; rules.len()],
            ..Default::default()
        };
        assert!(everywhere.conditions.set(all_searched).is_ok());
        narrowed.set_literals();
        let ids = narrowed
            .conditions
            .get()
            .expect("built with the set's literals");
        let known = ids
            .exceptions
            .iter()
            .flatten()
            .chain(&ids.when)
            .chain(&ids.unless);
        assert!(
            known.flatten().count() > 50,
            "many conditions have prefixes"
        );
        let mut builder = crate::source::ProseBuilder::new();
        let mut findings = 0;
        for rule in &rules {
            for example in rule.bad_examples.iter().chain(&rule.good_examples) {
                let doc = crate::source::read(example, crate::source::Kind::Text, &mut builder);
                let facts = crate::facts::Facts::default();
                let found = narrowed.check(example, &doc, &facts);
                assert_eq!(found, everywhere.check(example, &doc, &facts), "{example}");
                findings += found.len();
            }
        }
        assert!(findings > 300, "the examples are judged ({findings})");
    }

    /// A condition is tried at each distinct prefix offset while tries cost
    /// less than a search from the first one, and searched otherwise.
    #[test]
    fn conditions_are_tried_at_few_prefixes_and_searched_past_many() {
        let starts = [(7, 10), (7, 10), (7, 25), (7, 40), (7, 40)];
        let tries: Vec<usize> = super::anchored_tries(&starts, 5_000).unwrap().collect();
        assert_eq!(tries, [10, 25, 40]);
        let crowded: Vec<(u32, usize)> = (0..200).map(|i| (7, i * 3)).collect();
        assert!(super::anchored_tries(&crowded, 600).is_none());
        assert!(super::anchored_tries(&crowded[..2], 600).is_some());
    }

    /// Windows split the prose between the two characters of each block
    /// separator, cover it without gaps, and a pattern is searched window
    /// by window: a match across two blocks cannot hide one inside a block.
    #[test]
    fn windows_partition_the_prose_and_keep_matches_in_blocks() {
        let text = "A great deal\n\nshop now for the best deal today\n\nbye";
        let doc = crate::source::read(
            text,
            crate::source::Kind::Text,
            &mut crate::source::ProseBuilder::new(),
        );
        let prose = &doc.prose;
        assert_eq!(prose.text, text);
        let windows = super::Windows::new(prose);
        assert_eq!(windows.count(), 3);
        let mut next = 0;
        for i in 0..windows.count() {
            let range = windows.range(i);
            assert_eq!(range.start, next);
            for offset in range.clone() {
                assert_eq!(windows.index(offset), i, "offset {offset}");
            }
            next = range.end;
        }
        assert_eq!(next, text.len());
        let regex = crate::rules::LazyRegex::new(r"deal(?:\s+\w+)?".to_string());
        let whole: Vec<&str> = regex
            .find_all(text)
            .iter()
            .map(|m| &text[m.range()])
            .collect();
        assert_eq!(whole, ["deal\n\nshop", "deal today"]);
        let found: Vec<&str> = windows
            .find_all(&regex, text)
            .iter()
            .map(|m| &text[m.range()])
            .collect();
        assert_eq!(found, ["deal", "deal today"]);
        let end = windows.range(0).end;
        let at = regex.match_at(text, 8, end).map(|m| &text[m.range()]);
        assert_eq!(at, Some("deal"));
    }

    #[test]
    fn matches_end_on_whole_numbers_and_words() {
        let text = "Rugs from $29.99, and $1,299 now";
        let at = text.find("$2").unwrap() + 2;
        assert_eq!(&text[..complete_word(text, at)], "Rugs from $29.99");
        let at = text.find("$1").unwrap() + 2;
        assert_eq!(
            &text[..complete_word(text, at)],
            "Rugs from $29.99, and $1,299"
        );
        assert_eq!(complete_word(text, 4), 4, "already at a word end");
    }
}
