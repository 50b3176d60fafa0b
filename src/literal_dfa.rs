//! Finds every occurrence of a few thousand short literals in one pass over
//! the text, ASCII case folded, overlapping ones included: what an
//! overlapping Aho-Corasick search reports, with less waiting on memory.
//!
//! The engine looks for about 5,000 distinct literals (rule phrases, and the
//! prefixes and suffixes of patterns). aho-corasick's DFA over all of them
//! has 19,000 states and 130 byte classes, about 10 MB of transitions: every
//! byte of prose became a load from memory, and the scan ran at ~40 cycles a
//! byte (perf put 80% of its cycles on that one load). Here the byte classes
//! fold ASCII case and lump together every byte no literal uses (71
//! classes), transitions are 16 bits (4.7 MB), and four parts of the text
//! are scanned in step, so four independent chains of loads wait on memory
//! at once. A literal set too large for 15-bit state ids keeps only its
//! literals' first bytes in the DFA; the rest of a longer literal is matched
//! by walking a trie forward from where its first bytes ended.
//!
//! This module knows nothing about rules: literal `i` is reported as `i`.

/// Transition bit: the state entered reports matches.
const REPORTS: u16 = 0x8000;
/// Transition bits holding the state entered.
const STATE: u16 = 0x7fff;
/// The DFA covers literals' first bytes up to the deepest depth whose trie
/// prefixes number at most this many: what 15-bit state ids can tell apart.
/// The bundled packs' ~5,000 literals fit whole (18,500 states, 4.7 MB); a
/// shallower DFA with the rest in the trie was slower on the bench corpus
/// (4,096 states: a 10k-page run took 20% more time, walking tails).
const STATE_BUDGET: usize = 1 << 15;
/// The most memory the transition table may take. The packs' literals grew
/// past 64 byte classes (superscript footnote marks, star glyphs), which
/// doubled the row width; the whole DFA then took 8 MB and a 10k-page run
/// went over its 64 MB target. Held at this size, the DFA stops a few bytes
/// shallower (a 10k-page run takes about 5% longer than with the 8 MB table).
const TABLE_BYTES: usize = 4 << 20;
/// The DFA is never deeper than this, however few the literals.
const MAX_DEPTH: usize = 32;
/// Parts of a text scanned in step ([`LiteralDfa::for_each_match`]).
const STREAMS: usize = 4;
/// Texts shorter than this many bytes per part are scanned in one.
const MIN_STREAM: usize = 64;

/// One prefix of one or more literals.
#[derive(Debug, Clone)]
struct Node {
    /// Its length in bytes.
    depth: u32,
    /// Range of `LiteralDfa::ids`: the literals that end here.
    ids: (u32, u32),
    /// Range of `LiteralDfa::edges`: the children, by byte.
    edges: (u32, u32),
}

/// A multi-literal finder: a shallow DFA and a trie for the literals' tails.
#[derive(Debug)]
pub struct LiteralDfa {
    /// Byte to class; ASCII upper case shares lower case's class, and class
    /// 0 stands for every byte that begins no transition.
    classes: [u8; 256],
    /// log2 of the number of transitions per state.
    shift: u32,
    /// `trans[(state << shift) | class]`: the next state, with `REPORTS` set
    /// when it has something to report.
    trans: Vec<u16>,
    /// Per DFA state: the range of `reports` it reports.
    report_ranges: Vec<(u32, u32)>,
    /// Trie nodes that are suffixes of a DFA state's prefix and end a
    /// literal or begin a tail, longest first.
    reports: Vec<u32>,
    /// The trie of all literals, ASCII lower-cased; node 0 is the root.
    nodes: Vec<Node>,
    /// Children of trie nodes, sorted by byte within each node.
    edges: Vec<(u8, u32)>,
    /// Literal ids grouped by the node they end at.
    ids: Vec<u32>,
    /// Prefixes up to this many bytes are DFA states.
    depth: u32,
}

impl LiteralDfa {
    /// A finder for `literals`; literal `i` is reported as id `i`. Empty
    /// literals are never found.
    pub fn new<S: AsRef<[u8]>>(literals: &[S]) -> LiteralDfa {
        LiteralDfa::with_budget(literals, STATE_BUDGET)
    }

