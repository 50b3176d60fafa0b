//! Finds every occurrence of many short literals with a hash table instead of
//! an automaton.
//!
//! The engine looks for a few thousand literals (phrases, and the prefixes
//! and suffixes of patterns, at most 8 bytes each) and needs every
//! occurrence of each, overlapping, with ASCII case folded: what an
//! Aho-Corasick automaton's overlapping search reports. Building an
//! automaton for that ([`crate::literal_dfa`]) costs about as much as the
//! rest of a one-file run. This table is built in a fraction of that time:
//! literals are grouped by their first (up to) four bytes, and a search
//! looks up the bytes at each position of the text and compares the few
//! literals found there.

/// Literals of up to this many bytes are keyed by all their bytes; longer
/// ones by their first `KEY_LEN` bytes.
const KEY_LEN: usize = 4;

/// Every literal, grouped by its key, and an open-addressing index of the keys.
#[derive(Debug)]
pub struct LiteralTable {
    /// Each literal's bytes, ASCII lower-cased, back to back.
    bytes: Vec<u8>,
    /// Where literal `i` lies in `bytes`.
    spans: Vec<(u32, u32)>,
    /// Literal ids ordered by key; a key's literals are one run of it.
    grouped: Vec<u32>,
    /// Open addressing over keys: (key, first index into `grouped`, count).
    /// A key of 0 marks an empty slot (real keys carry their length, >= 1).
    slots: Vec<(u64, u32, u32)>,
    /// Bit `b` of `first[k - 1]`: some literal of key length `k` starts
    /// with byte `b`.
    first: [[u64; 4]; KEY_LEN],
}

impl LiteralTable {
    /// A table of `literals`; literal `i` is reported as id `i`. Empty
    /// literals are never found.
    pub fn new<S: AsRef<[u8]>>(literals: &[S]) -> LiteralTable {
        LiteralTable::build(literals.len(), |i| literals[i].as_ref())
    }

    /// [`LiteralTable::new`] for string literals (no list of byte slices made
    /// on the way: the engine's list has ~10,000).
    pub fn from_strs<S: AsRef<str>>(literals: &[S]) -> LiteralTable {
        LiteralTable::build(literals.len(), |i| literals[i].as_ref().as_bytes())
    }

    fn build<'a>(count: usize, literal_at: impl Fn(usize) -> &'a [u8]) -> LiteralTable {
        let mut bytes = Vec::with_capacity((0..count).map(|i| literal_at(i).len()).sum());
        let mut spans = Vec::with_capacity(count);
        let mut keyed: Vec<(u64, u32)> = Vec::with_capacity(count);
        let mut first = [[0u64; 4]; KEY_LEN];
        for id in 0..count {
            let literal = literal_at(id);
            let start = bytes.len();
            bytes.extend(literal.iter().map(u8::to_ascii_lowercase));
            spans.push((to_u32(start), to_u32(bytes.len())));
            if literal.is_empty() {
                continue;
            }
            let lower = &bytes[start..];
            let k = lower.len().min(KEY_LEN);
            let b = usize::from(lower[0]);
            first[k - 1][b / 64] |= 1 << (b % 64);
            keyed.push((key(&lower[..k]), to_u32(id)));
        }
        // Grouped by counting, not by sorting ~10,000 keys (a sort was a
        // twentieth of a one-file run): each key's slot counts its literals,
        // the counts become the runs' places, and a second pass fills the
        // runs in id order. At most two thirds of the slots are taken.
        let capacity = (keyed.len() + keyed.len() / 2).next_power_of_two().max(16);
        let mut slots = vec![(0u64, 0u32, 0u32); capacity];
        let mut slot_ids: Vec<u32> = Vec::with_capacity(keyed.len());
        for &(k, _) in &keyed {
            let mut slot = slot_of(k, capacity);
            while slots[slot].0 != k && slots[slot].0 != 0 {
                slot = (slot + 1) & (capacity - 1);
            }
            slots[slot].0 = k;
            slots[slot].2 += 1;
            slot_ids.push(to_u32(slot));
        }
        // Each run's end first; filling from the last literal back moves it
        // to the run's start.
        let mut at = 0;
        for slot in slots.iter_mut().filter(|s| s.0 != 0) {
            at += slot.2;
            slot.1 = at;
        }
        let mut grouped = vec![0u32; keyed.len()];
        for (&(_, id), &slot) in keyed.iter().zip(&slot_ids).rev() {
            let slot = &mut slots[slot as usize];
            slot.1 -= 1;
            grouped[slot.1 as usize] = id;
        }
        LiteralTable {
            bytes,
            spans,
            grouped,
            slots,
            first,
        }
    }

    /// Calls `found(id, start, end)` for every occurrence of every literal
    /// in `text`, overlapping ones included, ASCII case folded.
    pub fn for_each_match(&self, text: &[u8], mut found: impl FnMut(usize, usize, usize)) {
        let lowered = text.to_ascii_lowercase();
        let low = lowered.as_slice();
        let capacity = self.slots.len();
        for i in 0..low.len() {
            let b = usize::from(low[i]);
            for k in 1..=KEY_LEN {
                if self.first[k - 1][b / 64] & (1 << (b % 64)) == 0 || i + k > low.len() {
                    continue;
                }
                let want = key(&low[i..i + k]);
                let mut slot = slot_of(want, capacity);
                let (first, count) = loop {
                    let (k, first, count) = self.slots[slot];
                    if k == want || k == 0 {
                        break if k == 0 { (0, 0) } else { (first, count) };
                    }
                    slot = (slot + 1) & (capacity - 1);
                };
                for &id in &self.grouped[first as usize..(first + count) as usize] {
                    let (s, e) = self.spans[id as usize];
                    let literal = &self.bytes[s as usize..e as usize];
                    if low[i..].starts_with(literal) {
                        found(id as usize, i, i + literal.len());
                    }
                }
            }
        }
    }
}

