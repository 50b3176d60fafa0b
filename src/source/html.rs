//! HTML source reader: feeds the text a reader would see into a [`ProseBuilder`].
//!
//! This module owns one job: walk an HTML document with the `html5gum` WHATWG
//! tokenizer and hand every visible word to the builder with its exact source
//! bytes. It must not judge claims, look at suppression comments (the engine
//! scans the raw source for those), build a DOM, allocate per character,
//! recurse, or panic, whatever the input.
//!
//! What counts as visible:
//! - Text in the body, and the `<title>` element as a block of its own.
//! - The values of `alt` and `title` attributes, each as a block of its own,
//!   placed after the block they sit in so that a tooltip never splits a
//!   sentence.
//! - The page's `<meta name="description">`, the snippet a search engine
//!   shows under the title, as a block of its own.
//! - `<noscript>` content is read as markup and kept: it is what a visitor
//!   without scripts sees, and a claim there is still made to them.
//!
//! What is skipped: comments, the doctype, every other attribute value, and
//! the content of `script`, `style`, `textarea`, `iframe`, `xmp`, `noembed`,
//! `noframes` (raw text to the tokenizer), `template`, `code` and `pre` (code
//! is not copy). Nothing in `<head>` but the title and the description
//! yields text, so `<head>` needs no rule of its own.
//!
//! Plain text goes through [`super::push_copy`], so bare URLs and e-mail
//! addresses are left out as in the other sources. Character references are
//! decoded and map to the whole reference; `&nbsp;` and other Unicode spaces
//! read as one plain space; soft hyphens and zero-width spaces vanish. Runs of
//! whitespace collapse to one space.
//!
//! Positions come from the tokenizer's own byte count
//! ([`Emitter::move_position`]); each chunk it emits is checked against the
//! source bytes before it is trusted as verbatim.
//!
//! Blocks: the usual block elements (`p`, `div`, `li`, headings, `tr`, ...)
//! end the current block at their start and end tags; the cells of a table
//! row are joined by " | "; `option`s, buttons, images and form controls are
//! separated by a space; one `<br>` reads as a space and two in a row end the
//! block. Struck-through text (`<s>`, `<strike>`, `<del>`, or an inline element
//! styled `text-decoration: line-through`, as e-mail builders write it) reads
//! "was ...", a former price, as in the Markdown reader.
//!
//! Limits: there is no tree builder, so an element left open (`<pre>` without
//! `</pre>`) hides the rest of the document, CSS (`display: none`) and the
//! `hidden` attribute are not honoured, and attributes other than `alt`,
//! `title` and the description's `content` (such as a submit button's `value`
//! or a `placeholder`) are not read.

use std::convert::Infallible;
use std::ops::Range;

use html5gum::{Emitter, Error, State, Tokenizer};

use super::prose::ProseBuilder;

/// Feeds the visible text of the HTML document `src` into `out`.
pub fn extract(src: &str, out: &mut ProseBuilder) {
    let Ok(()) = Tokenizer::new_with_emitter(src, VisibleText::new(src, out)).finish();
}

/// What an element does to the prose around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Ends the current block at its start and end tags.
    Block,
    /// `h1` to `h6`: a block whose end marks it as a heading.
    Heading,
    /// `blockquote`: a block whose blocks are someone else's words.
    Quote,
    /// A table cell: cells of one row are joined by " | ", as the Markdown
    /// reader joins them.
    Cell,
    /// A control or image that sits between words: a space on either side.
    Spaced,
    /// Struck-through text (`<s>`, `<del>`): a former price. It reads "was ...",
    /// as in the Markdown reader.
    Struck,
    /// `<br>`: a space, or the end of the block when doubled.
    Break,
    /// Raw text the tokenizer reads to the matching end tag; none of it is visible.
    RawSkip,
    /// Markup whose content is not copy; counted, as it can nest. The flag says
    /// whether it is also a block.
    Skip(usize, bool),
    /// Anything else: inline.
    Inline,
}

const SKIP_KINDS: usize = 3;

/// How much of a `style` attribute is read for `line-through`.
const STYLE_LIMIT: usize = 512;
/// Longer than any `<meta name>` whose content is read.
const META_NAME_LIMIT: usize = 32;