    /// As [`LiteralDfa::new`], with at most `budget` prefixes in the DFA
    /// (but always those of one byte: 232 at most, as folded bytes).
    fn with_budget<S: AsRef<[u8]>>(literals: &[S], budget: usize) -> LiteralDfa {
        // The trie, built with growable child lists, then flattened.
        let mut children: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
        let mut depths: Vec<u32> = vec![0];
        let mut ends: Vec<(u32, u32)> = Vec::with_capacity(literals.len());
        for (id, literal) in literals.iter().enumerate() {
            let literal = literal.as_ref();
            if literal.is_empty() {
                continue;
            }
            let mut node = 0usize;
            for &byte in literal {
                let byte = byte.to_ascii_lowercase();
                node = match children[node].iter().find(|(b, _)| *b == byte) {
                    Some(&(_, child)) => child as usize,
                    None => {
                        let child = children.len();
                        children[node].push((byte, to_u32(child)));
                        children.push(Vec::new());
                        depths.push(depths[node] + 1);
                        child
                    }
                };
            }
            ends.push((to_u32(node), to_u32(id)));
        }
        ends.sort_unstable();
        let mut nodes: Vec<Node> = depths
            .iter()
            .map(|&depth| Node {
                depth,
                ids: (0, 0),
                edges: (0, 0),
            })
            .collect();
        let ids: Vec<u32> = ends.iter().map(|&(_, id)| id).collect();
        let mut at = 0;
        for run in ends.chunk_by(|a, b| a.0 == b.0) {
            nodes[run[0].0 as usize].ids = (to_u32(at), to_u32(at + run.len()));
            at += run.len();
        }
        let mut edges: Vec<(u8, u32)> = Vec::new();
        for (node, list) in children.iter_mut().enumerate() {
            list.sort_unstable();
            let first = to_u32(edges.len());
            edges.extend_from_slice(list);
            nodes[node].edges = (first, to_u32(edges.len()));
        }

        // The DFA's depth: as deep as the state budget allows.
        let mut per_depth = [0usize; MAX_DEPTH + 1];
        for &d in &depths {
            if (d as usize) <= MAX_DEPTH {
                per_depth[d as usize] += 1;
            }
        }
        // The table is states x stride transitions of two bytes, all written:
        // past `TABLE_BYTES` a shallower DFA (the rest walked in the trie)
        // keeps a repository run's memory in bounds.
        let mut budget = budget;
        let (depth, classes, shift) = loop {
            let (depth, states) = deepest(&per_depth, budget);
            let (classes, count) = byte_classes(&nodes, &edges, depth);
            let shift = usize::BITS - (count - 1).leading_zeros();
            let stride = 1usize << shift;
            if states * stride * 2 <= TABLE_BYTES || budget <= 1 {
                break (depth, classes, shift);
            }
            budget = (TABLE_BYTES / (stride * 2)).min(budget - 1);
        };
        let stride = 1usize << shift;

        // States in breadth-first order (root first), with failure links.
        let mut dfa_nodes: Vec<u32> = vec![0];
        let mut fail: Vec<u32> = vec![0];
        let mut trans = vec![0u16; stride];
        let mut at = 0;
        while at < dfa_nodes.len() {
            let node = &nodes[dfa_nodes[at] as usize];
            if node.depth < depth {
                for &(byte, child) in &edges[node.edges.0 as usize..node.edges.1 as usize] {
                    let class = usize::from(classes[usize::from(byte)]);
                    // The child's failure: where the parent's failure goes on this byte.
                    let child_fail = if at == 0 {
                        0
                    } else {
                        u32::from(trans[((fail[at] as usize) << shift) | class] & STATE)
                    };
                    let state = dfa_nodes.len();
                    dfa_nodes.push(child);
                    fail.push(child_fail);
                    trans[(at << shift) | class] =
                        u16::try_from(state).expect("the state budget keeps states below 2^15");
                }
            }
            // The transitions of the next state in breadth-first order start
            // as its failure's (computed already: failures are shallower).
            at += 1;
            if at < dfa_nodes.len() {
                let from = (fail[at] as usize) << shift;
                let row: Vec<u16> = trans[from..from + stride].to_vec();
                trans.extend_from_slice(&row);
            }
        }
        debug_assert!(dfa_nodes.len() <= usize::from(STATE) + 1);

        // What each state reports: itself and its failures, longest first.
        let mut report_ranges = Vec::with_capacity(dfa_nodes.len());
        let mut reports: Vec<u32> = Vec::new();
        for state in 0..dfa_nodes.len() {
            let first = to_u32(reports.len());
            let mut s = state;
            while s != 0 {
                let node = &nodes[dfa_nodes[s] as usize];
                let tail = node.depth == depth && node.edges.0 != node.edges.1;
                if node.ids.0 != node.ids.1 || tail {
                    reports.push(dfa_nodes[s]);
                }
                s = fail[s] as usize;
            }
            report_ranges.push((first, to_u32(reports.len())));
        }
        for t in &mut trans {
            let (first, last) = report_ranges[usize::from(*t & STATE)];
            if first != last {
                *t |= REPORTS;
            }
        }
        LiteralDfa {
            classes,
            shift,
            trans,
            report_ranges,
            reports,
            nodes,
            edges,
            ids,
            depth,
        }
    }

