#!/usr/bin/env bash
# Side-by-side speed and memory benchmark for claimlint (issue 4).
#
# Generates the shared synthetic corpora (1,000 and 10,000 Markdown pages) with
# ../shared/bench/gen_corpus.py, builds claimlint in release mode, then in one run:
#   - times claimlint (all default rules, JSON to a file), ripgrep (the shared
#     104-phrase regex), `cat` (read-only floor) and the Markdown floor (the same
#     files parsed with claimlint's pulldown-cmark options, with and without the
#     prose extraction, no rule run: examples/markdown_floor.rs) on the 10k and
#     1k corpora;
#   - times one 5 KB page, whole process (the pre-commit case);
#   - measures peak RSS on 1k and 10k (/usr/bin/time -v);
#   - checks that 1 and 2 worker threads write byte-identical JSON;
#   - prints the ratios against the targets of issue 4.
#
# Environment:
#   CLAIMLINT_BENCH_SHARED  folder with gen_corpus.py and claim-phrases.regex
#                           (default: ../shared/bench beside the repository)
#   CLAIMLINT_BENCH_CORPUS  where corpora are generated and cached
#                           (default: $CARGO_TARGET_DIR or target, /bench-corpus)
#   CLAIMLINT_BIN           a claimlint binary to measure instead of building one
#   CLAIMLINT_BASELINE_BIN  an older claimlint binary to time side by side
#                           (before/after ratios from the same run)
#   BENCH_RUNS              hyperfine runs per command (default 10)
#   BENCH_SIZES             corpora to run (default "10000 1000")
# Needs python3. Installs hyperfine and ripgrep with apt-get when missing and
# run as root; without hyperfine it falls back to /usr/bin/time loops.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${CLAIMLINT_BENCH_SHARED:-$repo/../shared/bench}"
target="${CARGO_TARGET_DIR:-$repo/target}"
corpora="${CLAIMLINT_BENCH_CORPUS:-$target/bench-corpus}"
runs="${BENCH_RUNS:-10}"
sizes="${BENCH_SIZES:-10000 1000}"
today="2026-11-27"
results="$corpora/results"

if [ ! -f "$shared/gen_corpus.py" ] || [ ! -f "$shared/claim-phrases.regex" ]; then
    echo "bench: no gen_corpus.py / claim-phrases.regex in $shared (set CLAIMLINT_BENCH_SHARED)" >&2
    exit 2
fi
phrases="$shared/claim-phrases.regex"

install_tool() { # command, Debian package
    command -v "$1" >/dev/null && return 0
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
        echo "bench: installing $2" >&2
        apt-get install -y "$2" >/dev/null 2>&1 ||
            { apt-get update >/dev/null 2>&1 && apt-get install -y "$2" >/dev/null 2>&1; } || true
    fi
    command -v "$1" >/dev/null
}
have_hyperfine=0; install_tool hyperfine hyperfine && have_hyperfine=1
have_rg=0; install_tool rg ripgrep && have_rg=1
[ -x /usr/bin/time ] || install_tool /usr/bin/time time || true

# --- corpora (cached; the generator is deterministic) -----------------------
mkdir -p "$corpora" "$results"
for n in $sizes; do
    dir="$corpora/c$n"
    if [ "$(cat "$dir/.complete" 2>/dev/null)" != "$n" ]; then
        rm -rf "$dir"
        echo "bench: generating $n pages into $dir" >&2
        python3 "$shared/gen_corpus.py" "$n" "$dir" >&2
        echo "$n" >"$dir/.complete"
    fi
done
# One ~5 KB page of the 1k corpus (generated if the 1k corpus is not), alone in a folder.
single="$corpora/one-5k"
if [ ! -f "$single/page.md" ]; then
    src_dir="$corpora/c1000"
    [ -d "$src_dir" ] || { python3 "$shared/gen_corpus.py" 200 "$corpora/c200" >&2; src_dir="$corpora/c200"; }
    mkdir -p "$single"
    pick="$(python3 - "$src_dir" <<'EOF'
import os, sys
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    if name.endswith(".md") and 4800 <= os.path.getsize(os.path.join(d, name)) <= 5400:
        print(os.path.join(d, name)); break
EOF
)"
    cp "$pick" "$single/page.md"
fi