fn classify(name: &[u8]) -> Kind {
    match name {
        b"address" | b"article" | b"aside" | b"body" | b"caption" | b"center" | b"dd"
        | b"details" | b"dialog" | b"div" | b"dl" | b"dt" | b"fieldset" | b"figcaption"
        | b"figure" | b"footer" | b"form" | b"header" | b"hgroup" | b"hr" | b"html" | b"legend"
        | b"li" | b"main" | b"menu" | b"nav" | b"ol" | b"p" | b"plaintext" | b"search"
        | b"section" | b"summary" | b"table" | b"tbody" | b"tfoot" | b"thead" | b"title"
        | b"tr" | b"ul" => Kind::Block,
        b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => Kind::Heading,
        b"blockquote" => Kind::Quote,
        b"td" | b"th" => Kind::Cell,
        b"option" | b"button" | b"img" | b"input" | b"select" => Kind::Spaced,
        b"s" | b"strike" | b"del" => Kind::Struck,
        b"br" => Kind::Break,
        b"script" | b"style" | b"textarea" | b"iframe" | b"xmp" | b"noembed" | b"noframes" => {
            Kind::RawSkip
        }
        b"template" => Kind::Skip(0, false),
        b"code" => Kind::Skip(1, false),
        b"pre" => Kind::Skip(2, true),
        _ => Kind::Inline,
    }
}

/// What an inline tag written in Markdown means for the prose.
pub enum InlineTag {
    /// `<br>`: a line break.
    Break,
    /// The start of struck-through text (`<del>`, `<s>`, `<strike>`).
    Struck,
    /// Anything else, end tags included: nothing.
    Other,
}

/// Reads one inline tag (`<del>`, `</del>`, `<br/>`) as this reader reads
/// the same element in an HTML page.
pub fn inline_tag(html: &str) -> InlineTag {
    let name: Vec<u8> = html
        .trim_start()
        .strip_prefix('<')
        .unwrap_or("")
        .bytes()
        .take_while(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    match classify(&name) {
        Kind::Break => InlineTag::Break,
        Kind::Struck => InlineTag::Struck,
        // A start tag styled as struck through (`<span style="text-decoration:
        // line-through">`), as the HTML reader reads it.
        Kind::Inline if !name.is_empty() && struck_style(html) => InlineTag::Struck,
        _ => InlineTag::Other,
    }
}

/// Whether a start tag's `style` attribute strikes its text through. Only
/// the tag's first [`STYLE_LIMIT`] bytes are read, as for a page's tags.
fn struck_style(tag: &str) -> bool {
    let head = &tag.as_bytes()[..tag.len().min(STYLE_LIMIT)];
    let lower = head.to_ascii_lowercase();
    memchr::memmem::find(&lower, b"style").is_some_and(|at| strikes_through(&lower[at..]))
}

/// Whether a lower-cased `style` value (or what follows `style` in a tag)
/// strikes the text through: `text-decoration: line-through`.
fn strikes_through(style: &[u8]) -> bool {
    memchr::memmem::find(style, b"line-through").is_some()
}

/// The tokenizer state a start tag switches to. `noscript` is deliberately
/// absent: its content is read as markup, as a browser without scripts does.
fn next_state(name: &[u8]) -> Option<State> {
    match name {
        b"script" => Some(State::ScriptData),
        b"style" | b"xmp" | b"iframe" | b"noembed" | b"noframes" => Some(State::RawText),
        b"textarea" | b"title" => Some(State::RcData),
        b"plaintext" => Some(State::PlainText),
        _ => None,
    }
}

/// How a character reads in prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Text,
    Space,
    Invisible,
}

fn class(c: char) -> Class {
    match c {
        ' '
        | '\t'
        | '\n'
        | '\r'
        | '\x0c'
        | '\u{a0}'
        | '\u{2000}'..='\u{200a}'
        | '\u{202f}'
        | '\u{205f}'
        | '\u{3000}' => Class::Space,
        '\u{ad}' | '\u{200b}' | '\u{2060}' | '\u{feff}' => Class::Invisible,
        _ => Class::Text,
    }
}

/// Where a piece of text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    /// Copied from the source starting at this offset.
    Verbatim(usize),
    /// Decoded from this source range.
    Decoded(Range<usize>),
}

/// Feeds `text` word by word, collapsing whitespace into [`ProseBuilder::space`].
/// Returns whether any word was pushed.
fn feed(out: &mut ProseBuilder, text: &str, origin: &Origin) -> bool {
    let mut pushed = false;
    let mut word: Option<usize> = None;
    let mut push = |out: &mut ProseBuilder, from: usize, to: usize| {
        match origin {
            Origin::Verbatim(base) => super::push_copy(out, &text[from..to], base + from),
            Origin::Decoded(range) => out.push_decoded(&text[from..to], range.clone()),
        }
        pushed = true;
    };
    for (i, c) in text.char_indices() {
        let class = if c.is_ascii_alphanumeric() {
            Class::Text
        } else {
            class(c)
        };
        if class == Class::Text {
            word.get_or_insert(i);
            continue;
        }
        if let Some(from) = word.take() {
            push(out, from, i);
        }
        if class == Class::Space {
            out.space();
        }
    }
    if let Some(from) = word {
        push(out, from, text.len());
    }
    pushed
}

