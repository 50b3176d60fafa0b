//! Rule regexes compiled to Thompson NFAs at build time, and read back at run time.
//!
//! Compiling a regex (parsing, Unicode case folding, UTF-8 automata for each
//! class, bounded repetitions unrolled) costs far more than searching a page
//! with it: in a one-file run it was most of the work. `build.rs` compiles
//! every bundled regex here, forward and reverse, and embeds the NFAs in a
//! small binary form; at run time a bundled regex is rebuilt from those
//! states with regex-automata's NFA builder, which is a plain copy. User
//! regexes are compiled at run time as before.
//!
//! This file is shared with `build.rs` (via `#[path]`): the configuration the
//! NFAs are compiled with, the encoder and the decoder live together so the
//! two sides cannot drift. The build script decodes every NFA it encodes and
//! compares it with the original, so a bad encoding fails the build.

use regex_automata::nfa::thompson::{self, NFA, State, Transition};
use regex_automata::util::look::Look;
use regex_automata::util::primitives::StateID;
use regex_automata::util::syntax;

/// Compiled NFAs larger than this are refused (a pack cannot exhaust memory).
pub const NFA_SIZE_LIMIT: usize = 2 * 1024 * 1024;

/// The syntax every rule regex is read with: case-insensitive, `^`/`$` at
/// line ends. (`\b`, `\d`, `\s`, `\w` are made ASCII by the caller.)
pub fn syntax_config() -> syntax::Config {
    syntax::Config::new()
        .case_insensitive(true)
        .multi_line(true)
}

/// The NFA options for a rule regex: no capture groups (rules only need where
/// a match is), reversed for the automaton that finds where matches start.
pub fn thompson_config(reverse: bool) -> thompson::Config {
    thompson::Config::new()
        .nfa_size_limit(Some(NFA_SIZE_LIMIT))
        .which_captures(thompson::WhichCaptures::None)
        .reverse(reverse)
}

/// Compiles `pattern` (already passed through `ascii_classes`) the way rule
/// regexes are compiled, forward or reverse; None when it does not compile
/// (the loader reports that error with its position).
pub fn compile(pattern: &str, reverse: bool) -> Option<NFA> {
    thompson::Compiler::new()
        .syntax(syntax_config())
        .configure(thompson_config(reverse))
        .build(pattern)
        .ok()
}

const BYTE_RANGE: u8 = 0;
const SPARSE: u8 = 1;
const LOOK: u8 = 2;
const UNION: u8 = 3;
const BINARY_UNION: u8 = 4;
const FAIL: u8 = 5;
const MATCH: u8 = 6;
const CAPTURE_START: u8 = 7;
const CAPTURE_END: u8 = 8;

/// The NFA options for a checker's built-in pattern, as the regex crate's
/// meta regex compiles one: capture groups in the forward NFA, none in the
/// reverse one (it only finds where a match starts).
pub fn checker_thompson_config(reverse: bool) -> thompson::Config {
    let captures = if reverse {
        thompson::WhichCaptures::None
    } else {
        thompson::WhichCaptures::All
    };
    thompson::Config::new()
        .shrink(false)
        .which_captures(captures)
        .reverse(reverse)
}

/// Compiles a checker's pattern (already passed through `ascii_classes`)
/// forward or reverse; its flags are its own (`(?i)` inline), as for a
/// regex the regex crate compiles.
pub fn compile_checker(pattern: &str, reverse: bool) -> Option<NFA> {
    thompson::Compiler::new()
        .configure(checker_thompson_config(reverse))
        .build(pattern)
        .ok()
}

/// The NFA's states in a compact byte form, or None for an NFA this form
/// does not carry: several patterns, or dense states (the compiler makes
/// neither for a single regex).
pub fn encode(nfa: &NFA) -> Option<Vec<u8>> {
    if nfa.pattern_len() != 1 {
        return None;
    }
    let mut out = Vec::with_capacity(nfa.states().len() * 8);
    out.push(u8::from(nfa.is_utf8()) | (u8::from(nfa.is_reverse()) << 1));
    put(&mut out, nfa.start_anchored().as_u32());
    put(&mut out, nfa.start_unanchored().as_u32());
    put(
        &mut out,
        nfa.start_pattern(regex_automata::PatternID::ZERO)?.as_u32(),
    );
    put(&mut out, u32::try_from(nfa.states().len()).ok()?);
    let transition = |out: &mut Vec<u8>, t: &Transition| {
        out.push(t.start);
        out.push(t.end);
        put(out, t.next.as_u32());
    };
    for state in nfa.states() {
        match state {
            State::ByteRange { trans } => {
                out.push(BYTE_RANGE);
                transition(&mut out, trans);
            }
            State::Sparse(sparse) => {
                out.push(SPARSE);
                put(&mut out, u32::try_from(sparse.transitions.len()).ok()?);
                for t in sparse.transitions.iter() {
                    transition(&mut out, t);
                }
            }
            State::Look { look, next } => {
                out.push(LOOK);
                put(&mut out, look.as_repr());
                put(&mut out, next.as_u32());
            }
            State::Union { alternates } => {
                out.push(UNION);
                put(&mut out, u32::try_from(alternates.len()).ok()?);
                for id in alternates.iter() {
                    put(&mut out, id.as_u32());
                }
            }
            State::BinaryUnion { alt1, alt2 } => {
                out.push(BINARY_UNION);
                put(&mut out, alt1.as_u32());
                put(&mut out, alt2.as_u32());
            }
            State::Fail => out.push(FAIL),
            State::Match { .. } => out.push(MATCH),
            State::Capture {
                next,
                group_index,
                slot,
                ..
            } => {
                // Even slots open a group, odd ones close it; an opening
                // carries the group's name (or none: length 0).
                if slot.as_usize() % 2 == 0 {
                    out.push(CAPTURE_START);
                    put(&mut out, group_index.as_u32());
                    put(&mut out, next.as_u32());
                    let name = nfa
                        .group_info()
                        .to_name(regex_automata::PatternID::ZERO, group_index.as_usize());
                    let name = name.unwrap_or_default();
                    put(&mut out, u32::try_from(name.len()).ok()?);
                    out.extend_from_slice(name.as_bytes());
                } else {
                    out.push(CAPTURE_END);
                    put(&mut out, group_index.as_u32());
                    put(&mut out, next.as_u32());
                }
            }
            State::Dense(_) => return None,
        }
    }
    Some(out)
}

