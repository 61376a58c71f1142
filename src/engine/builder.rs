//! Building an [`ir::Program`] by hand, without source text: for tests,
//! benchmarks and tools that generate programs.
//!
//! Strata are computed by [`ProgramBuilder::finish`] (a predicate's stratum
//! is one more than any predicate it negates, and at least that of any
//! predicate it uses positively); it returns `None` when the program has
//! recursion through `unless`.

use std::path::PathBuf;

use crate::ir::{
    self, Arg, Atom, Body, CompareKind, CompareOp, Comparison, Fact, FactOrigin, Input,
    InputFormat, Param, PredId, Predicate, Program, Rule, RuleId, ScaleId, Stratum, Value, ValueId,
    Values,
};
use crate::likelihood::Likelihood;
use crate::source::{FileId, Sources, Span};

/// A term of a hand-built atom.
#[derive(Clone, Debug)]
pub enum T {
    /// A variable by name.
    V(&'static str),
    /// A constant.
    C(Value),
    /// `_`
    W,
}

/// A symbol constant.
pub fn sym(s: &str) -> T {
    T::C(Value::Text(s.into()))
}

/// An integer constant.
pub fn int(i: i64) -> T {
    T::C(Value::Int(i))
}

/// A condition of a hand-built rule body.
#[derive(Clone, Debug)]
pub enum Cond {
    Atom(PredId, Vec<T>),
    Cmp(T, CompareOp, T, CompareKind),
    Unless(PredId, Vec<T>),
}

/// Builds a program in one (virtual) file per `file` call.
pub struct ProgramBuilder {
    program: Program,
    file: FileId,
}

impl Default for ProgramBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ProgramBuilder {
    pub fn new() -> ProgramBuilder {
        let mut sources = Sources::new();
        let file = sources.add(PathBuf::from("built.wr"), "");
        ProgramBuilder {
            program: Program {
                sources,
                imports: vec![Vec::new()],
                values: Values::default(),
                preds: Vec::new(),
                scales: Vec::new(),
                source_decls: Vec::new(),
                facts: Vec::new(),
                inputs: Vec::new(),
                retractions: Vec::new(),
                roots: Vec::new(),
                given: Vec::new(),
                rules: Vec::new(),
                conflicts: Vec::new(),
                tests: Vec::new(),
                strata: Vec::new(),
            },
            file,
        }
    }

    /// Starts a new file: what is added next is declared in it.
    pub fn file(&mut self, name: &str) -> FileId {
        self.file = self.program.sources.add(PathBuf::from(name), "");
        self.program.imports.push(Vec::new());
        self.file
    }

    fn span(&self) -> Span {
        Span::new(self.file, 0, 0)
    }

    pub fn value(&mut self, v: Value) -> ValueId {
        self.program.values.intern(v)
    }

    pub fn pred(&mut self, name: &str, arity: usize) -> PredId {
        if let Some(p) = self.program.pred_id(name) {
            return p;
        }
        let span = self.span();
        self.program.preds.push(Predicate {
            name: name.into(),
            arity,
            params: (0..arity)
                .map(|_| Param {
                    name: None,
                    ty: ir::ColumnType::Any,
                })
                .collect(),
            doc: None,
            decl: None,
            first_seen: span,
        });
        PredId(self.program.preds.len() as u32 - 1)
    }

    /// `scale name: a < b < c.`
    pub fn scale(&mut self, name: &str, values: &[&str]) -> ScaleId {
        let ids = values
            .iter()
            .map(|v| self.value(Value::Text((*v).into())))
            .collect();
        let span = self.span();
        self.program.scales.push(ir::Scale {
            name: name.into(),
            values: ids,
            span,
        });
        ScaleId(self.program.scales.len() as u32 - 1)
    }

    pub fn fact(&mut self, pred: PredId, row: Vec<Value>, likelihood: Likelihood) {
        let row = row.into_iter().map(|v| self.value(v)).collect();
        let span = self.span();
        self.program.facts.push(Fact {
            pred,
            row,
            likelihood,
            origin: FactOrigin::Stated(span),
        });
    }

    /// An `input` directive; the file is read now, as `check` would.
    pub fn input(
        &mut self,
        pred: PredId,
        path: impl Into<PathBuf>,
        format: InputFormat,
        header: bool,
    ) -> Result<(), crate::diagnostics::Diagnostic> {
        let span = self.span();
        let mut input = Input {
            pred,
            path: path.into(),
            format,
            header,
            span,
            rows: ir::InputRows::default(),
        };
        let p = &self.program.preds[pred.0 as usize];
        let target = crate::input::Target {
            name: &p.name,
            arity: p.arity,
            params: &p.params,
        };
        let read = crate::input::read(
            &input,
            &target,
            &self.program.scales,
            &mut self.program.values,
        )?;
        input.rows = read.rows;
        self.program.inputs.push(input);
        Ok(())
    }