/// Where the tokenizer's latest chunk of characters came from, given where
/// the previous chunk or token ended and where the tokenizer is now.
///
/// The tokenizer reports its position through [`Emitter::move_position`], so
/// a chunk ends at `end`. Checking the chunk against the source bytes tells
/// copied text from decoded text without trusting the position model blindly.
fn locate(src: &[u8], chunk: &[u8], last_end: usize, end: usize) -> Origin {
    let start = last_end.min(end);
    let span = src.get(start..end).unwrap_or_default();
    if span == chunk {
        return Origin::Verbatim(start);
    }
    // A character reference: the tokenizer reports it once fully read.
    if span.first() == Some(&b'&') {
        return Origin::Decoded(start..end);
    }
    // Plain text after a byte the tokenizer skipped (the `\n` of a `\r\n`).
    if let Some(tail) = end.checked_sub(chunk.len())
        && src.get(tail..end) == Some(chunk)
    {
        return Origin::Verbatim(tail);
    }
    // A reference after a skipped byte: a reference holds one `&`, at its start.
    if let Some(amp) = span.iter().rposition(|&b| b == b'&') {
        return Origin::Decoded(start + amp..end);
    }
    // A replaced character (`\r` read as `\n`, NUL as U+FFFD).
    Origin::Decoded(start..end)
}

/// A queued piece of an `alt` or `title` attribute value.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Verbatim(Range<usize>),
    /// Text at this range of the decoded buffer, from this source range.
    Decoded(Range<usize>, Range<usize>),
    /// The end of one attribute's block.
    End,
}

/// The emitter driven by the tokenizer.
struct VisibleText<'a> {
    src: &'a str,
    out: &'a mut ProseBuilder,
    /// Byte offset of the tokenizer in `src`.
    pos: usize,

    /// Where the last text chunk or token ended.
    text_end: usize,
    /// Verbatim text not yet fed: contiguous chunks are joined first, so a
    /// multi-byte character split across chunks is whole again.
    pending: Option<Range<usize>>,
    /// Inside a raw-text element that is not visible.
    raw_skip: bool,
    /// Open `template`, `code`, `pre` elements.
    skip: [u32; SKIP_KINDS],
    /// The last thing seen was a `<br>` (whitespace aside).
    after_br: bool,
    /// Table cells started in the current block.
    cells: u32,

    /// The current tag and where its `<` is.
    tag_name: Vec<u8>,
    tag_start: usize,
    tag_is_start: bool,
    last_start_tag: Vec<u8>,
    attr_name: [u8; 7],
    /// Length of the attribute name; past `attr_name.len()` it is none we read.
    attr_name_len: usize,
    seen_alt: bool,
    seen_title: bool,
    /// In a `<meta>` tag: where its `content` value's pieces start, and its
    /// `name`, lower-cased (up to a limit). The content is kept only for
    /// `name="description"`, whichever order the attributes come in.
    meta_content: Option<usize>,
    meta_name: Vec<u8>,
    meta_name_active: bool,
    /// The current tag's `style` attribute, lower-cased (up to a limit): a
    /// `text-decoration: line-through` strikes its text through, as `<s>` does.
    style: Vec<u8>,
    style_active: bool,
    /// The current attribute value is read into `pieces`.
    attr_active: bool,
    attr_end: usize,

    /// `alt` and `title` blocks, emitted when the current block ends.
    pieces: Vec<Piece>,
    /// How many of `pieces` belong to tags that were completed.
    committed: usize,
    decoded: String,
}

impl<'a> VisibleText<'a> {
    fn new(src: &'a str, out: &'a mut ProseBuilder) -> Self {
        VisibleText {
            src,
            out,
            pos: 0,
            text_end: 0,
            pending: None,
            raw_skip: false,
            skip: [0; SKIP_KINDS],
            after_br: false,
            cells: 0,
            tag_name: Vec::new(),
            tag_start: 0,
            tag_is_start: false,
            last_start_tag: Vec::new(),
            attr_name: [0; 7],
            attr_name_len: 0,
            seen_alt: false,
            seen_title: false,
            meta_content: None,
            meta_name: Vec::new(),
            meta_name_active: false,
            style: Vec::new(),
            style_active: false,
            attr_active: false,
            attr_end: 0,
            pieces: Vec::new(),
            committed: 0,
            decoded: String::new(),
        }
    }

    fn visible(&self) -> bool {
        !self.raw_skip && self.skip.iter().all(|&n| n == 0)
    }

    /// Feeds the pending verbatim text.
    fn flush_text(&mut self) {
        if let Some(range) = self.pending.take()
            && let Some(text) = self.src.get(range.clone())
            && feed(self.out, text, &Origin::Verbatim(range.start))
        {
            self.after_br = false;
        }
    }

