//! Renderers for proofs, why-not reports, key assumptions and conflicts:
//! text (a tree an analyst reads top-down), JSON and Graphviz DOT.
//!
//! Proofs are rendered without recursion on their depth: a branch deeper
//! than [`MAX_NESTING`] levels is cut and continued as its own block after
//! the tree (text) or in the `continued` list (JSON), referred to by node
//! id, so lines stay short and deep proofs render in linear time.
//!
//! Likelihood is always printed as the ICD 203 word with its number
//! (`likely (0.55)`). There is no analytic-confidence field, and nothing
//! here prints one.
//!
//! # JSON schema
//!
//! `warrant explain --format json` prints `{ "query": "hedges(A)", "proof": Proof | null }`
//! (one root per match, sub-proofs shared; `null` when nothing matches), where a Proof
//! is [`proof_json`]. Object keys print in the order shown, and `bindings` lists the
//! variables in the order the rule names them:
//!
//! ```text
//! Proof = {
//!   "roots": [Node],              // the conclusions explained, in full
//!   "continued": [Node]           // sub-proofs cut at nesting depth 32, each
//!                                 // referred to by a {"ref": id, "continued": true}
//! }
//! Node = {
//!   "id": 1,                      // 1-based, depth-first order of first use
//!   "atom": "hedges(japan)",      // as printed in text output
//!   "predicate": "hedges",
//!   "args": ["japan"],            // symbols and strings as strings, numbers as numbers
//!   "likelihood": { "word": "likely", "probability": 0.55 },
//!   "height": 1,                  // proof height (0 for facts); null without provenance
//!   "kind": "rule" | "fact" | "unrecorded",
//!   // kind = "fact":
//!   "origin": { "kind": "stated" | "given", "file": "s.wr", "line": 3 }
//!           | { "kind": "input", "file": "edges.csv", "row": 3,
//!               "directive": { "file": "s.wr", "line": 1 } },
//!   // kind = "rule":
//!   "rule": { "name": "allies_hedge", "file": "stage.wr", "line": 12,
//!             "likelihood": { "word": …, "probability": … } },   // the rule's qualifier
//!   "because": "japan hedges: …" | null,   // the rule's sentence, filled in
//!   "bindings": { "A": "japan", "L": "high" },   // named variables (not `_…`)
//!   "citations": [ { "source": "kim_simon_2021", "title": "…", "section": "The Stage",
//!                    "quote": "…" | null, "file": "…", "line": 14 } ],
//!   "comparisons": [ { "text": "L >= moderate", "left": "high", "op": ">=",
//!                      "right": "moderate", "holds": true, "file": "…", "line": 13 } ],
//!   "exceptions": [ { "atom": "reassured(japan)", "derived": false, "file": "…", "line": 15 } ],
//!   "premises": [ Node | Ref ]    // body order
//! }
//! Ref = { "ref": 2, "atom": "…", "likelihood": {…}, "continued": false }
//!                                 // a node given in full elsewhere (a shared sub-proof:
//!                                 // "continued": false; a cut one: true)
//! ```
//!
//! `warrant why-not --format json` prints [`why_not_json`]:
//!
//! ```text
//! {
//!   "atom": "hedges(germany)",
//!   "outcome": "derived" | "not_derived" | "no_rule",
//!   "summary": "`hedges(germany)` was not derived: …",   // one sentence
//!   "notes": ["`japn` appears nowhere …; did you mean `japan`?"],
//!   "proof": Proof,                      // outcome = "derived"
//!   "reason": "…", "suggestion": "hedges" | null,   // outcome = "no_rule"
//!   "attempts": [                        // outcome = "not_derived"
//!     { "rule": "allies_hedge", "file": "…", "line": 12, "head": 0,
//!       "status": "failed" | "blocked" | "applies",
//!       "bindings": { "A": "germany" },  // what the atom fixes
//!       "partial_matches": 4, "truncated": false,
//!       "candidates": [                  // closest first, at most 3
//!         { "met": 2, "bindings": { "A": "germany", "L": "high" },
//!           "conditions": [              // in the order written
//!             { "kind": "atom" | "comparison" | "exception",
//!               "text": "ally(A, us)", "file": "…", "line": 13,
//!               "status": "met" | "failed" | "not_reached",
//!               "detail": "no row matches `ally(germany, us)`",
//!               "proof": Proof | null }  // a blocking exception's proof
//!           ] } ] } ]
//! }
//! ```
//!
//! `warrant assumptions --format json` prints [`assumptions_json`]:
//!
//! ```text
//! {
//!   "atom": "hedges(japan)", "likelihood": {…},
//!   "complete": true,                    // every proof was searched
//!   "facts": [ { "atom": "…", "likelihood": {…}, "origin": Origin | null,
//!                "necessary": true | false | null,   // in every proof (null: undecided)
//!                "caps_likelihood": true } ],
//!   "exceptions": [ { "atom": "reassured(japan)", "rule": "allies_hedge",
//!                     "file": "…", "line": 15, "for": "hedges(japan)",
//!                     "could_be_derived_by": ["reassurance"] } ]
//! }
//! ```
//!
//! A conflict ([`conflict_json`]): `{ "name", "description", "file", "line",
//! "bindings", "likelihood", "citations", "comparisons", "exceptions",
//! "sides": Proof }` (one root per side).

