//! Embeds every bundled rule pack under `rules/` into the binary, so claimlint
//! works from any folder with no install step. A pack's name is the first
//! folder below `rules/` (`rules/core/hype.yaml` belongs to pack `core`).
//!
//! Start-up work that depends only on the bundled packs is done here, once:
//! - each pack is parsed from YAML with the same schema types the binary uses
//!   and embedded again as JSON, which loads several times faster;
//! - the literal prefixes and suffixes of every bundled pattern
//!   (`src/prefix.rs`) are worked out and embedded as a table the engine
//!   looks patterns up in.
//!
//! A pack that does not parse here is embedded as YAML only: the binary then
//! reports the error with its position, as for any pack.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

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
    println!("cargo:rerun-if-changed=src/prefix.rs");
    println!("cargo:rerun-if-changed=src/rules/schema.rs");
    let mut files = Vec::new();
    collect(&rules, &mut files);
    files.sort();
    let mut code = String::from("pub static EMBEDDED_PACKS: &[EmbeddedPack] = &[\n");
    // Pattern source -> its prefixes and suffixes (None: no usable set).
    type Literals = (Option<Vec<String>>, Option<Vec<String>>);
    let mut literals: BTreeMap<String, Literals> = BTreeMap::new();
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
        let parsed: Option<schema::PackFile> = serde_yaml::from_str(&text).ok();
        let json = match &parsed {
            Some(parsed) => {
                for rule in &parsed.rules {
                    for pattern in &rule.patterns {
                        literals.entry(pattern.clone()).or_insert_with(|| {
                            (
                                prefix::prefix_literals(pattern),
                                prefix::suffix_literals(pattern),
                            )
                        });
                    }
                }
                let json_path = out_dir.join(format!("pack{n}.json"));
                let json = serde_json::to_string(parsed).expect("the schema serialises");
                std::fs::write(&json_path, json).expect("OUT_DIR is writable");
                format!("Some(include_str!({:?}))", json_path.display().to_string())
            }
            None => "None".to_string(),
        };
        writeln!(
            code,
            "    EmbeddedPack {{ pack: {pack:?}, path: {rel_str:?}, text: include_str!({abs:?}), parsed: {json} }},",
            abs = file.display().to_string()
        )
        .expect("writing to a String");
    }
    code.push_str("];\n\n");
    code.push_str(
        "/// The literal prefixes and suffixes of every bundled pattern, sorted by pattern.\n\
         pub static BUNDLED_LITERALS: &[BundledLiterals] = &[\n",
    );
    let list = |l: &Option<Vec<String>>| match l {
        Some(l) => format!("Some(&{l:?})"),
        None => "None".to_string(),
    };
    for (pattern, (prefixes, suffixes)) in &literals {
        writeln!(
            code,
            "    ({pattern:?}, {}, {}),",
            list(prefixes),
            list(suffixes)
        )
        .expect("writing to a String");
    }
    code.push_str("];\n");
    std::fs::write(out_dir.join("embedded_packs.rs"), code).expect("OUT_DIR is writable");
}
