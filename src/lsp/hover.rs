//! Hover: what the name under the cursor stands for.

use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};
use warrant::syntax::ast::{Cite, Item, PredDecl, Template, TemplatePiece};
use warrant::syntax::format::format_item;

use super::Cursor;
use super::builtins;
use super::index::{Role, Symbol};
use super::position::span_range;
use super::session::Session;
use super::world::World;

pub fn hover(session: &mut Session, params: HoverParams) -> Option<Hover> {
    let cursor = Cursor::new(session, &params.text_document_position_params)?;
    let world = &cursor.world;
    let occurrence = world.index.at(cursor.file, cursor.offset)?;
    let text = describe(world, &occurrence.symbol)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }),
        range: Some(span_range(
            &world.parsed.sources,
            occurrence.span,
            session.encoding,
        )),
    })
}

/// Markdown describing a symbol of a world.
pub fn describe(world: &World, symbol: &Symbol) -> Option<String> {
    let sources = &world.parsed.sources;
    let items = || world.parsed.modules.iter().flat_map(|m| &m.items);
    let declared_at = |span| format!("\n\n*{}*", sources.location(span));
    Some(match symbol {
        Symbol::Pred(name) => {
            let decl = items().find_map(|i| match i {
                Item::Pred(p) if p.name.text == *name => Some(p),
                _ => None,
            });
            match decl {
                Some(p) => {
                    // As `warrant fmt` prints it, the description below.
                    let signature = format_item(&Item::Pred(PredDecl {
                        doc: None,
                        ..p.clone()
                    }));
                    let mut text = code(&signature);
                    if let Some(doc) = &p.doc {
                        text.push_str(&format!("\n\n{}", doc.value));
                    }
                    text + &declared_at(p.span)
                }
                None => {
                    let stated = world
                        .index
                        .references(symbol)
                        .filter(|o| o.role == Role::Assertion)
                        .count();
                    format!(
                        "predicate `{name}` (no `pred` declaration)\n\nstated or concluded in {stated} place{}",
                        plural(stated)
                    )
                }
            }
        }
        Symbol::Scale(name) => {
            let values = world.index.scales.get(name)?;
            let decl = world.index.definitions(symbol).into_iter().next()?;
            format!(
                "scale `{name}`, low to high: {}{}",
                values.join(" < "),
                declared_at(decl)
            )
        }
        Symbol::Value { scale, value } => {
            let values = world.index.scales.get(scale)?;
            let rank = values.iter().position(|v| v == value)? + 1;
            format!(
                "`{value}`: value {rank} of {} of scale `{scale}`\n\n{}",
                values.len(),
                values.join(" < ")
            )
        }
        Symbol::Rule(name) => {
            let rule = items().find_map(|i| match i {
                Item::Rule(r) if r.name.text == *name => Some(r),
                _ => None,
            })?;
            let mut text = format!("rule `{name}`");
            if let Some(because) = &rule.because {
                text.push_str(&format!("\n\nbecause: {}", sentence(because)));
            }
            text.push_str(&citations(world, &rule.cites));
            text + &declared_at(rule.name.span)
        }
        Symbol::Source(name) => {
            let title = world.index.sources.get(name)?;
            let decl = world.index.definitions(symbol).into_iter().next()?;
            format!("source `{name}`: {title}{}", declared_at(decl))
        }
        Symbol::Conflict(name) => {
            let conflict = items().find_map(|i| match i {
                Item::Conflict(c) if c.name.text == *name => Some(c),
                _ => None,
            })?;
            let mut text = format!("conflict `{name}`");
            if let Some(description) = &conflict.description {
                text.push_str(&format!("\n\n{}", description.value));
            }
            text.push_str(&citations(world, &conflict.cites));
            text + &declared_at(conflict.name.span)
        }
        Symbol::Constant(name) => {
            let count = world.index.constants.get(name).copied().unwrap_or(0);
            let mut files: Vec<_> = world
                .index
                .references(symbol)
                .map(|o| o.span.file)
                .collect();
            files.dedup();
            files.sort();
            files.dedup();
            format!(
                "constant `{name}`: {count} occurrence{} in this world, in {} file{}",
                plural(count),
                files.len(),
                plural(files.len())
            )
        }
        Symbol::Function(name) => builtins::function(name)?,
        Symbol::Aggregate(op) => builtins::aggregate(*op),
        Symbol::Import(file) => format!("imports `{}`", sources.get(*file).name()),
        Symbol::Var { name, item } => {
            let owner = items().find_map(|i| match i {
                Item::Rule(r) if r.name.span == *item => Some(format!("rule `{}`", r.name.text)),
                Item::Conflict(c) if c.name.span == *item => {
                    Some(format!("conflict `{}`", c.name.text))
                }
                _ => None,
            })?;
            let occurrences: Vec<_> = world.index.references(symbol).collect();
            let binding = occurrences
                .iter()
                .filter(|o| o.role == Role::Assertion)
                .count();
            let bound = if binding == 0 {
                "bound by `=`".to_string()
            } else {
                format!("bound by {binding} condition{}", plural(binding))
            };
            format!(
                "variable `{name}` of {owner}: {bound}, {} occurrence{}",
                occurrences.len(),
                plural(occurrences.len())
            )
        }
    })
}

fn code(text: &str) -> String {
    format!("```warrant\n{text}\n```")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A `because` template as written, `{Variables}` and all.
fn sentence(template: &Template) -> String {
    template
        .pieces
        .iter()
        .map(|p| match p {
            TemplatePiece::Text(t) => t.clone(),
            TemplatePiece::Var(v) => format!("{{{}}}", v.text),
        })
        .collect()
}

fn citations(world: &World, cites: &[Cite]) -> String {
    cites
        .iter()
        .map(|c| {
            let title = world
                .index
                .sources
                .get(&c.source.text)
                .map_or(c.source.text.as_str(), String::as_str);
            let quote = c
                .quote
                .as_ref()
                .map(|q| format!(": “{}”", q.value))
                .unwrap_or_default();
            format!("\n\n— {title}, {}{quote}", c.section.value)
        })
        .collect()
}
