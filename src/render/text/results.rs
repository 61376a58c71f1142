//! `warrant run` and `warrant query` results as text, written row by row,
//! and the one-line evaluation summary.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::group;
use crate::engine::{Model, QueryTable};
use crate::explain::{self, Proof};
use crate::ir::{PredId, Value, ValueId};
use crate::likelihood::Likelihood;

/// How `warrant run` prints as text.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Follow each row with a one-line reason (needs provenance).
    pub explain: bool,
    /// ANSI colour in conflict explanations.
    pub color: bool,
}

/// The `warrant run` output: the rows of `preds` (see
/// [`run_predicates`](crate::render::run_predicates)) grouped by predicate,
/// each row padded to the predicate's widest row and
/// followed by its likelihood, then the conflicts that hold (with the
/// proofs of their sides when derivations were recorded). Rows are
/// written as they are formatted: the widths come from a first pass that
/// measures without keeping anything.
pub fn run<W: Write>(
    out: &mut W,
    model: &Model,
    preds: &[PredId],
    opts: &RunOptions,
) -> io::Result<()> {
    let program = model.program();
    if preds.is_empty() {
        out.write_all(b"no conclusions\n")?;
    }
    let reasons = opts.explain && model.has_provenance();
    let mut line = String::new();
    let mut scratch = String::new();
    let mut likelihoods = LikelihoodText::default();
    for (i, &p) in preds.iter().enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
        }
        let name = program.pred(p).name.as_str();
        let n = model.len(p);
        writeln!(
            out,
            "{name} ({} row{})",
            group(n),
            if n == 1 { "" } else { "s" }
        )?;
        let name_width = name.chars().count();
        let width = model
            .rows(p)
            .map(|(_, row, _)| row_width(name_width, model, row, &mut scratch))
            .max()
            .unwrap_or(0);
        for (id, row, l) in model.rows(p) {
            line.clear();
            line.push_str("  ");
            write_row(&mut line, name, model, row);
            // The row as written is its width: no second measuring.
            let written = &line[2..];
            let shown = if written.is_ascii() {
                written.len()
            } else {
                written.chars().count()
            };
            for _ in shown..width {
                line.push(' ');
            }
            line.push_str("  ");
            line.push_str(likelihoods.text(l));
            if reasons {
                let r = explain::reason(model, p, id);
                let _ = write!(line, "  — {}", super::reason(&r));
            }
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
    }
    conflicts(out, model, opts.color)
}

/// The conflicts that hold, as `run` prints them after the rows (nothing
/// when none holds).
pub fn conflicts<W: Write>(out: &mut W, model: &Model, color: bool) -> io::Result<()> {
    let program = model.program();
    let hits = model.conflicts();
    if hits.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nconflicts ({})", hits.len())?;
    for h in hits {
        let Some(c) = program.conflicts.get(h.conflict) else {
            continue;
        };
        // With provenance each conflict is shown with the proofs of its sides.
        if model.has_provenance()
            && let Some(x) = explain::explain_conflict(model, h)
        {
            out.write_all(b"\n")?;
            for line in super::conflict(&x, color).lines() {
                if line.is_empty() {
                    out.write_all(b"\n")?;
                } else {
                    writeln!(out, "  {line}")?;
                }
            }
            continue;
        }
        match &c.description {
            Some(d) => writeln!(out, "  {}: {d}", c.name)?,
            None => writeln!(out, "  {}", c.name)?,
        }
        let b: Vec<String> = c
            .body
            .vars
            .iter()
            .zip(&h.bindings)
            .filter(|(name, _)| !name.starts_with('_'))
            .map(|(name, &v)| format!("{name} = {}", value_text(model, v)))
            .collect();
        if !b.is_empty() {
            writeln!(out, "    {}", b.join(", "))?;
        }
        let premises: Vec<String> = h
            .premises
            .iter()
            .filter_map(|p| Some(model.format_row(p.pred, model.row(p.pred, p.row)?)))
            .collect();
        if !premises.is_empty() {
            writeln!(out, "    on {}  {}", premises.join(", "), h.likelihood)?;
        }
    }
    Ok(())
}

/// `likely (0.55)`, formatted once per likelihood met (there are at most
/// 10,001, and a model has few); consecutive rows mostly share one, so the
/// last is kept at hand.
#[derive(Default)]
struct LikelihoodText {
    texts: std::collections::HashMap<Likelihood, String>,
    last: Option<(Likelihood, String)>,
}

impl LikelihoodText {
    fn text(&mut self, l: Likelihood) -> &str {
        if self.last.as_ref().is_none_or(|(k, _)| *k != l) {
            let text = self.texts.entry(l).or_insert_with(|| l.to_string()).clone();
            self.last = Some((l, text));
        }
        self.last.as_ref().map_or("", |(_, t)| t.as_str())
    }
}

fn value_text(model: &Model, id: ValueId) -> String {
    model
        .value(id)
        .map_or_else(|| "?".to_string(), Value::to_string)
}

/// Appends `name(a, b)`.
fn write_row(line: &mut String, name: &str, model: &Model, row: &[ValueId]) {
    line.push_str(name);
    line.push('(');
    for (i, &v) in row.iter().enumerate() {
        if i > 0 {
            line.push_str(", ");
        }
        match model.value(v) {
            Some(v) => crate::render::push_value(line, v),
            None => line.push('?'),
        }
    }
    line.push(')');
}

