//! End to end with a real editor: headless Neovim (Debian's `neovim`, installed
//! by `scripts/install-test-tools.sh`) attaches its built-in LSP client to
//! `claimlint lsp`, opens a Markdown page, applies the suppression quick fix
//! and types the reason, and writes what it saw as JSON for the test to check.
//! Skipped with a note when nvim is missing, unless CLAIMLINT_REQUIRE_TEST_TOOLS=1.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const TIMEOUT: Duration = Duration::from_secs(90);

/// Runs inside Neovim. Paths come in through the environment. Works with
/// `vim.lsp.start` (0.8+) and with `start_client` + `buf_attach_client` (0.7,
/// Debian 12's version).
const INIT_LUA: &str = r#"
local out = vim.env.CLAIMLINT_OUT
local result = { steps = {} }

local function save()
  vim.fn.writefile({ vim.fn.json_encode(result) }, out)
end

local function snapshot(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1] or ''
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(list, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, source = d.source, message = d.message,
      code = d.code or lsp.code,
      text = line:sub(d.col + 1, d.end_col),
    })
  end
  return list
end

local function has_code(buf, code)
  for _, d in ipairs(snapshot(buf)) do
    if d.code == code then return true end
  end
  return false
end

local function run()
  local v = vim.version()
  result.nvim = string.format('%d.%d.%d', v.major, v.minor, v.patch)
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.CLAIMLINT_FILE))
  local buf = vim.api.nvim_get_current_buf()
  local config = {
    name = 'claimlint',
    cmd = { vim.env.CLAIMLINT_BIN, 'lsp' },
    root_dir = vim.env.CLAIMLINT_ROOT,
  }
  local client_id
  if vim.lsp.start then
    client_id = vim.lsp.start(config)
  else
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, client_id)
  end

  -- 1. The finding arrives.
  result.steps.opened = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
  result.diagnostics = snapshot(buf)

  -- 2. Hover on the claim.
  local d = vim.diagnostic.get(buf)[1]
  if d then
    local client = vim.lsp.get_client_by_id(client_id)
    local enc = client.offset_encoding or 'utf-16'
    vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col + 2 })
    local params = vim.lsp.util.make_position_params(0, enc)
    local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 10000)
    for _, r in pairs(hover or {}) do
      if r.result then result.hover = r.result.contents.value end
    end

    -- 3. The quick fix, applied as the editor applies it.
    params.range = { start = params.position, ['end'] = params.position }
    params.context = { diagnostics = {} }
    local actions = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 10000)
    for _, r in pairs(actions or {}) do
      for _, action in ipairs(r.result or {}) do
        result.action = action.title
        vim.lsp.util.apply_workspace_edit(action.edit, enc)
        break
      end
    end
    -- The claim is waived; the empty reason is flagged instead.
    result.steps.suppressed = vim.wait(10000, function()
      return has_code(buf, 'meta/suppression-without-reason')
        and not has_code(buf, 'scarcity/while-supplies-last')
    end, 20)
    result.after_fix = snapshot(buf)
    result.fixed_line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]

    -- 4. Type the reason where the fix left room for it.
    local line = result.fixed_line
    local at = line:find(' -->', 1, true)
    if at then
      local with_reason = line:sub(1, at) .. 'stock is counted at the till' .. line:sub(at)
      vim.api.nvim_buf_set_lines(buf, d.lnum, d.lnum + 1, false, { with_reason })
    end
    result.steps.reason = vim.wait(10000, function() return #vim.diagnostic.get(buf) == 0 end, 20)
    result.after_reason = snapshot(buf)
  end

  vim.lsp.stop_client(client_id)
  result.steps.stopped = vim.wait(10000, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, 20)
end

local ok, err = pcall(run)
if not ok then result.error = tostring(err) end
save()
vim.cmd('qall!')
"#;

fn nvim_version() -> Option<String> {
    let out = Command::new("nvim").arg("--version").output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    })
}

fn skip_or_fail(why: &str) {
    if std::env::var_os("CLAIMLINT_REQUIRE_TEST_TOOLS").is_some_and(|v| v == "1") {
        panic!("{why}");
    }
    eprintln!("skipped: {why}");
}

fn run_nvim(dir: &Path, file: &Path, out: &Path) {
    let init = dir.join("init.lua");
    std::fs::write(&init, INIT_LUA).expect("write init.lua");
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-i", "NONE", "-u"])
        .arg(&init)
        .current_dir(dir)
        .env("CLAIMLINT_BIN", env!("CARGO_BIN_EXE_claimlint"))
        .env("CLAIMLINT_ROOT", dir)
        .env("CLAIMLINT_FILE", file)
        .env("CLAIMLINT_OUT", out)
        // Keep Neovim's LSP log and state inside the temporary folder.
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nvim starts");
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if child.try_wait().expect("wait").is_some() {
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("nvim did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn neovim_shows_the_finding_on_the_right_characters() {
    let Some(version) = nvim_version() else {
        skip_or_fail("nvim is not installed (scripts/install-test-tools.sh)");
        return;
    };
    eprintln!("using {version}");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("sale.md");
    std::fs::write(
        &file,
        "# Spring sale\n\né 😀 Get yours while supplies last.\n",
    )
    .expect("write page");
    let out = dir.path().join("seen.json");
    run_nvim(dir.path(), &file, &out);

    let seen: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("init.lua wrote its findings"))
            .expect("valid JSON");
    assert!(seen.get("error").is_none(), "{seen:#}");
    assert_eq!(seen["steps"]["opened"], true, "{seen:#}");

    let list = seen["diagnostics"].as_array().expect("a list");
    assert_eq!(list.len(), 1, "{seen:#}");
    let d = &list[0];
    assert_eq!(d["code"], "scarcity/while-supplies-last", "{seen:#}");
    assert_eq!(d["source"], "claimlint");
    assert_eq!(d["severity"], 2, "warning");
    // Neovim turned the server's UTF-16 positions into byte columns of its
    // buffer: "é 😀 Get yours " is 18 bytes, and the range covers the claim.
    assert_eq!(d["lnum"], 2);
    assert_eq!(d["col"], 18);
    assert_eq!(d["end_col"], 37);
    assert_eq!(d["text"], "while supplies last");

    let hover = seen["hover"].as_str().expect("hover text");
    assert!(hover.contains("How to fix it"), "{hover}");
    assert!(hover.contains("16 CFR 238.3"), "{hover}");

    assert_eq!(
        seen["action"],
        "Suppress scarcity/while-supplies-last on the next line"
    );
    assert_eq!(seen["steps"]["suppressed"], true, "{seen:#}");
    assert_eq!(
        seen["fixed_line"],
        "<!-- claimlint-disable-next-line scarcity/while-supplies-last -- -->"
    );
    assert_eq!(seen["steps"]["reason"], true, "{seen:#}");
    assert_eq!(seen["after_reason"], serde_json::json!([]));
    assert_eq!(seen["steps"]["stopped"], true, "{seen:#}");
}
