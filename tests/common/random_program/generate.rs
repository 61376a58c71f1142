//! The generator: predicates on levels, facts, rules with the features
//! [`Features`] asks for, every expression of a kind `check` accepts.

use warrant::ir::{AggregateOp, ArithOp, CompareOp, Function, Value};

use super::super::rng::Rng;
use super::{Agg, AtomT, Cond, Ex, Features, HUGE, PredT, RandomProgram, RuleT, Term, Test};

const VARS: [&str; 4] = ["A", "B", "C", "D"];
const LIKS: [u16; 5] = [1000, 3000, 5500, 8000, 10_000];
const TEXTS: [&str; 3] = ["s", "Ab", "b"];
/// The bound on values computed in recursive rules.
const BOUND: i64 = 12;
fn value(rng: &mut Rng, domain: usize) -> Value {
    let i = rng.below(domain) as i64;
    // Mostly integers; some decimals equal to integers (1.0 = 1 under
    // comparisons but not under joins) and texts.
    match rng.below(16) {
        0 => Value::Dec(i as f64),
        1 => Value::Text(TEXTS[rng.below(TEXTS.len())].into()),
        _ => Value::Int(i),
    }
}

fn pick<T: Clone>(rng: &mut Rng, xs: &[T]) -> T {
    xs[rng.below(xs.len())].clone()
}

fn var(name: &str) -> Ex {
    Ex::Term(Term::Var(name.to_string()))
}

fn int(i: i64) -> Ex {
    Ex::Term(Term::Const(Value::Int(i)))
}

fn bin(op: ArithOp, a: Ex, b: Ex) -> Ex {
    Ex::Bin(op, Box::new(a), Box::new(b))
}

const OPS: [CompareOp; 6] = [
    CompareOp::Eq,
    CompareOp::Ne,
    CompareOp::Lt,
    CompareOp::Le,
    CompareOp::Gt,
    CompareOp::Ge,
];

/// Where an expression stands, which decides what it may compute.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A value a recursive rule concludes: `+ - min max abs`, unary minus.
    Recursive,
    /// A value a non-recursive rule concludes: also `*`, `/ 2`, `% 3` and
    /// text functions.
    Value,
    /// A side of a comparison: also division by variables and huge
    /// constants.
    Test,
    /// A comparison in an aggregate's body: small arithmetic only.
    Inner,
}

/// What `check` knows of an expression's kind: a variable bound by an atom
/// of an undeclared predicate may hold anything; constants, computations
/// and variables bound to them have a known kind. Mixing known kinds
/// (`len(3)`, `"Ab" + 1`, `N + 1 < "Ab"`) is a check error, so the
/// generator never does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Any,
    Number,
    Text,
}

impl Kind {
    fn fits(self, want: Kind) -> bool {
        self == Kind::Any || want == Kind::Any || self == want
    }
}

struct Gen<'a> {
    rng: Rng,
    features: &'a Features,
    domain: usize,
    /// The kinds of the current rule's variables.
    kinds: Vec<(String, Kind)>,
}

