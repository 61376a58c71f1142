//! A proof step, its citations, checks and key assumptions, and a conflict
//! with its sides side by side.

use std::fmt::Write as _;

use super::{Links, badge, code, escape};
use crate::explain::{
    Assumptions, Citation, ComparisonCheck, ConflictExplanation, ExceptionCheck, Node, NodeKind,
    Proof,
};
use crate::render::report::anchor::conflict_anchor;
use crate::render::report::{World, necessity};
use crate::render::text;

/// One step of a proof: how the node holds, and its premises (linked to
/// their own entries where they are conclusions).
pub(super) fn step(out: &mut String, links: &Links, proof: &Proof, n: &Node, sentence: bool) {
    match &n.kind {
        NodeKind::Fact(origin) => {
            let _ = writeln!(
                out,
                "<p class=\"origin\">{}</p>",
                escape(&text::origin(origin))
            );
        }
        NodeKind::Unrecorded => out.push_str(
            "<p class=\"origin\">No derivation recorded (evaluated without provenance).</p>\n",
        ),
        NodeKind::Rule(s) => {
            if let Some(b) = s.because.as_ref().filter(|_| sentence) {
                let _ = writeln!(out, "<p class=\"sentence\">{}</p>", escape(b));
            }
            let _ = writeln!(
                out,
                "<p class=\"rule\">By rule {} at <span class=\"loc\">{}</span>, rated {}</p>",
                code(&s.name),
                escape(&s.at.to_string()),
                badge(s.qualifier)
            );
            for c in &s.citations {
                citation(out, c);
            }
            checks(out, &s.comparisons, &s.exceptions);
            if !s.premises.is_empty() {
                out.push_str("<p class=\"label\">It rests on:</p>\n<ul class=\"premises\">\n");
                for p in s.premises.iter().filter_map(|&p| proof.node(p)) {
                    premise(out, links, proof, p);
                }
                out.push_str("</ul>\n");
            }
        }
    }
}

fn premise(out: &mut String, links: &Links, proof: &Proof, p: &Node) {
    let atom = code(&p.atom.to_string());
    let shown = match links.of(proof, p) {
        Some(a) => format!("<a href=\"#{}\">{atom}</a>", escape(&a)),
        None => atom,
    };
    let detail = match &p.kind {
        NodeKind::Fact(o) => text::origin(o),
        NodeKind::Rule(s) => s
            .because
            .clone()
            .unwrap_or_else(|| format!("by rule `{}`", s.name)),
        NodeKind::Unrecorded => "no derivation recorded".to_string(),
    };
    let _ = writeln!(
        out,
        "<li>{shown} {} <span class=\"detail\">{}</span></li>",
        badge(p.likelihood),
        escape(&detail)
    );
}

fn citation(out: &mut String, c: &Citation) {
    let title = if c.title.is_empty() {
        &c.source
    } else {
        &c.title
    };
    let footer = format!(
        "{}, “{}” <span class=\"loc\">({})</span>",
        escape(title),
        escape(&c.section),
        escape(&c.at.to_string())
    );
    match &c.quote {
        Some(q) => {
            let _ = writeln!(
                out,
                "<blockquote class=\"quote\"><p>{}</p><footer>{footer}</footer></blockquote>",
                escape(q)
            );
        }
        None => {
            let _ = writeln!(out, "<p class=\"cite\">Source: {footer}</p>");
        }
    }
}

