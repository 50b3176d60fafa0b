//! `claimlint lsp` spoken to over stdio, as an editor would: JSON-RPC messages
//! framed with Content-Length headers, every read bounded by a timeout so a
//! broken server fails the test instead of hanging it.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(30);

/// A running `claimlint lsp` and the messages it has sent.
struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else.
    backlog: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_claimlint"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("claimlint starts");
        let stdout = child.stdout.take().expect("piped");
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            incoming,
            backlog: Vec::new(),
            next_id: 0,
        }
    }

    fn send(&mut self, message: Value) {
        self.send_all(&[message]);
    }

    /// Sends messages in one write, as a client that has queued them does.
    fn send_all(&mut self, messages: &[Value]) {
        let mut bytes = Vec::new();
        for message in messages {
            let body = message.to_string();
            write!(bytes, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("in memory");
        }
        let stdin = self.stdin.as_mut().expect("stdin still open");
        stdin.write_all(&bytes).expect("write to server");
        stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its response (result or error object).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    /// The first message (from the backlog or the wire) that `wanted` accepts.
    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.incoming.recv_timeout(left).unwrap_or_else(|e| {
                panic!(
                    "no expected message within {TIMEOUT:?} ({e}); backlog: {:#?}",
                    self.backlog
                )
            });
            if wanted(&message) {
                return message;
            }
            self.backlog.push(message);
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        let uri = uri.to_string();
        self.wait_for(move |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri)
        })["params"]
            .clone()
    }

    /// Every message that arrives within `quiet`.
    fn drain(&mut self, quiet: Duration) -> Vec<Value> {
        let mut all = std::mem::take(&mut self.backlog);
        while let Ok(m) = self.incoming.recv_timeout(quiet) {
            all.push(m);
        }
        all
    }

    fn initialize(&mut self, root: &Path) -> Value {
        let root_uri = file_uri(root);
        let response = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{ "uri": root_uri, "name": "copy" }],
                "capabilities": {
                    "window": { "showDocument": { "support": true } },
                    "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
                    "textDocument": { "publishDiagnostics": { "relatedInformation": true } }
                }
            }),
        );
        self.notify("initialized", json!({}));
        response
    }

    /// Waits for the server to exit; its exit status code.
    fn wait_exit(&mut self) -> i32 {
        drop(self.stdin.take());
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit within {TIMEOUT:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn shutdown_and_exit(&mut self) -> i32 {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response.get("result"), Some(&Value::Null), "{response}");
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one Content-Length framed message; `None` at end of stream.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length:") {
            length = n.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn file_uri(path: &Path) -> String {
    let path = path.canonicalize().expect("exists");
    format!("file://{}", path.display())
}

const PAGE: &str = "# Spring sale\n\né 😀 Get yours while supplies last.\n";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("copy")).expect("mkdir");
    dir
}

fn open(client: &mut Client, uri: &str, language: &str, text: &str) {
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
    );
}

