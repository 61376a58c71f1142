//! `input` files: CSV and TSV read into rows of interned values.
//!
//! `check` reads every input file with [`read`], so that a file `run` would
//! reject is rejected by `check`, and hands the rows to the engine in the IR
//! ([`ir::InputRows`]); the engine never reads a file.
//!
//! What a field means (also in `docs/language.md`, "Input files"):
//!
//! - CSV is RFC 4180 as the `csv` crate reads it (quotes, `""`, CRLF, fields
//!   spanning lines); TSV fields are split on tabs and never quoted. A
//!   leading byte-order mark is dropped; a blank line holds no row. A field
//!   is taken exactly as written: nothing is trimmed.
//! - In a column of no declared type, a field is a number only when it is a
//!   canonical literal — an integer with no leading zero or plus sign that
//!   fits 64 bits (`7`, `-12`), or a decimal `digits.digits` with no leading
//!   zero and no trailing zero after the first fractional digit (`0.5`,
//!   `2.0`). Anything else (`007`, `1.50`, `1e5`, `FRA`) is text, unchanged.
//!   A declared `int`, `decimal` or `number` column reads any decimal digits
//!   as the number they spell (`007` is 7 there, as declared); a scale
//!   column takes the scale's values.
//! - An empty field in a `text` column is the empty text. Anywhere else an
//!   empty field has no value: its row is not loaded, and one warning
//!   (`warrant::empty_cell`) per file counts such rows.
//! - With a header (`with header`), columns are chosen by name when the
//!   predicate's `pred` declaration names its parameters: each parameter
//!   takes the column whose header matches its name, ignoring case and
//!   reading any run of characters other than letters and digits as `_`
//!   (`ISO3` is `iso3`, `Country Name` is `country_name`); other columns are
//!   ignored. Otherwise the columns are the predicate's arguments in order.

use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::ir::{ColumnType, Input, InputFormat, InputRows, Param, Scale, Value, ValueId, Values};

/// What a predicate an input loads looks like to the reader.
pub struct Target<'a> {
    pub name: &'a str,
    pub arity: usize,
    pub params: &'a [Param],
}

/// The rows of a file, and warnings about rows it could not load.
pub struct Read {
    pub rows: InputRows,
    pub warnings: Vec<Diagnostic>,
}

/// Reads one input file. A malformed file is one error (the first problem,
/// at its row and column) and loads nothing.
pub fn read(
    input: &Input,
    target: &Target,
    scales: &[Scale],
    values: &mut Values,
) -> Result<Read, Diagnostic> {
    read_with(input, target, scales, values, &mut IntCache::default())
}

