#!/usr/bin/env bash
# Installs the real consumers that the report tests run claimlint's output through:
#   - Microsoft's SARIF validator (npm package @microsoft/sarif-multitool), into
#     target/test-tools/ (tests/formats.rs looks there, or at $SARIF_MULTITOOL);
#   - headless Chromium (Debian package `chromium`), for tests/html_chromium.rs;
#   - Neovim (Debian package `neovim`), whose LSP client tests/lsp_neovim.rs drives;
#   - the pre-commit framework (pip package `pre-commit`), for tests/integrations.rs.
# Idempotent: whatever is already installed is left alone. Run it as root (CI)
# or with sudo available; without npm or apt it says what it skipped.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${CLAIMLINT_TEST_TOOLS_DIR:-$repo/target/test-tools}"
multitool_version="5.7.0"
status=0

sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "install-test-tools: need root for: $*" >&2; return 1; fi
}

if [ -x "$tools/node_modules/.bin/sarif-multitool" ]; then
    echo "install-test-tools: sarif-multitool already in $tools"
elif command -v npm >/dev/null; then
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error \
        "@microsoft/sarif-multitool@$multitool_version"
    # The package's postinstall (chmod u+x) may be skipped by npm's script policy.
    find "$tools/node_modules/@microsoft" -maxdepth 2 -name Sarif.Multitool -type f \
        -exec chmod u+x {} +
    echo "install-test-tools: installed sarif-multitool $multitool_version in $tools"
else
    echo "install-test-tools: npm not found, SARIF validation tests will be skipped" >&2
    status=1
fi

if command -v chromium >/dev/null; then
    echo "install-test-tools: chromium already installed"
elif command -v apt-get >/dev/null; then
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    echo "install-test-tools: installed $(chromium --version 2>/dev/null | head -n1)"
else
    echo "install-test-tools: apt-get not found, Chromium tests will be skipped" >&2
    status=1
fi

if command -v nvim >/dev/null; then
    echo "install-test-tools: neovim already installed"
elif command -v apt-get >/dev/null; then
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq neovim >/dev/null
    echo "install-test-tools: installed $(nvim --version 2>/dev/null | head -n1)"
else
    echo "install-test-tools: apt-get not found, the Neovim LSP test will be skipped" >&2
    status=1
fi

# The pre-commit framework, for tests/integrations.rs (the hook in .pre-commit-hooks.yaml).
if command -v pre-commit >/dev/null; then
    echo "install-test-tools: pre-commit already installed ($(pre-commit --version))"
elif command -v python3 >/dev/null && python3 -m pip --version >/dev/null 2>&1; then
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore pre-commit
    # pyenv puts new commands on PATH only after a rehash.
    if command -v pyenv >/dev/null; then pyenv rehash; fi
    if command -v pre-commit >/dev/null; then
        echo "install-test-tools: installed $(pre-commit --version)"
    else
        echo "install-test-tools: pre-commit installed but not on PATH" >&2
        status=1
    fi
else
    echo "install-test-tools: python3 -m pip not found, pre-commit tests will be skipped" >&2
    status=1
fi

exit "$status"
