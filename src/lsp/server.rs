//! The protocol loop: the handshake, dispatch of requests and
//! notifications, and diagnostics published a moment after the last edit.
//!
//! A bad frame, a request with bad parameters, an unknown method or a file
//! that vanished is answered (or logged) and the loop goes on; even a panic
//! in a handler is caught and answered as an internal error.

use std::collections::HashMap;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    InitializeParams, InitializeResult, LogMessageParams, MessageType, PublishDiagnosticsParams,
    Uri,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::position::Encoding;
use super::session::Session;
use super::transport::{Incoming, write_message};
use super::{actions, capabilities, complete, format, hover, navigate, publish, symbols};

/// How long after the last keystroke diagnostics are computed: edits made
/// in quick succession are checked once.
pub const DEBOUNCE: Duration = Duration::from_millis(80);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Uninitialized,
    Running,
    ShuttingDown,
}

pub struct Server {
    out: Box<dyn Write>,
    state: State,
    session: Session,
    /// When diagnostics are next due, if an edit is waiting for them.
    due: Option<Instant>,
    /// What each open file was last given, so that a file is sent its
    /// diagnostics only when they change.
    published: HashMap<Uri, Vec<lsp_types::Diagnostic>>,
}

/// Runs the server until `exit` or the end of its input; the process's exit
/// code: 0 after an orderly `shutdown`, else 1.
pub fn run(incoming: Receiver<Incoming>, out: Box<dyn Write>) -> u8 {
    let mut server = Server {
        out,
        state: State::Uninitialized,
        session: Session::new(),
        due: None,
        published: HashMap::new(),
    };
    loop {
        let next = match server.due {
            Some(due) => {
                match incoming.recv_timeout(due.saturating_duration_since(Instant::now())) {
                    Ok(message) => Some(message),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => break,
                }
            }
            None => match incoming.recv() {
                Ok(message) => Some(message),
                Err(_) => break,
            },
        };
        match next {
            None => {
                server.due = None;
                server.publish_all();
            }
            Some(Incoming::Malformed(why)) => server.log(&format!("skipped a bad message: {why}")),
            Some(Incoming::Message(Message::Request(request))) => server.request(request),
            Some(Incoming::Message(Message::Response(_))) => {} // we send no requests
            Some(Incoming::Message(Message::Notification(n))) if n.method == note::Exit::METHOD => {
                return if server.state == State::ShuttingDown {
                    0
                } else {
                    1
                };
            }
            Some(Incoming::Message(Message::Notification(n))) => server.notification(n),
        }
    }
    if server.state == State::ShuttingDown {
        0
    } else {
        1
    }
}

impl Server {
    fn send(&mut self, message: Message) {
        // A closed output means the client is gone; the input ends next.
        let _ = write_message(&mut *self.out, message);
    }