    fn space(&mut self) {
        self.flush_text();
        self.out.space();
    }

    /// Ends the current block, then emits the attribute blocks queued in it.
    fn end_block(&mut self) {
        self.end_block_as(false);
    }

    /// [`Self::end_block`], saying whether the block was a heading.
    fn end_block_as(&mut self, heading: bool) {
        self.flush_text();
        if heading {
            self.out.end_heading();
        } else {
            self.out.end_block();
        }
        self.after_br = false;
        self.cells = 0;
        if self.committed == 0 {
            return;
        }
        for piece in self.pieces.drain(..self.committed) {
            match piece {
                Piece::Verbatim(range) => {
                    if let Some(text) = self.src.get(range.clone()) {
                        feed(self.out, text, &Origin::Verbatim(range.start));
                    }
                }
                Piece::Decoded(text, source) => {
                    if let Some(text) = self.decoded.get(text) {
                        feed(self.out, text, &Origin::Decoded(source));
                    }
                }
                Piece::End => self.out.end_block(),
            }
        }
        self.committed = 0;
        if self.pieces.is_empty() {
            self.decoded.clear();
        }
    }

    fn end_attribute(&mut self) {
        if self.attr_active {
            self.pieces.push(Piece::End);
            self.attr_active = false;
        }
    }

    fn start_tag(&mut self) -> Option<State> {
        self.committed = self.pieces.len();
        self.last_start_tag.clear();
        self.last_start_tag.extend_from_slice(&self.tag_name);
        let mut kind = classify(&self.tag_name);
        if kind == Kind::Inline && strikes_through(&self.style) {
            kind = Kind::Struck;
        }
        if kind != Kind::Break {
            self.after_br = false;
        }
        match kind {
            Kind::Block | Kind::Heading => self.end_block(),
            Kind::Quote => {
                self.end_block();
                self.out.enter_quote();
            }
            Kind::Cell => {
                self.space();
                if self.cells > 0 && self.visible() {
                    self.out.push_synthetic("| ", self.tag_start);
                }
                self.cells = self.cells.saturating_add(1);
            }
            Kind::Spaced => self.space(),
            Kind::Struck => {
                self.space();
                if self.visible() {
                    self.out.push_synthetic("was ", self.tag_start);
                }
            }
            Kind::Break => self.line_break(),
            Kind::RawSkip => self.raw_skip = true,
            Kind::Skip(i, block) => {
                if block {
                    self.end_block();
                }
                self.skip[i] = self.skip[i].saturating_add(1);
            }
            Kind::Inline => {}
        }
        next_state(&self.tag_name)
    }

    fn end_tag(&mut self) {
        // In raw text the tokenizer only reports the matching end tag.
        self.raw_skip = false;
        let kind = classify(&self.tag_name);
        if kind != Kind::Break {
            self.after_br = false;
        }
        match kind {
            Kind::Block => self.end_block(),
            Kind::Heading => self.end_block_as(true),
            Kind::Quote => {
                self.end_block();
                self.out.leave_quote();
            }
            Kind::Cell | Kind::Spaced => self.space(),
            // Browsers read `</br>` as `<br>`.
            Kind::Break => self.line_break(),
            Kind::RawSkip | Kind::Struck | Kind::Inline => {}
            Kind::Skip(i, block) => {
                self.skip[i] = self.skip[i].saturating_sub(1);
                if block {
                    self.end_block();
                }
            }
        }
    }

    fn line_break(&mut self) {
        if self.after_br {
            self.end_block();
        } else {
            self.space();
            self.after_br = true;
        }
    }
}