impl Gen<'_> {
    fn chance(&mut self, percent: usize) -> bool {
        self.rng.chance(percent)
    }

    fn kind_of_var(&self, v: &str) -> Kind {
        self.kinds
            .iter()
            .find(|(n, _)| n == v)
            .map_or(Kind::Any, |k| k.1)
    }

    fn kind(&self, e: &Ex) -> Kind {
        match e {
            Ex::Term(Term::Var(v)) => self.kind_of_var(v),
            Ex::Term(Term::Const(Value::Text(_))) => Kind::Text,
            Ex::Term(_) => Kind::Number,
            Ex::Neg(_) | Ex::Bin(..) => Kind::Number,
            Ex::Call(Function::Len | Function::Abs, _) => Kind::Number,
            Ex::Call(Function::Concat | Function::Lower | Function::Upper, _) => Kind::Text,
            Ex::Call(_, args) => {
                let (a, b) = (self.kind(&args[0]), self.kind(&args[1]));
                if a == Kind::Any { b } else { a }
            }
        }
    }

    /// A constant of a kind.
    fn constant(&mut self, want: Kind) -> Value {
        match want {
            Kind::Number => Value::Int(self.rng.below(5) as i64),
            Kind::Text => Value::Text(pick(&mut self.rng, &TEXTS).into()),
            Kind::Any => value(&mut self.rng, self.domain),
        }
    }

    /// A plain term over `vars` or a constant, of a kind that fits `want`.
    fn term(&mut self, vars: &[String], want: Kind) -> Term {
        let fit: Vec<String> = vars
            .iter()
            .filter(|v| self.kind_of_var(v).fits(want))
            .cloned()
            .collect();
        if !fit.is_empty() && self.chance(75) {
            Term::Var(pick(&mut self.rng, &fit))
        } else {
            Term::Const(self.constant(want))
        }
    }

    fn leaf(&mut self, vars: &[String], want: Kind) -> Ex {
        let want_const = if want == Kind::Any {
            Kind::Number
        } else {
            want
        };
        match self.term(vars, want) {
            Term::Const(_) => Ex::Term(Term::Const(self.constant(want_const))),
            t => Ex::Term(t),
        }
    }

    fn expr(&mut self, vars: &[String], place: Place, depth: usize, want: Kind) -> Ex {
        if depth == 0 || self.chance(35) {
            return self.leaf(vars, want);
        }
        if self.chance(self.features.functions) {
            return self.call(vars, place, depth, want);
        }
        if want == Kind::Text {
            return self.leaf(vars, want);
        }
        let num = Kind::Number;
        let sub = |g: &mut Self| g.expr(vars, place, depth - 1, num);
        match (place, self.rng.below(8)) {
            (_, 0) => Ex::Neg(Box::new(sub(self))),
            (_, 1 | 2) => bin(ArithOp::Add, sub(self), sub(self)),
            (_, 3) => bin(ArithOp::Sub, sub(self), sub(self)),
            (Place::Recursive, _) => bin(ArithOp::Add, sub(self), self.leaf(vars, num)),
            (Place::Inner, _) => bin(ArithOp::Sub, sub(self), int(1)),
            (Place::Test, 4) if self.chance(self.features.overflow * 10) => {
                bin(ArithOp::Mul, sub(self), int(HUGE))
            }
            (Place::Test, 4 | 5) => bin(ArithOp::Mul, sub(self), sub(self)),
            (Place::Test, 6) => {
                // By a variable or by zero: division by zero.
                let d = if self.chance(20) {
                    int(0)
                } else {
                    self.leaf(vars, num)
                };
                bin(
                    pick(&mut self.rng, &[ArithOp::Div, ArithOp::Rem]),
                    sub(self),
                    d,
                )
            }
            // Values stay small: products by a small constant only.
            (_, 4 | 5) => bin(ArithOp::Mul, sub(self), int(self.rng.below(5) as i64)),
            (_, 6) => bin(ArithOp::Div, sub(self), int(2)),
            _ => bin(ArithOp::Rem, sub(self), int(3)),
        }
    }

    fn call(&mut self, vars: &[String], place: Place, depth: usize, want: Kind) -> Ex {
        let (num, text) = (Kind::Number, Kind::Text);
        let text_ok = matches!(place, Place::Value | Place::Test);
        let choices: &[Function] = match (want, text_ok) {
            (_, false) => &[Function::Min, Function::Max, Function::Abs],
            (Kind::Number, true) => &[Function::Min, Function::Max, Function::Abs, Function::Len],
            (Kind::Text, true) => &[
                Function::Min,
                Function::Max,
                Function::Concat,
                Function::Lower,
                Function::Upper,
            ],
            (Kind::Any, true) => &Function::ALL,
        };
        let f = pick(&mut self.rng, choices);
        let args = match f {
            Function::Min | Function::Max => {
                let a = self.expr(vars, place, depth - 1, want);
                let k = self.kind(&a);
                let b = self.expr(
                    vars,
                    place,
                    depth - 1,
                    if k == Kind::Any { want } else { k },
                );
                vec![a, b]
            }
            Function::Abs => vec![self.expr(vars, place, depth - 1, num)],
            Function::Concat => vec![self.leaf(vars, text), self.leaf(vars, text)],
            _ => vec![self.leaf(vars, text)],
        };
        Ex::Call(f, args)
    }

    /// `lhs op rhs` with sides of kinds `check` accepts together.
    fn test(&mut self, vars: &[String], place: Place, depths: (usize, usize)) -> Test {
        if place == Place::Test && self.chance(self.features.functions / 2) {
            // `contains(T, P)`: plain terms, of kinds that may be text.
            let lhs = Ex::Term(self.term(vars, Kind::Text));
            let rhs = Ex::Term(self.term(vars, Kind::Text));
            return Test {
                lhs,
                op: CompareOp::Contains,
                rhs,
            };
        }
        let lhs = self.expr(vars, place, depths.0, Kind::Any);
        let k = self.kind(&lhs);
        let rhs = self.expr(vars, place, depths.1, k);
        Test {
            lhs,
            op: pick(&mut self.rng, &OPS),
            rhs,
        }
    }

    fn atom(&mut self, pred: usize, arity: usize, vars: &[&str]) -> AtomT {
        let args = (0..arity)
            .map(|_| {
                if self.chance(85) {
                    Term::Var(pick(&mut self.rng, vars).to_string())
                } else {
                    Term::Const(value(&mut self.rng, self.domain))
                }
            })
            .collect();
        AtomT { pred, args }
    }

    /// An aggregate over predicates of `lower`; `shared` are the rule's
    /// atom-bound variables, `free` a variable the aggregate may bind.
    fn aggregate(
        &mut self,
        lower: &[(usize, usize)],
        shared: &[String],
        free: Option<&str>,
    ) -> Agg {
        let mut atoms = Vec::new();
        for _ in 0..1 + self.rng.below(2) {
            let (pred, arity) = pick(&mut self.rng, lower);
            let args = (0..arity)
                .map(|_| match (self.rng.below(100), free) {
                    (r, _) if r < 30 && !shared.is_empty() => {
                        Term::Var(pick(&mut self.rng, shared))
                    }
                    (r, _) if r < 65 => Term::Var(pick(&mut self.rng, &["X", "Y"]).to_string()),
                    (r, Some(g)) if r < 75 => Term::Var(g.to_string()),
                    (r, _) if r < 88 => Term::Wild,
                    _ => Term::Const(value(&mut self.rng, self.domain)),
                })
                .collect();
            atoms.push(AtomT { pred, args });
        }
        let mut inner: Vec<String> = Vec::new();
        for a in &atoms {
            for t in &a.args {
                if let Term::Var(v) = t
                    && !inner.contains(v)
                {
                    inner.push(v.clone());
                }
            }
        }
        let locals: Vec<String> = inner
            .iter()
            .filter(|v| *v == "X" || *v == "Y")
            .cloned()
            .collect();
        let mut op = pick(
            &mut self.rng,
            &[
                AggregateOp::Count,
                AggregateOp::Sum,
                AggregateOp::Min,
                AggregateOp::Max,
            ],
        );
        if locals.is_empty() {
            op = AggregateOp::Count;
        }
        let target = (op != AggregateOp::Count).then(|| pick(&mut self.rng, &locals));
        let mut tests = Vec::new();
        if !inner.is_empty() && self.chance(30) {
            tests.push(self.test(&inner, Place::Inner, (1, 0)));
        }
        let floor = self
            .chance(self.features.floors)
            .then(|| pick(&mut self.rng, &[3000, 5500, 8000]));
        Agg {
            op,
            target,
            atoms,
            tests,
            floor,
        }
    }
}

