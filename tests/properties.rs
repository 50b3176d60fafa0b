//! Invariants over random Markdown: every finding's span lies on character
//! boundaries inside the file, its line/column converts back to the same byte
//! offset, findings come sorted, and nothing inside code is ever flagged.

use std::path::Path;

use claimlint::date::Date;
use claimlint::diagnostic::{self, LineIndex};
use claimlint::engine::{Engine, Settings};
use claimlint::lint::Linter;
use claimlint::rules::{self, Jurisdiction};
use claimlint::source::{Kind, ProseBuilder};
use proptest::prelude::*;

fn linter() -> Linter {
    let text = include_str!("data/starter.yaml");
    let rules = rules::load_pack("starter.yaml", "starter", text, Jurisdiction::Us, true).unwrap();
    Linter::new(Engine::new(
        rules,
        Settings::new(Date::new(2026, 11, 27).unwrap()),
    ))
}

/// A piece of Markdown prose: claims, markup and awkward characters.
fn inline() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("while supplies last".to_string()),
        Just("while **supplies** last".to_string()),
        Just("[limited time](https://x.example/best)".to_string()),
        Just("today only".to_string()),
        Just("the best".to_string()),
        Just("100% cotton".to_string()),
        Just("100%".to_string()),
        Just("`limited time`".to_string()),
        Just("é “quoted” 😀".to_string()),
        Just("&amp; &nbsp;".to_string()),
        Just("<b>while</b> supplies last".to_string()),
        Just("\n".to_string()),
        "[a-zA-Z ,.!?*_]{0,12}",
    ]
}

/// A block: a paragraph of inline pieces, or a code block holding claims.
#[derive(Debug, Clone)]
enum Block {
    Prose(String),
    Code(String),
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        4 => prop::collection::vec(inline(), 1..8).prop_map(|parts| Block::Prose(parts.join(" "))),
        1 => prop::collection::vec(inline(), 1..4)
            .prop_map(|parts| Block::Code(format!("```\n{}\n```", parts.join(" ").replace("```", "")))),
        1 => prop::collection::vec(inline(), 1..4)
            .prop_map(|parts| Block::Code(format!("    {}", parts.join(" ").replace('\n', " ")))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn spans_are_exact_and_code_is_never_flagged(blocks in prop::collection::vec(block(), 1..8)) {
        let linter = linter();
        let mut text = String::new();
        let mut code = Vec::new();
        for b in &blocks {
            match b {
                Block::Prose(p) => text.push_str(p),
                Block::Code(c) => {
                    // An indented block right after a list item continues the
                    // item (CommonMark): a comment line at column 0 ends the
                    // list first, so the block is code.
                    if c.starts_with("    ") {
                        text.push_str("<!-- -->\n\n");
                    }
                    let start = text.len();
                    text.push_str(c);
                    code.push(start..text.len());
                }
            }
            text.push_str("\n\n");
        }
        let found = linter.lint(Path::new("p.md"), "p.md", &text, Kind::Markdown, &mut ProseBuilder::new());
        let index = LineIndex::new(&text);
        let mut sorted = found.clone();
        diagnostic::sort(&mut sorted);
        for d in &found {
            prop_assert!(d.span.start <= d.span.end && d.span.end <= text.len());
            prop_assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
            prop_assert_eq!(index.offset(d.start), Some(d.span.start));
            prop_assert_eq!(index.offset(d.end), Some(d.span.end));
            prop_assert_eq!(&d.matched, &text[d.span.clone()]);
            for c in &code {
                prop_assert!(
                    d.span.end <= c.start || d.span.start >= c.end,
                    "{} at {:?} inside code {:?} in {:?}", d.rule, d.span, c, text
                );
            }
        }
        // The claim is found whatever markup splits it, outside code.
        if blocks.iter().any(|b| matches!(b, Block::Prose(p) if p.contains("while supplies last") && !p.contains('`'))) {
            prop_assert!(found.iter().any(|d| d.rule == "scarcity/while-supplies-last"), "{:?}", text);
        }
    }

    #[test]
    fn line_column_round_trips(text in "(?s).{0,200}", at in 0usize..220) {
        let index = LineIndex::new(&text);
        let offset = diagnostic::floor_char_boundary(&text, at.min(text.len()));
        let position = index.position(offset);
        prop_assert_eq!(index.offset(position), Some(offset));
    }
}