/// The width in characters of `name(a, b)` (the name `name_width` wide),
/// measured without building it (symbols and integers directly; other
/// values through `scratch`).
fn row_width(name_width: usize, model: &Model, row: &[ValueId], scratch: &mut String) -> usize {
    let mut w = name_width + 2 + 2 * row.len().saturating_sub(1);
    for &v in row {
        w += value_width(model, v, scratch);
    }
    w
}

/// The width in characters of a value as printed: symbols and integers
/// measured directly, other values through `scratch`.
fn value_width(model: &Model, v: ValueId, scratch: &mut String) -> usize {
    match model.value(v) {
        Some(Value::Text(s)) if crate::ir::is_symbol(s) => s.len(),
        Some(Value::Int(i)) => int_width(*i),
        Some(v) => {
            scratch.clear();
            let _ = write!(scratch, "{v}");
            scratch.chars().count()
        }
        None => 1,
    }
}

fn int_width(i: i64) -> usize {
    let digits = i
        .unsigned_abs()
        .checked_ilog10()
        .map_or(1, |d| d as usize + 1);
    digits + usize::from(i < 0)
}

/// The summary line for stderr: rows derived (the predicates with the most
/// rows first, five at most), strata, time.
pub fn summary(model: &Model) -> String {
    let program = model.program();
    let st = model.stats();
    let mut per: Vec<(usize, &str)> = st
        .derived
        .iter()
        .enumerate()
        .filter(|&(_, &n)| n > 0)
        .filter_map(|(p, &n)| Some((n, program.preds.get(p)?.name.as_str())))
        .collect();
    // Most rows first; ties in declaration order (the sort is stable).
    per.sort_by_key(|&(n, _)| std::cmp::Reverse(n));
    let total = st.total_derived();
    let mut s = format!(
        "derived {} row{}",
        group(total),
        if total == 1 { "" } else { "s" }
    );
    if !per.is_empty() {
        let shown: Vec<String> = per
            .iter()
            .take(5)
            .map(|(n, name)| format!("{name} {}", group(*n)))
            .collect();
        let more = per.len().saturating_sub(5);
        let _ = write!(s, " ({}", shown.join(", "));
        if more > 0 {
            let _ = write!(
                s,
                ", and {more} more predicate{}",
                if more == 1 { "" } else { "s" }
            );
        }
        s.push(')');
    }
    let _ = write!(
        s,
        " · {} {} · {:.3} s",
        st.strata,
        if st.strata == 1 { "stratum" } else { "strata" },
        st.eval_time.as_secs_f64()
    );
    s
}

/// A query table as aligned columns, then the likelihood; the header alone
/// when nothing matches. Widths come from a first pass over the table.
pub fn query<W: Write>(out: &mut W, model: &Model, table: &QueryTable) -> io::Result<()> {
    query_rows(out, model, table, None)
}

/// [`query`] with each answer followed by its proof (`proofs`, one per
/// answer in table order), indented under it, and a blank line between
/// answers.
pub fn query_explained<W: Write>(
    out: &mut W,
    model: &Model,
    table: &QueryTable,
    proofs: &[Option<Proof>],
    color: bool,
) -> io::Result<()> {
    query_rows(out, model, table, Some((proofs, color)))
}

fn query_rows<W: Write>(
    out: &mut W,
    model: &Model,
    table: &QueryTable,
    proofs: Option<(&[Option<Proof>], bool)>,
) -> io::Result<()> {
    let mut widths: Vec<usize> = table.columns.iter().map(|c| c.chars().count()).collect();
    let mut scratch = String::new();
    for (vals, _) in table.rows(model) {
        for (w, &v) in widths.iter_mut().zip(&vals) {
            *w = (*w).max(value_width(model, v, &mut scratch));
        }
    }
    let mut likelihoods = LikelihoodText::default();
    let mut line = String::new();
    let cell = |line: &mut String, i: usize, text: &str, width: usize| {
        line.push_str(text);
        let pad = widths[i].saturating_sub(width) + 2;
        for _ in 0..pad {
            line.push(' ');
        }
    };
    for (i, c) in table.columns.iter().enumerate() {
        cell(&mut line, i, c, c.chars().count());
    }
    line.push_str("likelihood\n");
    out.write_all(line.as_bytes())?;
    for (n, (vals, l)) in table.rows(model).enumerate() {
        line.clear();
        if n > 0 && proofs.is_some() {
            line.push('\n');
        }
        for (i, &v) in vals.iter().enumerate() {
            scratch.clear();
            let _ = write!(scratch, "{}", ValueText(model, v));
            cell(&mut line, i, &scratch, scratch.chars().count());
        }
        line.push_str(likelihoods.text(l));
        line.push('\n');
        if let Some((proofs, color)) = proofs
            && let Some(Some(p)) = proofs.get(n)
        {
            for text in super::proof(p, color).lines() {
                if !text.is_empty() {
                    line.push_str("    ");
                    line.push_str(text);
                }
                line.push('\n');
            }
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// A value of the model as printed; `?` for an id out of range.
struct ValueText<'m>(&'m Model, ValueId);

impl std::fmt::Display for ValueText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.value(self.1) {
            Some(v) => write!(f, "{v}"),
            None => f.write_str("?"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_widths_match_their_printed_length() {
        for i in [0, 7, -7, 10, 99, 100, -100, i64::MAX, i64::MIN, 1_000_000] {
            assert_eq!(int_width(i), i.to_string().len(), "{i}");
        }
    }
}