#[test]
fn a_whole_editing_session() {
    let dir = workspace();
    let mut client = Client::start(dir.path());
    let init = client.initialize(dir.path());
    let caps = &init["result"]["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16", "{init}");
    assert_eq!(
        caps["textDocumentSync"]["change"], 2,
        "incremental sync: {init}"
    );
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(init["result"]["serverInfo"]["name"], "claimlint");

    // The server asks to watch config files, since the client can.
    let register = client.wait_for(|m| m["method"] == "client/registerCapability");
    let watchers = &register["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert_eq!(
        watchers[0]["globPattern"], "**/claimlint.yaml",
        "{register}"
    );
    let id = register["id"].clone();
    client.send(json!({ "jsonrpc": "2.0", "id": id, "result": null }));

    let uri = format!("{}/sale.md", file_uri(&dir.path().join("copy")));
    open(&mut client, &uri, "markdown", PAGE);
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], 1);
    let list = published["diagnostics"].as_array().expect("a list");
    assert_eq!(list.len(), 1, "{published:#}");
    let d = &list[0];
    assert_eq!(d["code"], "scarcity/while-supplies-last");
    assert_eq!(d["source"], "claimlint");
    assert_eq!(d["severity"], 2, "warning");
    assert_eq!(d["data"], "scarcity/while-supplies-last");
    // "é 😀 Get yours " is 14 characters but 15 UTF-16 code units (😀 is two).
    assert_eq!(
        d["range"],
        json!({ "start": { "line": 2, "character": 15 }, "end": { "line": 2, "character": 34 } })
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("While supplies last"),
        "{d}"
    );
    // Bundled citations are not links, so there is no codeDescription.
    assert!(d.get("codeDescription").is_none(), "{d}");

    // Hover over "supplies": message, help and the citations.
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 2, "character": 22 } }),
    );
    let text = hover["result"]["contents"]["value"]
        .as_str()
        .expect("markdown");
    assert_eq!(hover["result"]["contents"]["kind"], "markdown");
    assert!(text.contains("scarcity/while-supplies-last"), "{text}");
    assert!(text.contains("How to fix it"), "{text}");
    assert!(text.contains("16 CFR 238.3"), "{text}");
    assert_eq!(hover["result"]["range"], d["range"]);
    // Nothing to say away from a finding.
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 3 } }),
    );
    assert_eq!(hover["result"], Value::Null, "{hover}");

    // The code action inserts the suppression above the line, and moves the
    // cursor to where the reason goes.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 2, "character": 20 }, "end": { "line": 2, "character": 20 } },
            "context": { "diagnostics": [d] }
        }),
    );
    let action = &actions["result"][0];
    assert_eq!(
        action["title"],
        "Suppress scarcity/while-supplies-last on the next line"
    );
    assert_eq!(action["kind"], "quickfix");
    let edit = &action["edit"]["changes"][&uri][0];
    assert_eq!(
        edit["newText"],
        "<!-- claimlint-disable-next-line scarcity/while-supplies-last -- -->\n"
    );
    assert_eq!(
        edit["range"],
        json!({ "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 0 } })
    );
    let command = &action["command"];
    assert_eq!(command["command"], "claimlint.placeCursor");
    let run = client.request(
        "workspace/executeCommand",
        json!({ "command": command["command"], "arguments": command["arguments"] }),
    );
    assert!(run.get("error").is_none(), "{run}");
    let show = client.wait_for(|m| m["method"] == "window/showDocument");
    let cursor = "<!-- claimlint-disable-next-line scarcity/while-supplies-last -- ".len();
    assert_eq!(
        show["params"]["selection"]["start"],
        json!({ "line": 2, "character": cursor })
    );

    // Declaring the stock in front matter clears the finding at once.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                "text": "---\noffer: {stock: 40}\n---\n"
            }]
        }),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["version"], 2);
    assert_eq!(published["diagnostics"], json!([]), "{published:#}");

    // Closing the document clears its diagnostics.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(published["diagnostics"], json!([]));

    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn bursts_of_changes_are_linted_once() {
    let dir = workspace();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path());
    let uri = format!("{}/burst.md", file_uri(&dir.path().join("copy")));
    open(&mut client, &uri, "markdown", "Hello.\n");
    assert_eq!(client.diagnostics(&uri)["diagnostics"], json!([]));
    // Type " while supplies last" one character at a time (one write, so a
    // busy machine cannot stretch the burst past the quiet period).
    let typed = " while supplies last";
    let changes: Vec<Value> = typed
        .chars()
        .enumerate()
        .map(|(i, c)| {
            json!({
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": { "uri": uri, "version": 2 + i },
                    "contentChanges": [{
                        "range": { "start": { "line": 0, "character": 6 + i }, "end": { "line": 0, "character": 6 + i } },
                        "text": c.to_string()
                    }]
                }
            })
        })
        .collect();
    client.send_all(&changes);
    let messages = client.drain(Duration::from_millis(1500));
    let published: Vec<&Value> = messages
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .collect();
    assert_eq!(published.len(), 1, "one lint for the burst: {published:#?}");
    let last = &published[0]["params"];
    assert_eq!(last["version"], json!(1 + typed.len()));
    assert_eq!(
        last["diagnostics"][0]["code"], "scarcity/while-supplies-last",
        "{last:#}"
    );
    assert_eq!(
        last["diagnostics"][0]["range"]["start"],
        json!({ "line": 0, "character": 7 })
    );
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn the_workspace_config_applies_and_reloads() {
    let dir = workspace();
    std::fs::write(dir.path().join("claimlint.yaml"), "ignore: [scarcity]\n")
        .expect("write config");
    // The server runs elsewhere: the config is found from the workspace root.
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let mut client = Client::start(elsewhere.path());
    client.initialize(dir.path());
    let uri = format!("{}/page.md", file_uri(&dir.path().join("copy")));
    open(&mut client, &uri, "markdown", PAGE);
    assert_eq!(client.diagnostics(&uri)["diagnostics"], json!([]));

    // The config changes on disk; the client reports it.
    std::fs::write(dir.path().join("claimlint.yaml"), "ignore: []\n").expect("write config");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": format!("{}/claimlint.yaml", file_uri(dir.path())), "type": 2 }] }),
    );
    let published = client.diagnostics(&uri);
    assert_eq!(
        published["diagnostics"][0]["code"], "scarcity/while-supplies-last",
        "{published:#}"
    );

    // A client that watches nothing: the server notices the new modification
    // time itself (it looks at most once a second) on the next edit.
    std::thread::sleep(Duration::from_millis(1100));
    std::fs::write(dir.path().join("claimlint.yaml"), "ignore: [scarcity]\n").expect("write");
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "text": PAGE }]
        }),
    );
    let published = client.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["diagnostics"] == json!([])
    });
    assert_eq!(published["params"]["version"], 2, "{published:#}");
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn html_and_text_documents_and_footnotes() {
    let dir = workspace();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path());
    let copy = file_uri(&dir.path().join("copy"));

    let uri = format!("{copy}/page.html");
    open(
        &mut client,
        &uri,
        "html",
        "<p>Caf\u{e9} <b>\u{1f600}</b> while supplies last</p>\n",
    );
    let d = &client.diagnostics(&uri)["diagnostics"][0];
    assert_eq!(d["code"], "scarcity/while-supplies-last");
    // "<p>Café <b>😀</b> " is 17 characters, 18 UTF-16 code units.
    assert_eq!(d["range"]["start"], json!({ "line": 0, "character": 18 }));

    // Unknown language, known extension: read by extension.
    let uri = format!("{copy}/notes.txt");
    open(
        &mut client,
        &uri,
        "",
        "Limited stock, while supplies last.\n",
    );
    let published = client.diagnostics(&uri);
    assert!(
        published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "scarcity/while-supplies-last"),
        "{published:#}"
    );

    // A language claimlint does not read: nothing to say.
    let uri = format!("{copy}/main.rs");
    open(&mut client, &uri, "rust", "// while supplies last\n");
    assert_eq!(client.diagnostics(&uri)["diagnostics"], json!([]));

    // An asterisked claim whose footnote adds conditions points at the footnote.
    let uri = format!("{copy}/free.md");
    open(
        &mut client,
        &uri,
        "markdown",
        "Get a FREE* tote today.\n\n\\* With any purchase over $50.\n",
    );
    let published = client.diagnostics(&uri);
    let related: Vec<&Value> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d.get("relatedInformation"))
        .collect();
    if let Some(info) = related.first() {
        assert_eq!(info[0]["location"]["uri"], json!(uri));
        assert_eq!(info[0]["location"]["range"]["start"]["line"], 2, "{info}");
    } else {
        panic!("no finding with related information: {published:#}");
    }
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn bad_input_gets_errors_not_crashes() {
    let dir = workspace();
    let mut client = Client::start(dir.path());
    // Before initialize, requests are refused.
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.initialize(dir.path());
    let bad = client.request("textDocument/hover", json!({ "nonsense": true }));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let unknown = client.request("textDocument/formatting", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let again = client.request("initialize", json!({ "capabilities": {} }));
    assert_eq!(again["error"]["code"], -32600, "{again}");
    // Notifications with bad parameters are ignored; changes to unknown
    // documents too; positions past the end are clamped.
    client.notify("textDocument/didOpen", json!({ "textDocument": 7 }));
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": "file:///nowhere.md", "version": 2 }, "contentChanges": [] }),
    );
    let uri = format!("{}/x.md", file_uri(&dir.path().join("copy")));
    open(&mut client, &uri, "markdown", "é\n");
    client.diagnostics(&uri);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{
                "range": { "start": { "line": 9, "character": 99 }, "end": { "line": 0, "character": 0 } },
                "text": " while supplies last"
            }]
        }),
    );
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 40, "character": 4 } }),
    );
    assert!(hover.get("error").is_none(), "{hover}");
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let dir = workspace();
    let mut client = Client::start(dir.path());
    client.initialize(dir.path());
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(), 1);
}