/// The program of a seed, with features as often as `features` says.
pub fn generate(seed: u64, features: &Features) -> RandomProgram {
    let mut g = Gen {
        rng: Rng(seed),
        features,
        domain: 0,
        kinds: Vec::new(),
    };
    g.domain = 3 + g.rng.below(3);
    let mut preds: Vec<PredT> = Vec::new();
    let mut facts = Vec::new();
    let nbase = 2 + g.rng.below(2);
    for i in 0..nbase {
        let arity = 1 + g.rng.below(2);
        preds.push(PredT {
            name: format!("b{i}"),
            arity,
            level: 0,
        });
        for _ in 0..2 + g.rng.below(10) {
            let row = (0..arity)
                .map(|_| {
                    let v = value(&mut g.rng, g.domain);
                    match v {
                        Value::Int(i)
                            if g.features.huge_facts > 0 && g.chance(g.features.huge_facts) =>
                        {
                            // `i64::MIN + 1 + i` rather than `i64::MIN`: a
                            // literal's minus is a negation.
                            Value::Int(if g.chance(50) {
                                i64::MAX - i
                            } else {
                                i64::MIN + 1 + i
                            })
                        }
                        v => v,
                    }
                })
                .collect();
            facts.push((i, row, pick(&mut g.rng, &LIKS)));
        }
    }
    for i in 0..2 + g.rng.below(3) {
        let arity = if g.chance(10) { 0 } else { 1 + g.rng.below(2) };
        let level = 1 + g.rng.below(3);
        preds.push(PredT {
            name: format!("d{i}"),
            arity,
            level,
        });
        // Derived predicates may have facts too.
        if g.chance(20) {
            let row = (0..arity).map(|_| value(&mut g.rng, g.domain)).collect();
            facts.push((preds.len() - 1, row, 3000));
        }
    }
    let derived: Vec<usize> = (nbase..preds.len()).collect();
    let mut rules = Vec::new();
    // The first rules seed each derived predicate from base ones (a
    // predicate with neither rules nor facts would be unknown).
    for r in 0..derived.len() + 1 + g.rng.below(5) {
        let (head, seeding) = match derived.get(r) {
            Some(&d) => (d, true),
            None => (pick(&mut g.rng, &derived), false),
        };
        rules.push(rule(&mut g, &preds, nbase, r, head, seeding));
    }
    let mut program = RandomProgram {
        seed,
        preds,
        facts,
        rules,
        source: String::new(),
    };
    program.source = super::source::source(&program);
    program
}