    fn notify(&mut self, method: &str, params: impl serde::Serialize) {
        self.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )));
    }

    fn log(&mut self, text: &str) {
        let params = LogMessageParams {
            typ: MessageType::WARNING,
            message: text.to_string(),
        };
        self.notify(note::LogMessage::METHOD, params);
    }

    fn reply(&mut self, id: RequestId, result: Result<Value, (ErrorCode, String)>) {
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(Message::Response(response));
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        let result = match (self.state, request.method.as_str()) {
            (State::Uninitialized, req::Initialize::METHOD) => self.initialize(request.params),
            (State::Uninitialized, _) => Err((
                ErrorCode::ServerNotInitialized,
                "the server is not initialized yet".to_string(),
            )),
            (State::Running, req::Initialize::METHOD) => Err((
                ErrorCode::InvalidRequest,
                "the server is already initialized".to_string(),
            )),
            (State::ShuttingDown, _) => Err((
                ErrorCode::InvalidRequest,
                "the server is shutting down".to_string(),
            )),
            (State::Running, req::Shutdown::METHOD) => {
                self.state = State::ShuttingDown;
                Ok(Value::Null)
            }
            (State::Running, method) => {
                let method = method.to_string();
                let session = &mut self.session;
                catch_unwind(AssertUnwindSafe(|| {
                    dispatch(session, &method, request.params)
                }))
                .unwrap_or_else(|_| Err((ErrorCode::InternalError, format!("{method} failed"))))
            }
        };
        self.reply(id, result);
    }

    fn initialize(&mut self, params: Value) -> Result<Value, (ErrorCode, String)> {
        let params: InitializeParams = parse(params)?;
        let general = params.capabilities.general.as_ref();
        self.session.encoding =
            Encoding::negotiate(general.and_then(|g| g.position_encodings.as_deref()));
        self.session.snippets = params
            .capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false);
        self.state = State::Running;
        let result = InitializeResult {
            capabilities: capabilities::server(self.session.encoding),
            server_info: Some(lsp_types::ServerInfo {
                name: "warrant".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        };
        Ok(serde_json::to_value(result).unwrap_or(Value::Null))
    }

    fn notification(&mut self, n: Notification) {
        if self.state != State::Running {
            return; // before `initialize` and after `shutdown`, only `exit` counts
        }
        let outcome = match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                parse(n.params).map(|p: lsp_types::DidOpenTextDocumentParams| {
                    if self
                        .session
                        .documents
                        .open(p.text_document.uri, p.text_document.text)
                    {
                        // A file that was missing may be imported now.
                        self.session.changed(None);
                        self.due = Some(Instant::now());
                    }
                })
            }
            note::DidChangeTextDocument::METHOD => {
                parse(n.params).map(|p: lsp_types::DidChangeTextDocumentParams| {
                    let encoding = self.session.encoding;
                    let uri = p.text_document.uri;
                    if self
                        .session
                        .documents
                        .change(&uri, p.content_changes, encoding)
                    {
                        let path = self.session.documents.get(&uri).map(|d| d.path.clone());
                        self.session.changed(path.as_deref());
                        self.session.edited = Some(uri);
                        self.due = Some(Instant::now() + DEBOUNCE);
                    }
                })
            }
            note::DidCloseTextDocument::METHOD => {
                parse(n.params).map(|p: lsp_types::DidCloseTextDocumentParams| {
                    self.session.close(&p.text_document.uri);
                    if self.published.remove(&p.text_document.uri).is_some() {
                        self.publish(p.text_document.uri, Vec::new());
                    }
                    // Files that import the closed one now read it from disk.
                    self.due = Some(Instant::now());
                })
            }
            // Saved or changed on disk: files not open read the disk.
            note::DidSaveTextDocument::METHOD | note::DidChangeWatchedFiles::METHOD => {
                self.session.changed(None);
                self.due = Some(Instant::now());
                Ok(())
            }
            _ => Ok(()), // `initialized`, `$/cancelRequest`, settings: nothing to do
        };
        if let Err((_, why)) = outcome {
            self.log(&format!("ignored {}: {why}", n.method));
        }
    }

    fn publish(&mut self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        };
        self.notify(note::PublishDiagnostics::METHOD, params);
    }

    /// Checks every open document's world and publishes its diagnostics,
    /// the document edited last first.
    fn publish_all(&mut self) {
        let mut uris: Vec<Uri> = self
            .session
            .documents
            .iter()
            .map(|(u, _)| u.clone())
            .collect();
        if let Some(at) = uris
            .iter()
            .position(|u| Some(u) == self.session.edited.as_ref())
        {
            let edited = uris.remove(at);
            uris.insert(0, edited);
        }
        for uri in uris {
            let session = &mut self.session;
            let found = catch_unwind(AssertUnwindSafe(|| {
                let world = session.world(&uri)?;
                let path = session.documents.get(&uri)?.path.clone();
                let file = world.file(&path)?;
                Some(publish::diagnostics_for(&world, file, session.encoding))
            }));
            let diagnostics = match found {
                Ok(d) => d.unwrap_or_default(),
                Err(_) => {
                    self.log(&format!("checking {} failed", uri.as_str()));
                    continue;
                }
            };
            if self.published.get(&uri) != Some(&diagnostics) {
                self.published.insert(uri.clone(), diagnostics.clone());
                self.publish(uri, diagnostics);
            }
        }
    }
}

/// Parses a message's parameters; bad ones are the client's error.
pub fn parse<P: DeserializeOwned>(params: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(params)
        .map_err(|e| (ErrorCode::InvalidParams, format!("bad parameters: {e}")))
}

fn reply<R: serde::Serialize>(result: R) -> Result<Value, (ErrorCode, String)> {
    Ok(serde_json::to_value(result).unwrap_or(Value::Null))
}

/// Answers a request of a running server.
fn dispatch(
    session: &mut Session,
    method: &str,
    params: Value,
) -> Result<Value, (ErrorCode, String)> {
    match method {
        req::HoverRequest::METHOD => reply(hover::hover(session, parse(params)?)),
        req::GotoDefinition::METHOD => reply(navigate::definition(session, parse(params)?)),
        req::References::METHOD => reply(navigate::references(session, parse(params)?)),
        req::Completion::METHOD => reply(complete::completion(session, parse(params)?)),
        req::DocumentSymbolRequest::METHOD => {
            reply(symbols::document_symbols(session, parse(params)?))
        }
        req::Formatting::METHOD => reply(format::formatting(session, parse(params)?)),
        req::CodeActionRequest::METHOD => reply(actions::code_actions(session, parse(params)?)),
        _ => Err((
            ErrorCode::MethodNotFound,
            format!("unknown method {method}"),
        )),
    }
}
