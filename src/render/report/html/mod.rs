//! The report as one self-contained HTML page: its style sheet and a small
//! script are inline, nothing is fetched, and every part of it is readable
//! without the script (which only adds filtering, sorting and opening the
//! conclusion a link points to). All text is HTML-escaped.

use std::fmt::Write as _;

mod changes;
mod proof;

use super::anchor::{anchor, group_anchor};
use super::say;
use super::{Conclusion, Graphs, Group, MAX_GRAPHS, Report, SCALE, World, band_class};
use crate::explain::{Node, NodeKind, Proof};
use crate::likelihood::Likelihood;

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

pub use crate::render::escape_html as escape;

/// The ICD 203 word as a badge, the number beside it.
fn badge(l: Likelihood) -> String {
    format!(
        "<span class=\"badge b-{}\">{}</span> <span class=\"num\">{:.2}</span>",
        band_class(l.word()),
        l.word(),
        l.probability()
    )
}

fn code(s: &str) -> String {
    format!("<code>{}</code>", escape(s))
}

/// What the report says, with names as code.
fn said(pieces: &[say::Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            say::Piece::Text(t) => escape(t),
            say::Piece::Code(c) => code(c),
        })
        .collect()
}

/// The whole page.
pub fn html(report: &Report) -> String {
    let mut out = String::new();
    let title = report
        .worlds
        .iter()
        .map(|w| stem(&w.path))
        .collect::<Vec<_>>()
        .join(" → ");
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<meta name=\"generator\" content=\"Warrant {}\">",
        escape(&report.meta.version)
    );
    let _ = writeln!(out, "<title>Warrant report: {}</title>", escape(&title));
    let _ = writeln!(out, "<style>\n{STYLE}</style>\n</head>\n<body>");
    header(&mut out, report, &title);
    contents(&mut out, report);
    legend(&mut out);
    out.push_str(
        "<div id=\"_controls\" class=\"controls\" hidden>\n\
         <label>Predicate <select id=\"_f-pred\"><option value=\"\">all</option></select></label>\n\
         <label>At least <select id=\"_f-min\"><option value=\"0\">any likelihood</option></select></label>\n\
         <label>Sort <select id=\"_f-sort\"><option value=\"doc\">as derived</option>\
         <option value=\"desc\">most likely first</option><option value=\"asc\">least likely first</option></select></label>\n\
         <label>Find <input id=\"_f-text\" type=\"search\" placeholder=\"atom or sentence\"></label>\n\
         <button type=\"button\" id=\"_f-open\">Open all</button> <button type=\"button\" id=\"_f-close\">Close all</button>\n\
         <span id=\"_f-count\" class=\"count\"></span>\n</div>\n<main>\n",
    );
    for (i, w) in report.worlds.iter().enumerate() {
        world(&mut out, w, i, report.worlds.len());
    }
    if let Some(c) = &report.changes {
        changes::changes(&mut out, c, &report.worlds);
    }
    out.push_str("</main>\n");
    let _ = writeln!(
        out,
        "<footer>Made by Warrant {} on {}. Likelihood is given in the words of ICD 203; \
         it is not analytic confidence.</footer>",
        escape(&report.meta.version),
        escape(&report.meta.date)
    );
    let _ = writeln!(out, "<script>\n{SCRIPT}</script>\n</body>\n</html>");
    out
}