/// [`read`], with an integer cache shared by the files of one program, so
/// that an integer met in several files is interned once.
pub fn read_with(
    input: &Input,
    target: &Target,
    scales: &[Scale],
    values: &mut Values,
    ints: &mut IntCache,
) -> Result<Read, Diagnostic> {
    let shown = input.path.to_string_lossy().replace('\\', "/");
    let fail = |at: String, message: String| {
        Diagnostic::error(Code::Input, format!("{shown}{at}: {message}"))
            .with_label(input.span, format!("`{}` is loaded from here", target.name))
            .with_path(&input.path)
    };
    if input.format == InputFormat::Parquet {
        return Err(fail(
            String::new(),
            "Warrant reads CSV and TSV files; Parquet is read by DuckDB".into(),
        )
        .with_help("give the Parquet files with `--input-parquet` to `export --sql` or `run --engine duckdb`"));
    }
    let bytes = std::fs::read(&input.path).map_err(|e| {
        let what = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        let mut d = fail(String::new(), format!("cannot read the file: {what}"))
            .with_help("input paths are relative to the rule file that names them");
        d.code = Code::Io; // unreadable: an I/O problem (exit 2), not a bad row
        d
    })?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = reader(input.format, body);
    let arity = target.arity;
    let types: Vec<ColumnType> = (0..arity)
        .map(|c| target.params.get(c).map_or(ColumnType::Any, |p| p.ty))
        .collect();
    let mut record = csv::ByteRecord::new();
    let mut columns: Option<Vec<usize>> = None;
    let mut column_names: Vec<String> = Vec::new();
    let estimate = body.iter().filter(|&&b| b == b'\n').count() + 1;
    let mut data: Vec<ValueId> = Vec::with_capacity(estimate * arity);
    let mut lines: Vec<u32> = Vec::with_capacity(estimate);
    let mut skipped = 0usize;
    let mut first_skip: Option<(u64, usize)> = None;
    let mut width = None;
    // Lines are counted here: the crate's own count skips blank lines.
    let mut counted = (0usize, 1u64);
    let mut line_at = |byte: usize| {
        let (from, line) = counted;
        let byte = byte.clamp(from, body.len());
        let n = body[from..byte].iter().filter(|&&b| b == b'\n').count() as u64;
        counted = (byte, line + n);
        line + n
    };
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                let line = line_at(at);
                return Err(fail(format!(", row {line}"), csv_message(&e)));
            }
        }
        // A record's position may lie before the blank lines that precede it.
        let mut start = record.position().map_or(0, |p| p.byte() as usize);
        while matches!(body.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let line = line_at(start);
        if columns.is_none() {
            if input.header {
                let header: Vec<String> = record
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect();
                let (cols, names) = select_columns(&header, target)
                    .map_err(|(m, help)| fail(", header".into(), m).with_help(help))?;
                columns = Some(cols);
                column_names = names;
                width = Some(header.len());
                continue;
            }
            columns = Some((0..arity).collect());
            column_names = (0..arity).map(|c| format!("{}", c + 1)).collect();
        }
        let cols = columns.as_deref().unwrap_or_default();
        let expected = width.unwrap_or(arity);
        if record.len() != expected {
            let what = if input.header {
                format!("the header has {expected}")
            } else {
                format!("`{}` takes {arity}", target.name)
            };
            return Err(fail(
                format!(", row {line}"),
                format!(
                    "{} field{} where {what}",
                    record.len(),
                    if record.len() == 1 { "" } else { "s" },
                ),
            ));
        }
        let start = data.len();
        let mut empty = None;
        for (c, &at) in cols.iter().enumerate() {
            let raw = record.get(at).unwrap_or_default();
            let ty = types[c];
            if raw.is_empty() && ty != ColumnType::Text {
                empty = Some(c);
                break;
            }
            if matches!(ty, ColumnType::Any | ColumnType::Int | ColumnType::Number)
                && let Some(i) = parse_int(raw, ty == ColumnType::Any)
            {
                data.push(ints.get(i, values));
                continue;
            }
            let at_field = || format!(", row {line}, column {}", column_names[c]);
            let text = std::str::from_utf8(raw)
                .map_err(|_| fail(at_field(), "the field is not valid UTF-8".into()))?;
            let v = convert(text, ty, scales, values).map_err(|m| fail(at_field(), m))?;
            data.push(values.intern(v));
        }
        if let Some(c) = empty {
            data.truncate(start);
            skipped += 1;
            first_skip.get_or_insert((line, c));
            continue;
        }
        lines.push(u32::try_from(line).unwrap_or(u32::MAX));
    }
    let mut warnings = Vec::new();
    if let Some((line, c)) = first_skip {
        warnings.push(
            Diagnostic::warning(
                Code::EmptyCell,
                format!(
                    "{shown}: {skipped} row{} not loaded: an empty cell has no value (first at row {line}, column {})",
                    if skipped == 1 { "" } else { "s" },
                    column_names[c]
                ),
            )
            .with_label(input.span, format!("`{}` is loaded from here", target.name))
            .with_help(
                "fill the cells, or remove those rows; to load an empty cell as the empty \
                 text, declare its column `text` in the `pred` declaration",
            ),
        );
    }
    Ok(Read {
        rows: InputRows { data, lines },
        warnings,
    })
}

/// The columns of the file that `read` takes, one per argument, and how
/// many fields a row has; `None` when the file cannot be read or its
/// header does not give the columns (then `read` reported it).
pub fn columns(input: &Input, target: &Target) -> Option<(Vec<usize>, usize)> {
    if input.format == InputFormat::Parquet {
        return None; // columns chosen by DuckDB (see `export::sql::parquet`)
    }
    if !input.header {
        return Some(((0..target.arity).collect(), target.arity));
    }
    let bytes = std::fs::read(&input.path).ok()?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = reader(input.format, body);
    let mut record = csv::ByteRecord::new();
    if !reader.read_byte_record(&mut record).ok()? {
        return None;
    }
    let header: Vec<String> = record
        .iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let (cols, _) = select_columns(&header, target).ok()?;
    Some((cols, header.len()))
}

