//! The wire: `Content-Length` framed JSON-RPC messages on stdin and stdout.
//!
//! `lsp-server`'s own stdio transport stops reading at the first malformed
//! frame, which would end the server; this reader reports a bad frame and
//! goes on with the next one instead.

use std::io::{self, BufRead, Write};
use std::sync::mpsc;

use lsp_server::Message;

/// What the reader hands the server.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A frame that could not be read as a message: why, for the log.
    Malformed(String),
}

/// Larger frames are refused (and skipped) rather than allocated.
const MAX_FRAME: usize = 256 << 20;

/// Starts a thread that reads frames from stdin until it closes; the
/// receiver then disconnects.
pub fn stdin_reader() -> mpsc::Receiver<Incoming> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let stdin = io::stdin();
        read_frames(&mut stdin.lock(), &sender);
    });
    receiver
}

/// Reads frames until the input ends or nobody listens.
pub fn read_frames(input: &mut impl BufRead, sender: &mpsc::Sender<Incoming>) {
    loop {
        let incoming = match read_frame(input) {
            Ok(Some(body)) => match serde_json::from_slice::<Message>(&body) {
                Ok(message) => Incoming::Message(message),
                Err(e) => Incoming::Malformed(format!("not a JSON-RPC message: {e}")),
            },
            Ok(None) => return,
            Err(Frame::Bad(why)) => Incoming::Malformed(why),
            Err(Frame::Closed) => return,
        };
        if sender.send(incoming).is_err() {
            return;
        }
    }
}

enum Frame {
    /// A frame was skipped; reading goes on after it.
    Bad(String),
    /// The input ended or failed.
    Closed,
}

/// One frame's body; `Ok(None)` at the end of the input. Lines of the
/// header block other than `Content-Length` are ignored, and so is whatever
/// stands before `Content-Length` on its line: after a frame whose length was
/// wrong, reading falls back into step at the next header.
fn read_frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, Frame> {
    const HEADER: &str = "content-length:";
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    let mut first = true;
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) if first => return Ok(None),
            Ok(0) | Err(_) => return Err(Frame::Closed),
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if first {
                continue; // stray blank lines between frames
            }
            break;
        }
        first = false;
        if let Some(at) = text.to_ascii_lowercase().find(HEADER) {
            let value = text[at + HEADER.len()..].trim();
            length = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| format!("bad Content-Length {value:?}")),
            );
        }
    }
    let length = match length {
        None => return Err(Frame::Bad("a frame without Content-Length".into())),
        Some(Err(why)) => return Err(Frame::Bad(why)),
        Some(Ok(n)) if n > MAX_FRAME => {
            return Err(Frame::Bad(format!("a frame of {n} bytes is too large")));
        }
        Some(Ok(n)) => n,
    };
    let mut body = vec![0; length];
    input.read_exact(&mut body).map_err(|_| Frame::Closed)?;
    Ok(Some(body))
}

/// Writes one message, framed, and flushes it.
pub fn write_message(output: &mut dyn Write, message: Message) -> io::Result<()> {
    let mut buffer = Vec::new();
    message.write(&mut buffer)?;
    output.write_all(&buffer)?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &str) -> Vec<Incoming> {
        let (sender, receiver) = mpsc::channel();
        read_frames(&mut input.as_bytes(), &sender);
        drop(sender);
        receiver.into_iter().collect()
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bad_frames_are_reported_and_skipped() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = [
            "Content-Length: zz\r\n\r\n".to_string(),
            "no colon here\r\n\r\n".to_string(),
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","foo":1}"#),
            "\r\n".to_string(),
            // A length too short: the rest of the body runs into the next
            // header line, and reading falls back into step there.
            format!("Content-Length: 3\r\n\r\n{good}"),
            frame(good),
        ]
        .concat();
        let got = read_all(&input);
        let malformed = got
            .iter()
            .filter(|m| matches!(m, Incoming::Malformed(_)))
            .count();
        assert_eq!((got.len(), malformed), (6, 5), "{got:?}");
        let last = got.last().unwrap();
        assert!(
            matches!(last, Incoming::Message(Message::Notification(n)) if n.method == "initialized")
        );
    }

    #[test]
    fn a_truncated_body_ends_the_input() {
        assert!(read_all("Content-Length: 50\r\n\r\n{}").is_empty());
    }
}