fn header(out: &mut String, report: &Report, title: &str) {
    let _ = writeln!(
        out,
        "<header>\n<h1>Assessment: {}</h1>\n<dl class=\"meta\">",
        escape(title)
    );
    for w in &report.worlds {
        let _ = writeln!(
            out,
            "<dt>World</dt><dd>{} <span class=\"muted\">({} file{}; {} conclusion{}; conflicts that hold: {})</span>",
            code(&w.path),
            w.files,
            plural(w.files),
            w.len(),
            plural(w.len()),
            w.conflicts.len()
        );
        glance(out, w);
        out.push_str("</dd>\n");
    }
    for (name, title) in report.sources() {
        let _ = writeln!(
            out,
            "<dt>Source</dt><dd>{} <span class=\"muted\">({})</span></dd>",
            escape(title),
            escape(name)
        );
    }
    let _ = writeln!(
        out,
        "<dt>Run</dt><dd>{}</dd>\n<dt>Warrant</dt><dd>{}</dd>\n</dl>",
        escape(&report.meta.date),
        escape(&report.meta.version)
    );
    let note = match &report.meta.graphs {
        Graphs::Included => {
            let drawn: usize = report.worlds.iter().map(|w| w.graphs_drawn).sum();
            let eligible: usize = report.worlds.iter().map(|w| w.graphs_eligible).sum();
            let mut n = format!(
                "Proof graphs: each conclusion whose proof takes more than one rule step opens with a drawing of it ({drawn} drawn"
            );
            if eligible > drawn {
                let _ = write!(
                    n,
                    " of {eligible}: at most {MAX_GRAPHS} per world keep the page quick to open"
                );
            }
            n.push_str(").");
            Some(n)
        }
        Graphs::Skipped => Some("Proof graphs were left out (--no-graphs).".to_string()),
        Graphs::Unavailable(why) => Some(format!("Proof graphs are not included: {why}.")),
    };
    if let Some(n) = note {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(&n));
    }
    out.push_str(
        "<p class=\"help\">Each conclusion opens into its proof: the rule's reason, where the rule \
         stands, the passage it cites, what it checked and assumed, and the premises it rests on \
         (linked to their own entries). Links to a conclusion open it.</p>\n</header>\n",
    );
}

/// `baseline_2021` from `rules/…/baseline_2021.wr`.
fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".wr").unwrap_or(name)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn contents(out: &mut String, report: &Report) {
    out.push_str("<nav class=\"contents\"><h2>Contents</h2><ul>\n<li><a href=\"#_legend\">Likelihood scale</a></li>\n");
    for w in &report.worlds {
        let p = escape(&w.prefix);
        let within = if report.worlds.len() > 1 {
            format!(" in {}", code(&w.path))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "<li><a href=\"#{p}_world\">Conclusions{within}</a> <span class=\"muted\">{}</span>\n<details><summary>by predicate ({})</summary><ul>",
            w.len(),
            w.groups.len()
        );
        for g in &w.groups {
            let _ = writeln!(
                out,
                "<li><a href=\"#{p}{}\">{}</a> <span class=\"muted\">{}</span></li>",
                escape(&group_anchor(&g.pred)),
                code(&g.pred),
                g.conclusions.len()
            );
        }
        out.push_str("</ul></details></li>\n");
        if !w.conflicts.is_empty() {
            let _ = writeln!(
                out,
                "<li><a href=\"#{p}_conflicts\">Conflicts that hold{within}</a> <span class=\"muted\">{}</span></li>",
                w.conflicts.len()
            );
        }
    }
    if report.changes.is_some() {
        out.push_str("<li><a href=\"#_changes\">What changes</a></li>\n");
    }
    out.push_str("</ul></nav>\n");
}

/// How many conclusions of a world fall in each ICD 203 band, most likely
/// first: what a reader takes in before opening anything.
fn glance(out: &mut String, w: &World) {
    let mut counts = [0usize; SCALE.len()];
    for c in w.groups.iter().flat_map(|g| &g.conclusions) {
        if let Some(n) = w.proof.node(c.node)
            && let Some(i) = SCALE
                .iter()
                .position(|(word, _)| *word == n.likelihood.word())
        {
            counts[i] += 1;
        }
    }
    out.push_str("<ul class=\"glance\">");
    for (i, (word, _)) in SCALE.iter().enumerate().rev() {
        if counts[i] > 0 {
            let _ = write!(
                out,
                "<li><span class=\"badge b-{}\">{word}</span> {}</li>",
                band_class(word),
                counts[i]
            );
        }
    }
    out.push_str("</ul>\n");
}

fn legend(out: &mut String) {
    out.push_str(
        "<section id=\"_legend\" class=\"legend\">\n<h2>Likelihood scale (ICD 203)</h2>\n<p>A conclusion \
         is as likely as the weakest link of its best proof. A number on a band's boundary takes the \
         higher word; stated facts are certain (1.00).</p>\n<ul>\n",
    );
    for (word, band) in SCALE {
        // The band's lower end, for the script's "at least" filter.
        let min = Likelihood::from_word(word).map_or(0, Likelihood::units);
        let _ = writeln!(
            out,
            "<li data-min=\"{min}\"><span class=\"badge b-{}\">{word}</span> {band}</li>",
            band_class(word)
        );
    }
    out.push_str("</ul>\n</section>\n");
}

/// Links from proof nodes to the entries of the world's conclusions.
struct Links<'w> {
    world: &'w World,
}

impl<'w> Links<'w> {
    fn new(world: &'w World) -> Self {
        Links { world }
    }

