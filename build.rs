//! Embeds every bundled rule pack under `rules/` into the binary, so claimlint
//! works from any folder with no install step. A pack's name is the first
//! folder below `rules/` (`rules/core/hype.yaml` belongs to pack `core`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

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
    let rules = root.join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut files = Vec::new();
    collect(&rules, &mut files);
    files.sort();
    let mut code = String::from("pub static EMBEDDED_PACKS: &[EmbeddedPack] = &[\n");
    for file in &files {
        let rel = file.strip_prefix(&root).expect("below the manifest dir");
        let rel_str = rel.to_string_lossy().replace('\\', "/");
        let pack = rel
            .strip_prefix("rules")
            .ok()
            .and_then(|p| p.components().next())
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        let pack = pack.trim_end_matches(".yaml").trim_end_matches(".yml");
        writeln!(
            code,
            "    EmbeddedPack {{ pack: {pack:?}, path: {rel_str:?}, text: include_str!({abs:?}) }},",
            abs = file.display().to_string()
        )
        .expect("writing to a String");
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets it")).join("embedded_packs.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