    /// Calls `found(id, start, end)` for every occurrence of every literal
    /// in `text`, overlapping ones included, ASCII case folded; in no
    /// particular order.
    pub fn for_each_match(&self, text: &[u8], mut found: impl FnMut(usize, usize, usize)) {
        // A scan is one chain of dependent loads (each state comes from the
        // last), so it waits on memory at every byte the cache misses. Four
        // parts of the text scanned in step overlap those waits. Each part
        // after the first starts `depth` bytes early without reporting: the
        // DFA remembers no more than that, so it is then in the state a scan
        // from the start would be in.
        let part = text.len() / STREAMS;
        if part < MIN_STREAM {
            self.scan(text, 0..text.len(), 0, &mut found);
            return;
        }
        let depth = self.depth as usize;
        let mut states = [0usize; STREAMS];
        let mut at = [0usize; STREAMS];
        for k in 0..STREAMS {
            at[k] = k * part;
            if k > 0 {
                states[k] = self.warm(&text[at[k] - depth.min(at[k])..at[k]]);
            }
        }
        for _ in 0..part {
            for k in 0..STREAMS {
                let class = usize::from(self.classes[usize::from(text[at[k]])]);
                let t = self.trans[(states[k] << self.shift) | class];
                states[k] = usize::from(t & STATE);
                at[k] += 1;
                if t & REPORTS != 0 {
                    self.report(states[k], at[k], text, &mut found);
                }
            }
        }
        let last = STREAMS - 1;
        self.scan(text, at[last]..text.len(), states[last], &mut found);
    }

    /// Scans `range` of `text` from `state`, reporting; returns the state reached.
    fn scan(
        &self,
        text: &[u8],
        range: std::ops::Range<usize>,
        mut state: usize,
        found: &mut impl FnMut(usize, usize, usize),
    ) -> usize {
        for at in range {
            let class = usize::from(self.classes[usize::from(text[at])]);
            let t = self.trans[(state << self.shift) | class];
            state = usize::from(t & STATE);
            if t & REPORTS != 0 {
                self.report(state, at + 1, text, found);
            }
        }
        state
    }

    /// The state after `bytes`, from the start state, reporting nothing.
    fn warm(&self, bytes: &[u8]) -> usize {
        bytes.iter().fold(0, |state, &byte| {
            let class = usize::from(self.classes[usize::from(byte)]);
            usize::from(self.trans[(state << self.shift) | class] & STATE)
        })
    }

    /// Reports what ends at `end` with the DFA in `state`, and the longer
    /// literals that continue from there.
    #[inline(never)]
    fn report(
        &self,
        state: usize,
        end: usize,
        text: &[u8],
        found: &mut impl FnMut(usize, usize, usize),
    ) {
        let (first, last) = self.report_ranges[state];
        for &node in &self.reports[first as usize..last as usize] {
            let n = &self.nodes[node as usize];
            let start = end - n.depth as usize;
            self.found_at(n, start, end, found);
            if n.depth != self.depth {
                continue;
            }
            let mut n = n;
            let mut pos = end;
            while let Some(&byte) = text.get(pos) {
                let byte = byte.to_ascii_lowercase();
                let edges = &self.edges[n.edges.0 as usize..n.edges.1 as usize];
                match edges.iter().find(|(b, _)| *b == byte) {
                    Some(&(_, child)) => {
                        n = &self.nodes[child as usize];
                        pos += 1;
                        self.found_at(n, start, pos, found);
                    }
                    None => break,
                }
            }
        }
    }

    fn found_at(
        &self,
        node: &Node,
        start: usize,
        end: usize,
        found: &mut impl FnMut(usize, usize, usize),
    ) {
        for &id in &self.ids[node.ids.0 as usize..node.ids.1 as usize] {
            found(id as usize, start, end);
        }
    }
}

/// The deepest depth (at most `MAX_DEPTH`) whose trie prefixes, counted by
/// depth in `per_depth`, number at most `budget` (at least depth 1), and how
/// many prefixes that is.
fn deepest(per_depth: &[usize; MAX_DEPTH + 1], budget: usize) -> (u32, usize) {
    let mut depth = 0;
    let mut states = per_depth[0];
    while depth < MAX_DEPTH && (depth == 0 || states + per_depth[depth + 1] <= budget) {
        depth += 1;
        states += per_depth[depth];
    }
    (depth as u32, states)
}