/// A header name as a parameter name: lower case, any run of characters
/// other than letters and digits read as `_` (trimmed at the ends).
fn header_key(name: &str) -> String {
    let mut key = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            key.extend(c.to_lowercase());
        } else if !key.is_empty() && !key.ends_with('_') {
            key.push('_');
        }
    }
    key.trim_end_matches('_').to_string()
}

/// The header column of each argument, and its name as written (for
/// messages). By name when every parameter is named, else by position.
#[allow(clippy::type_complexity)]
fn select_columns(
    header: &[String],
    target: &Target,
) -> Result<(Vec<usize>, Vec<String>), (String, String)> {
    let named: Option<Vec<&str>> = target.params.iter().map(|p| p.name.as_deref()).collect();
    let names = match named {
        Some(n) if n.len() == target.arity && target.arity > 0 => n,
        _ => {
            if header.len() != target.arity {
                return Err((
                    format!(
                        "{} columns where `{}` takes {}",
                        header.len(),
                        target.name,
                        target.arity
                    ),
                    format!(
                        "name the parameters of `{}` in a `pred` declaration to choose columns \
                         by their header",
                        target.name
                    ),
                ));
            }
            return Ok(((0..header.len()).collect(), header.to_vec()));
        }
    };
    let keys: Vec<String> = header.iter().map(|h| header_key(h)).collect();
    let mut cols = Vec::with_capacity(names.len());
    for name in &names {
        let found: Vec<usize> = (0..keys.len())
            .filter(|&i| keys[i] == name.to_lowercase())
            .collect();
        match found[..] {
            [i] => cols.push(i),
            [] => {
                let written: Vec<String> = header
                    .iter()
                    .map(|h| Value::Text(h.as_str().into()).to_string())
                    .collect();
                let help = match did_you_mean(name, keys.iter().map(String::as_str)) {
                    Some(k) => {
                        let i = keys.iter().position(|x| x == k).unwrap_or_default();
                        format!(
                            "did you mean the column {}? rename the parameter `{name}` to `{k}`",
                            written[i]
                        )
                    }
                    None => format!(
                        "the parameters of `{}` choose columns by name; the header has {}",
                        target.name,
                        written.join(", ")
                    ),
                };
                return Err((format!("no column named `{name}`"), help));
            }
            _ => {
                return Err((
                    format!("several columns are named `{name}`"),
                    "give the columns distinct names".into(),
                ));
            }
        }
    }
    let written = cols.iter().map(|&i| header[i].clone()).collect();
    Ok((cols, written))
}

fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
        _ => {
            // The crate's own message, with control characters escaped.
            let text = e.to_string();
            text.chars()
                .flat_map(|c| {
                    if c.is_control() {
                        c.escape_default().collect::<Vec<_>>()
                    } else {
                        vec![c]
                    }
                })
                .collect()
        }
    }
}

/// A canonical integer literal (no leading zero, no `-0`, at most 18 digits
/// so that it fits an `i64`); with `canonical` false, any run of digits.
fn parse_int(raw: &[u8], canonical: bool) -> Option<i64> {
    let (neg, digits) = match raw {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, raw),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    if canonical && digits[0] == b'0' && (digits.len() > 1 || neg) {
        return None;
    }
    // Accumulated as a negative number, so that i64::MIN, whose magnitude
    // has no positive i64, reads too; anything out of range is not an integer.
    let mut v: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_sub(i64::from(d - b'0'))?;
    }
    if neg { Some(v) } else { v.checked_neg() }
}

/// `digits.digits`, optionally negative.
fn is_decimal(s: &str) -> bool {
    let d = s.strip_prefix('-').unwrap_or(s);
    d.split_once('.').is_some_and(|(a, b)| {
        !a.is_empty()
            && !b.is_empty()
            && a.bytes().all(|c| c.is_ascii_digit())
            && b.bytes().all(|c| c.is_ascii_digit())
    })
}

