//! `claimlint lsp`: a language server on stdin/stdout, so editors show
//! findings as the copy is written.
//!
//! Synchronous on purpose: one thread reads messages (`lsp-server`'s), this
//! loop handles them in order. Linting a page of copy takes well under a
//! millisecond, so there is nothing to gain from an async runtime.
//!
//! - Documents are kept in memory and edited incrementally; positions on the
//!   wire are UTF-16 code units ([`Utf16Lines`] converts from byte offsets).
//! - Changes are debounced: a document is linted once typing has paused for
//!   [`QUIET`] (or at least every [`MAX_DELAY`] while it goes on), so a burst
//!   of `didChange` costs one lint of the latest text. Opening lints at once.
//! - The config is discovered from the workspace root, as `claimlint check`
//!   discovers it from the current folder, and reloaded when it changes.
//! - Hover shows a finding's help and citations; a code action inserts a
//!   `claimlint-disable-next-line` comment and, where the client lets the
//!   server move the cursor (`window/showDocument`), places it for the reason.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CodeDescription, Command, Diagnostic as LspDiagnostic, DiagnosticRelatedInformation,
    DiagnosticSeverity, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, ExecuteCommandOptions,
    ExecuteCommandParams, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeParams, Location, LogMessageParams, MarkupContent, MarkupKind, MessageType,
    NumberOrString, Position, PositionEncodingKind, PublishDiagnosticsParams, Range, SaveOptions,
    ServerCapabilities, ShowDocumentParams, ShowMessageParams, TextDocumentContentChangeEvent,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::{Value, json};

use crate::app::{self, CheckOptions, Session};
use crate::config::{CONFIG_NAMES, Config, relative_to};
use crate::date::Date;
use crate::diagnostic::{Category, Diagnostic, Severity};
use crate::error::Error;
use crate::source::{Kind, ProseBuilder, split_front_matter};

/// How long typing must pause before a changed document is linted.
pub const QUIET: Duration = Duration::from_millis(150);
/// The longest a changed document waits while changes keep coming.
pub const MAX_DELAY: Duration = Duration::from_millis(1000);
/// How often the config file's modification time is looked at.
const CONFIG_POLL: Duration = Duration::from_secs(1);
/// The command a suppression code action runs to put the cursor on the reason.
const PLACE_CURSOR: &str = "claimlint.placeCursor";

/// Runs the server until the client says `exit` or closes stdin.
pub fn run(options: CheckOptions) -> Result<ExitCode, Error> {
    let (connection, io_threads) = Connection::stdio();
    let outcome = serve(&connection, options);
    // Dropping the sender lets the writer thread finish what is queued.
    drop(connection);
    match outcome {
        Ok(code) => {
            let _ = io_threads.join();
            Ok(code)
        }
        Err(message) => {
            eprintln!("claimlint lsp: {message}");
            Ok(ExitCode::from(1))
        }
    }
}

/// Waits for `initialize`, then runs the message loop.
fn serve(connection: &Connection, options: CheckOptions) -> Result<ExitCode, String> {
    let (id, params) = loop {
        let message = connection
            .receiver
            .recv()
            .map_err(|_| "the client closed the connection before initialize".to_string())?;
        match message {
            Message::Request(req) if req.method == "initialize" => {
                match serde_json::from_value::<InitializeParams>(req.params) {
                    Ok(params) => break (req.id, params),
                    Err(e) => send(
                        connection,
                        Response::new_err(
                            req.id,
                            ErrorCode::InvalidParams as i32,
                            format!("initialize: {e}"),
                        ),
                    ),
                }
            }
            Message::Request(req) => send(
                connection,
                Response::new_err(
                    req.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "the server is not initialized yet".to_string(),
                ),
            ),
            Message::Notification(n) if n.method == "exit" => return Ok(ExitCode::from(1)),
            _ => {}
        }
    };
    let mut server = Server::new(connection, options, &params);
    send(
        connection,
        Response::new_ok(
            id,
            json!({
                "capabilities": server.capabilities(),
                "serverInfo": { "name": "claimlint", "version": env!("CARGO_PKG_VERSION") },
            }),
        ),
    );
    if let Some(message) = server.init_warning.take() {
        server.notify(
            "window/showMessage",
            ShowMessageParams {
                typ: MessageType::WARNING,
                message,
            },
        );
    }
    server.load_session(true);
    server.register_watchers(&params);
    server.main_loop()
}

fn send(connection: &Connection, message: impl Into<Message>) {
    // A send fails only when the writer thread has gone (stdout closed); the
    // loop notices the closed connection on its next receive.
    let _ = connection.sender.send(message.into());
}

