//! The report as Markdown, for pasting into a document or an issue
//! tracker: the same content as the HTML page, each proof in a collapsible
//! `<details>` block (renderers that do not support it show it open).
//! Graphs are left out: Markdown renderers do not take inline SVG.

use std::fmt::Write as _;

use super::anchor::{anchor, conflict_anchor};
use super::html::escape;
use super::say::{self, Check};
use super::{Changes, Graphs, Report, SCALE, World, necessity};
use crate::explain::{
    Assumptions, Citation, ComparisonCheck, ExceptionCheck, Node, NodeKind, Proof,
};
use crate::likelihood::Likelihood;
use crate::render::text as render_text;

/// Text made safe for a Markdown paragraph: punctuation that would start
/// formatting is escaped, and so is HTML.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '!' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An inline code span that holds any text: the fence is longer than any
/// run of backticks inside.
pub fn code(s: &str) -> String {
    let s = s.replace(['\n', '\r'], " ");
    let mut longest = 0;
    let mut run = 0;
    for ch in s.chars() {
        run = if ch == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// What the report says, with names as code spans.
fn said(pieces: &[say::Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            say::Piece::Text(t) => text(t),
            say::Piece::Code(c) => code(c),
        })
        .collect()
}

/// `**likely** (0.55)`.
fn likelihood(l: Likelihood) -> String {
    format!("**{}** ({:.2})", l.word(), l.probability())
}

/// Inside HTML (a `<summary>`): escaped, with code in `<code>`.
fn html_code(s: &str) -> String {
    format!("<code>{}</code>", escape(s))
}

/// The whole document.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let title: Vec<String> = report.worlds.iter().map(|w| code(&w.path)).collect();
    let _ = writeln!(out, "# Assessment: {}\n", title.join(", "));
    out.push_str("| | |\n|---|---|\n");
    for w in &report.worlds {
        let _ = writeln!(
            out,
            "| World | {} ({} files; {} conclusions; conflicts that hold: {}) |",
            code(&w.path),
            w.files,
            w.len(),
            w.conflicts.len()
        );
    }
    for (name, title) in report.sources() {
        let _ = writeln!(out, "| Source | {} ({}) |", text(title), text(name));
    }
    let _ = writeln!(out, "| Run | {} |", text(&report.meta.date));
    let _ = writeln!(out, "| Warrant | {} |\n", text(&report.meta.version));
    match &report.meta.graphs {
        Graphs::Unavailable(why) => {
            let _ = writeln!(out, "Proof graphs are not included: {}.\n", text(why));
        }
        Graphs::Skipped | Graphs::Included => {}
    }
    out.push_str("## Likelihood scale (ICD 203)\n\n");
    out.push_str("A conclusion is as likely as the weakest link of its best proof. A number on a band's boundary takes the higher word; stated facts are certain (1.00).\n\n| Term | Band |\n|---|---|\n");
    for (word, band) in SCALE {
        let _ = writeln!(out, "| {word} | {band} |");
    }
    out.push('\n');
    for w in &report.worlds {
        world(&mut out, w, report.worlds.len() > 1);
    }
    if let Some(c) = &report.changes {
        changes(&mut out, c, &report.worlds);
    }
    let _ = writeln!(
        out,
        "---\nMade by Warrant {} on {}. Likelihood is given in the words of ICD 203; it is not analytic confidence.",
        text(&report.meta.version),
        text(&report.meta.date)
    );
    out
}

fn world(out: &mut String, w: &World, many: bool) {
    if many {
        let _ = writeln!(out, "## World {}\n", code(&w.path));
    }
    let level = if many { "###" } else { "##" };
    let _ = writeln!(out, "{level} Conclusions\n");
    if w.is_empty() {
        out.push_str("No conclusions.\n\n");
    }
    for g in &w.groups {
        let _ = writeln!(
            out,
            "{level}# {} ({})\n",
            code(&g.pred),
            g.conclusions.len()
        );
        if let Some(doc) = &g.doc {
            let _ = writeln!(out, "*{}*\n", text(doc));
        }
        for c in &g.conclusions {
            let Some(n) = w.proof.node(c.node) else {
                continue;
            };
            let because = match &n.kind {
                NodeKind::Rule(s) => s
                    .because
                    .as_ref()
                    .map(|b| format!(": {}", escape(b)))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "<details id=\"{}\"><summary>{} — <b>{}</b> ({:.2}){because}</summary>\n",
                escape(&c.anchor),
                html_code(&n.atom.to_string()),
                n.likelihood.word(),
                n.likelihood.probability()
            );
            step(out, w, &w.proof, n, false);
            for line in say::weakest(&w.proof, c.node) {
                // The line marks atoms with backticks for a terminal; here
                // it is prose.
                let _ = writeln!(out, "**Weakest link:** {}\n", text(&line.replace('`', "")));
            }
            if let Some(a) = &c.assumptions {
                assumptions(out, a);
            }
            out.push_str("</details>\n\n");
        }
    }
    if !w.conflicts.is_empty() {
        let _ = writeln!(out, "{level} Conflicts that hold ({})\n", w.conflicts.len());
        for c in &w.conflicts {
            let id = format!("{}{}", w.prefix, conflict_anchor(&c.name, &c.bindings));
            let head = match &c.description {
                Some(d) => format!("{}: {}", code(&c.name), text(d)),
                None => code(&c.name),
            };
            let _ = writeln!(out, "<a id=\"{}\"></a>\n\n{level}# {head}\n", escape(&id));
            let mut line = format!("Declared at {}", text(&c.at.to_string()));
            if let Some(b) = say::bindings(&c.bindings) {
                line.push_str(&format!("; where {}", code(&b)));
            }
            let _ = writeln!(
                out,
                "{line}. Its least likely side is {}.\n",
                likelihood(c.likelihood)
            );
            for x in &c.citations {
                citation(out, x);
            }
            checks(out, &c.comparisons, &c.exceptions);
            for (i, n) in c
                .proof
                .roots
                .iter()
                .filter_map(|&r| c.proof.node(r))
                .enumerate()
            {
                let _ = writeln!(
                    out,
                    "**Side {}:** {} {}\n",
                    i + 1,
                    linked(w, &c.proof, n),
                    likelihood(n.likelihood)
                );
                step(out, w, &c.proof, n, true);
            }
        }
    }
}