#[test]
fn initialization_options_choose_packs_and_bad_ones_are_reported() {
    let dir = workspace();
    let root_uri = file_uri(dir.path());
    let page = "Our bags are eco-friendly.\n";
    let uri = format!("{}/bags.md", file_uri(&dir.path().join("copy")));

    let mut client = Client::start(dir.path());
    client.request(
        "initialize",
        json!({ "rootUri": root_uri, "capabilities": {}, "initializationOptions": { "packs": ["green"] } }),
    );
    client.notify("initialized", json!({}));
    open(&mut client, &uri, "markdown", page);
    let published = client.diagnostics(&uri);
    assert_eq!(
        published["diagnostics"][0]["code"], "green/generic-claim",
        "{published:#}"
    );
    assert_eq!(client.shutdown_and_exit(), 0);

    let mut client = Client::start(dir.path());
    client.request(
        "initialize",
        json!({ "rootUri": root_uri, "capabilities": {}, "initializationOptions": { "packs": "green" } }),
    );
    client.notify("initialized", json!({}));
    let shown = client.wait_for(|m| m["method"] == "window/showMessage");
    assert_eq!(shown["params"]["type"], 2, "a warning: {shown}");
    assert!(
        shown["params"]["message"]
            .as_str()
            .unwrap()
            .contains("initializationOptions"),
        "{shown}"
    );
    // The bundled defaults still apply.
    open(&mut client, &uri, "markdown", page);
    assert_eq!(client.diagnostics(&uri)["diagnostics"], json!([]));
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn a_broken_config_is_shown_and_the_defaults_still_lint() {
    let dir = workspace();
    std::fs::write(dir.path().join("claimlint.yaml"), "select: [\n").expect("write config");
    let mut client = Client::start(dir.path());
    client.initialize(dir.path());
    let shown = client.wait_for(|m| m["method"] == "window/showMessage");
    assert_eq!(shown["params"]["type"], 1, "an error: {shown}");
    let uri = format!("{}/page.md", file_uri(&dir.path().join("copy")));
    open(&mut client, &uri, "markdown", PAGE);
    assert_eq!(
        client.diagnostics(&uri)["diagnostics"][0]["code"],
        "scarcity/while-supplies-last"
    );
    assert_eq!(client.shutdown_and_exit(), 0);
}

#[test]
fn documents_outside_the_project_or_oversize_get_no_findings() {
    let dir = workspace();
    std::fs::write(
        dir.path().join("claimlint.yaml"),
        "include: [\"copy/**\", \"legal/**\"]\nexclude: [\"legal/**\"]\nmax-file-size: 200\n",
    )
    .expect("write config");
    let mut client = Client::start(dir.path());
    client.initialize(dir.path());
    let root = file_uri(dir.path());

    let legal = format!("{root}/legal/terms.md");
    open(&mut client, &legal, "markdown", PAGE);
    assert_eq!(client.diagnostics(&legal)["diagnostics"], json!([]));

    let big = format!("{root}/copy/big.md");
    let text = format!("{PAGE}{}", "Plain words. ".repeat(20));
    open(&mut client, &big, "markdown", &text);
    assert_eq!(client.diagnostics(&big)["diagnostics"], json!([]));
    let log = client.wait_for(|m| m["method"] == "window/logMessage");
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap()
            .contains("max-file-size"),
        "{log}"
    );

    // Outside `include`: not part of the copy.
    let readme = format!("{root}/README.md");
    open(&mut client, &readme, "markdown", PAGE);
    assert_eq!(client.diagnostics(&readme)["diagnostics"], json!([]));

    // The same page, small enough and in the included folder, is checked; so
    // is an unsaved buffer, which globs cannot place.
    let page = format!("{root}/copy/page.md");
    open(&mut client, &page, "markdown", PAGE);
    assert_eq!(
        client.diagnostics(&page)["diagnostics"][0]["code"],
        "scarcity/while-supplies-last"
    );
    let untitled = "untitled:Untitled-1";
    open(&mut client, untitled, "markdown", PAGE);
    assert_eq!(
        client.diagnostics(untitled)["diagnostics"][0]["code"],
        "scarcity/while-supplies-last"
    );
    assert_eq!(client.shutdown_and_exit(), 0);
}
