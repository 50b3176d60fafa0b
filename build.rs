//! Embeds every bundled rule pack under `rules/` into the binary, so claimlint
//! works from any folder with no install step. A pack's name is the first
//! folder below `rules/` (`rules/core/hype.yaml` belongs to pack `core`).
//!
//! Start-up work that depends only on the bundled packs is done here, once:
//! - each pack is parsed from YAML with the same schema types the binary uses
//!   and embedded again as JSON, which loads several times faster, in full
//!   and without its examples (for runs that only lint);
//! - the literal prefixes and suffixes of every bundled regex
//!   (`src/prefix.rs`) are worked out and embedded as a table the engine
//!   looks regexes up in;
//! - every bundled regex (patterns, exceptions, `nearby` lists, and each
//!   member of a list on its own) is compiled to forward and reverse NFAs
//!   (`src/rules/prebuilt.rs`), embedded so the binary rebuilds them instead
//!   of compiling them.
//!
//! A pack that does not parse here is embedded as YAML only: the binary then
//! reports the error with its position, as for any pack.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "src/checkers/patterns.rs"]
mod patterns;
#[allow(dead_code)]
#[path = "src/rules/prebuilt.rs"]
mod prebuilt;
#[allow(dead_code)]
#[path = "src/prefix.rs"]
mod prefix;
#[allow(dead_code)]
#[path = "src/rules/schema.rs"]
mod schema;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it"));
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    // On Linux the binary is linked at a fixed address (not position
    // independent). A PIE binary has the loader patch ~24,000 pointers in its
    // static data (the rule tables, the prebuilt NFAs' index) at every start,
    // touching and copying those pages: a fifth of a `--version` run and
    // ~160 page faults of a one-file check. A linter has no secrets for
    // address-space randomisation to hide, and the code stays PIC.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=src/prefix.rs");
    println!("cargo:rerun-if-changed=src/rules/schema.rs");
    println!("cargo:rerun-if-changed=src/rules/prebuilt.rs");
    println!("cargo:rerun-if-changed=src/checkers/patterns.rs");
    let mut files = Vec::new();
    collect(&rules, &mut files);
    files.sort();
    let mut code = String::from("pub static EMBEDDED_PACKS: &[EmbeddedPack] = &[\n");
    // Regex source -> its prefixes and suffixes (None: no usable set).
    type Literals = (Option<Vec<String>>, Option<Vec<String>>);
    let mut literals: BTreeMap<String, Literals> = BTreeMap::new();
    // Every regex source the loader builds from the bundled packs.
    let mut regexes: std::collections::BTreeSet<String> = Default::default();
    // The rules' patterns alone.
    let mut patterns: std::collections::BTreeSet<String> = Default::default();
    // `nearby` lists of several regexes, by the source of their union.
    let mut lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (n, file) in files.iter().enumerate() {
        let rel = file.strip_prefix(&root).expect("below the manifest dir");
        let rel_str = rel.to_string_lossy().replace('\\', "/");
        let pack = rel
            .strip_prefix("rules")
            .ok()
            .and_then(|p| p.components().next())
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        let pack = pack.trim_end_matches(".yaml").trim_end_matches(".yml");
        let text = std::fs::read_to_string(file).expect("bundled packs are readable");
        let mut parsed: Option<schema::PackFile> = serde_yaml::from_str(&text).ok();
        // Where each rule's id sits in the YAML, for error positions: worked
        // out here so that loading a bundled pack never reads its YAML text.
        let mut offsets = Vec::new();
        if let Some(parsed) = &parsed {
            let mut cursor = 0;
            for rule in &parsed.rules {
                let at = schema::locate_id(&text, &rule.id, cursor);
                offsets.push(at);
                cursor = at + rule.id.len();
            }
        }
        let (json, lean) = match &mut parsed {
            Some(parsed) => {
                for rule in &parsed.rules {
                    regexes.extend(rule.patterns.iter().cloned());
                    patterns.extend(rule.patterns.iter().cloned());
                    regexes.extend(
                        rule.exceptions
                            .iter()
                            .map(|e| schema::any_of(std::slice::from_ref(e))),
                    );
                    for nearby in [
                        rule.when.as_ref().map(|w| &w.nearby),
                        rule.unless.as_ref().map(|u| &u.nearby),
                    ]
                    .into_iter()
                    .flatten()
                    .filter(|list| !list.is_empty())
                    {
                        regexes.insert(schema::any_of(nearby));
                        if nearby.len() > 1 {
                            lists.insert(schema::any_of(nearby), nearby.clone());
                            // Each member on its own too (see `BUNDLED_LISTS`).
                            regexes.extend(
                                nearby
                                    .iter()
                                    .map(|m| schema::any_of(std::slice::from_ref(m))),
                            );
                        }
                    }
                }
                // Written twice: in full, and without the examples, which a
                // run that only lints never reads (a quarter of the text).
                let write = |name: String, parsed: &schema::PackFile| {
                    let path = out_dir.join(name);
                    let json = serde_json::to_string(parsed).expect("the schema serialises");
                    std::fs::write(&path, json).expect("OUT_DIR is writable");
                    format!("Some(include_str!({:?}))", path.display().to_string())
                };
                let full = write(format!("pack{n}.json"), parsed);
                for rule in &mut parsed.rules {
                    rule.examples = None;
                }
                (full, write(format!("pack{n}.lean.json"), parsed))
            }
            None => ("None".to_string(), "None".to_string()),
        };
        writeln!(
            code,
            "    EmbeddedPack {{ pack: {pack:?}, path: {rel_str:?}, text: include_str!({abs:?}), parsed: {json}, lean: {lean}, offsets: &{offsets:?} }},",
            abs = file.display().to_string()
        )
        .expect("writing to a String");
    }
    code.push_str("];\n\n");
    for regex in &regexes {
        // A list's prefixes are its members' (see `list_prefix_literals`).
        let members = lists
            .get(regex)
            .and_then(|list| prefix::list_prefix_literals(list));
        literals.insert(
            regex.clone(),
            (
                members.or_else(|| prefix::prefix_literals(regex)),
                prefix::suffix_literals(regex),
            ),
        );
    }
    // Literal lists are written as ranges of `LITERAL_SPANS`, each span a
    // range of `LITERAL_TEXT`: integers, not string pointers, which the
    // loader would have to relocate (tens of thousands) at every start.
    let mut text = String::new();
    let mut spans: Vec<(usize, usize)> = Vec::new();
    // Appends a list, giving its range `(first, count)` of `spans`.
    let mut intern = |list: &[String]| -> (usize, usize) {
        let first = spans.len();
        for literal in list {
            spans.push((text.len(), literal.len()));
            text.push_str(literal);
        }
        (first, list.len())
    };
    code.push_str(
        "/// The literal prefixes and suffixes of every bundled regex, sorted by\n\
         /// source, as ranges of `LITERAL_SPANS`.\n\
         pub static BUNDLED_LITERALS: &[BundledLiterals] = &[\n",
    );
    for (pattern, (prefixes_list, suffixes_list)) in &literals {
        let prefixes = prefixes_list.as_deref().map(&mut intern);
        let suffixes = suffixes_list.as_deref().map(&mut intern);
        let traits = prefix::traits(pattern, prefixes_list.as_deref(), suffixes_list.as_deref());
        writeln!(
            code,
            "    ({pattern:?}, {prefixes:?}, {suffixes:?}, {traits}),"
        )
        .expect("writing to a String");
    }
    code.push_str("];\n");
    code.push_str(
        "/// Longer literal prefixes of bundled patterns (`prefix::long_prefix_literals`),\n\
         /// sorted by pattern, as ranges of `LITERAL_SPANS`.\n\
         pub static BUNDLED_LONG_PREFIXES: &[(&str, (usize, usize))] = &[\n",
    );
    for pattern in &patterns {
        if let Some(long) = prefix::long_prefix_literals(pattern).filter(|l| !l.is_empty()) {
            let range = intern(&long);
            writeln!(code, "    ({pattern:?}, {range:?}),").expect("writing to a String");
        }
    }
    code.push_str("];\n");
    code.push_str(
        "/// Literals one of which every match of a bundled regex contains\n\
         /// (`prefix::inner_literals`), sorted by source, as ranges of `LITERAL_SPANS`.\n\
         pub static BUNDLED_INNER: &[(&str, (usize, usize))] = &[\n",
    );
    for regex in &regexes {
        if let Some(inner) = prefix::inner_literals(regex) {
            let range = intern(&inner);
            writeln!(code, "    ({regex:?}, {range:?}),").expect("writing to a String");
        }
    }
    code.push_str("];\n");
    code.push_str(
        "/// The members of each bundled `nearby` list of several regexes, each\n\
         /// compiled on its own, sorted by the source of the list's union.\n\
         pub static BUNDLED_LISTS: &[(&str, &[&str])] = &[\n",
    );
    for (list, members) in &lists {
        let members: Vec<String> = members
            .iter()
            .map(|m| schema::any_of(std::slice::from_ref(m)))
            .collect();
        writeln!(code, "    ({list:?}, &{members:?}),").expect("writing to a String");
    }
    code.push_str("];\n");
    let text_path = out_dir.join("literal_text.txt");
    std::fs::write(&text_path, &text).expect("OUT_DIR is writable");
    writeln!(
        code,
        "/// Every literal of the tables above, back to back.\n\
         static LITERAL_TEXT: &str = include_str!({:?});\n\
         /// (offset, length) of each literal in `LITERAL_TEXT`.\n\
         static LITERAL_SPANS: &[(usize, usize)] = &{spans:?};",
        text_path.display().to_string()
    )
    .expect("writing to a String");
    let checkers: std::collections::BTreeSet<String> = patterns::all()
        .iter()
        .map(|p| prefix::ascii_classes(p))
        .collect();
    prebuild(&regexes, &checkers, &out_dir, &mut code);
    std::fs::write(out_dir.join("embedded_packs.rs"), code).expect("OUT_DIR is writable");
}