fn checks(out: &mut String, comparisons: &[ComparisonCheck], exceptions: &[ExceptionCheck]) {
    if comparisons.is_empty() && exceptions.is_empty() {
        return;
    }
    out.push_str("<ul class=\"checks\">\n");
    for c in comparisons {
        let values = text::comparison_values(c);
        let shown = if values == c.text {
            code(&values)
        } else {
            format!("{}: {}", code(&c.text), code(&values))
        };
        let verdict = if c.holds {
            ""
        } else {
            " — <strong>false</strong>"
        };
        let _ = writeln!(out, "<li>Checked {shown}{verdict}</li>");
    }
    for e in exceptions {
        match (&e.matched, e.cap()) {
            (Some((row, p)), Some(cap)) => {
                let _ = writeln!(
                    out,
                    "<li class=\"against\">Weakened by {} {}: capped at {} <span class=\"muted\">(the <code>unless</code> at {})</span></li>",
                    code(&row.to_string()),
                    badge(*p),
                    badge(cap),
                    escape(&e.at.to_string())
                );
            }
            _ if e.derived => {
                let _ = writeln!(
                    out,
                    "<li class=\"against\">Exception {} was derived</li>",
                    code(&e.atom)
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "<li>Assumed absent: {} <span class=\"muted\">(no such row was derived; the <code>unless</code> at {})</span></li>",
                    code(&e.atom),
                    escape(&e.at.to_string())
                );
            }
        }
    }
    out.push_str("</ul>\n");
}

pub(super) fn assumptions(out: &mut String, a: &Assumptions) {
    if a.facts.is_empty() && a.exceptions.is_empty() {
        return;
    }
    out.push_str("<div class=\"assumptions\">\n<p class=\"label\">Key assumptions:</p>\n<ul>\n");
    for f in &a.facts {
        let tag = match f.necessary {
            Some(true) => "every",
            Some(false) => "best",
            None => "undecided",
        };
        let origin = f.origin.as_ref().map(text::origin).unwrap_or_default();
        let caps = if f.caps_likelihood {
            " <span class=\"muted\">— caps how likely the conclusion is</span>"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<li>{} {} <span class=\"tag t-{tag}\">{}</span> <span class=\"detail\">{}</span>{caps}</li>",
            code(&f.atom.to_string()),
            badge(f.likelihood),
            necessity(f.necessary),
            escape(&origin)
        );
    }
    for e in &a.exceptions {
        let by = if e.could_be_derived_by.is_empty() {
            "no rule concludes it".to_string()
        } else {
            format!(
                "rules that could conclude it: {}",
                e.could_be_derived_by.join(", ")
            )
        };
        let _ = writeln!(
            out,
            "<li>Absent: {} <span class=\"detail\">assumed by rule {} at {} for {}; {}</span></li>",
            code(&e.atom),
            code(&e.rule),
            escape(&e.at.to_string()),
            code(&e.for_atom),
            escape(&by)
        );
    }
    if !a.complete {
        out.push_str(
            "<li class=\"muted\">Not every proof was searched: necessity is undecided.</li>\n",
        );
    }
    out.push_str("</ul>\n</div>\n");
}

pub(super) fn conflict(out: &mut String, w: &World, links: &Links, c: &ConflictExplanation) {
    let id = format!("{}{}", w.prefix, conflict_anchor(c));
    let head = match &c.description {
        Some(d) => format!("{}: {}", code(&c.name), escape(d)),
        None => code(&c.name),
    };
    let _ = writeln!(
        out,
        "<article class=\"conflict\" id=\"{}\">\n<h3>{head}</h3>",
        escape(&id)
    );
    let bindings: Vec<String> = c
        .bindings
        .iter()
        .map(|b| format!("{} = {}", b.name, b.value))
        .collect();
    let _ = write!(
        out,
        "<p>Declared at <span class=\"loc\">{}</span>",
        escape(&c.at.to_string())
    );
    if !bindings.is_empty() {
        let _ = write!(out, "; where {}", code(&bindings.join(", ")));
    }
    let _ = writeln!(
        out,
        ". Its least likely side is {}.</p>",
        badge(c.likelihood)
    );
    for x in &c.citations {
        citation(out, x);
    }
    checks(out, &c.comparisons, &c.exceptions);
    out.push_str("<div class=\"sides\">\n");
    for n in c.proof.roots.iter().filter_map(|&r| c.proof.node(r)) {
        let atom = code(&n.atom.to_string());
        let shown = match links.of(&c.proof, n) {
            Some(a) => format!("<a href=\"#{}\">{atom}</a>", escape(&a)),
            None => atom,
        };
        let _ = writeln!(
            out,
            "<div class=\"side\"><p class=\"side-head\">{shown} {}</p>",
            badge(n.likelihood)
        );
        step(out, links, &c.proof, n, true);
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n</article>\n");
}
