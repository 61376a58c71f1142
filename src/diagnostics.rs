//! Diagnostics: every problem a user can cause, with a stable code, labelled
//! spans and help, rendered through miette (graphical) or as JSON.
//!
//! Stages produce plain [`Diagnostic`] values; only rendering touches miette,
//! so a diagnostic can carry labels in several files (an arity mismatch
//! between a rule and an imported declaration): labels outside the primary
//! file are shown as related notes, each with its own file.

use std::fmt;
use std::path::PathBuf;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

use crate::source::{SourceFile, Sources, Span};

/// Declares [`Code`]: each variant with its stable string and what it means,
/// side by side, so the list of codes is read and extended in one place.
macro_rules! codes {
    ($($(#[doc = $doc:literal])+ $variant:ident => $text:literal,)+) => {
        /// The stable code of a diagnostic. Its string (`warrant::…`) is part
        /// of the JSON output and never changes meaning once released.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[doc = $doc])+ $variant,)+
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)+];

            /// The code as written in output, e.g. `warrant::unknown_predicate`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)+
                }
            }
        }
    };
}

codes! {
    /// A file or folder cannot be read (missing, a pipe, unreadable), is not
    /// UTF-8, or holds no rule files; `input` files included. Exit code 2.
    Io => "warrant::io",
    /// The text does not follow the grammar.
    Parse => "warrant::parse",
    /// A `use` names a file that does not exist.
    ImportNotFound => "warrant::import_not_found",
    /// Files import each other in a cycle.
    ImportCycle => "warrant::import_cycle",
    /// A predicate is used but never declared, stated or derived.
    UnknownPredicate => "warrant::unknown_predicate",
    /// A predicate is used with another number of arguments than elsewhere.
    ArityMismatch => "warrant::arity_mismatch",
    /// Two declarations (predicates, scales, conflicts, tests) share a name.
    DuplicateDeclaration => "warrant::duplicate_declaration",
    /// Two rules share a name.
    DuplicateRule => "warrant::duplicate_rule",
    /// A declaration names a scale that is not declared.
    UnknownScale => "warrant::unknown_scale",
    /// A value is not one of its scale's values.
    UnknownScaleValue => "warrant::unknown_scale_value",
    /// A value or variable does not have the type its position requires.
    TypeMismatch => "warrant::type_mismatch",
    /// A likelihood is not an ICD 203 word or a number in (0, 1].
    UnknownLikelihood => "warrant::unknown_likelihood",
    /// A variable is not bound by a positive premise.
    UnsafeVariable => "warrant::unsafe_variable",
    /// A variable occurs only once in a rule (warning).
    SingletonVariable => "warrant::singleton_variable",
    /// A variable is named where none is in scope.
    UnknownVariable => "warrant::unknown_variable",
    /// A rule name (in `unless`/`overrides` or a test) names no rule.
    UnknownRule => "warrant::unknown_rule",
    /// A `cite` names a source that is not declared.
    UnknownSource => "warrant::unknown_source",
    /// A name refers to no declared conflict.
    UnknownConflict => "warrant::unknown_conflict",
    /// Predicates depend on each other through negation.
    NegationCycle => "warrant::negation_cycle",
    /// An `input` declaration or the rows of its file do not fit the predicate.
    Input => "warrant::input",
    /// Rows of an `input` file were not loaded: an empty cell has no value (warning).
    EmptyCell => "warrant::empty_cell",
    /// A `retract` (or a test's `without`) matches no stated fact or input row of its world.
    RetractUnmatched => "warrant::retract_unmatched",
    /// A comparison can never hold: it compares values of different kinds.
    NeverHolds => "warrant::never_holds",
    /// A predicate is stated or loaded but nothing reads it (warning).
    UnusedPredicate => "warrant::unused_predicate",
    /// A constant occurs once, and a constant close to it occurs elsewhere (warning).
    LonelyConstant => "warrant::lonely_constant",
    /// A `cite` quotes a passage that its source's text does not contain.
    QuoteNotFound => "warrant::quote_not_found",
    /// A command that needs one world was given several root files.
    SeveralWorlds => "warrant::several_worlds",
    /// Evaluation passed the `--max-rows` limit.
    RowLimit => "warrant::row_limit",
    /// Evaluation passed the `--timeout` deadline.
    Timeout => "warrant::timeout",
    /// `why-not` was given an atom with variables.
    NotGround => "warrant::not_ground",
    /// An expression names a function Warrant does not have.
    UnknownFunction => "warrant::unknown_function",
    /// A predicate is named like a built-in test (`contains`), which a
    /// condition would read instead.
    ReservedName => "warrant::reserved_name",
    /// Predicates depend on each other through an aggregate.
    AggregateCycle => "warrant::aggregate_cycle",
    /// Integer arithmetic left the 64-bit range during evaluation.
    Overflow => "warrant::overflow",
    /// A division by zero during evaluation derived nothing (warning).
    DivisionByZero => "warrant::division_by_zero",
    /// `export --sql` or `run --engine duckdb` met a construct it cannot write
    /// as SQL faithfully (the diagnostic names the rule and the construct).
    NotCompilable => "warrant::not_compilable",
    /// `run --engine duckdb` could not run DuckDB, or DuckDB failed. Exit code 2.
    Duckdb => "warrant::duckdb",
    /// A result computed without derivations (`run --engine duckdb`) was asked
    /// for explanations.
    NotExplainable => "warrant::not_explainable",
    /// A command-line option or environment variable has a value that cannot be
    /// used (e.g. `SOURCE_DATE_EPOCH` that is not a number of seconds).
    Usage => "warrant::usage",
    /// A broken invariant inside Warrant: a bug, never the user's mistake.
    Internal => "warrant::internal",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Codes are compared with their stable strings where the string is the
/// contract (integration tests, tools reading JSON).
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem. The first label is the primary one: it decides the file,
/// line and column the diagnostic is reported at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// For problems with no span (an unreadable file): the file concerned.
    pub path: Option<PathBuf>,
    /// A fix sure enough to offer as an edit (a did-you-mean), for editors.
    pub suggestion: Option<Box<Suggestion>>,
}

