//! A why-not report as text: the verdict, then each rule that could have
//! concluded the atom with its closest partial matches.

use std::fmt::Write as _;

use super::bindings;
use crate::explain::{AttemptStatus, Binding, CondKind, CondStatus, Outcome, WhyNot};
use crate::render::paint::Paint;

/// One sentence: derived, blocked by an exception, no rule applied, or
/// nothing could produce it.
pub fn verdict(w: &WhyNot) -> String {
    match &w.outcome {
        Outcome::Derived(p) => match p.root() {
            Some(n) => format!("`{}` was derived: {}", w.atom, n.likelihood),
            None => format!("`{}` was derived", w.atom),
        },
        Outcome::NoRule { reason, suggestion } => {
            let mut s = format!("`{}` cannot be derived: {reason}", w.atom);
            if let Some(x) = suggestion {
                let _ = write!(s, " (did you mean `{x}`?)");
            }
            s
        }
        Outcome::NotDerived { attempts } => {
            let blocked: Vec<String> = attempts
                .iter()
                .filter(|a| a.status == AttemptStatus::Blocked)
                .map(|a| format!("`{}`", a.name))
                .collect();
            let n = attempts.len();
            if blocked.is_empty() {
                format!(
                    "`{}` was not derived: no rule could conclude it ({n} rule{} tried)",
                    w.atom,
                    if n == 1 { "" } else { "s" }
                )
            } else {
                format!(
                    "`{}` was not derived: {} applied but an exception blocked {}",
                    w.atom,
                    if blocked.len() == 1 {
                        format!("rule {}", blocked[0])
                    } else {
                        format!("rules {}", blocked.join(", "))
                    },
                    if blocked.len() == 1 { "it" } else { "them" }
                )
            }
        }
    }
}

/// A why-not report: the verdict, then each rule that could have
/// concluded the atom with its closest partial matches, every condition
/// marked ✓ met, ✗ failed or · not reached.
pub fn why_not(w: &WhyNot, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let _ = writeln!(out, "{}", p.bold(&verdict(w)));
    for n in &w.notes {
        let _ = writeln!(out, "note: {n}");
    }
    match &w.outcome {
        Outcome::Derived(proof) => {
            out.push('\n');
            out.push_str(&super::proof(proof, color));
        }
        Outcome::NoRule { .. } => {}
        Outcome::NotDerived { attempts } => {
            for a in attempts {
                out.push('\n');
                let status = match a.status {
                    AttemptStatus::Failed => p.bad("no binding met every condition"),
                    AttemptStatus::Blocked => {
                        p.bad("every condition held, but an exception blocked it")
                    }
                    AttemptStatus::Applies => p.good("every condition holds"),
                };
                let _ = writeln!(
                    out,
                    "rule {} ({}): {status}",
                    p.rule(&format!("`{}`", a.name)),
                    a.at
                );
                if !a.head_bindings.is_empty() {
                    let _ = writeln!(out, "  for {}", bindings(&a.head_bindings));
                }
                let shown = a.candidates.len();
                if shown > 1 || a.partial_matches > shown {
                    let _ = writeln!(
                        out,
                        "  closest {} of {} partial match{}{}:",
                        shown,
                        a.partial_matches,
                        if a.partial_matches == 1 { "" } else { "es" },
                        if a.truncated {
                            " (search stopped early)"
                        } else {
                            ""
                        }
                    );
                }
                for (i, c) in a.candidates.iter().enumerate() {
                    let total = c.conditions.len();
                    let extra: Vec<Binding> = c
                        .bindings
                        .iter()
                        // A binding differing from the head's comes from
                        // another conclusion of the rule: shown too.
                        .filter(|b| !a.head_bindings.contains(b))
                        .cloned()
                        .collect();
                    let mut head = format!(
                        "  {}{} of {total} conditions met",
                        if shown > 1 {
                            format!("{}. ", i + 1)
                        } else {
                            String::new()
                        },
                        c.met
                    );
                    if !extra.is_empty() {
                        let _ = write!(head, ", with {}", bindings(&extra));
                    }
                    let _ = writeln!(out, "{head}");
                    let width = c
                        .conditions
                        .iter()
                        .map(|k| label(k.kind, &k.text).chars().count())
                        .max()
                        .unwrap_or(0);
                    for k in &c.conditions {
                        let mark = match k.status {
                            CondStatus::Met => p.good("✓"),
                            CondStatus::Failed => p.bad("✗"),
                            CondStatus::NotReached => p.dim("·"),
                        };
                        let label = label(k.kind, &k.text);
                        let pad = width - label.chars().count();
                        let detail = match k.status {
                            CondStatus::NotReached => p.dim(&format!("not reached: {}", k.detail)),
                            _ => k.detail.clone(),
                        };
                        let _ = writeln!(
                            out,
                            "    {mark} {label}{}  {detail}  {}",
                            " ".repeat(pad),
                            p.dim(&format!("({})", k.at))
                        );
                        if let Some(proof) = &k.proof {
                            for line in super::proof::tree(proof, color, false).lines() {
                                let _ = writeln!(out, "        {line}");
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// A condition as listed: exceptions read `unless …`.
fn label(kind: CondKind, text: &str) -> String {
    match kind {
        CondKind::Exception => format!("unless {text}"),
        _ => text.to_string(),
    }
}