/// Compiles each regex forward and reverse, checks that its encoding decodes
/// to the same NFA, and embeds the encodings: one blob plus, for the rule
/// regexes and for the checkers' patterns, a table sorted by source of
/// `(source, forward offset, forward length, reverse offset, reverse
/// length)`. A regex that does not compile (a user error the binary reports)
/// or that the encoding does not carry is left out, and is compiled at run
/// time instead.
fn prebuild(
    regexes: &std::collections::BTreeSet<String>,
    checkers: &std::collections::BTreeSet<String>,
    out_dir: &Path,
    code: &mut String,
) {
    let mut blob = Vec::new();
    code.push_str(
        "\n/// Bundled regexes compiled at build time (see `rules::prebuilt`), sorted by source.\n\
         pub static PREBUILT_NFAS: &[PrebuiltNfa] = &[\n",
    );
    prebuild_table(regexes, &mut blob, code, |source, reverse| {
        prebuilt::compile(&prefix::ascii_classes(source), reverse)
    });
    code.push_str(
        "\n/// The checkers' built-in patterns (after `ascii_classes`) compiled at build\n\
         /// time, with their capture groups (see `lean_regex`), sorted by source.\n\
         pub static PREBUILT_CHECKERS: &[PrebuiltNfa] = &[\n",
    );
    prebuild_table(checkers, &mut blob, code, prebuilt::compile_checker);
    let path = out_dir.join("prebuilt_nfas.bin");
    std::fs::write(&path, &blob).expect("OUT_DIR is writable");
    writeln!(
        code,
        "static PREBUILT_BLOB: &[u8] = include_bytes!({:?});",
        path.display().to_string()
    )
    .expect("writing to a String");
}

