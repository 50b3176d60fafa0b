//! Checks shared by the fuzz targets.

use claimlint::source::{self, Kind, ProseBuilder};

/// Reads `text` as `kind` and checks that every piece of prose maps back
/// inside the file, on character boundaries, and that blocks are well formed.
pub fn check_prose(text: &str, kind: Kind) {
    let mut builder = ProseBuilder::new();
    let doc = source::read(text, kind, &mut builder);
    let prose = &doc.prose;
    let mut last_end = 0;
    for block in &prose.blocks {
        assert!(block.start <= block.end && block.end <= prose.text.len());
        assert!(
            block.start >= last_end,
            "blocks overlap or are out of order"
        );
        assert!(prose.text.is_char_boundary(block.start));
        assert!(prose.text.is_char_boundary(block.end));
        last_end = block.end;
    }
    let check = |r: std::ops::Range<usize>| {
        let s = prose.source_range(r.clone());
        assert!(
            s.start <= s.end && s.end <= text.len(),
            "prose {r:?} maps to {s:?}, outside a file of {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(s.start) && text.is_char_boundary(s.end),
            "prose {r:?} maps to {s:?}, not on character boundaries"
        );
    };
    // Every character on its own, then every block whole.
    for (i, c) in prose.text.char_indices() {
        check(i..i + c.len_utf8());
    }
    for block in &prose.blocks {
        check(block.clone());
    }
    check(0..prose.text.len());
    // A whole file maps to at most the whole file.
    if let Some(fm) = &doc.front_matter {
        assert!(fm.span.end <= text.len() && fm.content.end <= text.len());
        assert!(text.is_char_boundary(fm.span.end));
        if let Some(e) = &fm.error {
            assert!(e.span.start <= e.span.end && e.span.end <= text.len());
        }
    }
}