/// An open document.
struct Document {
    text: String,
    version: i32,
    /// How to read it; `None` for files claimlint does not lint.
    kind: Option<Kind>,
    /// The file path (used for config globs), or a stand-in for unsaved buffers.
    path: PathBuf,
    /// A `file:` document, as opposed to an unsaved buffer.
    saved: bool,
    /// The active findings of the last lint, with byte spans into `text`.
    findings: Vec<Diagnostic>,
}

/// Options an editor may pass as `initializationOptions`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
struct InitOptions {
    config: Option<PathBuf>,
    packs: Vec<String>,
    jurisdiction: Option<crate::rules::Jurisdiction>,
}

struct Server<'c> {
    connection: &'c Connection,
    options: CheckOptions,
    root: Option<PathBuf>,
    session: Option<Session>,
    /// The config file and its modification time when the session was built,
    /// and the day it was built for.
    stamp: (Option<(PathBuf, Option<SystemTime>)>, Date),
    last_poll: Instant,
    /// The last config error shown, so a broken file is reported once.
    shown_error: Option<String>,
    /// Why the client's initializationOptions were not used, to show once.
    init_warning: Option<String>,
    docs: HashMap<Uri, Document>,
    /// Documents changed since their last lint, oldest first.
    pending: Vec<Uri>,
    first_change: Option<Instant>,
    last_change: Instant,
    show_document: bool,
    shutdown: bool,
    next_request: i32,
    builder: ProseBuilder,
}

