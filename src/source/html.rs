//! Temporary: replaced by the HTML tokenizer-based reader.
use super::ProseBuilder;
pub fn extract(src: &str, out: &mut ProseBuilder) {
    super::push_copy(out, src, 0);
}