fn rule(g: &mut Gen, preds: &[PredT], nbase: usize, r: usize, head: usize, seeding: bool) -> RuleT {
    g.kinds.clear();
    let level = preds[head].level;
    let at = |ok: &dyn Fn(usize) -> bool| -> Vec<(usize, usize)> {
        preds
            .iter()
            .enumerate()
            .filter(|(_, p)| ok(p.level))
            .map(|(i, p)| (i, p.arity))
            .collect()
    };
    let positive = at(&|l| l <= level);
    let lower = at(&|l| l < level);
    let same: Vec<(usize, usize)> = at(&|l| l == level);
    let base: Vec<(usize, usize)> = (0..nbase).map(|i| (i, preds[i].arity)).collect();
    let mut conds = Vec::new();
    let with_aggregate = g.chance(g.features.aggregates);
    let natoms = if with_aggregate && g.chance(20) {
        0
    } else {
        1 + g.rng.below(3)
    };
    let mut recursive = false;
    for k in 0..natoms {
        let (p, arity) = if seeding && k == 0 {
            pick(&mut g.rng, &base)
        } else if k == 0 && g.chance(g.features.recursion) {
            pick(&mut g.rng, &same)
        } else {
            pick(&mut g.rng, &positive)
        };
        recursive |= preds[p].level == level;
        conds.push(Cond::Atom(g.atom(p, arity, &VARS)));
    }
    // Variables bound by atoms, then by `=`, then by an aggregate.
    let mut bound: Vec<String> = Vec::new();
    for c in &conds {
        if let Cond::Atom(a) = c {
            for t in &a.args {
                if let Term::Var(v) = t
                    && !bound.contains(v)
                {
                    bound.push(v.clone());
                }
            }
        }
    }
    let atom_bound = bound.clone();
    let arithmetic = g.chance(g.features.arithmetic);
    let mut tests = Vec::new();
    if arithmetic && !bound.is_empty() {
        for i in 0..1 + g.rng.below(2) {
            let name = format!("N{i}");
            let place = if recursive {
                Place::Recursive
            } else {
                Place::Value
            };
            let numeric: Vec<String> = atom_bound
                .iter()
                .filter(|v| g.kind_of_var(v).fits(Kind::Number))
                .cloned()
                .collect();
            let huge = !recursive
                && !numeric.is_empty()
                && g.features.huge_bindings > 0
                && g.chance(g.features.huge_bindings);
            let e = if huge {
                bin(ArithOp::Mul, var(&pick(&mut g.rng, &numeric)), int(HUGE))
            } else {
                g.expr(&bound, place, 2, Kind::Any)
            };
            let kind = g.kind(&e);
            conds.push(Cond::Assign(name.clone(), e));
            if recursive {
                for (op, b) in [(CompareOp::Le, BOUND), (CompareOp::Ge, -BOUND)] {
                    tests.push(Test {
                        lhs: var(&name),
                        op,
                        rhs: int(b),
                    });
                }
            }
            g.kinds.push((name.clone(), kind));
            bound.push(name);
        }
    }
    if with_aggregate && !lower.is_empty() {
        let inline = g.chance(30);
        let free = (!inline && g.chance(30)).then_some("G");
        let agg = g.aggregate(&lower, &atom_bound, free);
        let kind = match agg.op {
            AggregateOp::Count | AggregateOp::Sum => Kind::Number,
            _ => Kind::Any,
        };
        if inline {
            let rhs = Ex::Term(g.term(&bound, kind));
            conds.push(Cond::AggregateTest(agg, pick(&mut g.rng, &OPS), rhs));
        } else {
            if agg
                .atoms
                .iter()
                .any(|a| a.args.contains(&Term::Var("G".into())))
            {
                bound.push("G".into());
            }
            conds.push(Cond::Aggregate("R".into(), agg));
            g.kinds.push(("R".into(), kind));
            bound.push("R".into());
        }
    }
    if g.chance(g.features.comparison) {
        for _ in 0..1 + g.rng.below(2) {
            let t = if arithmetic {
                g.test(&bound, Place::Test, (2, 1))
            } else {
                g.test(&bound, Place::Test, (0, 0))
            };
            tests.push(t);
        }
    }
    conds.extend(tests.into_iter().map(Cond::Test));
    if !lower.is_empty() && g.chance(g.features.negation) {
        let (p, arity) = pick(&mut g.rng, &lower);
        let args = (0..arity)
            .map(|_| {
                if g.chance(20) {
                    Term::Wild
                } else {
                    g.term(&bound, Kind::Any)
                }
            })
            .collect();
        conds.push(Cond::Unless(AtomT { pred: p, args }));
    }
    let mut heads = Vec::new();
    let mut head_preds = vec![head];
    if g.chance(15) {
        // A second conclusion on the same level.
        head_preds.push(pick(&mut g.rng, &same).0);
    }
    for p in head_preds {
        let args = (0..preds[p].arity)
            .map(|_| {
                if arithmetic && !recursive && g.chance(40) {
                    g.expr(&bound, Place::Value, 2, Kind::Any)
                } else {
                    Ex::Term(g.term(&bound, Kind::Any))
                }
            })
            .collect();
        heads.push((p, args));
    }
    RuleT {
        name: format!("r{r}"),
        conds,
        heads,
        likelihood: pick(&mut g.rng, &LIKS),
    }
}