use std::collections::VecDeque;
use std::fmt::Write as _;

use serde_json::{Value as Json, json};

use super::{
    Assumptions, AttemptStatus, Binding, Citation, ComparisonCheck, CondKind, CondStatus,
    ConflictExplanation, ExceptionCheck, Node, NodeKind, Origin, Outcome, Proof, WhyNot,
};
use crate::engine::render::value_json;
use crate::source::Location;

/// Nesting depth at which a proof branch is cut and continued apart.
pub const MAX_NESTING: usize = 32;
/// Text trees are cut earlier, to keep lines readable.
const TEXT_NESTING: usize = 12;

// ------------------------------------------------------------------ colour

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    fn rule(&self, s: &str) -> String {
        self.wrap("36", s)
    }
    fn good(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    fn bad(&self, s: &str) -> String {
        self.wrap("31", s)
    }
}

// ------------------------------------------------------------------ text: proofs

/// A proof as a tree: each conclusion, its `because` sentence, the rule
/// (`file:line`), citations, comparisons and exceptions, then its premises
/// as children; a sub-proof used twice is shown once and referred to by
/// its `[id]` after.
pub fn text(proof: &Proof, color: bool) -> String {
    let mut t = TextTree {
        proof,
        paint: Paint { on: color },
        out: String::new(),
        placed: vec![false; proof.nodes.len() + 1],
        queue: VecDeque::new(),
    };
    for &r in &proof.roots {
        if let Some(slot) = t.placed.get_mut(r)
            && !*slot
        {
            *slot = true;
            t.queue.push_back(r);
        }
    }
    let mut first = true;
    while let Some(id) = t.queue.pop_front() {
        if !first {
            t.out.push('\n');
        }
        first = false;
        t.node(id, "", "", 0);
    }
    t.out
}

struct TextTree<'p> {
    proof: &'p Proof,
    paint: Paint,
    out: String,
    /// Printed in full, or queued to be.
    placed: Vec<bool>,
    queue: VecDeque<usize>,
}

impl TextTree<'_> {
    fn header(&self, n: &Node) -> String {
        format!(
            "{} {} · {}",
            self.paint.dim(&format!("[{}]", n.id)),
            self.paint.bold(&n.atom.to_string()),
            n.likelihood
        )
    }

    /// Recursion is bounded by `TEXT_NESTING`: deeper branches are queued.
    fn node(&mut self, id: usize, first: &str, rest: &str, depth: usize) {
        let Some(n) = self.proof.node(id) else { return };
        let _ = writeln!(self.out, "{first}{}", self.header(n));
        let premises = n.premises();
        let detail = format!(
            "{rest}{}",
            if premises.is_empty() {
                "    "
            } else {
                "│   "
            }
        );
        for line in node_details(n, &self.paint) {
            let _ = writeln!(self.out, "{detail}{line}");
        }
        for (i, &c) in premises.iter().enumerate() {
            let last = i + 1 == premises.len();
            let cfirst = format!("{rest}{}", if last { "└── " } else { "├── " });
            let crest = format!("{rest}{}", if last { "    " } else { "│   " });
            let Some(child) = self.proof.node(c) else {
                continue;
            };
            let placed = self.placed.get(c).copied().unwrap_or(true);
            if placed {
                let _ = writeln!(
                    self.out,
                    "{cfirst}{} · {} {}",
                    child.atom,
                    child.likelihood,
                    self.paint.dim(&format!("(see [{c}])"))
                );
            } else if depth + 1 >= TEXT_NESTING && !child.premises().is_empty() {
                self.placed[c] = true;
                self.queue.push_back(c);
                let _ = writeln!(
                    self.out,
                    "{cfirst}{} {}",
                    self.header(child),
                    self.paint.dim("(continued below)")
                );
            } else {
                self.placed[c] = true;
                self.node(c, &cfirst, &crest, depth + 1);
            }
        }
    }
}