/// Rebuilds an NFA from [`encode`]'s bytes; None when they are not such bytes.
///
/// States are added to the builder in their original order, and the builder
/// numbers them in that order, so every state ID written stays valid.
pub fn decode(bytes: &[u8]) -> Option<NFA> {
    decode_with(&mut thompson::Builder::new(), bytes)
}

/// [`decode`] with a builder the caller keeps: it is cleared first, and its
/// state list keeps its capacity from one NFA to the next (a one-file run
/// rebuilds some fifty NFAs of up to two thousand states).
pub fn decode_with(builder: &mut thompson::Builder, bytes: &[u8]) -> Option<NFA> {
    builder.clear();
    let mut reader = Reader { bytes, at: 0 };
    let flags = reader.byte()?;
    let start_anchored = reader.state()?;
    let start_unanchored = reader.state()?;
    let start_pattern = reader.state()?;
    let len = reader.u32()?;
    builder.set_utf8(flags & 1 != 0);
    builder.set_reverse(flags & 2 != 0);
    builder.start_pattern().ok()?;
    for _ in 0..len {
        match reader.byte()? {
            BYTE_RANGE => builder.add_range(reader.transition()?),
            SPARSE => {
                let n = reader.u32()?;
                // Sized up front: a collect through `Option` cannot know the
                // length and grows the vector step by step.
                let mut transitions = Vec::with_capacity(n.min(256) as usize);
                for _ in 0..n {
                    transitions.push(reader.transition()?);
                }
                builder.add_sparse(transitions)
            }
            LOOK => {
                let look = Look::from_repr(reader.u32()?)?;
                let next = reader.state()?;
                builder.add_look(next, look)
            }
            UNION => {
                let n = reader.u32()?;
                let mut alternates = Vec::with_capacity(n.min(4096) as usize);
                for _ in 0..n {
                    alternates.push(reader.state()?);
                }
                builder.add_union(alternates)
            }
            BINARY_UNION => {
                let alternates = vec![reader.state()?, reader.state()?];
                builder.add_union(alternates)
            }
            FAIL => builder.add_fail(),
            MATCH => builder.add_match(),
            CAPTURE_START => {
                let group = reader.u32()?;
                let next = reader.state()?;
                let len = usize::try_from(reader.u32()?).ok()?;
                let name = reader.take(len)?;
                let name = std::str::from_utf8(name).ok()?;
                let name = (!name.is_empty()).then(|| std::sync::Arc::from(name));
                builder.add_capture_start(next, group, name)
            }
            CAPTURE_END => {
                let group = reader.u32()?;
                let next = reader.state()?;
                builder.add_capture_end(next, group)
            }
            _ => return None,
        }
        .ok()?;
    }
    if reader.at != bytes.len() {
        return None;
    }
    builder.finish_pattern(start_pattern).ok()?;
    builder.build(start_anchored, start_unanchored).ok()
}

/// Appends `value` as a LEB128 varint.
fn put(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn take(&mut self, len: usize) -> Option<&[u8]> {
        let bytes = self.bytes.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(bytes)
    }

    fn u32(&mut self) -> Option<u32> {
        let mut value = 0u32;
        for shift in (0..35).step_by(7) {
            let b = self.byte()?;
            value |= u32::from(b & 0x7F).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn state(&mut self) -> Option<StateID> {
        StateID::new(usize::try_from(self.u32()?).ok()?).ok()
    }

    fn transition(&mut self) -> Option<Transition> {
        Some(Transition {
            start: self.byte()?,
            end: self.byte()?,
            next: self.state()?,
        })
    }
}
