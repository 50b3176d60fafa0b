#![no_main]
//! Rule-pack loading: any text is either refused with a positioned error or
//! loads into rules that the engine can run over some copy without panicking.

use libfuzzer_sys::fuzz_target;

use claimlint::date::Date;
use claimlint::engine::{Engine, Settings};
use claimlint::lint::Linter;
use claimlint::rules::{self, Jurisdiction};
use claimlint::source::{Kind, ProseBuilder};

const COPY: &str = "---\noffer:\n  stock: 5\n---\n# Best deal ever\n\nHurry, only 3 left \
while supplies last! Was $80, now $40 — 50% off. FREE* shipping.\n\n*On orders over $50.\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match rules::load_pack("fuzz.yaml", "fuzz", text, Jurisdiction::Us, true) {
        Err(e) => {
            // The error must render (it carries the file text and a span inside it).
            let _ = e.to_string();
        }
        Ok(rules) => {
            let engine = Engine::new(rules, Settings::new(Date::new(2026, 6, 1).expect("date")));
            let linter = Linter::new(engine);
            let path = std::path::Path::new("copy.md");
            for d in linter.lint(
                path,
                "copy.md",
                COPY,
                Kind::Markdown,
                &mut ProseBuilder::new(),
            ) {
                assert!(d.span.start <= d.span.end && d.span.end <= COPY.len());
            }
        }
    }
});
