//! `warrant report` on the command line: the Markdown and the HTML page's
//! text as snapshots, and what the page must never do (fetch anything,
//! print unescaped text, differ between two runs of the same input).

use assert_cmd::Command;

const BASE: &str = "tests/data/report/base.wr";
const OTHER: &str = "tests/data/report/other.wr";

fn warrant(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::cargo_bin("warrant").expect("the binary");
    cmd.env("NO_COLOR", "1").env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The text a reader sees: style, script and graphs dropped, tags turned
/// into line breaks, entities decoded, blank runs folded.
fn visible_text(html: &str) -> String {
    let mut s = html.to_string();
    for (open, close) in [
        ("<style", "</style>"),
        ("<script", "</script>"),
        ("<svg", "</svg>"),
    ] {
        while let Some(a) = s.find(open) {
            let b = s[a..].find(close).map_or(s.len(), |b| a + b + close.len());
            s.replace_range(a..b, "");
        }
    }
    // Block elements start a line; inline ones (code, a, span, …) do not.
    const BLOCKS: [&str; 20] = [
        "p",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "dt",
        "dd",
        "summary",
        "details",
        "section",
        "div",
        "blockquote",
        "footer",
        "header",
        "nav",
        "figure",
        "label",
    ];
    let mut text = String::new();
    let mut rest = s.as_str();
    while let Some(a) = rest.find('<') {
        text.push_str(&rest[..a]);
        let Some(b) = rest[a..].find('>') else {
            break;
        };
        let tag = &rest[a + 1..a + b];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if BLOCKS.contains(&name.as_str()) {
            text.push('\n');
        }
        rest = &rest[a + b + 1..];
    }
    text.push_str(rest);
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn markdown_of_two_worlds() {
    let (code, out, err) = warrant(
        &[
            "report",
            BASE,
            OTHER,
            "--format",
            "md",
            "--date",
            "2026-01-01",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("report_two_worlds_md", out);
}

#[test]
fn html_text_of_two_worlds() {
    let (code, out, err) = warrant(
        &["report", BASE, OTHER, "--no-graphs", "--date", "2026-01-01"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("report_two_worlds_html_text", visible_text(&out));
}

#[test]
fn html_is_self_contained_and_escaped() {
    let (code, html, _) = warrant(&["report", BASE, "--no-graphs", "--date", "d"], &[]);
    assert_eq!(code, 0);
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Nothing is fetched: no external script, style sheet, image or font.
    for needle in ["src=", "<link", "@import", "url(", "http://", "https://"] {
        assert!(!html.contains(needle), "the page refers to `{needle}`");
    }
    // The rule's sentence and a string value carry markup: it stays text.
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<b>envoy"));
    assert!(html.contains("Tom &amp; Jerry&#39;s &lt;b&gt;envoy&lt;/b&gt;"));
    // One script and one style sheet, both inline.
    assert_eq!(html.matches("<script>").count(), 1);
    assert_eq!(html.matches("<style>").count(), 1);
    // Every conclusion has its anchor, every link a target.
    for id in [
        "hedges-japan",
        "hedges-korea",
        "arms-japan",
        "worried-us-japan",
        "reassured-germany",
        "hedges-germany",
        "reassured-korea",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    let mut rest = html.as_str();
    while let Some(i) = rest.find("href=\"#") {
        let target = &rest[i + 7..];
        let end = target.find('"').expect("closed attribute");
        assert!(
            html.contains(&format!("id=\"{}\"", &target[..end])),
            "a link to #{} has no target",
            &target[..end]
        );
        rest = &target[end..];
    }
}

#[test]
fn same_input_same_bytes_and_the_date_is_overridable() {
    let env = [("SOURCE_DATE_EPOCH", "1700000000")];
    let (_, one, _) = warrant(&["report", BASE, OTHER], &env);
    let (_, two, _) = warrant(&["report", BASE, OTHER], &env);
    assert_eq!(one, two);
    assert!(one.contains("2023-11-14 22:13 UTC"));
    let (_, md, _) = warrant(&["report", BASE, "--format", "md"], &env);
    assert!(md.contains("| Run | 2023-11-14 22:13 UTC |"));
    let (_, given, _) = warrant(&["report", BASE, "--date", "29 November"], &env);
    assert!(given.contains("<dt>Run</dt><dd>29 November</dd>"));
}

#[test]
fn output_file_and_its_format() {
    let dir = std::env::temp_dir().join(format!("warrant-report-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let md = dir.join("r.md");
    let (code, out, err) = warrant(
        &[
            "report",
            BASE,
            "-o",
            md.to_str().expect("path"),
            "--date",
            "d",
        ],
        &[],
    );
    assert_eq!(code, 0);
    assert!(out.is_empty());
    assert!(
        err.contains("wrote") && err.contains("7 conclusions"),
        "{err}"
    );
    let text = std::fs::read_to_string(&md).expect("written");
    assert!(text.starts_with("# Assessment:"));
    let (code, _, err) = warrant(
        &[
            "report",
            BASE,
            "-o",
            "tests/data/report/no-such-folder/r.html",
        ],
        &[],
    );
    assert_eq!(code, 2);
    insta::assert_snapshot!("report_cannot_write", err);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn usage_errors() {
    let (code, _, err) = warrant(&["report", BASE], &[("SOURCE_DATE_EPOCH", "yesterday")]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("report_bad_source_date_epoch", err);
    let (code, _, _) = warrant(&["report", "tests/data/report/missing.wr"], &[]);
    assert_eq!(code, 2);
    let (code, _, _) = warrant(&["report"], &[]);
    assert_eq!(code, 2);
    let (code, _, _) = warrant(&["report", BASE, "--format", "pdf"], &[]);
    assert_eq!(code, 2);
}

#[test]
fn graphs_without_graphviz_are_announced() {
    // An empty PATH: `dot` cannot be found.
    let empty = std::env::temp_dir().join(format!("warrant-no-dot-{}", std::process::id()));
    std::fs::create_dir_all(&empty).expect("temp dir");
    let (code, html, err) = warrant(
        &["report", BASE, "--date", "d"],
        &[("PATH", empty.to_str().expect("path"))],
    );
    assert_eq!(code, 0);
    assert!(
        err.contains("no proof graphs") && err.contains("not installed"),
        "{err}"
    );
    assert!(html.contains("Proof graphs are not included"));
    assert!(!html.contains("<svg"));
    let (_, html, err) = warrant(&["report", BASE, "--no-graphs", "--date", "d"], &[]);
    assert!(html.contains("left out"));
    assert!(!err.contains("no proof graphs"));
    std::fs::remove_dir_all(&empty).ok();
}

#[test]
fn graphs_with_graphviz_are_inline_svg() {
    let found = std::process::Command::new("dot").arg("-V").output().is_ok();
    if !found {
        eprintln!("SKIPPED: Graphviz (`dot`) is not installed; `.ci/run` installs it");
        return;
    }
    let (code, html, err) = warrant(&["report", BASE, "--date", "d"], &[]);
    assert_eq!(code, 0, "{err}");
    // One drawing per conclusion whose proof takes more than one rule step
    // (`arms(japan)` and `worried(us, japan)`), inside the page.
    assert_eq!(html.matches("<svg").count(), 2);
    assert!(html.contains("(2 drawn)"));
    assert!(!html.contains("<?xml"));
    // The drawings carry the argument: each step's sentence and cited passage.
    let drawings: String = html
        .split("<svg")
        .skip(1)
        .map(|s| &s[..s.find("</svg>").expect("closed")])
        .collect();
    assert!(drawings.contains("japan hedges and faces a high threat: it arms"));
    assert!(drawings.contains("The Stage"));
    assert!(drawings.contains("The specter of US retrenchment"));
    assert!(!html.contains("Proof graphs are not included"));
}

#[test]
fn a_folder_of_scenarios_is_several_worlds() {
    // base.wr and other.wr are roots (model.wr is imported): two worlds,
    // never merged, and so the changes of the second against the first.
    let (code, folder, err) = warrant(
        &["report", "tests/data/report", "--no-graphs", "--date", "d"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let (_, files, _) = warrant(&["report", BASE, OTHER, "--no-graphs", "--date", "d"], &[]);
    assert_eq!(folder, files);
    assert!(folder.contains("World 2: <code>tests/data/report/other.wr</code>"));
    assert!(folder.contains("id=\"_changes\""));
}

#[test]
fn both_formats_name_a_premise_rule_without_a_sentence_as_code() {
    // `calm` is concluded by a rule with no `because`: a premise's detail
    // names the rule, as code in both formats.
    let dir = std::env::temp_dir().join(format!("warrant-report-by-rule-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("w.wr");
    std::fs::write(
        &file,
        "quiet(japan).\nrule calm_when_quiet when quiet(A) then calm(A).\n\
         rule trusts when calm(A) then trusts(A) because \"{A} is calm\".\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let (code, md, err) = warrant(&["report", "--no-graphs", "--format", "md", path], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(md.contains(" — by rule `calm_when_quiet`\n"), "{md}");
    let (code, html, err) = warrant(&["report", "--no-graphs", "--format", "html", path], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        html.contains("<span class=\"detail\">by rule <code>calm_when_quiet</code></span>"),
        "{html}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
