//! Diagnostics as JSON (`warrant check --format json`): the schema
//! "Diagnostics" in `docs/json.md`.

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Severity};
use crate::source::{Sources, Span};

/// One diagnostic, positioned at its primary label.
#[derive(Serialize)]
pub struct DiagnosticJson<'a> {
    severity: Severity,
    code: &'static str,
    message: &'a str,
    /// A diagnostic without a span names the file concerned, if any.
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    start: Option<u32>,
    end: Option<u32>,
    labels: Vec<LabelJson<'a>>,
    help: Option<&'a str>,
}

/// One label: where, and what it says.
#[derive(Serialize)]
struct LabelJson<'a> {
    file: String,
    line: usize,
    column: usize,
    start: u32,
    end: u32,
    message: &'a str,
}

/// A diagnostic as its JSON object.
pub fn diagnostic<'a>(diag: &'a Diagnostic, sources: &Sources) -> DiagnosticJson<'a> {
    let (file, line, column, start, end) = match diag.primary_span() {
        Some(span) => {
            let loc = sources.location(span);
            (
                Some(loc.file),
                Some(loc.line),
                Some(loc.column),
                Some(span.start),
                Some(span.end),
            )
        }
        None => (
            diag.path
                .as_ref()
                .map(|p| p.to_string_lossy().replace('\\', "/")),
            None,
            None,
            None,
            None,
        ),
    };
    let label = |span: Span, message: &'a str| {
        let loc = sources.location(span);
        LabelJson {
            file: loc.file,
            line: loc.line,
            column: loc.column,
            start: span.start,
            end: span.end,
            message,
        }
    };
    DiagnosticJson {
        severity: diag.severity,
        code: diag.code.as_str(),
        message: &diag.message,
        file,
        line,
        column,
        start,
        end,
        labels: diag
            .labels
            .iter()
            .map(|l| label(l.span, &l.message))
            .collect(),
        help: diag.help.as_deref(),
    }
}

/// Every diagnostic, in the order given: the array `check` prints.
pub fn diagnostics<'a>(diags: &'a [Diagnostic], sources: &Sources) -> Vec<DiagnosticJson<'a>> {
    diags.iter().map(|d| diagnostic(d, sources)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code, Style, render};

    #[test]
    fn text_and_json_give_the_same_line_and_column() {
        // Columns count characters (é is two bytes), and a lone CR does not
        // end a line: the text form used to say 1:17 here, JSON 1:12.
        for text in [
            "p(\"ééééé\") q.\n",
            "p(a).\rq(b) r.\n",
            "x.\r\ny(\"é\") q.\n",
        ] {
            let mut sources = Sources::default();
            let file = sources.add("t.wr".into(), text);
            let at = text.rfind(['q', 'r']).unwrap_or(0);
            let diag =
                Diagnostic::error(Code::Parse, "here").with_label(Span::new(file, at, at + 1), "x");
            let json = diagnostic(&diag, &sources);
            let shown = render(
                &diag,
                &sources,
                Style {
                    color: false,
                    width: 80,
                },
            );
            let header = format!("[t.wr:{}:{}]", json.line.unwrap(), json.column.unwrap());
            assert!(shown.contains(&header), "{header} in\n{shown}");
        }
    }

    #[test]
    fn a_diagnostic_without_a_span_names_its_file_and_no_position() {
        let sources = Sources::default();
        let mut diag = Diagnostic::error(Code::Parse, "unreadable");
        diag.path = Some("dir\\a.wr".into());
        let json = crate::render::json::to_string(&diagnostic(&diag, &sources));
        assert_eq!(
            json,
            "{\n  \"severity\": \"error\",\n  \"code\": \"warrant::parse\",\n  \"message\": \"unreadable\",\n  \"file\": \"dir/a.wr\",\n  \"line\": null,\n  \"column\": null,\n  \"start\": null,\n  \"end\": null,\n  \"labels\": [],\n  \"help\": null\n}"
        );
    }
}