impl<'c> Server<'c> {
    fn new(
        connection: &'c Connection,
        mut options: CheckOptions,
        params: &InitializeParams,
    ) -> Self {
        let mut init_warning = None;
        let init = params
            .initialization_options
            .clone()
            .filter(|v| !v.is_null())
            .map(serde_json::from_value::<InitOptions>);
        match init {
            Some(Ok(init)) => {
                options.config = options.config.or(init.config);
                options.packs.extend(init.packs);
                options.jurisdiction = options.jurisdiction.or(init.jurisdiction);
            }
            Some(Err(e)) => {
                init_warning = Some(format!(
                    "claimlint: initializationOptions ignored ({e}); expected \
                     {{\"config\": path, \"packs\": [names], \"jurisdiction\": \"us\"|\"eu\"|\"uk\"}}"
                ));
            }
            None => {}
        }
        let show_document = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.show_document.as_ref())
            .is_some_and(|s| s.support);
        Server {
            connection,
            options,
            root: workspace_root(params),
            session: None,
            stamp: (None, Date::today_utc()),
            last_poll: Instant::now(),
            shown_error: None,
            init_warning,
            docs: HashMap::new(),
            pending: Vec::new(),
            first_change: None,
            last_change: Instant::now(),
            show_document,
            shutdown: false,
            next_request: 0,
            builder: ProseBuilder::new(),
        }
    }

    fn capabilities(&self) -> ServerCapabilities {
        ServerCapabilities {
            position_encoding: Some(PositionEncodingKind::UTF16),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                ..CodeActionOptions::default()
            })),
            execute_command_provider: self.show_document.then(|| ExecuteCommandOptions {
                commands: vec![PLACE_CURSOR.to_string()],
                ..ExecuteCommandOptions::default()
            }),
            ..ServerCapabilities::default()
        }
    }

    /// Asks the client to tell us when a config file changes, if it can.
    fn register_watchers(&mut self, params: &InitializeParams) {
        let dynamic = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        if !dynamic {
            return;
        }
        let watchers: Vec<Value> = CONFIG_NAMES
            .iter()
            .map(|name| json!({ "globPattern": format!("**/{name}") }))
            .collect();
        self.request(
            "client/registerCapability",
            json!({ "registrations": [{
                "id": "claimlint-config",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": { "watchers": watchers },
            }]}),
        );
    }

    fn request(&mut self, method: &str, params: Value) {
        self.next_request += 1;
        let id = RequestId::from(format!("claimlint-{}", self.next_request));
        send(
            self.connection,
            Request::new(id, method.to_string(), params),
        );
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        send(
            self.connection,
            Notification::new(method.to_string(), params),
        );
    }

    fn main_loop(&mut self) -> Result<ExitCode, String> {
        loop {
            let received = match self.deadline() {
                None => self.connection.receiver.recv().map_err(|_| false),
                Some(deadline) => self
                    .connection
                    .receiver
                    .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                    .map_err(|e| e.is_timeout()),
            };
            let message = match received {
                Ok(message) => message,
                Err(true) => {
                    self.flush();
                    continue;
                }
                // stdin closed without `exit`: stop, as `exit` would.
                Err(false) => return Ok(self.exit_code()),
            };
            match message {
                Message::Request(req) => self.on_request(req),
                Message::Notification(n) if n.method == "exit" => return Ok(self.exit_code()),
                Message::Notification(n) => self.on_notification(n),
                // Answers to our own requests (registerCapability, showDocument).
                Message::Response(_) => {}
            }
        }
    }

    fn exit_code(&self) -> ExitCode {
        if self.shutdown {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        }
    }

    /// When the pending documents are due, if any are pending.
    fn deadline(&self) -> Option<Instant> {
        let first = self.first_change?;
        Some((self.last_change + QUIET).min(first + MAX_DELAY))
    }

    fn on_request(&mut self, req: Request) {
        if self.shutdown {
            return self.respond_err(
                req.id,
                ErrorCode::InvalidRequest,
                "the server is shutting down".to_string(),
            );
        }
        let id = req.id.clone();
        let result = match req.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "initialize" => {
                return self.respond_err(
                    id,
                    ErrorCode::InvalidRequest,
                    "the server is already initialized".to_string(),
                );
            }
            "textDocument/hover" => parse::<HoverParams>(req.params).map(|p| self.hover(p)),
            "textDocument/codeAction" => {
                parse::<CodeActionParams>(req.params).map(|p| self.code_actions(p))
            }
            "workspace/executeCommand" => {
                parse::<ExecuteCommandParams>(req.params).and_then(|p| self.execute(p))
            }
            method => {
                return self.respond_err(
                    id,
                    ErrorCode::MethodNotFound,
                    format!("claimlint does not handle `{method}`"),
                );
            }
        };
        match result {
            Ok(value) => send(self.connection, Response::new_ok(id, value)),
            Err(message) => self.respond_err(id, ErrorCode::InvalidParams, message),
        }
    }

    fn respond_err(&self, id: RequestId, code: ErrorCode, message: String) {
        send(self.connection, Response::new_err(id, code as i32, message));
    }

    fn on_notification(&mut self, n: Notification) {
        // Bad parameters in a notification cannot be answered; they are skipped.
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(p) = parse::<DidOpenTextDocumentParams>(n.params) {
                    self.did_open(p);
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = parse::<DidChangeTextDocumentParams>(n.params) {
                    self.did_change(p);
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = parse::<DidCloseTextDocumentParams>(n.params) {
                    self.pending.retain(|u| *u != p.text_document.uri);
                    if self.docs.remove(&p.text_document.uri).is_some() {
                        self.publish(&p.text_document.uri, Vec::new(), None);
                    }
                }
            }
            "textDocument/didSave" => {
                if let Ok(p) = parse::<DidSaveTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri.as_str();
                    let is_yaml = uri.ends_with(".yaml") || uri.ends_with(".yml");
                    if is_yaml {
                        self.reload();
                    }
                }
            }
            "workspace/didChangeWatchedFiles" => self.reload(),
            _ => {}
        }
    }

    fn did_open(&mut self, p: DidOpenTextDocumentParams) {
        let doc = p.text_document;
        let path = file_path(&doc.uri);
        let kind = self.kind_for(&doc.language_id, &path);
        self.docs.insert(
            doc.uri.clone(),
            Document {
                text: doc.text,
                version: doc.version,
                kind,
                path,
                saved: path_of_file_uri(&doc.uri).is_some(),
                findings: Vec::new(),
            },
        );
        self.pending.retain(|u| *u != doc.uri);
        self.lint(&doc.uri);
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) {
        let uri = p.text_document.uri;
        let Some(doc) = self.docs.get_mut(&uri) else {
            return;
        };
        for change in p.content_changes {
            apply_change(&mut doc.text, change);
        }
        doc.version = p.text_document.version;
        let now = Instant::now();
        self.last_change = now;
        self.first_change.get_or_insert(now);
        if !self.pending.contains(&uri) {
            self.pending.push(uri);
        }
    }

    /// Lints every pending document.
    fn flush(&mut self) {
        self.first_change = None;
        for uri in std::mem::take(&mut self.pending) {
            self.lint(&uri);
        }
    }

    /// Lints `uri` now if it has changes not yet linted (before a hover or code action).
    fn catch_up(&mut self, uri: &Uri) {
        if let Some(i) = self.pending.iter().position(|u| u == uri) {
            self.pending.remove(i);
            if self.pending.is_empty() {
                self.first_change = None;
            }
            self.lint(uri);
        }
    }

    /// Lints one document and publishes its diagnostics.
    fn lint(&mut self, uri: &Uri) {
        self.poll_config();
        let Some(session) = &self.session else { return };
        let Some(doc) = self.docs.get_mut(uri) else {
            return;
        };
        // A file `claimlint check` would not visit when walking the project
        // (excluded, or outside `include`) gets no findings; unsaved buffers
        // have no place in the project and are always checked.
        let walk = &session.walk;
        let excluded = doc.saved && {
            let rel = relative_to(&doc.path, &walk.root);
            walk.exclude.as_ref().is_some_and(|set| set.is_match(&rel))
                || walk.include.as_ref().is_some_and(|set| !set.is_match(&rel))
        };
        // As `claimlint check` skips such files, with a note.
        let too_big = doc.text.len() as u64 > session.max_file_size;
        if too_big && doc.kind.is_some() {
            let message = format!(
                "claimlint: {} not checked: {} bytes is over max-file-size ({} bytes)",
                crate::walk::display_path(&doc.path),
                doc.text.len(),
                session.max_file_size
            );
            send(
                self.connection,
                Notification::new(
                    "window/logMessage".to_string(),
                    LogMessageParams {
                        typ: MessageType::WARNING,
                        message,
                    },
                ),
            );
        }
        let findings = match doc.kind {
            Some(kind) if !excluded && !too_big => {
                let display = crate::walk::display_path(&doc.path);
                let builder = &mut self.builder;
                let linted = catch_unwind(AssertUnwindSafe(|| {
                    session
                        .linter
                        .lint(&doc.path, &display, &doc.text, kind, builder)
                }));
                match linted {
                    Ok(found) => found,
                    Err(_) => {
                        // Keep serving; the panic message is already on stderr.
                        self.builder = ProseBuilder::new();
                        Vec::new()
                    }
                }
            }
            _ => Vec::new(),
        };
        doc.findings = findings
            .into_iter()
            .filter(|d| d.suppressed.is_none())
            .collect();
        let lines = Utf16Lines::new(&doc.text);
        let diagnostics = doc
            .findings
            .iter()
            .map(|d| to_lsp(d, session, &lines, uri))
            .collect();
        let version = Some(doc.version);
        self.publish(uri, diagnostics, version);
    }

    fn publish(&self, uri: &Uri, diagnostics: Vec<LspDiagnostic>, version: Option<i32>) {
        self.notify(
            "textDocument/publishDiagnostics",
            PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics,
                version,
            },
        );
    }

    fn kind_for(&self, language_id: &str, path: &Path) -> Option<Kind> {
        match language_id.to_ascii_lowercase().as_str() {
            "markdown" | "mdx" | "markdown.mdx" => Some(Kind::Markdown),
            "html" => Some(Kind::Html),
            "plaintext" | "text" | "txt" => Some(Kind::Text),
            _ => {
                let ext = path
                    .extension()
                    .map(|e| e.to_string_lossy().to_ascii_lowercase())?;
                let wanted = match &self.session {
                    Some(s) => s
                        .walk
                        .extensions
                        .iter()
                        .any(|x| x.eq_ignore_ascii_case(&ext)),
                    None => crate::config::DEFAULT_EXTENSIONS.contains(&ext.as_str()),
                };
                wanted.then(|| Kind::of(path))
            }
        }
    }

    /// The config file the session should use now, and its modification time.
    fn config_stamp(&self) -> Option<(PathBuf, Option<SystemTime>)> {
        if self.options.isolated {
            return None;
        }
        let path = match &self.options.config {
            Some(p) => Some(p.clone()),
            None => {
                let start = match &self.root {
                    Some(root) => root.clone(),
                    None => std::env::current_dir().ok()?,
                };
                Config::discover(&start)
            }
        }?;
        let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        Some((path, modified))
    }

    /// (Re)builds the session from the config. On error the previous session
    /// stays in use (or the bundled defaults at start-up) and the error is shown.
    fn load_session(&mut self, first: bool) {
        let stamp = self.config_stamp();
        let mut options = self.options.clone();
        match &stamp {
            Some((path, _)) => options.config = Some(path.clone()),
            // No config upward of the workspace root: the bundled defaults,
            // whatever the server's own working folder holds.
            None => options.isolated = true,
        }
        let today = Date::today_utc();
        self.stamp = (stamp, today);
        match app::session(&options) {
            Ok(session) => {
                self.session = Some(session);
                self.shown_error = None;
            }
            Err(e) => {
                let message = format!("claimlint: the config could not be used: {e}");
                if self.shown_error.as_ref() != Some(&message) {
                    self.notify(
                        "window/showMessage",
                        ShowMessageParams {
                            typ: MessageType::ERROR,
                            message: message.clone(),
                        },
                    );
                    self.shown_error = Some(message);
                }
                if first || self.session.is_none() {
                    options.isolated = true;
                    options.config = None;
                    self.session = app::session(&options).ok();
                }
            }
        }
    }

    /// Reloads the config if it was added, removed or modified, or the day changed.
    fn poll_config(&mut self) {
        if self.last_poll.elapsed() < CONFIG_POLL && self.session.is_some() {
            return;
        }
        self.last_poll = Instant::now();
        let date_changed = self.options.today.is_none() && Date::today_utc() != self.stamp.1;
        if date_changed || self.config_stamp() != self.stamp.0 {
            self.reload_and_mark();
        }
    }

    /// Rebuilds the session and lints every open document again.
    fn reload(&mut self) {
        self.reload_and_mark();
        self.flush();
    }

    fn reload_and_mark(&mut self) {
        self.load_session(false);
        self.last_poll = Instant::now();
        // The config may add extensions, so each document's kind is looked at again.
        let uris: Vec<(Uri, Option<Kind>)> = self
            .docs
            .iter()
            .map(|(uri, doc)| (uri.clone(), doc.kind))
            .collect();
        for (uri, kind) in uris {
            if kind.is_none() {
                let path = self.docs[&uri].path.clone();
                let kind = self.kind_for("", &path);
                if let Some(doc) = self.docs.get_mut(&uri) {
                    doc.kind = kind;
                }
            }
            if !self.pending.contains(&uri) {
                self.pending.push(uri);
            }
        }
        if !self.pending.is_empty() {
            self.first_change.get_or_insert_with(Instant::now);
        }
    }

    fn findings_at(&mut self, uri: &Uri, range: Range) -> Vec<Diagnostic> {
        self.catch_up(uri);
        let Some(doc) = self.docs.get(uri) else {
            return Vec::new();
        };
        let lines = Utf16Lines::new(&doc.text);
        let (start, end) = (lines.offset(range.start), lines.offset(range.end));
        doc.findings
            .iter()
            .filter(|d| d.span.start <= end && start <= d.span.end)
            .cloned()
            .collect()
    }

    fn hover(&mut self, p: HoverParams) -> Value {
        let at = p.text_document_position_params;
        let point = Range::new(at.position, at.position);
        let found = self.findings_at(&at.text_document.uri, point);
        let (Some(first), Some(doc), Some(session)) = (
            found.first(),
            self.docs.get(&at.text_document.uri),
            &self.session,
        ) else {
            return Value::Null;
        };
        let lines = Utf16Lines::new(&doc.text);
        let text = found
            .iter()
            .map(|d| hover_text(d, session))
            .collect::<Vec<_>>()
            .join("\n\n---\n\n");
        let hover = Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: Some(lines.range(first.span.clone())),
        };
        serde_json::to_value(hover).unwrap_or(Value::Null)
    }

    // lsp-types' `Uri` hashes its text, which never changes once parsed.
    #[allow(clippy::mutable_key_type)]
    fn code_actions(&mut self, p: CodeActionParams) -> Value {
        let uri = p.text_document.uri;
        let found = self.findings_at(&uri, p.range);
        let (Some(doc), Some(session)) = (self.docs.get(&uri), &self.session) else {
            return json!([]);
        };
        let lines = Utf16Lines::new(&doc.text);
        let front_matter_end = match doc.kind {
            Some(Kind::Markdown | Kind::Text) => {
                split_front_matter(&doc.text).map_or(0, |f| f.span.end)
            }
            _ => 0,
        };
        let mut actions: Vec<CodeAction> = Vec::new();
        let mut seen: Vec<(String, u32)> = Vec::new();
        for d in &found {
            // Meta findings (a suppression without a reason, bad front matter) are
            // fixed, not suppressed; nothing can be inserted inside front matter.
            if d.category == Category::Meta || d.span.start < front_matter_end {
                continue;
            }
            let line = lines.position(d.span.start).line;
            if seen.contains(&(d.rule.to_string(), line)) {
                continue;
            }
            seen.push((d.rule.to_string(), line));
            let (edit, cursor) = suppression_edit(&doc.text, &lines, line, &d.rule);
            let mut changes = HashMap::new();
            changes.insert(uri.clone(), vec![edit]);
            actions.push(CodeAction {
                title: format!("Suppress {} on the next line", d.rule),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![to_lsp(d, session, &lines, &uri)]),
                edit: Some(WorkspaceEdit {
                    changes: Some(changes),
                    ..WorkspaceEdit::default()
                }),
                command: self.show_document.then(|| Command {
                    title: "Place the cursor for the reason".to_string(),
                    command: PLACE_CURSOR.to_string(),
                    arguments: Some(vec![json!(uri), json!(cursor)]),
                }),
                ..CodeAction::default()
            });
        }
        serde_json::to_value(actions).unwrap_or_else(|_| json!([]))
    }

    fn execute(&mut self, p: ExecuteCommandParams) -> Result<Value, String> {
        if p.command != PLACE_CURSOR {
            return Err(format!("unknown command `{}`", p.command));
        }
        let [uri, position] = p.arguments.as_slice() else {
            return Err(format!("{PLACE_CURSOR} takes a document and a position"));
        };
        let uri: Uri = serde_json::from_value(uri.clone()).map_err(|e| e.to_string())?;
        let position: Position =
            serde_json::from_value(position.clone()).map_err(|e| e.to_string())?;
        let params = ShowDocumentParams {
            uri,
            external: Some(false),
            take_focus: Some(true),
            selection: Some(Range::new(position, position)),
        };
        let params = serde_json::to_value(params).map_err(|e| e.to_string())?;
        self.request("window/showDocument", params);
        Ok(Value::Null)
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, String> {
    serde_json::from_value(params).map_err(|e| format!("invalid parameters: {e}"))
}

/// The workspace folder config is discovered from: the first workspace folder,
/// else `rootUri`, else `rootPath`.
fn workspace_root(params: &InitializeParams) -> Option<PathBuf> {
    #[allow(deprecated)]
    let root_uri = params.root_uri.as_ref();
    #[allow(deprecated)]
    let root_path = params.root_path.as_ref();
    params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(root_uri)
        .and_then(path_of_file_uri)
        .or_else(|| root_path.map(PathBuf::from))
}

/// The file behind a URI; unsaved buffers get their last path segment (so an
/// `untitled:notes.md` still reads as Markdown).
fn file_path(uri: &Uri) -> PathBuf {
    path_of_file_uri(uri).unwrap_or_else(|| {
        let s = uri.as_str();
        let s = s.split(['?', '#']).next().unwrap_or_default();
        let name = s.rsplit(['/', ':']).next().unwrap_or_default();
        PathBuf::from(if name.is_empty() { "untitled" } else { name })
    })
}

/// The local path of a `file:` URI, percent-decoded (`file:///C:/x` is `C:/x`).
fn path_of_file_uri(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let scheme_end = s.find(':')?;
    if !s[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = &s[scheme_end + 1..];
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    // Skip the authority (`//host`); a local file has none or `localhost`.
    let path = match rest.strip_prefix("//") {
        Some(after) => &after[after.find('/')?..],
        None => rest,
    };
    let decoded = percent_decode(path)?;
    let bytes = decoded.as_bytes();
    let is_drive =
        bytes.len() >= 3 && bytes[0] == b'/' && bytes[1].is_ascii_alphabetic() && bytes[2] == b':';
    Some(PathBuf::from(if is_drive {
        &decoded[1..]
    } else {
        &decoded[..]
    }))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Applies one `didChange` content change to the in-memory text.
fn apply_change(text: &mut String, change: TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let lines = Utf16Lines::new(text);
            let start = lines.offset(range.start);
            let end = lines.offset(range.end).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

/// A claimlint finding as an LSP diagnostic.
fn to_lsp(d: &Diagnostic, session: &Session, lines: &Utf16Lines<'_>, uri: &Uri) -> LspDiagnostic {
    let severity = match d.severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    };
    let href = rule_of(session, &d.rule)
        .map_or(&d.references[..], |r| &r.references[..])
        .iter()
        .find(|r| r.starts_with("https://") || r.starts_with("http://"))
        .and_then(|r| r.parse::<Uri>().ok());
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), lines.range(l.span.clone())),
            message: l.text.clone(),
        })
        .collect();
    LspDiagnostic {
        range: lines.range(d.span.clone()),
        severity: Some(severity),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some("claimlint".to_string()),
        message: d.message.to_string(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(json!(&*d.rule)),
    }
}