# --- binary ------------------------------------------------------------------
if [ -n "${CLAIMLINT_BIN:-}" ]; then
    bin="$CLAIMLINT_BIN"
else
    echo "bench: cargo build --release" >&2
    (cd "$repo" && cargo build --release --quiet --bin claimlint)
    bin="$target/release/claimlint"
fi
# The Markdown floor: what parsing alone costs on the same files and cores.
floor=""
if (cd "$repo" && cargo build --release --quiet --example markdown_floor) 2>/dev/null; then
    floor="$target/release/examples/markdown_floor"
else
    echo "bench: could not build examples/markdown_floor; the floor rows are left out" >&2
fi
echo "bench: $("$bin" --version 2>/dev/null || echo claimlint) at $bin; $(nproc) cores; $(uptime | sed 's/.*load/load/')"

cl_cmd() { # corpus path, output file[, binary]
    echo "${3:-$bin} check $1 --isolated --format json --output $2 --today $today --fail-on never --quiet"
}
baseline="${CLAIMLINT_BASELINE_BIN:-}"
rg_cmd() { echo "rg -i -w -n --column -o -f $phrases $1"; }
cat_cmd() { echo "find $1/ -name '*.md' -exec cat {} +"; }

# Times commands side by side; writes name<TAB>median seconds lines to $1.
measure() {
    local out="$1"; shift
    : >"$out"
    if [ "$have_hyperfine" -eq 1 ]; then
        local json="$out.json" args=()
        while [ $# -gt 0 ]; do args+=(-n "$1" "$2"); shift 2; done
        hyperfine -N --style basic --warmup 2 --runs "$runs" --export-json "$json" "${args[@]}" >&2 ||
            hyperfine --style basic --warmup 2 --runs "$runs" --export-json "$json" "${args[@]}" >&2
        python3 - "$json" >>"$out" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']}\t{r['median']:.4f}")
EOF
    else
        while [ $# -gt 0 ]; do
            local name="$1" cmd="$2" times=()
            shift 2
            for _ in $(seq "$runs"); do
                times+=("$( { /usr/bin/time -f '%e' sh -c "$cmd >/dev/null 2>&1"; } 2>&1 | tail -1)")
            done
            printf '%s\t%s\n' "$name" "$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" >>"$out"
        done
    fi
}

rss_mb() { # command -> peak RSS in MB
    /usr/bin/time -v sh -c "$1 >/dev/null 2>&1" 2>&1 |
        awk -F: '/Maximum resident set size/ {printf "%.1f", $2/1024}'
}

for n in $sizes; do
    dir="$corpora/c$n"
    set -- claimlint "$(cl_cmd "$dir" "$results/c$n.json")"
    if [ -n "$baseline" ]; then set -- "$@" baseline "$(cl_cmd "$dir" "$results/c$n-baseline.json" "$baseline")"; fi
    [ "$have_rg" -eq 1 ] && set -- "$@" ripgrep "$(rg_cmd "$dir")"
    set -- "$@" cat "$(cat_cmd "$dir")"
    if [ -n "$floor" ]; then
        set -- "$@" "markdown parse only" "$floor parse $dir" "markdown + prose, no rules" "$floor prose $dir"
    fi
    echo "bench: $n files" >&2
    measure "$results/time-c$n.tsv" "$@"
    echo "claimlint	$(rss_mb "$(cl_cmd "$dir" /tmp/claimlint-bench-rss.json)")" >"$results/rss-c$n.tsv"
    if [ -n "$baseline" ]; then
        echo "baseline	$(rss_mb "$(cl_cmd "$dir" /tmp/claimlint-bench-rss.json "$baseline")")" >>"$results/rss-c$n.tsv"
    fi
done
echo "bench: one 5 KB page" >&2
set -- claimlint "$(cl_cmd "$single/page.md" "$results/one.json")"
if [ -n "$baseline" ]; then set -- "$@" baseline "$(cl_cmd "$single/page.md" "$results/one-baseline.json" "$baseline")"; fi
[ "$have_rg" -eq 1 ] && set -- "$@" ripgrep "$(rg_cmd "$single/page.md")"
measure "$results/time-one.tsv" "$@"

# 1 vs 2 worker threads: byte-identical JSON.
threads_ok="skipped"
checked=""
for n in $sizes; do
    dir="$corpora/c$n"
    $bin check "$dir" --isolated --format json --output "$results/t1.json" --today $today --fail-on never --quiet --threads 1
    $bin check "$dir" --isolated --format json --output "$results/t2.json" --today $today --fail-on never --quiet --threads 2
    if cmp -s "$results/t1.json" "$results/t2.json"; then
        checked="$checked${checked:+, }$n"; threads_ok="identical JSON ($checked files)"
    else
        threads_ok="DIFFERENT ($n files)"; break
    fi
done

python3 - "$results" "$sizes" "$threads_ok" <<'EOF'
import os, sys
res, sizes, threads = sys.argv[1], sys.argv[2].split(), sys.argv[3]
def load(name):
    p = os.path.join(res, name)
    if not os.path.exists(p):
        return {}
    return {k: float(v) for k, v in (l.rstrip("\n").split("\t") for l in open(p) if l.strip())}
rows = []
fails = 0
print()
print("| tool | " + " | ".join(f"{int(n):,} files" for n in sizes) + " | one 5 KB file |")
print("|---|" + "---|" * (len(sizes) + 1))
one = load("time-one.tsv")
for tool in ["claimlint", "baseline", "ripgrep", "cat", "markdown parse only", "markdown + prose, no rules"]:
    if tool not in ("claimlint", "ripgrep", "cat") and not any(tool in load(f"time-c{n}.tsv") for n in sizes):
        continue
    cells = []
    for n in sizes:
        t = load(f"time-c{n}.tsv").get(tool)
        cells.append(f"{t:.3f} s" if t is not None else "—")
    o = one.get(tool)
    cells.append(f"{o * 1000:.1f} ms" if o is not None else "—")
    print(f"| {tool} | " + " | ".join(cells) + " |")
for tool in ["claimlint", "baseline"]:
    if any(tool in load(f"rss-c{n}.tsv") for n in sizes):
        print(f"| {tool} peak RSS | " + " | ".join(
            f"{load(f'rss-c{n}.tsv').get(tool, float('nan')):.1f} MB" for n in sizes) + " | |")
print()
def check(label, ok, text):
    global fails
    fails += 0 if ok else 1
    print(f"{'ok  ' if ok else 'MISS'} {label}: {text}")
for n in sizes:
    t = load(f"time-c{n}.tsv")
    if "claimlint" in t and "ripgrep" in t:
        r = t["claimlint"] / t["ripgrep"]
        target = " (target <= 1.0)" if n == "10000" else ""
        check(f"{n} files, claimlint / ripgrep", n != "10000" or r <= 1.0, f"{r:.2f}{target}")
    if n == "1000" and "claimlint" in t:
        x = 17.0 / t["claimlint"]
        check("1000 files, speed-up over write-good's published 17 s", x >= 300, f"{x:.0f}x (target >= 300x, i.e. <= 57 ms)")
for n in sizes:
    t = load(f"time-c{n}.tsv")
    for floor in ["markdown parse only", "markdown + prose, no rules"]:
        if floor in t and "ripgrep" in t:
            print(f"     {n} files: {floor} / ripgrep = {t[floor] / t['ripgrep']:.2f}"
                  f" (the floor under any ratio claimlint can reach)")
for n in sizes:
    t = load(f"time-c{n}.tsv")
    if "baseline" in t and "claimlint" in t:
        print(f"     {n} files: baseline / claimlint = {t['baseline'] / t['claimlint']:.2f}x")
if "baseline" in one and "claimlint" in one:
    print(f"     one file: baseline / claimlint = {one['baseline'] / one['claimlint']:.2f}x")
if "claimlint" in one:
    check("one 5 KB file, whole process", one["claimlint"] <= 0.010, f"{one['claimlint'] * 1000:.1f} ms (target <= 10 ms)")
rss = [load(f"rss-c{n}.tsv").get("claimlint") for n in sizes]
if all(r is not None for r in rss):
    check("peak RSS", max(rss) <= 64, " / ".join(f"{r:.1f} MB" for r in rss) + " (target <= 64 MB, flat)")
check("1 vs 2 threads", not threads.startswith("DIFF"), threads)
print(f"\n{fails} target(s) missed; raw numbers in {res}")
EOF
