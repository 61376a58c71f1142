//! Stable anchors: the same conclusion gets the same fragment in every run,
//! so a colleague can link to one (`report.html#hedges-japan`).
//!
//! A conclusion's anchor is its predicate and arguments joined by `-`; a
//! character other than an ASCII letter, digit or `_` is written `.HEX.`,
//! so distinct atoms never share an anchor. Page sections start with `_`,
//! which no predicate name does, so they never collide with a conclusion.

use crate::explain::{Binding, GroundAtom};

/// The anchor of a conclusion: `wedge_between-south_korea-japan`.
pub fn anchor(atom: &GroundAtom) -> String {
    let mut out = String::new();
    push_encoded(&mut out, &atom.pred);
    for a in &atom.args {
        out.push('-');
        push_encoded(&mut out, &a.to_string());
    }
    out
}

/// The anchor of a conflict that holds, by its name and named bindings:
/// `_x.resource_competition-europe-east_asia`.
pub fn conflict_anchor(name: &str, bindings: &[Binding]) -> String {
    let mut out = String::from("_x.");
    push_encoded(&mut out, name);
    for b in bindings {
        out.push('-');
        push_encoded(&mut out, &b.value.to_string());
    }
    out
}

/// The anchor of a predicate's group: `_p.hedges`.
pub fn group_anchor(pred: &str) -> String {
    let mut out = String::from("_p.");
    push_encoded(&mut out, pred);
    out
}

fn push_encoded(out: &mut String, text: &str) {
    for ch in text.chars() {
        if ch.is_ascii_alphanumeric() || ch == '_' {
            out.push(ch);
        } else {
            out.push_str(&format!(".{:x}.", u32::from(ch)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Value;

    fn atom(pred: &str, args: Vec<Value>) -> GroundAtom {
        GroundAtom {
            pred: pred.into(),
            args,
        }
    }

    #[test]
    fn readable_for_symbols() {
        let a = atom(
            "wedge_between",
            vec![
                Value::Text("south_korea".into()),
                Value::Text("japan".into()),
            ],
        );
        assert_eq!(anchor(&a), "wedge_between-south_korea-japan");
        assert_eq!(anchor(&atom("calm", vec![])), "calm");
    }

    #[test]
    fn distinct_atoms_get_distinct_anchors() {
        let one = atom("p", vec![Value::Text("a-b".into())]);
        let two = atom("p", vec![Value::Text("a".into()), Value::Text("b".into())]);
        let three = atom("p", vec![Value::Dec(1.5)]);
        let four = atom("p", vec![Value::Int(15)]);
        let all = [anchor(&one), anchor(&two), anchor(&three), anchor(&four)];
        for (i, x) in all.iter().enumerate() {
            assert!(
                x.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)),
                "{x}"
            );
            for y in &all[i + 1..] {
                assert_ne!(x, y);
            }
        }
    }
}