    /// The anchor of a node of `proof` when it is a conclusion of the world.
    fn of(&self, proof: &Proof, node: &Node) -> Option<String> {
        if std::ptr::eq(proof, &self.world.proof) {
            return self.world.anchor_of(node.id).map(str::to_string);
        }
        let a = format!("{}{}", self.world.prefix, anchor(&node.atom));
        self.world.anchor_set.contains(&a).then_some(a)
    }
}

fn world(out: &mut String, w: &World, index: usize, count: usize) {
    let links = Links::new(w);
    let _ = writeln!(
        out,
        "<section class=\"world\" id=\"{}_world\">",
        escape(&w.prefix)
    );
    if count > 1 {
        let _ = writeln!(
            out,
            "<h2 class=\"world-title\">World {}: {}</h2>",
            index + 1,
            code(&w.path)
        );
    }
    if w.is_empty() {
        out.push_str("<p>No conclusions.</p>\n");
    }
    for g in &w.groups {
        group(out, w, &links, g);
    }
    if !w.conflicts.is_empty() {
        let _ = writeln!(
            out,
            "<section class=\"conflicts\" id=\"{}_conflicts\">\n<h2>Conflicts that hold ({})</h2>",
            escape(&w.prefix),
            w.conflicts.len()
        );
        for c in &w.conflicts {
            proof::conflict(out, w, &links, c);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</section>\n");
}

fn group(out: &mut String, w: &World, links: &Links, g: &Group) {
    let _ = writeln!(
        out,
        "<section class=\"group\" id=\"{}{}\" data-pred=\"{}\">\n<h3>{} <span class=\"muted\">{} conclusion{}</span></h3>",
        escape(&w.prefix),
        escape(&group_anchor(&g.pred)),
        escape(&g.pred),
        code(&g.pred),
        g.conclusions.len(),
        plural(g.conclusions.len())
    );
    if let Some(doc) = &g.doc {
        let _ = writeln!(out, "<p class=\"doc\">{}</p>", escape(doc));
    }
    for (i, c) in g.conclusions.iter().enumerate() {
        conclusion(out, w, links, g, c, i);
    }
    out.push_str("</section>\n");
}

fn conclusion(out: &mut String, w: &World, links: &Links, g: &Group, c: &Conclusion, i: usize) {
    let Some(n) = w.proof.node(c.node) else {
        return;
    };
    let _ = write!(
        out,
        "<details class=\"conclusion\" id=\"{}\" data-pred=\"{}\" data-l=\"{}\" data-i=\"{i}\">\n<summary>{} {}",
        escape(&c.anchor),
        escape(&g.pred),
        n.likelihood.units(),
        code(&n.atom.to_string()),
        badge(n.likelihood)
    );
    if let NodeKind::Rule(step) = &n.kind
        && let Some(b) = &step.because
    {
        let _ = write!(out, " <span class=\"because\">{}</span>", escape(b));
    }
    out.push_str("</summary>\n<div class=\"proof\">\n");
    // The summary shows the rule's sentence already.
    proof::step(out, links, &w.proof, n, false);
    for line in super::say::weakest(&w.proof, n.id) {
        let _ = writeln!(
            out,
            "<p class=\"weakest\"><strong>Weakest link:</strong> {}</p>",
            escape(&line.replace('`', ""))
        );
    }
    if let Some(a) = &c.assumptions {
        proof::assumptions(out, a);
    }
    if let Some(svg) = &c.graph {
        let _ = writeln!(
            out,
            "<figure class=\"graph\">{svg}<figcaption>The proof as a graph: facts in grey notes, conclusions in boxes, rules in ellipses.</figcaption></figure>"
        );
    }
    let _ = writeln!(
        out,
        "<p class=\"link\"><a href=\"#{0}\">Link to this conclusion</a></p>\n</div>\n</details>",
        escape(&c.anchor)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_in_text_and_attributes() {
        assert_eq!(
            escape("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
    }

    #[test]
    fn badge_shows_word_and_number() {
        let l = Likelihood::from_word("very likely").expect("a word");
        assert_eq!(
            badge(l),
            "<span class=\"badge b-very-likely\">very likely</span> <span class=\"num\">0.80</span>"
        );
    }

    #[test]
    fn stems() {
        assert_eq!(stem("rules/x/baseline_2021.wr"), "baseline_2021");
        assert_eq!(stem("world"), "world");
    }
}
