//! `warrant assumptions PATH... 'ATOM'`: the key assumptions of a
//! conclusion — the facts it rests on (marked when every proof needs them)
//! and the exceptions its proof assumed absent.

use std::cell::RefCell;
use std::io::Write as _;

use warrant::engine::RowId;
use warrant::ir::PredId;
use warrant::{explain, render};

use super::Format;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    target: super::explain::Target,
    /// Output format (json: an array, one entry per match)
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(args: Args) -> u8 {
    let (atom, model) = match super::explain::prepare(&args.target, "assumptions") {
        Ok(x) => x,
        Err(code) => return code,
    };
    let program = model.program();
    let rows = match explain::matching_rows(&model, &atom) {
        Ok(r) => r,
        Err(d) => {
            super::emit(&[d], &program.sources, Format::Text);
            return super::EXIT_USAGE;
        }
    };
    if rows.is_empty() {
        if args.format == Format::Json {
            return super::print_json(&[0u8; 0]).max(super::EXIT_FAILED);
        }
        super::explain::not_derived(&model, &atom, &args.target.atom, &args.target.paths);
        return super::EXIT_FAILED;
    }
    // One row at a time, written as found: memory stays that of one proof
    // (and the finder's tables, shared by every row).
    let finder = RefCell::new(explain::AssumptionFinder::new(&model));
    match args.format {
        Format::Json => super::print_json(&Each {
            rows: &rows,
            finder: &finder,
            retracted: &super::retracted(program),
        }),
        Format::Text => {
            let color = super::stdout_color();
            super::to_stdout(|out| {
                let mut first = true;
                for &(p, r) in &rows {
                    let Some(a) = finder.borrow_mut().assumptions(p, r) else {
                        continue;
                    };
                    if !first {
                        out.write_all(b"\n")?;
                    }
                    first = false;
                    out.write_all(render::text::assumptions(&a, color).as_bytes())?;
                }
                out.write_all(super::retracted_note(program).as_bytes())
            })
        }
    }
}

/// The JSON array of every row's assumptions, each found as it is written.
struct Each<'a, 'm> {
    rows: &'a [(PredId, RowId)],
    finder: &'a RefCell<explain::AssumptionFinder<'m>>,
    retracted: &'a [String],
}

impl serde::Serialize for Each<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq as _;
        let mut seq = s.serialize_seq(None)?;
        for &(p, r) in self.rows {
            if let Some(a) = self.finder.borrow_mut().assumptions(p, r) {
                seq.serialize_element(&render::json::assumptions(&a, self.retracted))?;
            }
        }
        seq.end()
    }
}