impl Emitter for VisibleText<'_> {
    type Token = Infallible;

    fn set_last_start_tag(&mut self, last_start_tag: Option<&[u8]>) {
        self.last_start_tag.clear();
        self.last_start_tag
            .extend_from_slice(last_start_tag.unwrap_or_default());
    }

    fn emit_eof(&mut self) {
        self.flush_text();
        // A tag cut off by the end of the file is dropped, with its attributes.
        self.pieces.truncate(self.committed);
        self.attr_active = false;
        self.end_block();
    }

    fn emit_error(&mut self, _error: Error) {}

    fn should_emit_errors(&mut self) -> bool {
        false
    }

    fn pop_token(&mut self) -> Option<Infallible> {
        None
    }

    fn init_string(&mut self) {
        self.text_end = self.pos;
    }

    fn emit_string(&mut self, c: &[u8]) {
        let end = self.pos;
        if self.visible() {
            match locate(self.src.as_bytes(), c, self.text_end, end) {
                Origin::Verbatim(start) => match &mut self.pending {
                    Some(pending) if pending.end == start => pending.end = end,
                    _ => {
                        self.flush_text();
                        self.pending = Some(start..end);
                    }
                },
                Origin::Decoded(source) => {
                    self.flush_text();
                    if let Ok(text) = std::str::from_utf8(c)
                        && feed(self.out, text, &Origin::Decoded(source))
                    {
                        self.after_br = false;
                    }
                }
            }
        }
        self.text_end = end;
    }

    fn init_start_tag(&mut self) {
        self.tag_name.clear();
        self.tag_is_start = true;
        self.seen_alt = false;
        self.seen_title = false;
        self.meta_content = None;
        self.meta_name.clear();
        self.meta_name_active = false;
        self.style.clear();
        self.style_active = false;
        self.attr_active = false;
        self.pieces.truncate(self.committed);
    }

    fn init_end_tag(&mut self) {
        self.init_start_tag();
        self.tag_is_start = false;
    }

    fn init_comment(&mut self) {}

    fn emit_current_tag(&mut self) -> Option<State> {
        self.flush_text();
        self.end_attribute();
        self.text_end = self.pos;
        // Another `<meta>` (keywords, a viewport) is not copy.
        if let Some(from) = self.meta_content
            && self.meta_name.trim_ascii() != b"description"
        {
            self.pieces.truncate(from);
        }
        if self.tag_is_start {
            self.start_tag()
        } else {
            self.end_tag();
            None
        }
    }

    fn emit_current_comment(&mut self) {
        self.text_end = self.pos;
    }

    fn emit_current_doctype(&mut self) {
        self.text_end = self.pos;
    }

    fn set_self_closing(&mut self) {}

    fn set_force_quirks(&mut self) {}

    fn push_tag_name(&mut self, s: &[u8]) {
        self.tag_name.extend_from_slice(s);
    }

    fn push_comment(&mut self, _s: &[u8]) {}

    fn push_doctype_name(&mut self, _s: &[u8]) {}

    fn init_doctype(&mut self) {}

    fn init_attribute(&mut self) {
        self.end_attribute();
        self.attr_name_len = 0;
        self.style_active = false;
        self.meta_name_active = false;
    }

    fn init_attribute_value(&mut self) {
        self.attr_end = self.pos;
        if !self.tag_is_start || !self.visible() || self.attr_name_len > self.attr_name.len() {
            return;
        }
        let meta = self.tag_name == b"meta";
        let seen = match &self.attr_name[..self.attr_name_len] {
            b"alt" => &mut self.seen_alt,
            b"title" => &mut self.seen_title,
            b"style" => {
                self.style_active = self.style.is_empty();
                return;
            }
            b"name" if meta => {
                self.meta_name_active = self.meta_name.is_empty();
                return;
            }
            b"content" if meta && self.meta_content.is_none() => {
                self.meta_content = Some(self.pieces.len());
                self.attr_active = true;
                return;
            }
            _ => return,
        };
        // The first of two same-named attributes wins, as in a browser.
        if !std::mem::replace(seen, true) {
            self.attr_active = true;
        }
    }

    fn push_attribute_name(&mut self, s: &[u8]) {
        let end = self.attr_name_len + s.len();
        if let Some(slot) = self.attr_name.get_mut(self.attr_name_len..end) {
            slot.copy_from_slice(s);
        }
        self.attr_name_len = end.min(self.attr_name.len() + 1);
    }

    fn push_attribute_value(&mut self, s: &[u8]) {
        let end = self.pos;
        if self.style_active && self.style.len() < STYLE_LIMIT {
            self.style.extend(s.iter().map(u8::to_ascii_lowercase));
        }
        if self.meta_name_active && self.meta_name.len() < META_NAME_LIMIT {
            self.meta_name.extend(s.iter().map(u8::to_ascii_lowercase));
        }
        if self.attr_active {
            match locate(self.src.as_bytes(), s, self.attr_end, end) {
                Origin::Verbatim(start) => match self.pieces.last_mut() {
                    Some(Piece::Verbatim(last)) if last.end == start => last.end = end,
                    _ => self.pieces.push(Piece::Verbatim(start..end)),
                },
                Origin::Decoded(source) => {
                    if let Ok(text) = std::str::from_utf8(s) {
                        let at = self.decoded.len();
                        self.decoded.push_str(text);
                        self.pieces
                            .push(Piece::Decoded(at..self.decoded.len(), source));
                    }
                }
            }
        }
        self.attr_end = end;
    }

    fn start_open_tag(&mut self) {
        self.tag_start = self.pos.saturating_sub(1);
    }

    fn set_doctype_public_identifier(&mut self, _value: &[u8]) {}

    fn set_doctype_system_identifier(&mut self, _value: &[u8]) {}

    fn push_doctype_public_identifier(&mut self, _s: &[u8]) {}

    fn push_doctype_system_identifier(&mut self, _s: &[u8]) {}

    fn current_is_appropriate_end_tag_token(&mut self) -> bool {
        !self.tag_is_start
            && !self.last_start_tag.is_empty()
            && self.tag_name == self.last_start_tag
    }

    fn move_position(&mut self, offset: isize) {
        self.pos = self.pos.saturating_add_signed(offset);
    }
}