/// A key: the bytes (at most `KEY_LEN`) and their count, never 0.
fn key(bytes: &[u8]) -> u64 {
    let mut packed = [0u8; 8];
    packed[..bytes.len()].copy_from_slice(bytes);
    packed[7] = bytes.len() as u8;
    u64::from_le_bytes(packed)
}

fn slot_of(key: u64, capacity: usize) -> usize {
    // Fibonacci hashing: the high bits of the product are well mixed.
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & (capacity - 1)
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("literal tables stay far below 4 GiB")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use aho_corasick::{AhoCorasickBuilder, MatchKind};

    fn all(table: &LiteralTable, text: &str) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        table.for_each_match(text.as_bytes(), |id, s, e| out.push((id, s, e)));
        out.sort_unstable();
        out
    }

    /// Every occurrence of every literal, as aho-corasick's overlapping
    /// search reports them (ASCII case folded), sorted: the reference both
    /// literal finders are tested against.
    pub(crate) fn automaton(literals: &[&str], text: &str) -> Vec<(usize, usize, usize)> {
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(literals)
            .expect("small literal set");
        let mut out: Vec<_> = ac
            .find_overlapping_iter(text)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        out.sort_unstable();
        out
    }

    /// Literals of every kind the engine has (symbols, one letter, words,
    /// cut-off prefixes, duplicates) and a text with them in any case.
    pub(crate) const SAMPLE_LITERALS: &[&str] = &[
        "$",
        "%",
        "no",
        "not",
        "free",
        "free sh",
        "risk-fre",
        "guaranteed",
        "£",
        "€",
        "aranteed",
        "free",
        "t",
        "tee",
        "100%",
    ];
    pub(crate) const SAMPLE_TEXT: &str =
        "FREE shipping, 100% Guaranteed — not risk-free! £5 or €6. No teeth.";

    #[test]
    fn finds_what_an_overlapping_automaton_finds() {
        let table = LiteralTable::new(SAMPLE_LITERALS);
        assert_eq!(
            all(&table, SAMPLE_TEXT),
            automaton(SAMPLE_LITERALS, SAMPLE_TEXT)
        );
    }

    #[test]
    fn agrees_with_the_automaton_on_random_text() {
        let literals = [
            "ab", "abc", "b", "bca", "cab", "ca", "aaaa", "aaaab", "abcabcab", "c", "bb", "Ab",
        ];
        let table = LiteralTable::new(&literals);
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..300 {
            let text: String = (0..40)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    ['a', 'b', 'c', 'A', 'B', ' ', 'é'][(state % 7) as usize]
                })
                .collect();
            assert_eq!(all(&table, &text), automaton(&literals, &text), "{text}");
        }
    }

    #[test]
    fn empty_tables_and_texts_find_nothing() {
        let none: [&str; 0] = [];
        assert!(all(&LiteralTable::new(&none), "anything").is_empty());
        assert!(all(&LiteralTable::new(&["x", ""]), "").is_empty());
    }
}
