#!/usr/bin/env bash
# Runs claimlint's fuzz targets with cargo-fuzz (libFuzzer).
#
#   scripts/fuzz.sh TARGET|all [SECONDS]     default: all, 60 seconds each
#   scripts/fuzz.sh list
#
# Targets run one after another (the machine is small). Each starts from a
# corpus seeded with the repository's own fixtures and rule packs, kept in
# fuzz/corpus/TARGET between runs. A crash is saved under fuzz/artifacts/TARGET/
# and the script exits 1; copy the input to tests/data/fuzz-regressions/ and
# add a test that replays it (tests/hostile.rs replays that folder).
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain; with
# only a stable one, RUSTC_BOOTSTRAP=1 lets it build (set FUZZ_TOOLCHAIN=stable).
# FUZZ_TARGET_DIR picks the build folder (default fuzz/target).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
fuzz="$root/fuzz"
targets=(markdown_prose html_prose front_matter rule_pack price lint_file)
which="${1:-all}"
seconds="${2:-60}"
toolchain="${FUZZ_TOOLCHAIN:-nightly}"
target_dir="${FUZZ_TARGET_DIR:-$fuzz/target}"

if [[ "$which" == list ]]; then
    printf '%s\n' "${targets[@]}"
    exit 0
fi
if [[ "$which" != all ]] && [[ ! " ${targets[*]} " == *" $which "* ]]; then
    echo "unknown target '$which'; one of: ${targets[*]} or all" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
    exit 2
fi
run_cargo=(cargo "+$toolchain")
if [[ "$toolchain" == stable ]]; then
    export RUSTC_BOOTSTRAP=1
fi

# Copies files under $2 matching $3 (under 8 KB) into $1, named by their path.
copy_seeds() {
    local dir="$1" from="$2" pattern="$3" f
    find "$from" -name "$pattern" -size -8k | head -300 | while read -r f; do
        cp "$f" "$dir/$(echo "${f#"$root"/}" | tr / _)"
    done
}

# Seeds: small real inputs of the right kind for each target.
seed() {
    local target="$1" dir="$fuzz/corpus/$1"
    mkdir -p "$dir"
    [[ -n "$(ls -A "$dir")" ]] && return 0
    case "$target" in
        markdown_prose|front_matter)
            copy_seeds "$dir" "$root/fixtures" '*.md' ;;
        html_prose)
            copy_seeds "$dir" "$root/fixtures" '*.html' ;;
        rule_pack)
            copy_seeds "$dir" "$root/rules" '*.yaml' ;;
        price)
            local i=0
            for s in 'Was $80, now $40: 50% off.' 'Save £20 — RRP £99, our price £79.' \
                     'Now €49,99 statt €69,99 (-30%)' '2 for $30, worth $60!' \
                     'From $9.99/mo, then $19.99.' 'Was 1,200 now 999 — save 201'; do
                printf '\x88\x13\x00\x00\x00\x00\x00\x00\x03%s' "$s" > "$dir/seed-$i"
                i=$((i + 1))
            done ;;
        lint_file)
            find "$root/fixtures" \( -name '*.md' -o -name '*.html' -o -name '*.txt' \) -size -8k \
                | head -300 | while read -r f; do
                    case "$f" in *.md) p='\x00' ;; *.html) p='\x01' ;; *) p='\x02' ;; esac
                    { printf "$p"; cat "$f"; } > "$dir/$(echo "${f#"$root"/}" | tr / _)"
                done ;;
    esac
}

status=0
mkdir -p "$fuzz/logs"
for t in "${targets[@]}"; do
    [[ "$which" == all || "$which" == "$t" ]] || continue
    seed "$t"
    log="$fuzz/logs/$t.log"
    echo "== $t for ${seconds}s (log: ${log#"$root"/})"
    set +e
    (cd "$fuzz" && "${run_cargo[@]}" fuzz run --target-dir "$target_dir" "$t" \
        -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1) >"$log" 2>&1
    rc=$?
    set -e
    runs="$(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)"
    execs="$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1 || true)"
    cov="$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)"
    if [[ $rc -eq 0 ]]; then
        echo "   ok: ${execs:-?} executions ($runs) $cov"
    else
        echo "   FAILED (exit $rc): see $log and fuzz/artifacts/$t/"
        grep -E 'panicked at|ERROR: libFuzzer|SUMMARY' "$log" | head -5 | sed 's/^/   /'
        status=1
    fi
done
exit $status