/// A diagnostic's help text; for a did-you-mean, also the name suggested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Help {
    pub text: String,
    pub replacement: Option<String>,
}

impl Help {
    /// "did you mean `name`?", suggesting `name`.
    pub fn did_you_mean(name: &str) -> Help {
        Help {
            text: format!("did you mean `{name}`?"),
            replacement: Some(name.to_string()),
        }
    }
}

impl From<String> for Help {
    fn from(text: String) -> Help {
        Help {
            text,
            replacement: None,
        }
    }
}

impl From<&str> for Help {
    fn from(text: &str) -> Help {
        Help::from(text.to_string())
    }
}

impl From<&String> for Help {
    fn from(text: &String) -> Help {
        Help::from(text.clone())
    }
}

/// Replace the text at `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub span: Span,
    pub replacement: String,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            path: None,
            suggestion: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Sets the help; a did-you-mean help ([`Help::did_you_mean`]) also
    /// becomes the suggestion to put its name in place of the primary
    /// label's text (the misspelt name).
    pub fn with_help(mut self, help: impl Into<Help>) -> Diagnostic {
        let help = help.into();
        if let (Some(replacement), Some(span)) = (help.replacement, self.primary_span()) {
            self = self.with_suggestion(span, replacement);
        }
        self.help = Some(help.text);
        self
    }

    /// The did-you-mean as an edit: `replacement` in place of `span`.
    pub fn with_suggestion(mut self, span: Span, replacement: impl Into<String>) -> Diagnostic {
        self.suggestion = Some(Box::new(Suggestion {
            span,
            replacement: replacement.into(),
        }));
        self
    }

    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Diagnostic {
        self.path = Some(path.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }
}

/// At most this many diagnostics of one code are reported for one item (a
/// rule with 2,000 singleton variables), and shown for one file; the rest
/// are counted in one more diagnostic ([`more`]).
pub const SHOWN_PER_ITEM: usize = 10;
pub const SHOWN_PER_FILE: usize = 50;

/// "… and 1,990 more `warrant::singleton_variable` in rule `r`": stands for
/// diagnostics left out, with the severity of the worst of them.
pub fn more(code: Code, severity: Severity, count: usize, place: &str) -> Diagnostic {
    let mut digits = count.to_string();
    let mut at = digits.len();
    while at > 3 {
        at -= 3;
        digits.insert(at, ',');
    }
    Diagnostic {
        severity,
        ..Diagnostic::error(code, format!("… and {digits} more `{code}` in {place}"))
    }
    .with_help("fix the ones shown first")
}

