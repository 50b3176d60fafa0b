//! The labelled evaluation set for the optional packs, in
//! `fixtures/labelled-optional/`: short ad snippets, each marked with the optional
//! packs that must fire (`expect: []` means no optional pack may fire). Every
//! snippet is written to a temporary folder as a Markdown file (facts become front
//! matter), the real binary checks the folder once with `--pack all`, and the test
//! prints recall and false-flag rate per pack, at warning-or-above and at any
//! severity. The harness is in `tests/common/mod.rs`.
//!
//! A pack is identified by its rule ids (`green/...`, `origin/...`), not by
//! category: the origin pack reports under `hype`, which the core pack shares.
//! Core findings are ignored here; `tests/labelled.rs` measures them.
//!
//! Run `cargo test --test labelled_optional -- --nocapture` to see the table. The
//! test fails only when overall recall (any severity) drops below 0.85 or the
//! overall false-flag rate (any severity) rises above 0.10; individual misses are
//! listed so that a rule change can be judged, not so that the snippets are tuned
//! to it.

mod common;

use common::LabelledSet;

const PACKS: [&str; 5] = ["green", "health", "endorsement", "guarantee", "origin"];

/// The optional pack a finding's rule id belongs to, if any
/// (`green/generic-claim` -> `green`); core and meta findings are measured elsewhere.
fn pack_of(d: &serde_json::Value) -> Option<&'static str> {
    let rule = d["rule"].as_str().unwrap_or_default();
    let prefix = rule.split('/').next()?;
    PACKS.iter().copied().find(|p| *p == prefix)
}

#[test]
fn labelled_optional_set_recall_and_false_flag_rate() {
    LabelledSet {
        fixtures: "fixtures/labelled-optional",
        groups: &PACKS,
        group_word: "pack",
        extra_args: &["--pack", "all"],
        group_of: pack_of,
        min_recall: 0.85,
        max_false_flag_rate: 0.10,
    }
    .check();
}
