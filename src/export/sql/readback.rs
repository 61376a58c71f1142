//! Reading a script's rows back from DuckDB: each predicate's rows are
//! copied (`COPY … TO`) into a CSV file of a private temporary folder, one
//! file per (batch, predicate), and read back one row at a time.
//!
//! DuckDB writes CSV in parallel and far faster than its command-line
//! program prints JSON, and reading a file row by row never holds all the
//! text in memory. A value is written as `w_show` prints it (`i:12`,
//! `d:0.1`, `t:any text`): the tag keeps the kind, and CSV quoting keeps
//! any text exactly (quotes, separators, line breaks, any Unicode).

use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{PredId, Program, Value};
use crate::likelihood::Likelihood;

use super::values::{self, parse_shown};

/// One row read back: the batch index (0 unless batched), the predicate
/// (its index in the program), its values and likelihood.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultRow {
    pub batch: usize,
    pub pred: PredId,
    pub values: Vec<Value>,
    pub likelihood: Likelihood,
}

/// A temporary folder the script copies rows into, and the files it will
/// hold. The folder and its files are removed when this is dropped.
#[derive(Debug)]
pub struct Readback {
    dir: tempfile::TempDir,
    files: Vec<Copied>,
}

/// A file a `COPY` statement writes.
#[derive(Debug)]
struct Copied {
    batch: usize,
    pred: PredId,
    path: PathBuf,
    /// What the file holds, for messages: `the rows of `reach``.
    what: String,
}

impl Readback {
    /// Creates a fresh folder under the system's temporary folder.
    pub fn new() -> Result<Readback, Diagnostic> {
        let dir = tempfile::Builder::new()
            .prefix("warrant-duckdb-")
            .tempdir()
            .map_err(|e| folder_error(&std::env::temp_dir(), &e))?;
        Ok(Readback {
            dir,
            files: Vec::new(),
        })
    }

    /// The folder the rows are copied into.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Statements copying every row of `preds` to files: the values as
    /// `w_show` prints them, then the likelihood; a file per predicate in
    /// the order of `preds`, its rows in no particular order (sorting them
    /// in DuckDB took longer than computing them; the model sorts them).
    pub fn copy_rows(&mut self, program: &Program, preds: &[PredId], batch: usize) -> String {
        let mut sql = String::new();
        for &p in preds {
            let pred = program.pred(p);
            let mut cols: Vec<String> = (0..pred.arity)
                .map(|j| format!("w_show({})", values::column(j)))
                .collect();
            cols.push("likelihood".into());
            let select = format!(
                "SELECT {} FROM {}",
                cols.join(", "),
                values::ident(&pred.name)
            );
            let what = format!("the rows of `{}`", pred.name);
            sql.push_str(&self.copy(&select, batch, p, what));
        }
        sql
    }

    /// A statement copying the rows of `select` (values as `w_show`
    /// prints them, then a likelihood) to a file whose rows read back as
    /// rows of `pred` in `batch`.
    pub fn copy_query(&mut self, select: &str, batch: usize, pred: PredId) -> String {
        let what = format!("the rows of query {}", self.files.len() + 1);
        self.copy(select, batch, pred, what)
    }

    fn copy(&mut self, select: &str, batch: usize, pred: PredId, what: String) -> String {
        let path = self.dir.path().join(format!("{}.csv", self.files.len()));
        let sql = format!(
            "COPY ({select}) TO {} (FORMAT csv, HEADER false);\n",
            values::string(&path.to_string_lossy()),
        );
        self.files.push(Copied {
            batch,
            pred,
            path,
            what,
        });
        sql
    }

    /// The rows of every file, file by file in the order they were asked
    /// for, read one at a time. `warrant::duckdb` for a file that is
    /// missing or holds something DuckDB would not have written.
    pub fn rows(&self) -> impl Iterator<Item = Result<ResultRow, Diagnostic>> + '_ {
        self.files.iter().flat_map(FileRows::open)
    }
}

fn folder_error(base: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        Code::Duckdb,
        format!(
            "cannot create a folder for DuckDB's results under `{}`: {e}",
            base.display()
        ),
    )
    .with_help("name a writable temporary folder with TMPDIR")
}

/// The rows of one file, then `None` (after an error, nothing more).
enum FileRows<'a> {
    Reading {
        file: &'a Copied,
        reader: csv::Reader<std::fs::File>,
        record: csv::StringRecord,
    },
    Failed(Option<Diagnostic>),
}

