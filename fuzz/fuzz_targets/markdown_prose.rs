#![no_main]
//! Markdown (with front matter) → prose: no panic, every prose range maps back inside the file.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        claimlint_fuzz::check_prose(text, claimlint::source::Kind::Markdown);
    }
});