fn rule_of<'s>(session: &'s Session, id: &str) -> Option<&'s crate::rules::Rule> {
    session.linter.engine.rules().iter().find(|r| r.id == id)
}

/// Hover text for a finding: what, how to fix it, why, and the citations.
fn hover_text(d: &Diagnostic, session: &Session) -> String {
    let mut text = format!(
        "**{}** · `{}` · {}\n\n{}\n\n**How to fix it:** {}",
        d.category, d.rule, d.severity, d.message, d.help
    );
    if let Some(description) = rule_of(session, &d.rule)
        .map(|r| r.description.trim())
        .filter(|s| !s.is_empty())
    {
        text.push_str(&format!("\n\n**Why it matters:** {description}"));
    }
    for label in &d.labels {
        text.push_str(&format!("\n\n*Related:* {}", label.text));
    }
    if !d.references.is_empty() {
        text.push_str("\n\n**References:**");
        for r in d.references.iter() {
            if r.starts_with("https://") || r.starts_with("http://") {
                text.push_str(&format!("\n- <{r}>"));
            } else {
                text.push_str(&format!("\n- {r}"));
            }
        }
    }
    text.push_str(&format!(
        "\n\nRun `claimlint explain {}` for examples.",
        d.rule
    ));
    text
}

/// The edit that inserts a `disable-next-line` comment above 0-based `line`,
/// indented like it, and where the reason goes in the edited document.
fn suppression_edit(
    text: &str,
    lines: &Utf16Lines<'_>,
    line: u32,
    rule: &str,
) -> (TextEdit, Position) {
    let start = lines.line_start(line);
    let rest = &text[start..];
    let indent: String = rest
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let eol = if rest.split('\n').next().is_some_and(|l| l.ends_with('\r')) {
        "\r\n"
    } else {
        "\n"
    };
    let before_reason = format!("{indent}<!-- claimlint-disable-next-line {rule} -- ");
    let at = Position::new(line, 0);
    let edit = TextEdit::new(Range::new(at, at), format!("{before_reason}-->{eol}"));
    let cursor = Position::new(line, utf16_len(&before_reason));
    (edit, cursor)
}

