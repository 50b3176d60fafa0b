//! claimlint: a fast linter for marketing copy.
//!
//! ```text
//! files ──walk──▶ source (md | html | txt → prose + offset map + front matter)
//!       ──facts──▶ engine (phrase automaton + regex set + checkers) ──▶ findings
//!       ──lint (per-file ignores, suppression)──▶ diagnostics ──report──▶ output
//! ```
//! [`app::session`] and [`app::check`] run the whole pipeline; each stage is a
//! module of its own and can be used alone (an editor plugin needs only
//! [`lint::Linter`]).

pub mod app;
pub mod baseline;
pub mod cache_pool;
pub mod changed_lines;
pub mod checkers;
pub mod config;
pub mod date;
pub mod diagnostic;
pub mod engine;
pub mod error;
pub mod examples;
pub mod facts;
pub mod heap;
pub mod lean_regex;
pub mod lint;
pub mod literal_dfa;
pub mod literal_table;
pub mod lsp;
pub mod prefix;
pub mod report;
pub mod rules;
pub mod selection;
pub mod sentences;
pub mod source;
pub mod suppress;
pub mod walk;

/// The cores this process may run on (at least 1), asked once per run: the
/// standard library reads the cgroup and affinity files at each call, and a
/// one-file run asked three times.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
