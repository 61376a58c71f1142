//! The formatter: prints a parsed file in the canonical layout.
//!
//! Comments are not part of the AST, so they are carried over from the
//! text: comments between items are kept where they stand, a comment after
//! an item on the same line stays there, and an item with a comment inside
//! it is kept exactly as written rather than reformatted (its comments would
//! otherwise be lost).

use super::ast::*;

/// Lines longer than this are broken, one condition per line.
const WIDTH: usize = 100;

/// Formats a file that parsed without errors.
pub fn format_module(text: &str, module: &Module) -> String {
    let mut out = String::new();
    let mut prev_end = 0usize;
    for (i, item) in module.items.iter().enumerate() {
        let span = item.span();
        let (start, end) = (span.start as usize, span.end as usize);
        push_between(&mut out, &text[prev_end..start], i == 0, true);
        if contains_comment(&text[start..end]) {
            out.push_str(&text[start..end]);
        } else {
            out.push_str(&format_item(item));
        }
        out.push('\n');
        prev_end = end;
    }
    push_between(&mut out, &text[prev_end..], module.items.is_empty(), false);
    while out.ends_with("\n\n") {
        out.pop();
    }
    if out.trim().is_empty() {
        return String::new();
    }
    out
}

/// The text between two items (or before the first, or after the last),
/// which holds only blanks and comments. Comments on the previous item's
/// line stay on it; comments on the next item's line, before it, go on a
/// line of their own; the lines between keep their comments, with one blank
/// line at most between paragraphs.
fn push_between(out: &mut String, gap: &str, at_start: bool, before_item: bool) {
    let mut lines = gap_lines(gap);
    if !at_start {
        // The first line continues the previous item's line.
        let trailing = lines.remove(0);
        if !trailing.is_empty() {
            if out.ends_with('\n') {
                out.pop();
            }
            out.push(' ');
            out.push_str(&trailing.join(" "));
            out.push('\n');
        }
    }
    // Before an item, the last line is the part of the item's own line
    // before it: its comments, if any, get a line of their own.
    let leading = if before_item && !lines.is_empty() {
        lines.pop()
    } else {
        None
    };
    let mut blank_run = 0;
    for line in lines {
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if blank_run > 0 && !out.is_empty() {
            out.push('\n');
        }
        blank_run = 0;
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    if blank_run > 0 && !out.is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
    if let Some(line) = leading.filter(|l| !l.is_empty()) {
        out.push_str(&line.join(" "));
        out.push('\n');
    }
}

/// The comments of a gap, line by line (a line is empty when it holds
/// none). A block comment over several lines is one comment, kept as
/// written, on the line where it starts.
fn gap_lines(gap: &str) -> Vec<Vec<&str>> {
    let mut lines = vec![Vec::new()];
    let mut rest = gap;
    while let Some(c) = rest.chars().next() {
        let len = if rest.starts_with("//") {
            rest.find('\n').unwrap_or(rest.len())
        } else if let Some(body) = rest.strip_prefix("/*") {
            body.find("*/").map_or(rest.len(), |i| i + 4)
        } else if c == '\n' {
            lines.push(Vec::new());
            rest = &rest[1..];
            continue;
        } else if c.is_whitespace() || c == '\u{feff}' {
            rest = &rest[c.len_utf8()..];
            continue;
        } else {
            // Not reached for a file that parsed (a gap holds only blanks
            // and comments); kept rather than lost if it ever is.
            rest.find(char::is_whitespace).unwrap_or(rest.len())
        };
        if let Some(line) = lines.last_mut() {
            line.push(rest[..len].trim_end_matches('\r'));
        }
        rest = &rest[len..];
    }
    lines
}

/// Whether a piece of source has a comment outside string literals.
fn contains_comment(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && matches!(bytes.get(i + 1), Some(b'/') | Some(b'*')) => {
                return true;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

pub fn format_item(item: &Item) -> String {
    match item {
        Item::Use(u) => format!("use {}.", quote(&u.path.value)),
        Item::Scale(s) => {
            let values: Vec<&str> = s.values.iter().map(|v| v.text.as_str()).collect();
            format!("scale {}: {}.", s.name.text, values.join(" < "))
        }
        Item::Pred(p) => {
            let params: Vec<String> = p
                .params
                .iter()
                .map(|param| match &param.ty {
                    Some(t) => format!("{}: {}", param.name.text, t.text),
                    None => param.name.text.clone(),
                })
                .collect();
            let doc = p
                .doc
                .as_ref()
                .map(|d| format!(" {}", quote(&d.value)))
                .unwrap_or_default();
            format!("pred {}({}){doc}.", p.name.text, params.join(", "))
        }
        Item::Source(s) => match &s.file {
            Some(file) => format!(
                "source {} {} from {}.",
                s.name.text,
                quote(&s.title.value),
                quote(&file.value)
            ),
            None => format!("source {} {}.", s.name.text, quote(&s.title.value)),
        },
        Item::Retract(r) => format!("retract {}.", atom(&r.atom)),
        Item::Input(i) => format!(
            "input {} from {}{}.",
            i.pred.text,
            quote(&i.path.value),
            if i.header { " with header" } else { "" }
        ),
        Item::Fact(f) => format!("{}.", fact(f)),
        Item::Rule(r) => rule(r),
        Item::Conflict(c) => conflict(c),
        Item::Test(t) => test(t),
    }
}

fn fact(f: &Fact) -> String {
    match &f.qualifier {
        Some(q) => format!("{} {}", atom(&f.atom), qualifier(q)),
        None => atom(&f.atom),
    }
}

pub fn atom(a: &Atom) -> String {
    let args: Vec<String> = a.args.iter().map(term).collect();
    format!("{}({})", a.pred.text, args.join(", "))
}

pub fn term(t: &Term) -> String {
    match t {
        Term::Var(n) | Term::Symbol(n) => n.text.clone(),
        Term::Str(s) => quote(&s.value),
        Term::Int { value, .. } => value.to_string(),
        Term::Dec { value, .. } => decimal(*value),
        Term::Expr(e) => expr(e, 0),
    }
}

/// An expression with the parentheses its precedence needs inside an
/// operator of precedence `outer` (0: none).
fn expr(e: &Expr, outer: u8) -> String {
    let operand = |t: &Term, prec: u8| match t {
        Term::Expr(inner) => expr(inner, prec),
        // A negative number after an operator reads as one token.
        Term::Int { value, .. } if *value < 0 && prec > 0 => format!("({value})"),
        Term::Dec { value, .. } if *value < 0.0 && prec > 0 => format!("({})", decimal(*value)),
        t => term(t),
    };
    match &e.kind {
        ExprKind::Neg(t) => format!("-{}", operand(t, 3)),
        ExprKind::Binary(op, a, b) => {
            let p = op.precedence();
            // Left-associative: the right operand needs parentheses at the
            // same precedence (`a - (b - c)`).
            let text = format!("{} {} {}", operand(a, p), op.symbol(), operand(b, p + 1));
            if p < outer { format!("({text})") } else { text }
        }
        ExprKind::Call(name, args) => {
            let args: Vec<String> = args.iter().map(term).collect();
            format!("{}({})", name.text, args.join(", "))
        }
        ExprKind::Aggregate(agg) => {
            let target = agg
                .target
                .as_ref()
                .map(|t| format!(" {}", t.text))
                .unwrap_or_default();
            let body: Vec<String> = agg.body.iter().map(condition).collect();
            let floor = agg
                .floor
                .as_ref()
                .map(|q| format!(" {}", qualifier(q)))
                .unwrap_or_default();
            format!(
                "{}{target} {{ {} }}{floor}",
                agg.op.keyword(),
                body.join(", ")
            )
        }
    }
}

fn decimal(value: f64) -> String {
    let s = value.to_string();
    if s.contains('.') || !value.is_finite() {
        s
    } else {
        format!("{s}.0")
    }
}

fn condition(c: &Condition) -> String {
    match c {
        Condition::Atom(a) => atom(a),
        Condition::Compare(cmp) if cmp.op == CompareOp::Contains => {
            format!("contains({}, {})", term(&cmp.lhs), term(&cmp.rhs))
        }
        Condition::Compare(cmp) => {
            format!("{} {} {}", term(&cmp.lhs), cmp.op.symbol(), term(&cmp.rhs))
        }
    }
}

fn qualifier(q: &Qualifier) -> String {
    match &q.value {
        QualifierValue::Number(n) => format!("[{}]", n),
        QualifierValue::Words(w) => {
            let words: Vec<String> = w.split_whitespace().map(str::to_ascii_lowercase).collect();
            format!("[{}]", words.join(" "))
        }
    }
}

/// A string literal, escaped so that it parses back to the same value.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn template(t: &Template) -> String {
    let mut out = String::from("\"");
    for piece in &t.pieces {
        match piece {
            TemplatePiece::Var(v) => out.push_str(&format!("{{{}}}", v.text)),
            TemplatePiece::Text(s) => {
                let q = quote(s);
                let inner = &q[1..q.len() - 1];
                out.push_str(&inner.replace('{', "\\{").replace('}', "\\}"));
            }
        }
    }
    out.push('"');
    out
}

/// `keyword a, b, c` on one line, or one item per line aligned after the
/// keyword when that would be too long.
fn clause(keyword: &str, parts: &[String], suffix: &str) -> String {
    let one_line = format!("  {keyword} {}{suffix}", parts.join(", "));
    if one_line.len() <= WIDTH || parts.len() < 2 {
        return one_line;
    }
    let indent = " ".repeat(keyword.len() + 3);
    let mut out = format!("  {keyword} {}", parts[0]);
    for p in &parts[1..] {
        out.push_str(",\n");
        out.push_str(&indent);
        out.push_str(p);
    }
    out.push_str(suffix);
    out
}

fn cite(c: &Cite) -> String {
    let mut s = format!("  cite {} {}", c.source.text, quote(&c.section.value));
    if let Some(q) = &c.quote {
        s.push_str(": ");
        s.push_str(&quote(&q.value));
    }
    s
}

fn rule(r: &Rule) -> String {
    let mut lines = vec![format!("rule {}", r.name.text)];
    if !r.when.is_empty() {
        let parts: Vec<String> = r.when.iter().map(condition).collect();
        lines.push(clause("when", &parts, ""));
    }
    if !r.unless.is_empty() {
        let parts: Vec<String> = r.unless.iter().map(atom).collect();
        lines.push(clause("unless", &parts, ""));
    }
    let heads: Vec<String> = r.then.iter().map(atom).collect();
    let q = r
        .qualifier
        .as_ref()
        .map(|q| format!(" {}", qualifier(q)))
        .unwrap_or_default();
    lines.push(clause("then", &heads, &q));
    if let Some(b) = &r.because {
        lines.push(format!("  because {}", template(b)));
    }
    lines.extend(r.cites.iter().map(cite));
    let mut out = lines.join("\n");
    out.push('.');
    out
}

fn conflict(c: &Conflict) -> String {
    let mut first = format!("conflict {}", c.name.text);
    if let Some(d) = &c.description {
        first.push(' ');
        first.push_str(&quote(&d.value));
    }
    let mut lines = vec![first];
    let parts: Vec<String> = c.when.iter().map(condition).collect();
    lines.push(clause("when", &parts, ""));
    if !c.unless.is_empty() {
        let parts: Vec<String> = c.unless.iter().map(atom).collect();
        lines.push(clause("unless", &parts, ""));
    }
    lines.extend(c.cites.iter().map(cite));
    let mut out = lines.join("\n");
    out.push('.');
    out
}

/// `  given a. b.` on one line, or one per line aligned after the keyword.
fn steps(out: &mut String, keyword: &str, items: &[String]) {
    let Some(first) = items.first() else {
        return;
    };
    let one_line = format!("  {keyword} {}", items.join(" "));
    if one_line.len() <= WIDTH {
        out.push_str(&one_line);
        out.push('\n');
    } else {
        out.push_str(&format!("  {keyword} {first}\n"));
        let indent = " ".repeat(keyword.len() + 3);
        for f in &items[1..] {
            out.push_str(&format!("{indent}{f}\n"));
        }
    }
}

fn test(t: &Test) -> String {
    let mut out = format!("test {} {{\n", quote(&t.name.value));
    let given: Vec<String> = t.given.iter().map(|f| format!("{}.", fact(f))).collect();
    steps(&mut out, "given", &given);
    let without: Vec<String> = t
        .without
        .iter()
        .map(|r| format!("{}.", atom(&r.atom)))
        .collect();
    steps(&mut out, "without", &without);
    for e in &t.expects {
        let mut line = String::from("  expect ");
        if e.negated {
            line.push_str("not ");
        }
        line.push_str(&atom(&e.atom));
        if let Some(q) = &e.at_least {
            line.push(' ');
            line.push_str(&qualifier(q));
        }
        if let Some(r) = &e.by_rule {
            line.push_str(" by ");
            line.push_str(&r.text);
        }
        line.push_str(".\n");
        out.push_str(&line);
    }
    for c in &t.conflicts {
        let not = if c.negated { "not " } else { "" };
        out.push_str(&format!("  expect {not}conflict {}.\n", c.name.text));
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use crate::syntax::parse_module;

    fn fmt(text: &str) -> String {
        let (m, d) = parse_module(FileId(0), text);
        assert!(d.is_empty(), "{d:?}");
        format_module(text, &m)
    }

    #[test]
    fn canonical_layout() {
        let src = "ally( japan,us ).   // the 1960 treaty\n\n\n// next\nrule r when a(X),X>=2 then b(X)[ Very  Likely ] because \"{X} \\{y\\}\".\n";
        let out = fmt(src);
        assert_eq!(
            out,
            "ally(japan, us). // the 1960 treaty\n\n// next\nrule r\n  when a(X), X >= 2\n  then b(X) [very likely]\n  because \"{X} \\{y\\}\".\n"
        );
        assert_eq!(fmt(&out), out, "formatting is idempotent");
    }

    #[test]
    fn items_with_inner_comments_are_kept_verbatim() {
        let src = "rule r\n  when a(X) // why\n  then b(X).\n";
        assert_eq!(fmt(src), src);
    }

    #[test]
    fn long_conditions_wrap() {
        let src = format!(
            "rule r when {} then b(X).",
            (0..8)
                .map(|i| format!("long_condition_{i}(X)"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let out = fmt(&src);
        assert!(out.contains(",\n       long_condition_1(X)"), "{out}");
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn comments_on_an_items_line_are_kept() {
        // A block comment after an item on its line was dropped.
        assert_eq!(fmt("p(a).  /* keep me */\n"), "p(a). /* keep me */\n");
        assert_eq!(
            fmt("p(a). /* one */ // two\nq(b)./* x\n  y */\n"),
            "p(a). /* one */ // two\nq(b). /* x\n  y */\n"
        );
        // A comment before an item on its line gets a line of its own.
        assert_eq!(
            fmt("/* a */ p(a). /* b */ q(b).\n"),
            "/* a */\np(a). /* b */\nq(b).\n"
        );
        assert_eq!(
            fmt("p(a).\n\n  /* c */ /* d */  q(b).\n"),
            "p(a).\n\n/* c */ /* d */\nq(b).\n"
        );
    }

    #[test]
    fn empty_file() {
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("// only\n"), "// only\n");
    }
}
