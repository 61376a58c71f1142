//! Diagnostics drawn through miette's graphical handler, with labels in
//! other files than the primary one as related notes.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

use super::{Code, Diagnostic, Severity};
use crate::source::{SourceFile, Sources};

/// How graphical diagnostics are drawn.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    pub width: usize,
}

/// Text from data or files (a CSV field, a file name) with its control
/// characters escaped (`ESC` as `\u{1b}`), so that a diagnostic can never
/// send terminal control sequences. Line breaks and tabs stay.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let is_raw = |c: char| c.is_control() && c != '\n' && c != '\t';
    if !text.contains(is_raw) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_raw(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Renders one diagnostic in miette's graphical form.
pub fn render(diag: &Diagnostic, sources: &Sources, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let report = MietteView::new(diag, sources);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        // Rendering into a String cannot fail; fall back to the message alone.
        out = format!("{}: {}\n", diag.code, escape_controls(&diag.message));
    }
    out
}

/// A file as miette's source code, without copying it: miette reads only a
/// window of lines around each span, found through the file's line table,
/// so rendering many diagnostics on a large file stays fast.
struct FileSource<'a> {
    name: String,
    file: &'a SourceFile,
}

/// Lines and columns are ours ([`SourceFile::line_col`]), not miette's: a
/// column counts characters, not bytes, and only `\n` ends a line (a lone
/// `\r` does not), so the text form gives the position the JSON form does.
impl miette::SourceCode for FileSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'b> + 'b>, miette::MietteError> {
        let text: &str = &self.file.text;
        let start = span.offset().min(text.len());
        let end = (span.offset() + span.len()).min(text.len()).max(start);
        let first = self.file.line_index(start);
        let last = self.file.line_index(end.saturating_sub(1).max(start));
        // As miette's own sources do: without lines before, the contents
        // start at the span; without lines after, they end with it.
        let data_start = if before == 0 {
            start
        } else {
            self.file
                .lines_range(first.saturating_sub(before), first)
                .start
        };
        let data_end = if after == 0 {
            end
        } else {
            self.file.lines_range(last, last + after).end
        };
        let (line, column) = self.file.line_col(data_start);
        // miette merges the snippets of two labels when the first one's
        // `line() + line_count()` reaches the second's line; counted, as
        // before, from one line above the contents.
        let counted_from = self
            .file
            .lines_range(first.saturating_sub(before + 1), first)
            .start;
        let line_count = text[counted_from..data_end].matches('\n').count();
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            &text.as_bytes()[data_start..data_end],
            SourceSpan::new(data_start.into(), data_end - data_start),
            line - 1,
            column - 1,
            line_count,
        )))
    }
}

/// Adapter from our plain diagnostic to miette's trait: the primary file is
/// the source code; labels in other files become related notes.
struct MietteView<'a> {
    code: Code,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    source: Option<FileSource<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<MietteView<'a>>,
}

impl<'a> MietteView<'a> {
    fn new(diag: &Diagnostic, sources: &'a Sources) -> MietteView<'a> {
        let severity = match diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        };
        // Every text of the diagnostic is escaped here, once for every code.
        let mut view = MietteView {
            code: diag.code,
            severity,
            message: escape_controls(&diag.message).into_owned(),
            help: diag
                .help
                .as_deref()
                .map(|h| escape_controls(h).into_owned()),
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        };
        let Some(primary) = diag.primary_span() else {
            if let Some(path) = &diag.path {
                let path = path.display().to_string();
                view.message = format!("{} ({})", view.message, escape_controls(&path));
            }
            return view;
        };
        // Group labels by file, primary file first, others in first-seen order.
        let mut files = vec![primary.file];
        for l in &diag.labels {
            if !files.contains(&l.span.file) {
                files.push(l.span.file);
            }
        }
        for (i, file) in files.into_iter().enumerate() {
            let f = sources.get(file);
            let labels: Vec<LabeledSpan> = diag
                .labels
                .iter()
                .enumerate()
                .filter(|(_, l)| l.span.file == file)
                .map(|(j, l)| {
                    let span = SourceSpan::new((l.span.start as usize).into(), l.span.len());
                    let text =
                        (!l.message.is_empty()).then(|| escape_controls(&l.message).into_owned());
                    // The first label is the primary one: miette then reports
                    // the diagnostic at its line, not at the earliest label.
                    if j == 0 {
                        LabeledSpan::new_primary_with_span(text, span)
                    } else {
                        LabeledSpan::new_with_span(text, span)
                    }
                })
                .collect();
            let named = FileSource {
                name: f.name(),
                file: f,
            };
            if i == 0 {
                view.source = Some(named);
                view.labels = labels;
            } else {
                view.related.push(MietteView {
                    code: diag.code,
                    severity: miette::Severity::Advice,
                    message: format!("see also {}", f.name()),
                    help: None,
                    source: Some(named),
                    labels,
                    related: Vec::new(),
                });
            }
        }
        view
    }
}

impl fmt::Debug for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MietteView<'_> {}

impl miette::Diagnostic for MietteView<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape_controls("line\r"), "line\\r");
        assert_eq!(escape_controls("two\nlines\tand é"), "two\nlines\tand é");
        let diag = Diagnostic::error(Code::Input, "bad value \u{1b}[2J")
            .with_help("not \u{7}")
            .with_path("data\u{1b}.csv");
        let shown = render(
            &diag,
            &Sources::default(),
            Style {
                color: false,
                width: 80,
            },
        );
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
            "{shown:?}"
        );
        assert!(
            shown.contains("\\u{1b}[2J") && shown.contains("\\u{7}"),
            "{shown}"
        );
    }
}