/// The atom as code, linked to its entry when it is a conclusion.
fn linked(w: &World, proof: &Proof, n: &Node) -> String {
    let a = if std::ptr::eq(proof, &w.proof) {
        w.anchor_of(n.id).map(str::to_string)
    } else {
        let a = format!("{}{}", w.prefix, anchor(&n.atom));
        w.anchor_set.contains(&a).then_some(a)
    };
    match a {
        Some(a) => format!("[{}](#{a})", code(&n.atom.to_string())),
        None => code(&n.atom.to_string()),
    }
}

/// One step of a proof; `sentence`: print the rule's sentence (a
/// conclusion's summary shows it already).
fn step(out: &mut String, w: &World, proof: &Proof, n: &Node, sentence: bool) {
    match &n.kind {
        NodeKind::Fact(o) => {
            let _ = writeln!(out, "{}\n", text(&render_text::origin(o)));
        }
        NodeKind::Unrecorded => {
            let _ = writeln!(out, "{}\n", say::UNRECORDED);
        }
        NodeKind::Rule(s) => {
            if let Some(b) = s.because.as_ref().filter(|_| sentence) {
                let _ = writeln!(out, "{}\n", text(b));
            }
            let _ = writeln!(
                out,
                "By rule {} at {}, rated {}.\n",
                code(&s.name),
                text(&s.at.to_string()),
                likelihood(s.qualifier)
            );
            for c in &s.citations {
                citation(out, c);
            }
            let computed = say::computed(s);
            for line in &computed {
                let _ = writeln!(out, "- {}", text(line));
            }
            if !computed.is_empty() {
                out.push('\n');
            }
            checks(out, &s.comparisons, &s.exceptions);
            for a in s.aggregates.iter().filter(|a| !a.counted.is_empty()) {
                let _ = writeln!(out, "Counted for {}:\n", code(&a.var));
                for m in &a.counted {
                    for p in m.rows.iter().filter_map(|&p| proof.node(p)) {
                        premise(out, w, proof, p);
                    }
                }
                out.push('\n');
            }
            if !s.premises.is_empty() {
                out.push_str("It rests on:\n\n");
                for p in s.premises.iter().filter_map(|&p| proof.node(p)) {
                    premise(out, w, proof, p);
                }
                out.push('\n');
            }
        }
    }
}

/// A premise or counted row as a list item, linked to its entry.
fn premise(out: &mut String, w: &World, proof: &Proof, p: &Node) {
    let _ = writeln!(
        out,
        "- {} {} — {}",
        linked(w, proof, p),
        likelihood(p.likelihood),
        said(&say::premise(p))
    );
}

fn citation(out: &mut String, c: &Citation) {
    let footer = format!(
        "{}, “{}” ({})",
        text(say::citation_title(c)),
        text(&c.section),
        text(&c.at.to_string())
    );
    match &c.quote {
        Some(q) => {
            let _ = writeln!(out, "> {}\n>\n> — {footer}\n", text(q));
        }
        None => {
            let _ = writeln!(out, "Source: {footer}\n");
        }
    }
}

