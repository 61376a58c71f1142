//! Diagnostics: every problem a user can cause, with a stable code, labelled
//! spans and help, rendered through miette (graphical) or as JSON.
//!
//! Stages produce plain [`Diagnostic`] values; only rendering touches miette,
//! so a diagnostic can carry labels in several files (an arity mismatch
//! between a rule and an imported declaration): labels outside the primary
//! file are shown as related notes, each with its own file.

use std::fmt;
use std::path::PathBuf;

mod bound;
mod graphical;
mod suggest;

pub use bound::{SHOWN_PER_FILE, SHOWN_PER_ITEM, bounded, more, sort};
pub use graphical::{Style, escape_controls, render};
pub use suggest::{did_you_mean, edit_distance};

use crate::source::Span;

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
    /// A `query` conjunction negates a condition (`not …`, `unless …`).
    NegatedQuery => "warrant::negated_query",
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
}