impl<'a> FileRows<'a> {
    fn open(file: &'a Copied) -> FileRows<'a> {
        match csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_path(&file.path)
        {
            Ok(reader) => FileRows::Reading {
                file,
                reader,
                record: csv::StringRecord::new(),
            },
            Err(e) => FileRows::Failed(Some(unreadable(file, &e.to_string()))),
        }
    }
}

impl Iterator for FileRows<'_> {
    type Item = Result<ResultRow, Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        let (file, reader, record) = match self {
            FileRows::Failed(e) => return e.take().map(Err),
            FileRows::Reading {
                file,
                reader,
                record,
            } => (*file, reader, record),
        };
        let row = match reader.read_record(record) {
            Ok(false) => return None,
            Ok(true) => parse_record(file, record),
            Err(e) => Err(unreadable(file, &e.to_string())),
        };
        if let Err(e) = row {
            *self = FileRows::Failed(None);
            return Some(Err(e));
        }
        Some(row)
    }
}

/// A record of `w_show` values and a likelihood.
fn parse_record(file: &Copied, record: &csv::StringRecord) -> Result<ResultRow, Diagnostic> {
    let bad = |what: &str| unreadable(file, what);
    let (likelihood, shown) = match record.len().checked_sub(1) {
        Some(n) => (&record[n], record.iter().take(n)),
        None => return Err(bad("an empty line")),
    };
    let likelihood = likelihood
        .parse()
        .ok()
        .and_then(Likelihood::from_units)
        .ok_or_else(|| bad(&format!("likelihood `{likelihood}`")))?;
    let values = shown
        .map(|v| parse_shown(v).ok_or_else(|| bad(&format!("value `{v}`"))))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ResultRow {
        batch: file.batch,
        pred: file.pred,
        values,
        likelihood,
    })
}

/// The file's name, not its temporary folder, is named: the folder is
/// gone by the time the message is read.
fn unreadable(file: &Copied, what: &str) -> Diagnostic {
    let name = file.path.file_name().unwrap_or_default().to_string_lossy();
    Diagnostic::error(
        Code::Duckdb,
        format!(
            "cannot read {} back from DuckDB's file `{name}`: {what}",
            file.what
        ),
    )
    .with_help("DuckDB wrote something else than asked; check its version (`duckdb --version`)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> (Readback, Vec<Result<ResultRow, Diagnostic>>) {
        let mut rb = Readback::new().expect("a temporary folder");
        let path = rb.dir().join("0-1.csv");
        std::fs::write(&path, text).expect("writes");
        rb.files.push(Copied {
            batch: 0,
            pred: PredId(1),
            path,
            what: "the rows of `p`".into(),
        });
        let rows = rb.rows().collect();
        (rb, rows)
    }

    #[test]
    fn quoted_texts_read_back_exactly() {
        let (_rb, rows) = file("\"t:a\"\"b,\nc\",5000\ni:-7,10000\nd:1e+300,1\n");
        let values: Vec<Vec<Value>> = rows.into_iter().map(|r| r.unwrap().values).collect();
        assert_eq!(
            values,
            vec![
                vec![Value::Text("a\"b,\nc".into())],
                vec![Value::Int(-7)],
                vec![Value::Dec(1e300)]
            ]
        );
    }

    #[test]
    fn a_bad_line_is_an_error_and_ends_the_rows() {
        let (_rb, rows) = file("i:1,10000\nx:1,10000\ni:2,10000\n");
        assert_eq!(rows.len(), 2);
        assert!(rows[0].is_ok());
        let e = rows[1].as_ref().unwrap_err();
        assert_eq!(e.code, Code::Duckdb);
        assert!(e.message.contains("value `x:1`"), "{}", e.message);
    }

    #[test]
    fn a_missing_file_is_an_error() {
        let mut rb = Readback::new().expect("a temporary folder");
        let path = rb.dir().join("absent.csv");
        rb.files.push(Copied {
            batch: 0,
            pred: PredId(0),
            path,
            what: "the rows of `p`".into(),
        });
        let rows: Vec<_> = rb.rows().collect();
        assert_eq!(rows.len(), 1);
        assert!(rows[0].is_err());
    }

    #[test]
    fn the_folder_goes_with_the_readback() {
        let rb = Readback::new().expect("a temporary folder");
        let dir = rb.dir().to_path_buf();
        assert!(dir.is_dir());
        drop(rb);
        assert!(!dir.exists());
    }
}