fn utf16_len(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

/// Converts between byte offsets and LSP positions (0-based line, UTF-16
/// code units). Lines end at `\n`, `\r\n` or a lone `\r`, as the protocol says.
pub struct Utf16Lines<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> Utf16Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, b) in bytes.iter().enumerate() {
            match b {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
        }
        Utf16Lines { text, starts }
    }

    /// The position of byte `offset` (clamped to the text; an offset inside a
    /// character counts as that character's start).
    pub fn position(&self, offset: usize) -> Position {
        let offset = crate::diagnostic::floor_char_boundary(self.text, offset);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        Position::new(line as u32, utf16_len(&self.text[start..offset]))
    }

    pub fn range(&self, span: std::ops::Range<usize>) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a position. A character past the end of its line
    /// means the line's end; a line past the last means the end of the text;
    /// a position inside a surrogate pair means the start of that character.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len();
        };
        let end = self.content_end(position.line as usize);
        let mut units = 0u32;
        for (i, c) in self.text[start..end].char_indices() {
            let next = units + c.len_utf16() as u32;
            if next > position.character {
                return start + i;
            }
            units = next;
        }
        end
    }

    /// The byte offset where 0-based `line` starts (the text's end past the last line).
    pub fn line_start(&self, line: u32) -> usize {
        self.starts
            .get(line as usize)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// Where a line's content ends: before its line break.
    fn content_end(&self, line: usize) -> usize {
        let next = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let content = &self.text[self.starts[line]..next];
        let trimmed = content
            .strip_suffix("\r\n")
            .or_else(|| content.strip_suffix('\n'))
            .or_else(|| content.strip_suffix('\r'))
            .unwrap_or(content);
        self.starts[line] + trimmed.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units() {
        // é is 2 bytes and 1 unit; 😀 is 4 bytes and 2 units (a surrogate pair).
        let text = "é 😀 while supplies last\nnext";
        let lines = Utf16Lines::new(text);
        let at = text.find("while").unwrap();
        assert_eq!(at, 8);
        assert_eq!(lines.position(at), Position::new(0, 5));
        assert_eq!(lines.offset(Position::new(0, 5)), at);
        let end = at + "while supplies last".len();
        assert_eq!(lines.position(end), Position::new(0, 24));
        assert_eq!(lines.position(text.len()), Position::new(1, 4));
    }

    #[test]
    fn offsets_round_trip_on_every_character() {
        let text = "a\u{e9}\u{1f600}b\r\n\u{4e2d}\u{1f468}\u{200d}\u{1f469}\rz\n";
        let lines = Utf16Lines::new(text);
        for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let p = lines.position(i);
            let back = lines.offset(p);
            // A break's \r\n counts as one place: the \n maps back to the \r.
            let expected = if text[..i].ends_with('\r') && text[i..].starts_with('\n') {
                i - 1
            } else {
                i
            };
            assert_eq!(back, expected, "offset {i} -> {p:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn positions_round_trip_on_any_text(text in "(?s)[a\r\n é中😀\u{200d}]{0,40}") {
            let lines = Utf16Lines::new(&text);
            for (i, _) in text.char_indices().chain([(text.len(), ' ')]) {
                let p = lines.position(i);
                let inside_crlf = text[..i].ends_with('\r') && text[i..].starts_with('\n');
                let expected = if inside_crlf { i - 1 } else { i };
                proptest::prop_assert_eq!(lines.offset(p), expected);
                // The column is the UTF-16 length of the line up to the offset.
                let start = lines.line_start(p.line);
                proptest::prop_assert_eq!(p.character, utf16_len(&text[start..i]));
            }
        }
    }

    #[test]
    fn line_breaks_of_every_kind() {
        let text = "a\r\nb\rc\nd";
        let lines = Utf16Lines::new(text);
        assert_eq!(lines.position(text.find('b').unwrap()), Position::new(1, 0));
        assert_eq!(lines.position(text.find('c').unwrap()), Position::new(2, 0));
        assert_eq!(lines.position(text.find('d').unwrap()), Position::new(3, 0));
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "ab\r\ncd";
        let lines = Utf16Lines::new(text);
        assert_eq!(lines.offset(Position::new(0, 99)), 2);
        assert_eq!(lines.offset(Position::new(7, 0)), text.len());
        // Inside the surrogate pair of an emoji: the emoji's start.
        let text = "x😀y";
        let lines = Utf16Lines::new(text);
        assert_eq!(lines.offset(Position::new(0, 2)), 1);
        assert_eq!(lines.offset(Position::new(0, 3)), 5);
        // A byte offset inside a character: that character.
        assert_eq!(lines.position(2), Position::new(0, 1));
    }

    #[test]
    fn incremental_changes_apply_at_utf16_positions() {
        let mut text = "é 😀 hurry\nsecond".to_string();
        let change = |range: Option<Range>, new: &str| TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: new.to_string(),
        };
        // Replace "hurry" (units 5..10 on line 0).
        apply_change(
            &mut text,
            change(
                Some(Range::new(Position::new(0, 5), Position::new(0, 10))),
                "while supplies last",
            ),
        );
        assert_eq!(text, "é 😀 while supplies last\nsecond");
        // Insert at the very end, then delete across the line break.
        apply_change(
            &mut text,
            change(
                Some(Range::new(Position::new(1, 6), Position::new(1, 6))),
                "!",
            ),
        );
        apply_change(
            &mut text,
            change(
                Some(Range::new(Position::new(0, 24), Position::new(1, 0))),
                " ",
            ),
        );
        assert_eq!(text, "é 😀 while supplies last second!");
        apply_change(&mut text, change(None, "new"));
        assert_eq!(text, "new");
    }

    #[test]
    fn suppression_goes_above_the_line_with_its_indent() {
        let text = "intro\r\n  - é while supplies last\r\n";
        let lines = Utf16Lines::new(text);
        let (edit, cursor) = suppression_edit(text, &lines, 1, "scarcity/while-supplies-last");
        assert_eq!(
            edit.range,
            Range::new(Position::new(1, 0), Position::new(1, 0))
        );
        assert_eq!(
            edit.new_text,
            "  <!-- claimlint-disable-next-line scarcity/while-supplies-last -- -->\r\n"
        );
        let prefix = "  <!-- claimlint-disable-next-line scarcity/while-supplies-last -- ";
        assert_eq!(cursor, Position::new(1, prefix.len() as u32));
    }

    #[test]
    fn documents_are_read_by_language_or_extension() {
        let uri = |s: &str| s.parse::<Uri>().unwrap();
        assert_eq!(
            file_path(&uri("untitled:notes.md")),
            PathBuf::from("notes.md")
        );
        assert_eq!(
            file_path(&uri("untitled:Untitled-1")),
            PathBuf::from("Untitled-1")
        );
        assert_eq!(
            file_path(&uri("file:///tmp/a%20b/caf%C3%A9.html")),
            PathBuf::from("/tmp/a b/café.html")
        );
        assert_eq!(
            file_path(&uri("file://localhost/srv/x.md")),
            PathBuf::from("/srv/x.md")
        );
        assert_eq!(
            file_path(&uri("file:///C:/copy/x.md")),
            PathBuf::from("C:/copy/x.md")
        );
    }
}
