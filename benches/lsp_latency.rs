//! Latency of `warrant lsp` from a keystroke (`didChange`) to the
//! diagnostics it causes (`publishDiagnostics`), on the shipped rule base.
//!
//! `cargo bench --bench lsp_latency -- [EDITS]` opens the baseline scenario
//! (its world is the whole Kim & Simón model) and, EDITS times (default
//! 200), types a character that breaks the file or deletes it again, so
//! that every edit changes the diagnostics and is answered; then it does
//! the same in `vocabulary.wr`, which every file of the world imports, with
//! both files open; then with every rule file open, timed until the last
//! world (the scenario's) is published. Each figure includes the server's
//! debounce.

#[path = "../tests/common/lsp_client.rs"]
#[allow(dead_code)] // the tests use more of the client than this bench
mod client;

use std::path::Path;
use std::time::{Duration, Instant};

use client::{Client, uri};
use serde_json::json;

fn main() {
    let edits: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/kim-simon-2021");
    let scenario = root.join("scenarios/baseline_2021.wr");
    let vocabulary = root.join("vocabulary.wr");

    let mut client = Client::initialized();
    let scenario_uri = uri(&scenario);
    let text = std::fs::read_to_string(&scenario).expect("the rule base is there");
    let opened = Instant::now();
    client.open(&scenario_uri, &text);
    let first = client.diagnostics(&scenario_uri);
    println!(
        "open {}: diagnostics after {:.1} ms ({} of them)",
        scenario.display(),
        ms(opened.elapsed()),
        first.len()
    );
    report(
        "edit the scenario",
        &typing(&mut client, &scenario_uri, &text, &scenario_uri, edits),
    );

    let vocabulary_uri = uri(&vocabulary);
    let vocabulary_text = std::fs::read_to_string(&vocabulary).expect("the rule base is there");
    client.open(&vocabulary_uri, &vocabulary_text);
    client.diagnostics(&vocabulary_uri);
    report(
        "edit vocabulary.wr (both open; until the vocabulary's own diagnostics)",
        &typing(
            &mut client,
            &vocabulary_uri,
            &vocabulary_text,
            &vocabulary_uri,
            edits,
        ),
    );
    let _ = client.shut_down();

    // Every rule file open, the scenario last: an edit of the vocabulary
    // re-checks every world, and the scenario's diagnostics come last.
    let mut client = Client::initialized();
    let mut files = Vec::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)
            .expect("the rule base is there")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "wr") && path != scenario {
                files.push(path);
            }
        }
    }
    files.sort();
    files.push(scenario.clone());
    for path in &files {
        let text = std::fs::read_to_string(path).expect("the rule base is there");
        client.open(&uri(path), &text);
        client.diagnostics(&uri(path));
    }
    report(
        &format!(
            "edit vocabulary.wr with all {} rule files open (until the scenario's diagnostics)",
            files.len()
        ),
        &typing(
            &mut client,
            &vocabulary_uri,
            &vocabulary_text,
            &scenario_uri,
            edits,
        ),
    );
    let _ = client.shut_down();
}

/// Types a stray `x` at the end of `uri`'s text and deletes it, `edits`
/// times in all; the time from each change to the diagnostics of `watched`.
fn typing(
    client: &mut Client,
    uri: &str,
    text: &str,
    watched: &str,
    edits: usize,
) -> Vec<Duration> {
    let lines = text.lines().count() as u32;
    let end = json!({"line": lines + 1, "character": 0});
    let mut times = Vec::with_capacity(edits);
    for i in 0..edits {
        let change = if i % 2 == 0 {
            json!({"range": {"start": end, "end": end}, "text": "\nx"})
        } else {
            let start = json!({"line": lines, "character": 0});
            let stop = json!({"line": lines + 1, "character": 1});
            json!({"range": {"start": start, "end": stop}, "text": ""})
        };
        let params = json!({
            "textDocument": {"uri": uri, "version": i + 2},
            "contentChanges": [change],
        });
        let sent = Instant::now();
        client.notify("textDocument/didChange", params);
        client.diagnostics(watched);
        times.push(sent.elapsed());
    }
    times
}

fn report(what: &str, times: &[Duration]) {
    let mut sorted = times.to_vec();
    sorted.sort();
    let median = sorted[sorted.len() / 2];
    let max = sorted[sorted.len() - 1];
    println!(
        "{what}: {} edits, keystroke to diagnostics median {:.1} ms, max {:.1} ms, min {:.1} ms",
        times.len(),
        ms(median),
        ms(max),
        ms(sorted[0])
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