#[cfg(test)]
mod tests {
    use super::super::prose::Prose;
    use super::*;

    fn prose(src: &str) -> Prose {
        let mut builder = ProseBuilder::new();
        extract(src, &mut builder);
        builder.finish()
    }

    fn blocks(src: &str) -> Vec<String> {
        let prose = prose(src);
        prose
            .blocks
            .iter()
            .map(|r| prose.text[r.clone()].to_string())
            .collect()
    }

    /// The source slice behind the first occurrence of `needle` in the prose.
    fn source_of<'s>(src: &'s str, needle: &str) -> &'s str {
        let prose = prose(src);
        let at = prose
            .text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in {:?}", prose.text));
        &src[prose.source_range(at..at + needle.len())]
    }

    #[test]
    fn inline_tags_do_not_split_a_phrase() {
        let src = "<p>Hurry, while <b>supplies</b> <em>last</em>!</p>";
        assert_eq!(blocks(src), ["Hurry, while supplies last!"]);
        assert_eq!(
            source_of(src, "while supplies last"),
            "while <b>supplies</b> <em>last"
        );
        assert_eq!(blocks("<p>super<span>market</span></p>"), ["supermarket"]);
    }

    #[test]
    fn references_are_decoded_and_map_to_their_source() {
        let src = "<p>Save 50&#37; &amp; more while&nbsp;supplies last &rsquo;til Friday</p>";
        assert_eq!(
            blocks(src),
            ["Save 50% & more while supplies last \u{2019}til Friday"]
        );
        assert_eq!(source_of(src, "%"), "&#37;");
        assert_eq!(source_of(src, "&"), "&amp;");
        assert_eq!(source_of(src, "\u{2019}"), "&rsquo;");
        assert_eq!(
            source_of(src, "while supplies last"),
            "while&nbsp;supplies last"
        );
        assert_eq!(source_of(src, "50%"), "50&#37;");
    }

    #[test]
    fn odd_references() {
        let src = "<p>&copy2024 &#x20AC;5 &foo; &amp &#; caf&eacute;s A&#8203;B</p>";
        assert_eq!(
            blocks(src),
            ["\u{a9}2024 \u{20ac}5 &foo; & &#; caf\u{e9}s AB"]
        );
        assert_eq!(source_of(src, "\u{a9}"), "&copy");
        assert_eq!(source_of(src, "\u{20ac}5"), "&#x20AC;5");
        assert_eq!(source_of(src, "&foo;"), "&foo;");
        assert_eq!(source_of(src, "caf\u{e9}s"), "caf&eacute;s");
        assert_eq!(source_of(src, "AB"), "A&#8203;B");
        // A soft hyphen inside a word vanishes.
        assert_eq!(blocks("<p>sup&shy;plies</p>"), ["supplies"]);
    }

    #[test]
    fn urls_are_not_copy() {
        let src =
            "<p>Mail best@shop.com or see https://x.com/best-deal <a href=/best>today</a></p>";
        assert_eq!(blocks(src), ["Mail or see today"]);
    }

    #[test]
    fn whitespace_collapses() {
        let src = "<p>  while \n\t supplies \u{a0}  last  </p>\n\n<p>\r\n next\r\n one </p>";
        assert_eq!(blocks(src), ["while supplies last", "next one"]);
        assert_eq!(source_of(src, "next one"), "next\r\n one");
        let src = "<p>a\r\n&amp;\r\nb\r\n&#59;</p><img alt=\"x\r\n&lt;y\">";
        assert_eq!(blocks(src), ["a & b ;", "x <y"]);
        assert_eq!(source_of(src, "&"), "&amp;");
        assert_eq!(source_of(src, "<y"), "&lt;y");
        assert_eq!(source_of(src, "a & b"), "a\r\n&amp;\r\nb");
    }

    #[test]
    fn unicode_positions_are_exact() {
        let src = "<p>Caf\u{e9} \u{2014} \u{201c}free\u{201d} gift</p>";
        assert_eq!(
            source_of(src, "\u{201c}free\u{201d}"),
            "\u{201c}free\u{201d}"
        );
        assert_eq!(source_of(src, "gift"), "gift");
    }

    #[test]
    fn scripts_styles_and_code_are_skipped() {
        let src = "<!DOCTYPE html><html><head><meta name=description content='Best ever'>\
            <title>Deals &amp; more</title><style>p { color: red }</style>\
            <script>let s = '<p>hidden</p>';</script></head>\
            <body><p>Run <code>best --ever</code> now</p><pre>free\nfree</pre>\
            <template><p>Hidden</p></template><textarea>typed</textarea>\
            <!-- claimlint-disable-next-line hype/best -- ok --><p>shown</p></body></html>";
        assert_eq!(
            blocks(src),
            ["Best ever", "Deals & more", "Run now", "shown"]
        );
        assert_eq!(source_of(src, "Deals & more"), "Deals &amp; more");
    }

    #[test]
    fn the_meta_description_is_read_and_other_meta_tags_are_not() {
        let src = "<head><meta content='Only 3 left!' NAME=Description>\
            <meta name=keywords content='best, cheapest'>\
            <meta property=og:description content='Hurry'>\
            <meta name=description content='second'></head><p>Body</p>";
        assert_eq!(blocks(src), ["Only 3 left!", "second", "Body"]);
        assert_eq!(source_of(src, "Only 3 left!"), "Only 3 left!");
        let src = "<meta name=\"description\" content=\"Fish &amp; chips\"><p>x</p>";
        assert_eq!(blocks(src), ["Fish & chips", "x"]);
        assert_eq!(source_of(src, "Fish & chips"), "Fish &amp; chips");
    }

    #[test]
    fn noscript_is_read_as_markup() {
        let src = "<noscript><p>Only <b>3</b> left</p></noscript>";
        assert_eq!(blocks(src), ["Only 3 left"]);
    }

    #[test]
    fn an_unclosed_script_hides_the_rest() {
        assert_eq!(blocks("<p>a</p><script>never <p>closed"), ["a"]);
        assert_eq!(blocks("<p>a<style>x</style>b</p>"), ["ab"]);
    }

    #[test]
    fn alt_and_title_are_blocks_of_their_own() {
        let src = "<p>Buy <abbr title=\"Limited &amp; time\">now</abbr> \
            <img src=x.png alt=\" Only  3 left \" alt=\"dup\" data-note=\"secret\"> today</p>\
            <p>next</p>";
        assert_eq!(
            blocks(src),
            ["Buy now today", "Limited & time", "Only 3 left", "next"]
        );
        assert_eq!(source_of(src, "Only 3 left"), "Only  3 left");
        assert_eq!(source_of(src, "&"), "&amp;");
        assert_eq!(source_of(src, "Limited & time"), "Limited &amp; time");
        // Unquoted, single-quoted, and on a block element.
        let src = "<div title='Free gift'><img alt=Sale>x</div>";
        assert_eq!(blocks(src), ["Free gift", "x", "Sale"]);
        assert_eq!(source_of(src, "Sale"), "Sale");
        let src = "<img alt=A&amp;B title=&copy;&nbsp;2024>";
        assert_eq!(blocks(src), ["A&B", "\u{a9} 2024"]);
        assert_eq!(source_of(src, "A&B"), "A&amp;B");
        assert_eq!(source_of(src, "\u{a9} 2024"), "&copy;&nbsp;2024");
        // Not inside skipped content, not on end tags, not when cut off.
        assert_eq!(
            blocks("<code><img alt=x></code></p title=y><img alt='z"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn markup_inside_an_attribute_stays_an_attribute() {
        let src = "<div data-x=\"<script>alert('free')</script>\">Buy now</div>\
            <a href='#' onclick=\"<style>\">Go</a>";
        assert_eq!(blocks(src), ["Buy now", "Go"]);
        let src = "<img title=\"<script>\" alt='</p>'>after";
        assert_eq!(blocks(src), ["after", "<script>", "</p>"]);
    }

    #[test]
    fn table_rows_are_blocks() {
        let src = "<table><tr><th>Plan</th><th>Price</th></tr>\
            <tr><td>Pro</td><td>$9</td></tr></table>";
        assert_eq!(blocks(src), ["Plan | Price", "Pro | $9"]);
        let prose = prose(src);
        let at = prose.text.find("Pro | $9").unwrap();
        assert_eq!(&src[prose.source_range(at..at + 8)], "Pro</td><td>$9");
        // A cell of a table inside a template adds nothing.
        assert!(blocks("<template><tr><td>a<td>b</template>").is_empty());
    }

    #[test]
    fn struck_text_reads_as_a_former_price() {
        let src = "<p>Now <s>$120</s> <b>$90</b>, before<del>$200</del></p>";
        assert_eq!(blocks(src), ["Now was $120 $90, before was $200"]);
        assert_eq!(source_of(src, "was $120"), "<s>$120");
    }

    #[test]
    fn a_line_through_style_strikes_inline_text() {
        let src = "<p>Shirt <span style=\"color:#999; Text-Decoration: line-through\">&pound;120</span> \
                   <b>&pound;45</b> <span style=\"color:red\">today</span></p>\
                   <div style=\"text-decoration:line-through\">block</div>";
        assert_eq!(blocks(src), ["Shirt was £120 £45 today", "block"]);
    }

    #[test]
    fn line_breaks() {
        assert_eq!(blocks("<p>a<br>b<br/>\n<br>c</p>"), ["a b", "c"]);
        assert_eq!(blocks("<li>one</li><li>two</li>"), ["one", "two"]);
        assert_eq!(
            blocks("<button>Buy</button><button>Now</button>only<img src=a.png>3"),
            ["Buy Now only 3"]
        );
    }

    #[test]
    fn malformed_input_does_not_panic() {
        let inputs = [
            "",
            "<",
            "<<>>",
            "</",
            "<p",
            "<a href='",
            "&",
            "&#",
            "&#x;",
            "&#xFFFFFFFF;",
            "&#0;",
            "&#128;",
            "<!--",
            "<!",
            "<![CDATA[x",
            "\0a\0",
            "a\rb\r\n",
            "<img alt='x",
            "<p>\u{e9}</p>",
            "</br></p></td>",
            "<title>x",
            "<plaintext><p>x",
            "<script><!--<script>",
            "<textarea>\u{e9}&amp;",
            "<p title=\"\u{e9}&amp\u{e9}\">",
            "\u{feff}<p>x</p>",
            "<svg><![CDATA[x]]></svg>",
            "< p>x</ p>",
            "&&&;;;#<&#&x",
        ];
        for src in inputs {
            let prose = prose(src);
            for block in &prose.blocks {
                assert!(
                    src.get(prose.source_range(block.clone())).is_some(),
                    "{src:?}"
                );
            }
        }
        assert_eq!(blocks("a\rb"), ["a b"]);
        assert_eq!(blocks("<p>x</ p>y"), ["xy"]);
        assert_eq!(blocks("<plaintext><p>x"), ["<p>x"]);
    }

    #[test]
    fn deep_nesting_is_fine() {
        let n = 50_000;
        let src = format!("{}Only 3 left{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(blocks(&src), ["Only 3 left"]);
        let src = format!("{}x", "<b><i>".repeat(n));
        assert_eq!(blocks(&src), ["x"]);
        let src = "<pre>".repeat(n);
        assert!(blocks(&src).is_empty());
    }

    /// The words of the prose, with the source slice each maps to.
    fn words<'s>(src: &'s str, prose: &Prose) -> Vec<(String, &'s str)> {
        let mut words = Vec::new();
        let mut start = None;
        for (i, c) in prose.text.char_indices().chain([(prose.text.len(), ' ')]) {
            match (c == ' ' || c == '\n', start) {
                (false, None) => start = Some(i),
                (true, Some(from)) => {
                    start = None;
                    let source = &src[prose.source_range(from..i)];
                    words.push((prose.text[from..i].to_string(), source));
                }
                _ => {}
            }
        }
        words
    }

    proptest::proptest! {
        #[test]
        fn any_input_maps_into_the_source(src in "(<[/!a-z]{0,3}|[a-z &;#x0-9\"'=<>\\-\u{e9}\u{a0}\r\n]|</?(p|b|br|td|tr|script|code|img alt=|title)>|&[a-z]{2,5};?){0,60}") {
            let prose = prose(&src);
            for block in &prose.blocks {
                let range = prose.source_range(block.clone());
                proptest::prop_assert!(src.get(range).is_some());
            }
            proptest::prop_assert!(!prose.text.contains("  "));
        }

        #[test]
        fn text_matches_the_tokenizer(src in "([a-z ]|&(amp|lt|nbsp|eacute|rsquo|copy|notin|not|foo);?|&#(37|x20ac|8217);?|</?(b|i|span)>|<!--x-->|\r\n|\u{e9}|\u{201c}){0,40}") {
            let prose = prose(&src);
            let mut expected = String::new();
            for token in Tokenizer::new(src.as_str()).flatten() {
                if let html5gum::Token::String(s) = token {
                    expected.push_str(&String::from_utf8_lossy(&s));
                }
            }
            let expected: Vec<&str> = expected
                .split(|c: char| class(c) == Class::Space)
                .filter(|w| !w.is_empty())
                .collect();
            let got: Vec<&str> = prose.text.split(' ').filter(|w| !w.is_empty()).collect();
            proptest::prop_assert_eq!(got, expected);
            for (word, source) in words(&src, &prose) {
                proptest::prop_assert!(
                    source == word || source.contains('&') || source.contains('<'),
                    "{:?} maps to {:?}", word, source
                );
                proptest::prop_assert!(!source.starts_with(' ') && !source.ends_with(' '));
            }
        }
    }
}