    fn body(&mut self, vars: &mut Vec<String>, conds: &[Cond]) -> Body {
        let mut body = Body::default();
        for c in conds {
            match c {
                Cond::Atom(p, ts) => {
                    let a = self.atom(vars, *p, ts);
                    body.atoms.push(a);
                }
                Cond::Unless(p, ts) => {
                    let a = self.atom(vars, *p, ts);
                    body.exceptions.push(a);
                }
                Cond::Cmp(l, op, r, kind) => {
                    let lhs = self.arg(vars, l);
                    let rhs = self.arg(vars, r);
                    let span = self.span();
                    body.comparisons.push(Comparison {
                        lhs,
                        op: *op,
                        rhs,
                        kind: *kind,
                        span,
                    });
                }
            }
        }
        body
    }

    fn arg(&mut self, vars: &mut Vec<String>, t: &T) -> Arg {
        match t {
            T::V(name) => {
                let i = vars.iter().position(|v| v == name).unwrap_or_else(|| {
                    vars.push((*name).to_string());
                    vars.len() - 1
                });
                Arg::Var(i as u32)
            }
            T::C(v) => Arg::Const(self.value(v.clone())),
            T::W => Arg::Wildcard,
        }
    }

    fn atom(&mut self, vars: &mut Vec<String>, pred: PredId, ts: &[T]) -> Atom {
        let args = ts.iter().map(|t| self.arg(vars, t)).collect();
        Atom {
            pred,
            args,
            span: self.span(),
        }
    }

    /// `rule name when conds then heads [likelihood]`.
    pub fn rule(
        &mut self,
        name: &str,
        conds: &[Cond],
        heads: &[(PredId, Vec<T>)],
        likelihood: Likelihood,
    ) -> RuleId {
        let mut vars = Vec::new();
        let mut body = self.body(&mut vars, conds);
        let heads = heads
            .iter()
            .map(|(p, ts)| self.atom(&mut vars, *p, ts))
            .collect();
        body.vars = vars;
        let span = self.span();
        self.program.rules.push(Rule {
            name: name.into(),
            span,
            body,
            heads,
            likelihood,
            because: None,
            cites: Vec::new(),
            stratum: 0,
        });
        RuleId(self.program.rules.len() as u32 - 1)
    }

    pub fn conflict(&mut self, name: &str, description: Option<&str>, conds: &[Cond]) {
        let mut vars = Vec::new();
        let mut body = self.body(&mut vars, conds);
        body.vars = vars;
        let span = self.span();
        self.program.conflicts.push(ir::Conflict {
            name: name.into(),
            description: description.map(str::to_string),
            span,
            body,
            cites: Vec::new(),
        });
    }

    /// Computes the strata; `None` when some recursion goes through `unless`.
    pub fn finish(mut self) -> Option<Program> {
        let p = &mut self.program;
        let n = p.preds.len();
        let mut level = vec![0usize; n];
        let mut changed = true;
        let mut rounds = 0;
        while changed {
            changed = false;
            rounds += 1;
            if rounds > n + 2 {
                return None;
            }
            for r in &p.rules {
                let mut need = 0;
                for a in &r.body.atoms {
                    need = need.max(level[a.pred.0 as usize]);
                }
                for a in &r.body.exceptions {
                    need = need.max(level[a.pred.0 as usize] + 1);
                }
                for h in &r.heads {
                    need = need.max(level[h.pred.0 as usize]);
                }
                for h in &r.heads {
                    if level[h.pred.0 as usize] < need {
                        level[h.pred.0 as usize] = need;
                        changed = true;
                    }
                }
            }
        }
        let top = level.iter().copied().max().unwrap_or(0);
        p.strata = (0..=top).map(|_| Stratum::default()).collect();
        for (i, &l) in level.iter().enumerate() {
            p.strata[l].preds.push(PredId(i as u32));
        }
        for (i, r) in p.rules.iter_mut().enumerate() {
            let l = r.heads.first().map_or(0, |h| level[h.pred.0 as usize]);
            r.stratum = l;
            p.strata[l].rules.push(RuleId(i as u32));
        }
        Some(self.program)
    }
}