/// Byte classes: one per (folded) byte on an edge a DFA of `depth` follows,
/// and how many there are (class 0 for all other bytes included). Upper case
/// letters never get their own, so there are at most 231.
fn byte_classes(nodes: &[Node], edges: &[(u8, u32)], depth: u32) -> ([u8; 256], usize) {
    let mut classes = [0u8; 256];
    let mut count = 1usize;
    let mut used = [false; 256];
    for n in nodes {
        if n.depth >= depth {
            continue;
        }
        for &(byte, _) in &edges[n.edges.0 as usize..n.edges.1 as usize] {
            used[usize::from(byte)] = true;
        }
    }
    for byte in 0..=255u8 {
        if used[usize::from(byte)] {
            classes[usize::from(byte)] =
                u8::try_from(count).expect("at most 231 classes: upper case is folded");
            count += 1;
        }
    }
    for upper in b'A'..=b'Z' {
        classes[usize::from(upper)] = classes[usize::from(upper.to_ascii_lowercase())];
    }
    (classes, count)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("literal sets stay far below 4 GiB")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::literal_table::tests::{SAMPLE_LITERALS, SAMPLE_TEXT, automaton};

    fn found(dfa: &LiteralDfa, text: &str) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        dfa.for_each_match(text.as_bytes(), |id, s, e| out.push((id, s, e)));
        out.sort_unstable();
        out
    }

    /// A deterministic xorshift stream.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self, below: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % below as u64) as usize
        }
    }

    #[test]
    fn finds_what_an_overlapping_automaton_finds() {
        // Longer literals too, which shallow DFAs leave to the trie.
        let mut literals = SAMPLE_LITERALS.to_vec();
        literals.extend(["Not Only", "the only one"]);
        let text = format!("{SAMPLE_TEXT} NOT ONLY the only one");
        for budget in [0, 4, 16, 4096] {
            let dfa = LiteralDfa::with_budget(&literals, budget);
            assert_eq!(
                found(&dfa, &text),
                automaton(&literals, &text),
                "budget {budget}"
            );
        }
    }

    #[test]
    fn agrees_with_the_automaton_on_random_literals_and_text() {
        let alphabet = ['a', 'b', 'c', 'A', 'B', ' ', 'é', '€'];
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for round in 0..200 {
            let literals: Vec<String> = (0..1 + rng.next(12))
                .map(|_| {
                    (0..1 + rng.next(11))
                        .map(|_| alphabet[rng.next(alphabet.len())])
                        .collect()
                })
                .collect();
            let literals: Vec<&str> = literals.iter().map(String::as_str).collect();
            // Small budgets push most of each literal into the tail trie.
            let dfa = LiteralDfa::with_budget(&literals, rng.next(40));
            for _ in 0..10 {
                // Long texts are scanned in parts (`STREAMS`), short ones whole.
                let len = if rng.next(2) == 0 {
                    rng.next(60)
                } else {
                    200 + rng.next(400)
                };
                let text: String = (0..len)
                    .map(|_| alphabet[rng.next(alphabet.len())])
                    .collect();
                assert_eq!(
                    found(&dfa, &text),
                    automaton(&literals, &text),
                    "round {round}: {literals:?} in {text:?}"
                );
            }
        }
    }

    #[test]
    fn empty_sets_and_texts_find_nothing() {
        let none: [&str; 0] = [];
        assert!(found(&LiteralDfa::new(&none), "anything").is_empty());
        assert!(found(&LiteralDfa::new(&["x", ""]), "").is_empty());
        assert_eq!(found(&LiteralDfa::new(&["", "x"]), "x"), vec![(1, 0, 1)]);
    }

    #[test]
    fn keeps_the_dfa_within_its_budget() {
        let literals: Vec<String> = (0..20_000).map(|i| format!("w{i:05}-tail")).collect();
        let dfa = LiteralDfa::new(&literals);
        assert!(
            dfa.report_ranges.len() <= STATE_BUDGET,
            "one range per state"
        );
        assert!(dfa.depth >= 2);
        let text = "see w01234-tail and W19999-TAIL, not w1234-tail";
        assert_eq!(found(&dfa, text), vec![(1234, 4, 15), (19999, 20, 31)]);
    }

    #[test]
    fn keeps_a_wide_table_within_its_memory() {
        // 90 distinct bytes (128-wide rows) and 20,000 literals: the whole
        // DFA would need over 5 MB, so it stops shallower and still finds all.
        let alphabet: Vec<char> = (b'!'..=b'z').map(char::from).collect();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let literals: Vec<String> = (0..20_000)
            .map(|_| (0..6).map(|_| alphabet[rng.next(alphabet.len())]).collect())
            .collect();
        let dfa = LiteralDfa::new(&literals);
        assert!(
            dfa.trans.len() * 2 <= TABLE_BYTES,
            "{} bytes",
            dfa.trans.len() * 2
        );
        let text: String = (0..3_000)
            .map(|_| alphabet[rng.next(alphabet.len())])
            .collect();
        let text = format!("{text} {}", literals[7]);
        let literals: Vec<&str> = literals.iter().map(String::as_str).collect();
        assert_eq!(found(&dfa, &text), automaton(&literals, &text));
    }
}