/// Appends the rows of one table of [`prebuild`], and their NFAs to `blob`.
fn prebuild_table(
    sources: &std::collections::BTreeSet<String>,
    blob: &mut Vec<u8>,
    code: &mut String,
    compile: impl Fn(&str, bool) -> Option<regex_automata::nfa::thompson::NFA>,
) {
    for source in sources {
        let mut spans = Vec::new();
        for reverse in [false, true] {
            let Some(nfa) = compile(source, reverse) else {
                break;
            };
            let Some(bytes) = prebuilt::encode(&nfa) else {
                break;
            };
            let decoded = prebuilt::decode(&bytes).expect("an encoded NFA decodes");
            // Capture groups by index, with their names and slots.
            let groups = |nfa: &regex_automata::nfa::thompson::NFA| {
                let info = nfa.group_info();
                let names: Vec<_> = info.all_names().collect();
                format!("{nfa:?} {names:?} {}", info.slot_len())
            };
            assert_eq!(
                groups(&decoded),
                groups(&nfa),
                "the prebuilt NFA of {source:?} differs from the compiled one"
            );
            spans.push((blob.len(), bytes.len()));
            blob.extend_from_slice(&bytes);
        }
        if let [(fwd, fwd_len), (rev, rev_len)] = spans[..] {
            writeln!(
                code,
                "    ({source:?}, {fwd}, {fwd_len}, {rev}, {rev_len}),"
            )
            .expect("writing to a String");
        }
    }
    code.push_str("];\n");
}