/// A decimal written as Warrant prints it: no leading zero, no trailing
/// zero after the first fractional digit, not `-0.0`.
fn is_canonical_decimal(s: &str) -> bool {
    if !is_decimal(s) || s == "-0.0" {
        return false;
    }
    let d = s.strip_prefix('-').unwrap_or(s);
    let (a, b) = d.split_once('.').unwrap_or_default();
    !(a.len() > 1 && a.starts_with('0')) && (b.len() == 1 || !b.ends_with('0'))
}

/// The value of a field, by the column's type.
fn convert(text: &str, ty: ColumnType, scales: &[Scale], values: &Values) -> Result<Value, String> {
    let shown = || {
        let v = Value::Text(text.into()).to_string();
        if v.starts_with('"') {
            v
        } else {
            format!("`{v}`")
        }
    };
    let number = |canonical: bool| -> Option<Value> {
        if let Some(i) = parse_int(text.as_bytes(), canonical) {
            return Some(Value::Int(i));
        }
        let ok = if canonical {
            is_canonical_decimal(text)
        } else {
            is_decimal(text)
        };
        match text.parse::<f64>() {
            Ok(d) if ok && d.is_finite() => Some(Value::Dec(d)),
            _ => None,
        }
    };
    match ty {
        ColumnType::Any => Ok(number(true).unwrap_or_else(|| Value::Text(text.into()))),
        ColumnType::Text => Ok(Value::Text(text.into())),
        ColumnType::Int => match parse_int(text.as_bytes(), false) {
            Some(i) => Ok(Value::Int(i)),
            None => Err(format!("{} is not an integer", shown())),
        },
        ColumnType::Decimal => match number(false) {
            Some(Value::Int(i)) => Ok(Value::Dec(i as f64)),
            Some(v) => Ok(v),
            None => Err(format!("{} is not a number", shown())),
        },
        ColumnType::Number => number(false).ok_or_else(|| format!("{} is not a number", shown())),
        ColumnType::Scale(s) => {
            let Some(scale) = scales.get(s.0 as usize) else {
                return Ok(Value::Text(text.into()));
            };
            let v = Value::Text(text.into());
            if values
                .lookup(&v)
                .is_some_and(|id| scale.values.contains(&id))
            {
                return Ok(v);
            }
            let names: Vec<String> = scale
                .values
                .iter()
                .map(|&id| values.get(id).to_string())
                .collect();
            Err(format!(
                "{} is not a value of scale `{}` ({})",
                shown(),
                scale.name,
                names.join(" < ")
            ))
        }
    }
}

/// A small open-addressing cache of integer → value id, so that numeric
/// inputs do not pay the value table's general hashing per field. It must
/// serve one value table only.
#[derive(Default)]
pub struct IntCache {
    slots: Vec<(i64, u32)>,
    len: usize,
}

impl IntCache {
    fn get(&mut self, i: i64, values: &mut Values) -> ValueId {
        if (0..crate::ir::SMALL_INTS).contains(&i) {
            return values.intern(Value::Int(i)); // no hashing for these
        }
        if self.slots.is_empty() {
            self.slots = vec![(0, u32::MAX); 1024];
        }
        let mask = self.slots.len() - 1;
        let mut s = crate::hash::hash_one(i) as usize & mask;
        loop {
            let (k, id) = self.slots[s];
            if id == u32::MAX {
                break;
            }
            if k == i {
                return id;
            }
            s = (s + 1) & mask;
        }
        let id = values.intern(Value::Int(i));
        self.slots[s] = (i, id);
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            let old = std::mem::replace(&mut self.slots, vec![(0, u32::MAX); (mask + 1) * 2]);
            let mask = self.slots.len() - 1;
            for (k, id) in old {
                if id == u32::MAX {
                    continue;
                }
                let mut s = crate::hash::hash_one(k) as usize & mask;
                while self.slots[s].1 != u32::MAX {
                    s = (s + 1) & mask;
                }
                self.slots[s] = (k, id);
            }
        }
        id
    }
}

/// A reader of an input file's records as they are written (no header
/// taken, rows of any length): quoting for CSV, none for TSV.
fn reader(format: InputFormat, body: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(match format {
            // (`read_with` refuses Parquet before reading.)
            InputFormat::Csv | InputFormat::Parquet => b',',
            InputFormat::Tsv => b'\t',
        })
        .quoting(format == InputFormat::Csv)
        .from_reader(body)
}

#[cfg(test)]
mod tests;
