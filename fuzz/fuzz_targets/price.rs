#![no_main]
//! The price checker over one unit of prose: no panic, no overflow, spans on
//! character boundaries inside the text.

use libfuzzer_sys::fuzz_target;

use claimlint::checkers::price::{self, PriceFacts};

fuzz_target!(|data: &[u8]| {
    if data.len() < 9 {
        return;
    }
    let (head, rest) = data.split_at(9);
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let regular = i64::from_le_bytes(head[..8].try_into().expect("8 bytes"));
    let facts = PriceFacts {
        regular_price_minor: (head[8] & 1 == 1).then_some(regular),
        regular_price_since_days: (head[8] & 2 == 2).then_some(regular.rotate_left(17)),
        required_reference_days: i64::from(head[8] >> 2),
    };
    for f in price::check_unit(text, &facts) {
        assert!(
            f.span.start <= f.span.end && f.span.end <= text.len(),
            "{f:?}"
        );
        assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
    }
    for (span, _) in price::find_prices(text) {
        assert!(span.end <= text.len() && text.is_char_boundary(span.start));
        assert!(text.is_char_boundary(span.end));
    }
});
