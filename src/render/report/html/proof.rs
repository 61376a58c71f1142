//! A proof step, its citations, checks and key assumptions, and a conflict
//! with its sides side by side.

use std::fmt::Write as _;

use super::{Links, badge, code, escape, said};
use crate::explain::{
    Assumptions, Citation, ComparisonCheck, ConflictExplanation, ExceptionCheck, Node, NodeKind,
    Proof,
};
use crate::render::report::anchor::conflict_anchor;
use crate::render::report::say::{self, Check};
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
        NodeKind::Unrecorded => {
            let _ = writeln!(out, "<p class=\"origin\">{}</p>", say::UNRECORDED);
        }
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
            let computed = say::computed(s);
            if !computed.is_empty() {
                out.push_str("<ul class=\"checks\">\n");
                for line in &computed {
                    let _ = writeln!(out, "<li>{}</li>", escape(line));
                }
                out.push_str("</ul>\n");
            }
            checks(out, &s.comparisons, &s.exceptions);
            for a in s.aggregates.iter().filter(|a| !a.counted.is_empty()) {
                let _ = writeln!(
                    out,
                    "<p class=\"label\">Counted for {}:</p>\n<ul class=\"premises\">",
                    code(&a.var)
                );
                for m in &a.counted {
                    for p in m.rows.iter().filter_map(|&p| proof.node(p)) {
                        premise(out, links, proof, p);
                    }
                }
                out.push_str("</ul>\n");
            }
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
    let _ = writeln!(
        out,
        "<li>{shown} {} <span class=\"detail\">{}</span></li>",
        badge(p.likelihood),
        said(&say::premise(p))
    );
}

fn citation(out: &mut String, c: &Citation) {
    let footer = format!(
        "{}, “{}” <span class=\"loc\">({})</span>",
        escape(say::citation_title(c)),
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
    let checks = say::checks(comparisons, exceptions);
    if checks.is_empty() {
        return;
    }
    out.push_str("<ul class=\"checks\">\n");
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
                let verdict = if holds {
                    ""
                } else {
                    " — <strong>false</strong>"
                };
                writeln!(out, "<li>Checked {shown}{verdict}</li>")
            }
            Check::Weakened {
                row,
                likelihood,
                cap,
                at,
            } => writeln!(
                out,
                "<li class=\"against\">Weakened by {} {}: capped at {} <span class=\"muted\">(the <code>unless</code> at {})</span></li>",
                code(&row),
                badge(likelihood),
                badge(cap),
                escape(&at)
            ),
            Check::Derived { atom } => writeln!(
                out,
                "<li class=\"against\">Exception {} was derived</li>",
                code(atom)
            ),
            Check::Absent { atom, at } => writeln!(
                out,
                "<li>Assumed absent: {} <span class=\"muted\">(no such row was derived; the <code>unless</code> at {})</span></li>",
                code(atom),
                escape(&at)
            ),
        };
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
            format!(" <span class=\"muted\">{}</span>", say::CAPS)
        } else {
            String::new()
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
        let _ = writeln!(
            out,
            "<li>Absent: {} <span class=\"detail\">assumed by rule {} at {} for {}; {}</span></li>",
            code(&e.atom),
            code(&e.rule),
            escape(&e.at.to_string()),
            code(&e.for_atom),
            escape(&say::derivable_by(e))
        );
    }
    if !a.complete {
        let _ = writeln!(out, "<li class=\"muted\">{}</li>", say::INCOMPLETE);
    }
    out.push_str("</ul>\n</div>\n");
}

pub(super) fn conflict(out: &mut String, w: &World, links: &Links, c: &ConflictExplanation) {
    let id = format!("{}{}", w.prefix, conflict_anchor(&c.name, &c.bindings));
    let head = match &c.description {
        Some(d) => format!("{}: {}", code(&c.name), escape(d)),
        None => code(&c.name),
    };
    let _ = writeln!(
        out,
        "<article class=\"conflict\" id=\"{}\">\n<h3>{head}</h3>",
        escape(&id)
    );
    let _ = write!(
        out,
        "<p>Declared at <span class=\"loc\">{}</span>",
        escape(&c.at.to_string())
    );
    if let Some(b) = say::bindings(&c.bindings) {
        let _ = write!(out, "; where {}", code(&b));
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
