//! The VS Code extension's TextMate grammar knows every keyword of the
//! language: a keyword added to `grammar/warrant.pest` must be highlighted
//! too (add it to `editors/vscode/syntaxes/warrant.tmLanguage.json`,
//! repository `keywords`, and a line to `editors/vscode/test/`).

use serde_json::Value;

#[test]
fn the_textmate_grammar_highlights_every_keyword() {
    let pest = std::fs::read_to_string("grammar/warrant.pest").unwrap();
    let rule = pest
        .split_once("\nkeyword = @{")
        .and_then(|(_, rest)| rest.split_once("~ !ident_char"))
        .map(|(body, _)| body)
        .expect("the grammar has a `keyword` rule");
    let keywords: Vec<&str> = rule.split('"').skip(1).step_by(2).collect();
    assert!(keywords.len() > 10, "{keywords:?}");

    let text = std::fs::read_to_string("editors/vscode/syntaxes/warrant.tmLanguage.json").unwrap();
    let grammar: Value = serde_json::from_str(&text).unwrap();
    let patterns = grammar["repository"]["keywords"]["patterns"]
        .as_array()
        .unwrap();
    let alternatives: Vec<&str> = patterns
        .iter()
        .filter_map(|p| p["match"].as_str())
        .flat_map(|m| {
            m.trim_start_matches("\\b(")
                .trim_end_matches(")\\b")
                .split('|')
        })
        .collect();
    let missing: Vec<&&str> = keywords
        .iter()
        .filter(|k| !alternatives.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "keywords the TextMate grammar does not highlight: {missing:?}"
    );
}