fn checks(out: &mut String, comparisons: &[ComparisonCheck], exceptions: &[ExceptionCheck]) {
    let checks = say::checks(comparisons, exceptions);
    if checks.is_empty() {
        return;
    }
    for check in checks {
        let _ = match check {
            Check::Compared {
                text: written,
                values,
                holds,
            } => {
                let shown = match values {
                    Some(v) => format!("{}: {}", code(written), code(&v)),
                    None => code(written),
                };
                let verdict = if holds { "" } else { " — **false**" };
                writeln!(out, "- Checked {shown}{verdict}")
            }
            Check::Weakened {
                row,
                likelihood: p,
                cap,
                at,
            } => writeln!(
                out,
                "- Weakened by {} {}: capped at {} (the `unless` at {})",
                code(&row),
                likelihood(p),
                likelihood(cap),
                text(&at)
            ),
            Check::Derived { atom } => writeln!(out, "- Exception {} was derived", code(atom)),
            Check::Absent { atom, at } => writeln!(
                out,
                "- Assumed absent: {} (no such row was derived; the `unless` at {})",
                code(atom),
                text(&at)
            ),
        };
    }
    out.push('\n');
}

fn assumptions(out: &mut String, a: &Assumptions) {
    if a.facts.is_empty() && a.exceptions.is_empty() {
        return;
    }
    out.push_str("Key assumptions:\n\n");
    for f in &a.facts {
        let origin = f
            .origin
            .as_ref()
            .map(render_text::origin)
            .unwrap_or_default();
        let caps = if f.caps_likelihood {
            format!(" {}", say::CAPS)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "- {} {} *{}* — {}{caps}",
            code(&f.atom.to_string()),
            likelihood(f.likelihood),
            necessity(f.necessary),
            text(&origin)
        );
    }
    for e in &a.exceptions {
        let _ = writeln!(
            out,
            "- Absent: {} — assumed by rule {} at {} for {}; {}",
            code(&e.atom),
            code(&e.rule),
            text(&e.at.to_string()),
            code(&e.for_atom),
            text(&say::derivable_by(e))
        );
    }
    if !a.complete {
        let _ = writeln!(out, "- {}", say::INCOMPLETE);
    }
    out.push('\n');
}

fn changes(out: &mut String, c: &Changes, worlds: &[World]) {
    let _ = writeln!(
        out,
        "## What {} changes against {}\n\n{}\n",
        code(&c.other),
        code(&c.base),
        c.summary()
    );
    let (a, b) = (worlds.first(), worlds.get(1));
    let side = |s: &super::Side| format!("[{}](#{})", likelihood(s.likelihood), s.anchor);
    if !c.gained.is_empty() {
        let _ = writeln!(out, "### Gained ({})\n", c.gained.len());
        for ch in &c.gained {
            if let Some(o) = &ch.other {
                let _ = writeln!(
                    out,
                    "- {} {} — {}",
                    code(&ch.atom),
                    side(o),
                    said(&say::reason(b, o.node))
                );
            }
        }
        out.push('\n');
    }
    if !c.lost.is_empty() {
        let _ = writeln!(out, "### Lost ({})\n", c.lost.len());
        for ch in &c.lost {
            let Some(s) = &ch.base else { continue };
            let _ = write!(out, "- {} was {}", code(&ch.atom), side(s));
            if let Some(w) = &ch.why_not {
                let _ = write!(out, " — {}", text(&render_text::verdict(w)));
                for at in say::attempts(w).unwrap_or_default() {
                    let Some(say::Closest { met, of, failed }) = at.best else {
                        continue;
                    };
                    let failed: Vec<String> = failed
                        .iter()
                        .map(|(k, detail)| format!("{} ({})", code(k), text(detail)))
                        .collect();
                    let _ = write!(
                        out,
                        "\n  - rule {}: {met} of {of} conditions met; not met: {}",
                        code(at.rule),
                        failed.join("; ")
                    );
                }
            }
            out.push('\n');
        }
        out.push('\n');
    }
    if !c.changed.is_empty() {
        let _ = writeln!(out, "### Changed in likelihood ({})\n", c.changed.len());
        for ch in &c.changed {
            if let (Some(s), Some(o)) = (&ch.base, &ch.other) {
                let _ = writeln!(
                    out,
                    "- {} {} → {} — now {}; before {}",
                    code(&ch.atom),
                    side(s),
                    side(o),
                    said(&say::reason(b, o.node)),
                    said(&say::reason(a, s.node))
                );
            }
        }
        out.push('\n');
    }
    for (title, items) in [
        ("Conflicts gained", &c.conflicts_gained),
        ("Conflicts lost", &c.conflicts_lost),
    ] {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title} ({})\n", items.len());
        for (t, anchor) in items {
            let _ = writeln!(out, "- [{}](#{anchor})", code(t));
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code("ally(japan, us)"), "`ally(japan, us)`");
        assert_eq!(code("a `b` c"), "``a `b` c``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        assert_eq!(code("two\nlines"), "`two lines`");
    }

    #[test]
    fn text_cannot_format_or_inject() {
        assert_eq!(
            text("*a* _b_ [c](d) <script>"),
            "\\*a\\* \\_b\\_ \\[c\\](d) &lt;script&gt;"
        );
        assert_eq!(text("x | y\nz"), "x \\| y z");
    }
}