/// The diagnostics to show, in order, with at most `per_file` of each code
/// in each file: the first one left out is replaced by a [`more`] that
/// counts them all, so the output stays small whatever the input.
pub fn bounded(diags: &[Diagnostic], sources: &Sources, per_file: usize) -> Vec<Diagnostic> {
    use std::collections::HashMap;
    let key = |d: &Diagnostic| (d.primary_span().map(|s| s.file), d.code);
    let mut total: HashMap<_, (usize, Severity)> = HashMap::new();
    for d in diags {
        let entry = total.entry(key(d)).or_insert((0, d.severity));
        entry.0 += 1;
        entry.1 = entry.1.min(d.severity); // errors sort before warnings
    }
    let mut seen: HashMap<_, usize> = HashMap::new();
    let mut shown = Vec::new();
    for d in diags {
        let k = key(d);
        let n = seen.entry(k).or_insert(0);
        *n += 1;
        if *n <= per_file {
            shown.push(d.clone());
        } else if *n == per_file + 1 {
            let (count, severity) = total[&k];
            let file = match k.0 {
                Some(f) => sources.get(f).name(),
                None => "this run".to_string(),
            };
            let mut summary = more(d.code, severity, count - per_file, &file)
                .with_help("fix the ones shown first; `--format json` lists every one");
            summary.labels = d.labels.iter().take(1).cloned().collect();
            if let Some(l) = summary.labels.first_mut() {
                l.message = "the next of them".to_string();
            }
            shown.push(summary);
        }
    }
    shown
}

/// Sorts diagnostics into a stable order: by file, position, then code.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.primary_span().map(|s| (s.file, s.start, s.end));
        key(a)
            .cmp(&key(b))
            .then_with(|| a.code.as_str().cmp(b.code.as_str()))
            .then_with(|| a.message.cmp(&b.message))
    });
}

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

/// Levenshtein distance, for did-you-mean suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest candidate to `name`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (edit_distance(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_prefixed() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(code.as_str().starts_with("warrant::"), "{code}");
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
    }

    #[test]
    fn repeats_beyond_the_bound_are_counted_in_one_diagnostic() {
        let mut sources = Sources::default();
        let a = sources.add("a.wr".into(), "x".repeat(100));
        let b = sources.add("b.wr".into(), "x".repeat(100));
        let at = |file, i| Span::new(file, i, i + 1);
        let mut diags: Vec<Diagnostic> = (0..5)
            .map(|i| Diagnostic::warning(Code::SingletonVariable, "s").with_label(at(a, i), ""))
            .collect();
        diags.push(Diagnostic::error(Code::SingletonVariable, "e").with_label(at(a, 9), ""));
        diags.push(Diagnostic::error(Code::Parse, "p").with_label(at(a, 10), ""));
        diags.push(Diagnostic::warning(Code::SingletonVariable, "s").with_label(at(b, 0), ""));
        let shown = bounded(&diags, &sources, 2);
        let messages: Vec<&str> = shown.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "s",
                "s",
                "… and 4 more `warrant::singleton_variable` in a.wr",
                "p",
                "s"
            ]
        );
        // The count has the severity of the worst diagnostic it stands for.
        assert_eq!(shown[2].severity, Severity::Error);
        assert_eq!(shown[2].primary_span(), Some(at(a, 2)));
        assert_eq!(
            more(Code::Parse, Severity::Error, 1234567, "x").message,
            "… and 1,234,567 more `warrant::parse` in x"
        );
    }

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

    #[test]
    fn a_did_you_mean_help_suggests_replacing_the_primary_label() {
        let span = Span::new(crate::source::FileId(0), 3, 7);
        let d = Diagnostic::error(Code::UnknownPredicate, "unknown predicate `alyy`")
            .with_label(span, "here")
            .with_help(Help::did_you_mean("ally"));
        assert_eq!(d.help.as_deref(), Some("did you mean `ally`?"));
        let suggestion = d.suggestion.expect("a suggestion");
        assert_eq!(
            (suggestion.span, suggestion.replacement.as_str()),
            (span, "ally")
        );
        let plain = Diagnostic::error(Code::UnknownPredicate, "x")
            .with_label(span, "here")
            .with_help("declare it");
        assert_eq!(plain.suggestion, None);
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("hedgs", ["hedges", "ally"]), Some("hedges"));
        assert_eq!(did_you_mean("zzz", ["hedges", "ally"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
