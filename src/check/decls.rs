//! Pass 1: scales, sources and `pred` declarations.

use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::hash::HashMap;
use crate::ir::{self, ColumnType, ScaleId, SourceId};
use crate::source::Span;
use crate::syntax::ast::{Item, Name, PredDecl, ScaleDecl};

/// The built-in column types a `pred` parameter may name.
/// `text`, `symbol` and `string` are one type: text is one kind of value.
pub(super) const BUILTIN_TYPES: [&str; 6] =
    ["int", "decimal", "number", "text", "symbol", "string"];

fn builtin(name: &str) -> Option<ColumnType> {
    Some(match name {
        "int" => ColumnType::Int,
        "decimal" => ColumnType::Decimal,
        "number" => ColumnType::Number,
        "text" | "symbol" | "string" => ColumnType::Text,
        _ => return None,
    })
}

fn duplicate(what: &str, name: &Name, first: Span) -> Diagnostic {
    Diagnostic::error(
        Code::DuplicateDeclaration,
        format!("{what} `{}` is declared twice", name.text),
    )
    .with_label(name.span, "declared again here")
    .with_label(first, "first declared here")
    .with_help(format!(
        "remove one declaration, or rename one of the {what}s"
    ))
}

impl<'a> Checker<'a> {
    /// Pass 1. Scales come first, over all files, because a `pred` may name
    /// a scale declared after it or in another file.
    pub(super) fn declare(&mut self) {
        for item in self.items() {
            if let Item::Scale(s) = item {
                self.declare_scale(s);
            }
        }
        let mut first_source: HashMap<&str, Span> = HashMap::default();
        for item in self.items() {
            match item {
                Item::Source(s) => {
                    if let Some(&first) = first_source.get(s.name.text.as_str()) {
                        self.error(duplicate("source", &s.name, first));
                        continue;
                    }
                    first_source.insert(&s.name.text, s.name.span);
                    let id = SourceId(self.sources.len() as u32);
                    self.sources.push(ir::Source {
                        name: s.name.text.clone(),
                        title: s.title.value.clone(),
                        span: s.span,
                    });
                    self.source_index.insert(&s.name.text, id);
                }
                Item::Pred(p) => self.declare_pred(p),
                _ => {}
            }
        }
    }

    fn declare_scale(&mut self, s: &'a ScaleDecl) {
        if builtin(&s.name.text).is_some() {
            self.error(
                Diagnostic::error(
                    Code::DuplicateDeclaration,
                    format!("`{}` is the name of a built-in type", s.name.text),
                )
                .with_label(s.name.span, "a scale cannot take this name")
                .with_help(format!(
                    "rename the scale; {} are built in",
                    BUILTIN_TYPES.join(", ")
                )),
            );
            return;
        }
        if let Some(&id) = self.scale_index.get(s.name.text.as_str()) {
            let first = self.scales[id.0 as usize].span;
            self.error(duplicate("scale", &s.name, first));
            return;
        }
        let id = ScaleId(self.scales.len() as u32);
        let mut values = Vec::with_capacity(s.values.len());
        let mut seen: Vec<&Name> = Vec::new();
        for v in &s.values {
            if let Some(first) = seen.iter().find(|n| n.text == v.text) {
                self.error(
                    Diagnostic::error(
                        Code::DuplicateDeclaration,
                        format!("`{}` appears twice in scale `{}`", v.text, s.name.text),
                    )
                    .with_label(v.span, "repeated here")
                    .with_label(first.span, "first here")
                    .with_help("a scale is an order: each value has one place in it"),
                );
                continue;
            }
            seen.push(v);
            let value = self.text(&v.text);
            values.push(value);
            self.value_scales.entry(value).or_default().push(id);
        }
        self.scales.push(ir::Scale {
            name: s.name.text.clone(),
            values,
            span: s.name.span,
        });
        self.scale_index.insert(&s.name.text, id);
    }

    fn declare_pred(&mut self, p: &'a PredDecl) {
        if let Some(id) = self.pred_id(&p.name.text) {
            // A predicate is registered here only by its first declaration.
            let first = self.pred(id).arity_span;
            self.error(duplicate("predicate", &p.name, first));
            return;
        }
        let mut params = Vec::with_capacity(p.params.len());
        let mut type_spans = Vec::with_capacity(p.params.len());
        for param in &p.params {
            let ty = match &param.ty {
                None => ColumnType::Any,
                Some(t) => self.resolve_type(t),
            };
            params.push(ir::Param {
                name: Some(param.name.text.clone()),
                ty,
            });
            type_spans.push(param.ty.as_ref().map(|t| t.span));
        }
        let signature = self.signature_span(p);
        let id = self.intern_pred(&p.name.text, p.span, p.params.len());
        let info = &mut self.preds[id.0 as usize];
        info.params = params;
        info.type_spans = type_spans;
        info.doc = p.doc.as_ref().map(|d| d.value.clone());
        info.decl = Some(p.span);
        info.arity_span = signature;
        info.defined = true;
    }

    /// `name(params)` of a declaration, without its doc string.
    fn signature_span(&self, p: &PredDecl) -> Span {
        let text = &self.parsed.sources.get(p.span.file).text;
        let from = p.params.last().map_or(p.name.span.end, |l| l.span.end) as usize;
        match text
            .get(from..p.span.end as usize)
            .and_then(|t| t.find(')'))
        {
            Some(i) => Span::new(p.span.file, p.name.span.start as usize, from + i + 1),
            None => p.name.span,
        }
    }

    fn resolve_type(&mut self, t: &Name) -> ColumnType {
        if let Some(ty) = builtin(&t.text) {
            return ty;
        }
        if let Some(&id) = self.scale_index.get(t.text.as_str()) {
            return ColumnType::Scale(id);
        }
        let candidates: Vec<&str> = BUILTIN_TYPES
            .iter()
            .copied()
            .chain(self.scales.iter().map(|s| s.name.as_str()))
            .collect();
        let listing = self
            .scales
            .iter()
            .map(|s| format!("`{}`", s.name))
            .chain(BUILTIN_TYPES.iter().map(|b| format!("`{b}`")))
            .collect::<Vec<_>>()
            .join(", ");
        let help = self.suggest(
            &t.text,
            candidates.iter().copied(),
            format!("a column type is a declared scale or a built-in type: {listing}"),
        );
        self.error(
            Diagnostic::error(Code::UnknownScale, format!("unknown type `{}`", t.text))
                .with_label(t.span, "no scale or built-in type has this name")
                .with_help(help),
        );
        ColumnType::Any
    }
}