fn node_details(n: &Node, p: &Paint) -> Vec<String> {
    let mut lines = Vec::new();
    match &n.kind {
        NodeKind::Fact(origin) => lines.push(origin.to_string()),
        NodeKind::Unrecorded => {
            lines.push("no derivation recorded (evaluated without provenance)".into())
        }
        NodeKind::Rule(step) => {
            if let Some(b) = &step.because {
                lines.push(b.clone());
            } else if !step.bindings.is_empty() {
                lines.push(format!("with {}", bindings_text(&step.bindings)));
            }
            lines.push(format!(
                "by rule {} ({}), rated {}",
                p.rule(&format!("`{}`", step.name)),
                step.at,
                step.qualifier
            ));
            for c in &step.citations {
                lines.extend(citation_lines(c));
            }
            for c in &step.comparisons {
                lines.push(comparison_text(c, p));
            }
            for e in &step.exceptions {
                lines.push(exception_text(e, p));
            }
        }
    }
    lines
}

fn bindings_text(b: &[Binding]) -> String {
    b.iter()
        .map(|b| format!("{} = {}", b.name, b.value))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `source: Title, “Section”` and the quote on its own line.
fn citation_lines(c: &Citation) -> Vec<String> {
    let title = if c.title.is_empty() {
        &c.source
    } else {
        &c.title
    };
    let mut lines = vec![format!("source: {title}, “{}”", c.section)];
    if let Some(q) = &c.quote {
        lines.push(format!("  \"{q}\""));
    }
    lines
}

fn comparison_text(c: &ComparisonCheck, p: &Paint) -> String {
    let values = c.with_values();
    let shown = if values == c.text {
        values
    } else {
        format!("{}: {values}", c.text)
    };
    if c.holds {
        format!("checked {shown}")
    } else {
        p.bad(&format!("checked {shown}: FALSE"))
    }
}

fn exception_text(e: &ExceptionCheck, p: &Paint) -> String {
    if e.derived {
        p.bad(&format!("but `{}` was derived", e.atom))
    } else {
        format!("no `{}` was derived", e.atom)
    }
}

// ------------------------------------------------------------------ text: why not

/// A why-not report: the one-sentence verdict, then each rule that could
/// have concluded the atom with its closest partial matches, every
/// condition marked ✓ met, ✗ failed or · not reached.
pub fn why_not_text(w: &WhyNot, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let _ = writeln!(out, "{}", p.bold(&w.summary()));
    for n in &w.notes {
        let _ = writeln!(out, "note: {n}");
    }
    match &w.outcome {
        Outcome::Derived(proof) => {
            out.push('\n');
            out.push_str(&text(proof, color));
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
                    let _ = writeln!(out, "  for {}", bindings_text(&a.head_bindings));
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
                    let extra: Vec<&Binding> = c
                        .bindings
                        .iter()
                        .filter(|b| !a.head_bindings.iter().any(|h| h.name == b.name))
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
                        let list: Vec<Binding> = extra.into_iter().cloned().collect();
                        head.push_str(&format!(", with {}", bindings_text(&list)));
                    }
                    let _ = writeln!(out, "{head}");
                    let width = c
                        .conditions
                        .iter()
                        .map(|k| cond_label(k.kind, &k.text).chars().count())
                        .max()
                        .unwrap_or(0);
                    for k in &c.conditions {
                        let mark = match k.status {
                            CondStatus::Met => p.good("✓"),
                            CondStatus::Failed => p.bad("✗"),
                            CondStatus::NotReached => p.dim("·"),
                        };
                        let label = cond_label(k.kind, &k.text);
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
                            for line in text(proof, color).lines() {
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

fn cond_label(kind: CondKind, text: &str) -> String {
    match kind {
        CondKind::Exception => format!("unless {text}"),
        _ => text.to_string(),
    }
}

// ------------------------------------------------------------------ text: assumptions

/// Key assumptions: the facts the conclusion rests on (in every proof, or
/// in its best proof only) and the exceptions assumed absent.
pub fn assumptions_text(a: &Assumptions, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        p.bold(&format!("Key assumptions of {} · {}", a.atom, a.likelihood))
    );
    if !a.complete {
        let _ = writeln!(
            out,
            "note: too many alternative proofs to search them all; whether a fact is in every proof is undecided"
        );
    }
    let _ = writeln!(out, "\nfacts ({}):", a.facts.len());
    if a.facts.is_empty() {
        let _ = writeln!(out, "  none");
    }
    let label = |f: &super::AssumedFact| match f.necessary {
        Some(true) => "in every proof",
        Some(false) => "best proof only",
        None => "in the best proof",
    };
    let width = a
        .facts
        .iter()
        .map(|f| f.atom.to_string().chars().count())
        .max()
        .unwrap_or(0);
    let lw = a.facts.iter().map(|f| label(f).len()).max().unwrap_or(0);
    for f in &a.facts {
        let atom = f.atom.to_string();
        let l = label(f);
        let mut line = format!(
            "  {}{}  {atom}{}  {}",
            if f.necessary == Some(true) {
                p.bold(l)
            } else {
                l.to_string()
            },
            " ".repeat(lw - l.len()),
            " ".repeat(width - atom.chars().count()),
            f.likelihood
        );
        if let Some(o) = &f.origin {
            let _ = write!(line, ", {o}");
        }
        if f.caps_likelihood {
            let _ = write!(line, "; caps the conclusion's likelihood");
        }
        let _ = writeln!(out, "{line}");
    }
    let _ = writeln!(out, "\nassumed absent ({}):", a.exceptions.len());
    if a.exceptions.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for e in &a.exceptions {
        let mut line = format!(
            "  no `{}` was derived: assumed by rule {} for `{}` ({})",
            e.atom,
            p.rule(&format!("`{}`", e.rule)),
            e.for_atom,
            e.at
        );
        match e.could_be_derived_by.as_slice() {
            [] => line.push_str("; no rule concludes it, only a fact could"),
            rules => {
                let names: Vec<String> = rules.iter().map(|r| format!("`{r}`")).collect();
                let _ = write!(line, "; would fail if {} fired", names.join(" or "));
            }
        }
        let _ = writeln!(out, "{line}");
    }
    out
}

// ------------------------------------------------------------------ text: conflicts

/// A conflict: its name and description, bindings, then the proof of each
/// side.
pub fn conflict_text(c: &ConflictExplanation, color: bool) -> String {
    let p = Paint { on: color };
    let mut out = String::new();
    let head = match &c.description {
        Some(d) => format!("conflict `{}`: {d}", c.name),
        None => format!("conflict `{}`", c.name),
    };
    let _ = writeln!(out, "{} ({})", p.bold(&head), c.at);
    if !c.bindings.is_empty() {
        let _ = writeln!(out, "  where {}", bindings_text(&c.bindings));
    }
    for x in &c.citations {
        for line in citation_lines(x) {
            let _ = writeln!(out, "  {line}");
        }
    }
    for x in &c.comparisons {
        let _ = writeln!(out, "  {}", comparison_text(x, &p));
    }
    for x in &c.exceptions {
        let _ = writeln!(out, "  {}", exception_text(x, &p));
    }
    let _ = writeln!(out, "  its least likely side is {}", c.likelihood);
    out.push('\n');
    out.push_str(&text(&c.proof, color));
    out
}

// ------------------------------------------------------------------ JSON

fn loc_fields(o: &mut serde_json::Map<String, Json>, at: &Location) {
    o.insert("file".into(), Json::from(at.file.clone()));
    o.insert("line".into(), Json::from(at.line));
}

fn bindings_json(b: &[Binding]) -> Json {
    let mut m = serde_json::Map::new();
    for x in b {
        m.insert(x.name.clone(), value_json(&x.value));
    }
    Json::Object(m)
}

fn origin_json(o: &Origin) -> Json {
    match o {
        Origin::Stated { at } => json!({ "kind": "stated", "file": at.file, "line": at.line }),
        Origin::Given { at } => json!({ "kind": "given", "file": at.file, "line": at.line }),
        Origin::Input {
            file,
            row,
            directive,
        } => json!({
            "kind": "input", "file": file, "row": row,
            "directive": { "file": directive.file, "line": directive.line },
        }),
    }
}

fn citation_json(c: &Citation) -> Json {
    json!({
        "source": c.source, "title": c.title, "section": c.section, "quote": c.quote,
        "file": c.at.file, "line": c.at.line,
    })
}

fn comparison_json(c: &ComparisonCheck) -> Json {
    json!({
        "text": c.text, "left": value_json(&c.left), "op": c.op.symbol(),
        "right": value_json(&c.right), "holds": c.holds, "file": c.at.file, "line": c.at.line,
    })
}

fn exception_json(e: &ExceptionCheck) -> Json {
    json!({ "atom": e.atom, "derived": e.derived, "file": e.at.file, "line": e.at.line })
}

/// A proof as JSON (schema in the module docs). Nesting is bounded by
/// [`MAX_NESTING`].
pub fn proof_json(proof: &Proof) -> Json {
    let mut j = JsonTree {
        proof,
        placed: vec![false; proof.nodes.len() + 1],
        queue: VecDeque::new(),
    };
    let mut roots = Vec::new();
    for &r in &proof.roots {
        if let Some(slot) = j.placed.get_mut(r)
            && !*slot
        {
            *slot = true;
            roots.push(r);
        }
    }
    let roots: Vec<Json> = roots.into_iter().map(|r| j.node(r, 0)).collect();
    let mut continued = Vec::new();
    while let Some(id) = j.queue.pop_front() {
        continued.push(j.node(id, 0));
    }
    json!({ "roots": roots, "continued": continued })
}

struct JsonTree<'p> {
    proof: &'p Proof,
    placed: Vec<bool>,
    queue: VecDeque<usize>,
}

impl JsonTree<'_> {
    /// Recursion is bounded by `MAX_NESTING`.
    fn node(&mut self, id: usize, depth: usize) -> Json {
        let Some(n) = self.proof.node(id) else {
            return Json::Null;
        };
        let mut o = serde_json::Map::new();
        o.insert("id".into(), Json::from(n.id));
        o.insert("atom".into(), Json::from(n.atom.to_string()));
        o.insert("predicate".into(), Json::from(n.atom.pred.clone()));
        o.insert(
            "args".into(),
            Json::Array(n.atom.args.iter().map(value_json).collect()),
        );
        o.insert("likelihood".into(), json!(n.likelihood));
        o.insert("height".into(), json!(n.height));
        match &n.kind {
            NodeKind::Fact(origin) => {
                o.insert("kind".into(), Json::from("fact"));
                o.insert("origin".into(), origin_json(origin));
            }
            NodeKind::Unrecorded => {
                o.insert("kind".into(), Json::from("unrecorded"));
            }
            NodeKind::Rule(step) => {
                o.insert("kind".into(), Json::from("rule"));
                o.insert(
                    "rule".into(),
                    json!({ "name": step.name, "file": step.at.file, "line": step.at.line, "likelihood": step.qualifier }),
                );
                o.insert("because".into(), json!(step.because));
                o.insert("bindings".into(), bindings_json(&step.bindings));
                o.insert(
                    "citations".into(),
                    Json::Array(step.citations.iter().map(citation_json).collect()),
                );
                o.insert(
                    "comparisons".into(),
                    Json::Array(step.comparisons.iter().map(comparison_json).collect()),
                );
                o.insert(
                    "exceptions".into(),
                    Json::Array(step.exceptions.iter().map(exception_json).collect()),
                );
                let mut premises = Vec::new();
                for &c in &step.premises {
                    let Some(child) = self.proof.node(c) else {
                        continue;
                    };
                    let reference = |continued: bool| json!({ "ref": c, "atom": child.atom.to_string(), "likelihood": child.likelihood, "continued": continued });
                    if self.placed.get(c).copied().unwrap_or(true) {
                        premises.push(reference(false));
                    } else if depth + 1 >= MAX_NESTING && !child.premises().is_empty() {
                        self.placed[c] = true;
                        self.queue.push_back(c);
                        premises.push(reference(true));
                    } else {
                        self.placed[c] = true;
                        premises.push(self.node(c, depth + 1));
                    }
                }
                o.insert("premises".into(), Json::Array(premises));
            }
        }
        Json::Object(o)
    }
}

/// A why-not report as JSON (schema in the module docs).
pub fn why_not_json(w: &WhyNot) -> Json {
    let mut o = serde_json::Map::new();
    o.insert("atom".into(), Json::from(w.atom.clone()));
    let outcome = match &w.outcome {
        Outcome::Derived(_) => "derived",
        Outcome::NotDerived { .. } => "not_derived",
        Outcome::NoRule { .. } => "no_rule",
    };
    o.insert("outcome".into(), Json::from(outcome));
    o.insert("summary".into(), Json::from(w.summary()));
    o.insert("notes".into(), json!(w.notes));
    match &w.outcome {
        Outcome::Derived(p) => {
            o.insert("proof".into(), proof_json(p));
        }
        Outcome::NoRule { reason, suggestion } => {
            o.insert("reason".into(), Json::from(reason.clone()));
            o.insert("suggestion".into(), json!(suggestion));
        }
        Outcome::NotDerived { attempts } => {
            let list: Vec<Json> = attempts
                .iter()
                .map(|a| {
                    let candidates: Vec<Json> = a
                        .candidates
                        .iter()
                        .map(|c| {
                            let conds: Vec<Json> = c
                                .conditions
                                .iter()
                                .map(|k| {
                                    let mut m = serde_json::Map::new();
                                    m.insert(
                                        "kind".into(),
                                        Json::from(match k.kind {
                                            CondKind::Atom => "atom",
                                            CondKind::Comparison => "comparison",
                                            CondKind::Exception => "exception",
                                        }),
                                    );
                                    m.insert("text".into(), Json::from(k.text.clone()));
                                    loc_fields(&mut m, &k.at);
                                    m.insert(
                                        "status".into(),
                                        Json::from(match k.status {
                                            CondStatus::Met => "met",
                                            CondStatus::Failed => "failed",
                                            CondStatus::NotReached => "not_reached",
                                        }),
                                    );
                                    m.insert("detail".into(), Json::from(k.detail.clone()));
                                    m.insert("proof".into(), k.proof.as_ref().map_or(Json::Null, |p| proof_json(p)));
                                    Json::Object(m)
                                })
                                .collect();
                            json!({ "met": c.met, "bindings": bindings_json(&c.bindings), "conditions": conds })
                        })
                        .collect();
                    let mut m = serde_json::Map::new();
                    m.insert("rule".into(), Json::from(a.name.clone()));
                    loc_fields(&mut m, &a.at);
                    m.insert("head".into(), Json::from(a.head));
                    m.insert(
                        "status".into(),
                        Json::from(match a.status {
                            AttemptStatus::Failed => "failed",
                            AttemptStatus::Blocked => "blocked",
                            AttemptStatus::Applies => "applies",
                        }),
                    );
                    m.insert("bindings".into(), bindings_json(&a.head_bindings));
                    m.insert("partial_matches".into(), Json::from(a.partial_matches));
                    m.insert("truncated".into(), Json::from(a.truncated));
                    m.insert("candidates".into(), Json::Array(candidates));
                    Json::Object(m)
                })
                .collect();
            o.insert("attempts".into(), Json::Array(list));
        }
    }
    Json::Object(o)
}

/// Key assumptions as JSON (schema in the module docs).
pub fn assumptions_json(a: &Assumptions) -> Json {
    let facts: Vec<Json> = a
        .facts
        .iter()
        .map(|f| {
            json!({
                "atom": f.atom.to_string(),
                "likelihood": f.likelihood,
                "origin": f.origin.as_ref().map_or(Json::Null, origin_json),
                "necessary": f.necessary,
                "caps_likelihood": f.caps_likelihood,
            })
        })
        .collect();
    let exceptions: Vec<Json> = a
        .exceptions
        .iter()
        .map(|e| {
            json!({
                "atom": e.atom, "rule": e.rule, "file": e.at.file, "line": e.at.line,
                "for": e.for_atom, "could_be_derived_by": e.could_be_derived_by,
            })
        })
        .collect();
    json!({
        "atom": a.atom.to_string(),
        "likelihood": a.likelihood,
        "complete": a.complete,
        "facts": facts,
        "exceptions": exceptions,
    })
}

/// A conflict with its sides' proofs as JSON (schema in the module docs).
pub fn conflict_json(c: &ConflictExplanation) -> Json {
    json!({
        "name": c.name,
        "description": c.description,
        "file": c.at.file,
        "line": c.at.line,
        "bindings": bindings_json(&c.bindings),
        "likelihood": c.likelihood,
        "citations": c.citations.iter().map(citation_json).collect::<Vec<_>>(),
        "comparisons": c.comparisons.iter().map(comparison_json).collect::<Vec<_>>(),
        "exceptions": c.exceptions.iter().map(exception_json).collect::<Vec<_>>(),
        "sides": proof_json(&c.proof),
    })
}

// ------------------------------------------------------------------ DOT

fn dot_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A label from lines (escaped, joined with DOT's centred line break).
fn dot_label(lines: &[String]) -> String {
    lines
        .iter()
        .map(|l| dot_escape(l))
        .collect::<Vec<_>>()
        .join("\\n")
}

/// A proof as a Graphviz graph: atoms are nodes (`n<id>`; facts filled
/// grey notes, conclusions rounded boxes, the explained conclusions bold),
/// each rule application a small ellipse (`r<id>`, labelled with the rule,
/// its `file:line`, comparisons and exceptions) with edges from its
/// premises and to its conclusion. Ids follow the proof's node ids, so the
/// output is deterministic.
pub fn dot(proof: &Proof) -> String {
    let mut out = String::new();
    out.push_str("digraph proof {\n");
    out.push_str("  rankdir=BT;\n");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [color=\"#555555\"];\n");
    for n in &proof.nodes {
        let root = proof.roots.contains(&n.id);
        let mut lines = vec![n.atom.to_string(), n.likelihood.to_string()];
        let style = match &n.kind {
            NodeKind::Fact(o) => {
                lines.push(o.to_string());
                "shape=note, style=filled, fillcolor=\"#eeeeee\"".to_string()
            }
            NodeKind::Unrecorded => "shape=box, style=dashed".to_string(),
            NodeKind::Rule(_) => format!(
                "shape=box, style=\"rounded{}\"",
                if root { ",bold" } else { "" }
            ),
        };
        let _ = writeln!(
            out,
            "  n{} [{style}, label=\"{}\"];",
            n.id,
            dot_label(&lines)
        );
    }
    for n in &proof.nodes {
        let NodeKind::Rule(step) = &n.kind else {
            continue;
        };
        let mut lines = vec![step.name.clone(), step.at.to_string()];
        lines.extend(step.comparisons.iter().map(|c| {
            let v = c.with_values();
            if v == c.text {
                v
            } else {
                format!("{}: {v}", c.text)
            }
        }));
        lines.extend(step.exceptions.iter().map(|e| format!("unless {}", e.atom)));
        let mut attrs = format!("shape=ellipse, fontsize=9, label=\"{}\"", dot_label(&lines));
        if let Some(b) = &step.because {
            let _ = write!(attrs, ", tooltip=\"{}\"", dot_escape(b));
        }
        let _ = writeln!(out, "  r{} [{attrs}];", n.id);
        let _ = writeln!(out, "  r{0} -> n{0};", n.id);
        for &p in &step.premises {
            let _ = writeln!(out, "  n{p} -> r{};", n.id);
        }
    }
    out.push_str("}\n");
    out
}
