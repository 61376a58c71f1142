//! `warrant lsp` driven over JSON-RPC by a test client, as an editor
//! drives it: the real binary, real files, real frames.

#[path = "common/lsp_client.rs"]
mod client;

use client::{Client, at, scratch, uri};
use serde_json::{Value, json};

const VOCABULARY: &str = r#"scale level: low < moderate < high.
pred ally(country, patron) "A country allied with a patron.".
pred doubt(country, level: level) "How much a country doubts its patron.".
source ks "Kim & Simón, 2021".
"#;

/// Two errors: a misspelt predicate (line 6) and a fact with one argument
/// of a predicate declared in the other file with two (line 14).
const MAIN: &str = r#"use "vocab.wr".

ally(japan, us).
doubt(japan, high).

rule hedge
  when alyy(A, P), doubt(A, L), L >= moderate
  then hedges(A)
  because "{A} doubts {P}"
  cite ks "p. 3": "allies hedge".

test "japan hedges" {
  expect hedges(japan) by hedge.
}
doubt(korea).
"#;

fn files(name: &str) -> (std::path::PathBuf, String, String) {
    let dir = scratch(name);
    std::fs::write(dir.join("vocab.wr"), VOCABULARY).unwrap();
    std::fs::write(dir.join("main.wr"), MAIN).unwrap();
    let main = uri(&dir.join("main.wr"));
    let vocab = uri(&dir.join("vocab.wr"));
    (dir, main, vocab)
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

fn hover_text(client: &mut Client, uri: &str, line: u32, character: u32) -> String {
    let hover = client.call("textDocument/hover", at(uri, line, character));
    hover["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn labels(items: &Value) -> Vec<&str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect()
}

#[test]
fn an_editing_session() {
    let (dir, main, vocab) = files("session");
    let mut client = Client::start();
    let init = client.call("initialize", json!({"processId": null, "capabilities": {}}));
    let caps = &init["capabilities"];
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentFormattingProvider",
    ] {
        assert_eq!(caps[provider], true, "{provider}: {caps}");
    }
    assert_eq!(caps["positionEncoding"], "utf-16");
    client.notify("initialized", json!({}));

    // Errors as soon as the file opens, with codes, help, and a label in
    // the imported file as related information.
    client.open(&main, MAIN);
    let diagnostics = client.diagnostics(&main);
    assert_eq!(
        codes(&diagnostics),
        ["warrant::unknown_predicate", "warrant::arity_mismatch"]
    );
    let unknown = &diagnostics[0];
    assert_eq!(
        unknown["range"],
        json!({"start": {"line": 6, "character": 7}, "end": {"line": 6, "character": 11}})
    );
    assert_eq!(unknown["severity"], 1);
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `ally`?"),
        "{unknown}"
    );
    let related = &diagnostics[1]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], vocab.as_str());
    assert_eq!(
        related["location"]["range"]["start"],
        json!({"line": 2, "character": 5})
    );
    assert_eq!(related["message"], "declared here with 2 arguments");

    // Hover: a predicate's declaration and doc, a scale value, a rule's
    // sentence and citation, a source's title, a constant's count.
    let doubt = hover_text(&mut client, &main, 3, 2);
    let vocab_path = dir.join("vocab.wr");
    assert_eq!(
        doubt,
        format!(
            "```warrant\npred doubt(country, level: level).\n```\n\nHow much a country doubts its patron.\n\n*{}:3*",
            vocab_path.display()
        )
    );
    assert_eq!(
        hover_text(&mut client, &main, 3, 14),
        "`high`: value 3 of 3 of scale `level`\n\nlow < moderate < high"
    );
    let rule = hover_text(&mut client, &main, 5, 6);
    assert!(rule.contains("because: {A} doubts {P}"), "{rule}");
    assert!(
        rule.contains("— Kim & Simón, 2021, p. 3: “allies hedge”"),
        "{rule}"
    );
    assert!(hover_text(&mut client, &main, 9, 8).starts_with("source `ks`: Kim & Simón, 2021"));
    assert_eq!(
        hover_text(&mut client, &main, 2, 6),
        "constant `japan`: 3 occurrences in this world, in 1 file"
    );
    let scale = hover_text(&mut client, &vocab, 2, 30);
    assert!(
        scale.starts_with("scale `level`, low to high: low < moderate < high"),
        "{scale}"
    );
    assert_eq!(
        client.call("textDocument/hover", at(&main, 1, 0)),
        Value::Null
    );

    // Definition across files: a predicate, a scale value, a `use` path;
    // within the file: a rule named by an expectation.
    let definition = client.call("textDocument/definition", at(&main, 2, 1));
    assert_eq!(
        definition,
        json!([{"uri": vocab, "range": {"start": {"line": 1, "character": 5}, "end": {"line": 1, "character": 9}}}])
    );
    let value = client.call("textDocument/definition", at(&main, 6, 42));
    assert_eq!(
        value[0]["range"]["start"],
        json!({"line": 0, "character": 19})
    );
    let file = client.call("textDocument/definition", at(&main, 0, 7));
    assert_eq!(file[0]["uri"], vocab.as_str());
    let rule = client.call("textDocument/definition", at(&main, 12, 27));
    assert_eq!(
        rule[0]["range"]["start"],
        json!({"line": 5, "character": 5})
    );

    // References: the declaration, two facts and a condition.
    let mut params = at(&main, 3, 0);
    params["context"] = json!({"includeDeclaration": true});
    let references = client.call("textDocument/references", params.clone());
    let places: Vec<(&str, u64)> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                if l["uri"] == vocab.as_str() {
                    "vocab"
                } else {
                    "main"
                },
                l["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [("main", 3), ("main", 6), ("main", 14), ("vocab", 2)]
    );
    params["context"] = json!({"includeDeclaration": false});
    assert_eq!(
        client
            .call("textDocument/references", params)
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // Completion: scale values in a scale-typed column, predicates with
    // their arguments and keywords elsewhere, sources after `cite`.
    let values = client.call("textDocument/completion", at(&main, 3, 13));
    assert_eq!(labels(&values), ["low", "moderate", "high"]);
    let anywhere = client.call("textDocument/completion", at(&main, 1, 0));
    let ally = anywhere
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "ally")
        .unwrap();
    assert_eq!(ally["detail"], "ally(country, patron)");
    assert!(labels(&anywhere).contains(&"rule"));
    assert!(labels(&anywhere).contains(&"hedges"));
    let sources = client.call("textDocument/completion", at(&main, 9, 7));
    assert_eq!(labels(&sources), ["ks"]);
    let constants = client.call("textDocument/completion", at(&main, 2, 5));
    assert_eq!(labels(&constants), ["japan", "us", "korea"]);

    // The outline.
    let symbols = client.call(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": main}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["hedge", "japan hedges"]);

    // Fixing both errors clears them.
    let change = |line: u32, from: u32, to: u32, text: &str| json!({"range": {"start": {"line": line, "character": from}, "end": {"line": line, "character": to}}, "text": text});
    let edits = json!({
        "textDocument": {"uri": main, "version": 2},
        "contentChanges": [change(6, 7, 11, "ally"), change(14, 0, 13, "doubt( korea,low ) .")],
    });
    client.notify("textDocument/didChange", edits);
    assert_eq!(client.diagnostics(&main), Vec::<Value>::new());

    // Formatting goes through `warrant fmt`'s formatter.
    let edits = client.call(
        "textDocument/formatting",
        json!({"textDocument": {"uri": main}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let formatted = edits[0]["newText"].as_str().unwrap();
    assert!(formatted.contains("rule hedge\n"), "{formatted}");
    assert!(formatted.contains("doubt(korea, low).\n"), "{formatted}");

    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn unsaved_edits_are_seen_by_the_files_that_use_them() {
    let (dir, main, vocab) = files("overlay");
    let fixed = MAIN
        .replace("alyy", "ally")
        .replace("doubt(korea).", "doubt(korea, low).");
    std::fs::write(dir.join("main.wr"), &fixed).unwrap();
    let mut client = Client::initialized();
    client.open(&main, &fixed);
    assert_eq!(client.diagnostics(&main), Vec::<Value>::new());
    client.open(&vocab, VOCABULARY);
    assert_eq!(client.diagnostics(&vocab), Vec::<Value>::new());

    // `ally` takes three arguments now, in the buffer only.
    let edit = json!({
        "textDocument": {"uri": vocab, "version": 2},
        "contentChanges": [{"text": VOCABULARY.replace("ally(country, patron)", "ally(country, patron, since)")}],
    });
    client.notify("textDocument/didChange", edit);
    let diagnostics = client.diagnostics(&main);
    assert_eq!(
        codes(&diagnostics),
        ["warrant::arity_mismatch", "warrant::arity_mismatch"],
        "{diagnostics:?}"
    );
    assert_eq!(
        diagnostics[0]["relatedInformation"][0]["location"]["uri"],
        vocab.as_str()
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("vocab.wr")).unwrap(),
        VOCABULARY
    );

    // A syntax error in the unsaved import: summed up at the `use`.
    let edit = json!({
        "textDocument": {"uri": vocab, "version": 3},
        "contentChanges": [{"text": VOCABULARY.replace("pred ally(country, patron)", "pred ally(country patron)")}],
    });
    client.notify("textDocument/didChange", edit);
    let diagnostics = client.diagnostics(&main);
    let summary = diagnostics.last().unwrap();
    assert_eq!(
        summary["message"],
        format!(
            "1 error in {} or the files it imports",
            dir.join("vocab.wr").display()
        )
    );
    assert_eq!(
        summary["range"]["start"],
        json!({"line": 0, "character": 4})
    );
    assert_eq!(
        summary["relatedInformation"][0]["location"]["uri"],
        vocab.as_str()
    );
    assert_eq!(client.diagnostics(&vocab)[0]["code"], "warrant::parse");

    // Closed without saving: the importer reads the disk again.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": vocab}}),
    );
    assert_eq!(client.diagnostics(&vocab), Vec::<Value>::new());
    assert_eq!(client.diagnostics(&main), Vec::<Value>::new());
    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn garbage_never_kills_the_server() {
    let (dir, main, _) = files("garbage");
    let mut client = Client::start();
    // Before `initialize`, a request is refused.
    let early = client.request("textDocument/hover", at(&main, 0, 0));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    let init = client.request("initialize", json!({"capabilities": {}}));
    assert!(init["result"].is_object());

    // Bad headers, bad JSON, JSON that is no message: each is logged.
    client.send_raw(b"Content-Length: twelve\r\n\r\n");
    client.send_raw(b"Content-Type: nothing else\r\n\r\n");
    client.send_raw(b"Content-Length: 9\r\n\r\n{\"jsonrpc");
    client.send_raw(b"Content-Length: 13\r\n\r\n[1, 2, 3, 4]\n");
    client.send_raw(b"\r\n\r\n");
    for _ in 0..4 {
        let log = client.wait_for(|m| m["method"] == "window/logMessage");
        assert!(
            log["params"]["message"]
                .as_str()
                .unwrap()
                .starts_with("skipped a bad message"),
            "{log}"
        );
    }
    // An unknown request is an error; an unknown notification is ignored.
    let unknown = client.request("warrant/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    client.notify("$/unknownNotification", json!({"x": 1}));
    let bad = client.request("textDocument/hover", json!({"textDocument": 7}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    client.notify("textDocument/didChange", json!({"nonsense": true}));
    let log = client.wait_for(|m| m["method"] == "window/logMessage");
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap()
            .starts_with("ignored textDocument/didChange"),
        "{log}"
    );

    // Files that vanish: one never there, an open one deleted, an import
    // deleted under an open file.
    let nowhere = uri(&dir.join("nowhere.wr"));
    assert_eq!(
        client.call("textDocument/hover", at(&nowhere, 0, 0)),
        Value::Null
    );
    assert_eq!(
        client.call("textDocument/definition", at("untitled:Untitled-1", 0, 0)),
        Value::Null
    );
    client.open(&main, MAIN);
    assert_eq!(client.diagnostics(&main).len(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": main}}),
    );
    let diagnostics = client.diagnostics(&main);
    assert_eq!(
        codes(&diagnostics)[0],
        "warrant::import_not_found",
        "{diagnostics:?}"
    );
    let hover = hover_text(&mut client, &main, 2, 6);
    assert!(hover.starts_with("constant `japan`"), "{hover}");
    assert_eq!(
        client.call("textDocument/hover", at(&main, 400, 400)),
        Value::Null
    );

    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn did_you_mean_helps_are_code_actions() {
    let (dir, main, _) = files("actions");
    let text = MAIN.replace("use \"vocab.wr\"", "use \"vocb.wr\"");
    std::fs::write(dir.join("main.wr"), &text).unwrap();
    let mut client = Client::initialized();
    client.open(&main, &text);
    let diagnostics = client.diagnostics(&main);
    assert_eq!(
        codes(&diagnostics)[..2],
        ["warrant::import_not_found", "warrant::unknown_predicate"]
    );
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": 20, "character": 0}});
    let params =
        json!({"textDocument": {"uri": main}, "range": whole, "context": {"diagnostics": []}});
    let actions = client.call("textDocument/codeAction", params);
    let fixes: Vec<(&str, &Value, &str)> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let edit = &a["edit"]["changes"][main.as_str()][0];
            (
                a["title"].as_str().unwrap(),
                &edit["range"]["start"],
                edit["newText"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fixes,
        [
            (
                "Replace with `\"vocab.wr\"`",
                &json!({"line": 0, "character": 4}),
                "\"vocab.wr\""
            ),
            (
                "Replace with `ally`",
                &json!({"line": 6, "character": 7}),
                "ally"
            ),
        ]
    );
    assert_eq!(actions[1]["kind"], "quickfix");
    assert_eq!(
        actions[1]["diagnostics"][0]["code"],
        "warrant::unknown_predicate"
    );
    // Only the fixes that touch the range asked about.
    let line = json!({"start": {"line": 6, "character": 8}, "end": {"line": 6, "character": 8}});
    let params =
        json!({"textDocument": {"uri": main}, "range": line, "context": {"diagnostics": []}});
    assert_eq!(
        client
            .call("textDocument/codeAction", params)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn the_server_ends_with_its_input_or_exit() {
    // In order: 0 (tested above). Without `shutdown`: 1, as the protocol says.
    assert_eq!(Client::initialized().close_input(), Some(1));
    assert_eq!(Client::initialized().exit_abruptly(), Some(1));
    assert_eq!(Client::start().close_input(), Some(1));
}

#[test]
fn a_new_unsaved_file_satisfies_an_import() {
    let dir = scratch("new-import");
    let main = uri(&dir.join("main.wr"));
    let other = uri(&dir.join("other.wr"));
    let text = "use \"new.wr\".\na(x).\n";
    std::fs::write(dir.join("main.wr"), text).unwrap();
    std::fs::write(dir.join("other.wr"), "b(y).\n").unwrap();
    let mut client = Client::initialized();
    client.open(&main, text);
    assert_eq!(
        codes(&client.diagnostics(&main)),
        ["warrant::import_not_found"]
    );
    client.open(&other, "b(y).\n");
    assert_eq!(client.diagnostics(&other), Vec::<Value>::new());
    // An edit of a file that main does not read leaves main as it was; a
    // buffer for the missing file (never saved) satisfies the import.
    let edit = json!({"textDocument": {"uri": other, "version": 2}, "contentChanges": [{"text": "b(z).\n"}]});
    client.notify("textDocument/didChange", edit);
    client.open(&uri(&dir.join("new.wr")), "c(z).\n");
    assert_eq!(client.diagnostics(&main), Vec::<Value>::new());
    assert!(!dir.join("new.wr").exists());
    assert_eq!(client.shut_down(), Some(0));
}

#[test]
fn names_inside_expressions_and_aggregates() {
    let dir = scratch("expressions");
    let main = uri(&dir.join("main.wr"));
    let text = concat!(
        "troops(japan, 5).\n",
        "rule r\n",
        "  when troops(C, N), M = N * 2 + abs(N),\n",
        "       T = count { troops(X, _), X != C, X != korea }\n",
        "  then big(C, M + 1, T).\n",
    );
    std::fs::write(dir.join("main.wr"), text).unwrap();
    let mut client = Client::initialized();
    client.open(&main, text);
    // A variable inside an expression: what binds it, and every use.
    assert_eq!(
        hover_text(&mut client, &main, 2, 25),
        "variable `N` of rule `r`: bound by 1 condition, 3 occurrences"
    );
    assert_eq!(
        hover_text(&mut client, &main, 4, 14),
        "variable `M` of rule `r`: bound by `=`, 2 occurrences"
    );
    let definition = client.call("textDocument/definition", at(&main, 2, 37));
    assert_eq!(
        definition,
        json!([{"uri": main, "range": {"start": {"line": 2, "character": 17}, "end": {"line": 2, "character": 18}}}])
    );
    let mut params = at(&main, 3, 38);
    params["context"] = json!({"includeDeclaration": true});
    let references = client.call("textDocument/references", params);
    let places: Vec<(u64, u64)> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let start = &l["range"]["start"];
            (
                start["line"].as_u64().unwrap(),
                start["character"].as_u64().unwrap(),
            )
        })
        .collect();
    // `C`: bound in the first atom, used in the aggregate and the conclusion.
    assert_eq!(places, [(2, 14), (3, 38), (4, 11)]);
    // A predicate inside an aggregate, a constant inside its comparison.
    let mut params = at(&main, 0, 2);
    params["context"] = json!({"includeDeclaration": true});
    let references = client.call("textDocument/references", params);
    assert_eq!(references.as_array().unwrap().len(), 3, "{references}");
    assert_eq!(
        hover_text(&mut client, &main, 3, 46),
        "constant `korea`: 1 occurrence in this world, in 1 file"
    );
    assert_eq!(client.shut_down(), Some(0));
}

/// Line and character (ASCII text) of the first occurrence of `needle`.
fn position_of(text: &str, needle: &str) -> (u32, u32) {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} in the text"));
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let character = offset - before.rfind('\n').map_or(0, |n| n + 1);
    (line as u32, character as u32)
}

#[test]
fn built_in_functions_and_aggregates_have_hover() {
    let dir = scratch("builtins");
    let main = uri(&dir.join("main.wr"));
    let text = concat!(
        "pred name(country, text: string).\n",
        "name(japan, \"Nippon\").\n",
        "price(a, 3).\n",
        "rule r\n",
        "  when name(C, T), contains(T, \"Nip\"), L = len(T), U = upper(lower(T)),\n",
        "       W = concat(T, \"x\"), A = abs(L - 9), M = min(L, 3), X = max(L, 3),\n",
        "       N = count { name(_, _) }, S = sum P { price(_, P) },\n",
        "       Lo = min P { price(_, P) }, Hi = max Q { price(_, Q) }\n",
        "  then r(C, L, U, W, A, M, X, N, S, Lo, Hi).\n",
        "rule typo when name(C, T), K = lenght(T) then k(C, K).\n",
    );
    std::fs::write(dir.join("main.wr"), text).unwrap();
    let mut client = Client::initialized();
    client.open(&main, text);
    let mut shown = String::new();
    // The cursor on the name's second character.
    for needle in [
        "contains(",
        "len(",
        "upper(",
        "lower(",
        "concat(",
        "abs(",
        "min(L",
        "max(L",
        "count {",
        "sum P",
        "min P",
        "max Q",
    ] {
        let (line, character) = position_of(text, needle);
        let hover = hover_text(&mut client, &main, line, character + 1);
        assert!(!hover.is_empty(), "no hover on {needle}");
        shown.push_str(&format!("== {needle}\n{hover}\n\n"));
    }
    insta::assert_snapshot!(shown);
    // A misspelt function is no built-in: nothing to say.
    let (line, character) = position_of(text, "lenght");
    assert_eq!(hover_text(&mut client, &main, line, character + 1), "");
    // The variable beside an aggregate's keyword keeps its own hover.
    let (line, character) = position_of(text, "P {");
    assert_eq!(
        hover_text(&mut client, &main, line, character),
        "variable `P` of rule `r`: bound by 2 conditions, 4 occurrences"
    );
    assert_eq!(client.shut_down(), Some(0));
}
