//! What the second world changes against the first, with the reasons.

use std::fmt::Write as _;

use super::{badge, code, escape, said};
use crate::explain::WhyNot;
use crate::render::report::say;
use crate::render::report::{Change, Changes, Side, World};
use crate::render::text;

pub(super) fn changes(out: &mut String, c: &Changes, worlds: &[World]) {
    let _ = writeln!(
        out,
        "<section id=\"_changes\" class=\"changes\">\n<h2>What {} changes against {}</h2>\n<p>{}</p>",
        code(&c.other),
        code(&c.base),
        c.summary()
    );
    let (a, b) = (worlds.first(), worlds.get(1));
    let list = |out: &mut String, title: &str, items: &[Change]| {
        if items.is_empty() {
            return;
        }
        let _ = writeln!(
            out,
            "<h3>{title} ({})</h3>\n<ul class=\"change-list\">",
            items.len()
        );
        for ch in items {
            change(out, ch, a, b);
        }
        out.push_str("</ul>\n");
    };
    list(out, "Gained", &c.gained);
    list(out, "Lost", &c.lost);
    list(out, "Changed in likelihood", &c.changed);
    for (title, items) in [
        ("Conflicts gained", &c.conflicts_gained),
        ("Conflicts lost", &c.conflicts_lost),
    ] {
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(out, "<h3>{title} ({})</h3>\n<ul>", items.len());
        for (text, anchor) in items {
            let _ = writeln!(
                out,
                "<li><a href=\"#{}\">{}</a></li>",
                escape(anchor),
                code(text)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}

fn change(out: &mut String, ch: &Change, a: Option<&World>, b: Option<&World>) {
    let link = |side: &Side| {
        format!(
            "<a href=\"#{}\">{}</a>",
            escape(&side.anchor),
            badge(side.likelihood)
        )
    };
    let _ = write!(out, "<li>{}", code(&ch.atom));
    match (&ch.base, &ch.other) {
        (None, Some(o)) => {
            let _ = write!(
                out,
                " {} <span class=\"detail\">{}</span>",
                link(o),
                said(&say::reason(b, o.node))
            );
        }
        (Some(s), None) => {
            let _ = write!(out, " was {}", link(s));
            if let Some(w) = &ch.why_not {
                why_not(out, w);
            }
        }
        (Some(s), Some(o)) => {
            let _ = write!(
                out,
                " {} → {} <span class=\"detail\">now {}; before {}</span>",
                link(s),
                link(o),
                said(&say::reason(b, o.node)),
                said(&say::reason(a, s.node))
            );
        }
        (None, None) => {}
    }
    out.push_str("</li>\n");
}

/// Why a lost conclusion is not derived: the verdict, then what failed in
/// each rule's closest attempt.
fn why_not(out: &mut String, w: &WhyNot) {
    let _ = write!(
        out,
        "<details class=\"why-not\"><summary>{}</summary>",
        escape(&text::verdict(w))
    );
    if let Some(attempts) = say::attempts(w) {
        out.push_str("<ul>");
        for at in attempts {
            let _ = write!(
                out,
                "<li>Rule {} at <span class=\"loc\">{}</span>",
                code(at.rule),
                escape(&at.at)
            );
            if let Some(say::Closest { met, of, failed }) = at.best {
                let _ = write!(out, ": {met} of {of} conditions met<ul>");
                for (k, detail) in failed {
                    let _ = write!(
                        out,
                        "<li>{} <span class=\"detail\">{}</span></li>",
                        code(k),
                        escape(detail)
                    );
                }
                out.push_str("</ul>");
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    out.push_str("</details>");
}
