//! `input` directives: CSV and TSV files loaded into base relations.
//!
//! CSV follows RFC 4180: fields separated by commas, optionally quoted with
//! `"`, a quote inside a quoted field written `""`; records end with LF or
//! CRLF, and a quoted field may span lines. TSV fields are separated by tabs
//! and are not quoted. Blank lines are skipped; unquoted fields are trimmed
//! of surrounding spaces.
//!
//! A field becomes a value by the column's declared type when the predicate
//! declares one (`int`, `decimal`, `number`, `symbol`, `string`, a scale);
//! otherwise integers become `Int`, decimals `Dec`, lower-case identifiers
//! symbols, and anything else a string. The whole file is read and checked
//! before anything is interned, so a bad row loads nothing.

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{ColumnType, Input, InputFormat, Predicate, Scale, Value, ValueId, Values};

/// The rows of one file: `arity` values per row, and each row's 1-based
/// line number in the file.
pub(crate) struct Loaded {
    pub data: Vec<ValueId>,
    pub lines: Vec<u32>,
}

/// A malformed record.
struct BadRow {
    line: usize,
    column: usize,
    message: String,
}

/// One field of a record: a byte range of the input, or (quoted with
/// escapes) a range of the scratch buffer.
#[derive(Clone, Copy)]
enum FieldRef {
    Input(usize, usize),
    Scratch(usize, usize),
}

/// Streams the records of a file: `each(line, fields, scratch, bytes)` is
/// called per record with the 1-based line it starts on.
fn records(
    bytes: &[u8],
    format: InputFormat,
    mut each: impl FnMut(usize, &[FieldRef], &[u8]) -> Result<(), BadRow>,
) -> Result<(), BadRow> {
    let sep = match format {
        InputFormat::Csv => b',',
        InputFormat::Tsv => b'\t',
    };
    let quoting = format == InputFormat::Csv;
    let mut fields: Vec<FieldRef> = Vec::new();
    let mut scratch: Vec<u8> = Vec::new();
    let mut i = 0;
    let mut line = 1;
    let n = bytes.len();
    // A leading byte-order mark is not part of the first field.
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        i = 3;
    }
    while i < n {
        let start_line = line;
        // Blank line (LF or CRLF): skip.
        if bytes[i] == b'\n' {
            i += 1;
            line += 1;
            continue;
        }
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            i += 2;
            line += 1;
            continue;
        }
        fields.clear();
        scratch.clear();
        loop {
            // One field starting at i.
            let column = fields.len() + 1;
            let mut j = i;
            while j < n && bytes[j] == b' ' {
                j += 1;
            }
            if quoting && j < n && bytes[j] == b'"' {
                let from = scratch.len();
                let mut k = j + 1;
                loop {
                    if k >= n {
                        return Err(BadRow {
                            line: start_line,
                            column,
                            message: "a quoted field is not closed".into(),
                        });
                    }
                    match bytes[k] {
                        b'"' if bytes.get(k + 1) == Some(&b'"') => {
                            scratch.push(b'"');
                            k += 2;
                        }
                        b'"' => {
                            k += 1;
                            break;
                        }
                        b => {
                            if b == b'\n' {
                                line += 1;
                            }
                            scratch.push(b);
                            k += 1;
                        }
                    }
                }
                while k < n && bytes[k] == b' ' {
                    k += 1;
                }
                fields.push(FieldRef::Scratch(from, scratch.len()));
                i = k;
                if i < n && bytes[i] != sep && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    return Err(BadRow {
                        line,
                        column,
                        message: "text after the closing quote of a field".into(),
                    });
                }
            } else {
                // One pass: find the end, and note any quote on the way
                // (only spaces are trimmed, so a quote is inside the field).
                let mut k = i;
                let mut quote = false;
                for &c in &bytes[i..] {
                    if c == sep || c == b'\n' || c == b'\r' {
                        break;
                    }
                    quote |= c == b'"';
                    k += 1;
                }
                let (mut a, mut b) = (i, k);
                while a < b && bytes[a] == b' ' {
                    a += 1;
                }
                while b > a && bytes[b - 1] == b' ' {
                    b -= 1;
                }
                if quoting && quote {
                    return Err(BadRow {
                        line,
                        column,
                        message: "a quote inside an unquoted field (quote the whole field and double the quote)".into(),
                    });
                }
                fields.push(FieldRef::Input(a, b));
                i = k;
            }
            // After a field: separator, end of record, or end of input.
            if i >= n {
                break;
            }
            match bytes[i] {
                b if b == sep => {
                    i += 1;
                }
                b'\n' => {
                    i += 1;
                    line += 1;
                    break;
                }
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    i += 2;
                    line += 1;
                    break;
                }
                _ => {
                    return Err(BadRow {
                        line,
                        column,
                        message: "a carriage return inside an unquoted field".into(),
                    });
                }
            }
        }
        each(start_line, &fields, &scratch)?;
    }
    Ok(())
}

fn is_int(s: &str) -> bool {
    let d = s.strip_prefix('-').unwrap_or(s);
    !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())
}

fn is_dec(s: &str) -> bool {
    let d = s.strip_prefix('-').unwrap_or(s);
    match d.split_once('.') {
        Some((a, b)) => {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Whether a field reads as a symbol: `[a-z][A-Za-z0-9_]*`.
pub(crate) fn is_symbol(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_lowercase())
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// The value of a field, by the column's type.
fn convert(text: &str, ty: ColumnType, scales: &[Scale], values: &Values) -> Result<Value, String> {
    let inferred = || {
        if is_int(text) {
            match text.parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) => Value::Str(text.into()),
            }
        } else if is_dec(text) {
            match text.parse::<f64>() {
                Ok(d) if d.is_finite() => Value::Dec(d),
                _ => Value::Str(text.into()),
            }
        } else if is_symbol(text) {
            Value::Symbol(text.into())
        } else {
            Value::Str(text.into())
        }
    };
    match ty {
        ColumnType::Any => Ok(inferred()),
        ColumnType::Str => Ok(Value::Str(text.into())),
        ColumnType::Symbol => {
            if is_symbol(text) {
                Ok(Value::Symbol(text.into()))
            } else {
                Err(format!("`{text}` is not a symbol (a lower-case name)"))
            }
        }
        ColumnType::Int => match inferred() {
            v @ Value::Int(_) => Ok(v),
            _ => Err(format!("`{text}` is not an integer")),
        },
        ColumnType::Decimal => match inferred() {
            Value::Int(i) => Ok(Value::Dec(i as f64)),
            v @ Value::Dec(_) => Ok(v),
            _ => Err(format!("`{text}` is not a number")),
        },
        ColumnType::Number => match inferred() {
            v @ (Value::Int(_) | Value::Dec(_)) => Ok(v),
            _ => Err(format!("`{text}` is not a number")),
        },
        ColumnType::Scale(s) => {
            let Some(scale) = scales.get(s.0 as usize) else {
                return Ok(inferred());
            };
            let v = Value::Symbol(text.into());
            let ok = values
                .lookup(&v)
                .is_some_and(|id| scale.values.contains(&id));
            if ok {
                Ok(v)
            } else {
                let names: Vec<String> = scale
                    .values
                    .iter()
                    .map(|&id| {
                        if (id as usize) < values.len() {
                            values.get(id).to_string()
                        } else {
                            "?".into()
                        }
                    })
                    .collect();
                Err(format!(
                    "`{text}` is not a value of scale `{}` ({})",
                    scale.name,
                    names.join(" < ")
                ))
            }
        }
    }
}

/// Loads one input file. A bad file fails the whole evaluation, so values
/// interned before the error is found are never used.
pub(crate) fn load(
    input: &Input,
    pred: &Predicate,
    scales: &[Scale],
    values: &mut Values,
    ints: &mut IntCache,
) -> Result<Loaded, Diagnostic> {
    let shown = input.path.to_string_lossy().replace('\\', "/");
    let fail = |line: Option<usize>, column: Option<usize>, message: String| {
        let at = match (line, column) {
            (Some(l), Some(c)) => format!("{shown}, row {l}, column {c}: "),
            (Some(l), None) => format!("{shown}, row {l}: "),
            _ => format!("{shown}: "),
        };
        Diagnostic::error(Code::Input, format!("{at}{message}"))
            .with_label(input.span, format!("`{}` is loaded from here", pred.name))
            .with_path(&input.path)
    };
    let bytes = std::fs::read(&input.path).map_err(|e| {
        let what = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        fail(None, None, format!("cannot read the file: {what}"))
            .with_help("input paths are relative to the rule file that names them")
    })?;
    let arity = pred.arity;
    let types: Vec<ColumnType> = (0..arity)
        .map(|c| pred.params.get(c).map_or(ColumnType::Any, |p| p.ty))
        .collect();
    // Sized from the line count, so the buffers are not regrown.
    let records_est = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let mut data: Vec<ValueId> = Vec::with_capacity(records_est * arity);
    let mut lines: Vec<u32> = Vec::with_capacity(records_est);
    let mut first = true;
    let result = records(&bytes, input.format, |line, fields, scratch| {
        if std::mem::take(&mut first) && input.header {
            return Ok(());
        }
        if fields.len() != arity {
            return Err(BadRow {
                line,
                column: 0,
                message: format!(
                    "{} field{} where `{}` takes {arity}",
                    fields.len(),
                    if fields.len() == 1 { "" } else { "s" },
                    pred.name
                ),
            });
        }
        for (c, f) in fields.iter().enumerate() {
            let raw = match *f {
                FieldRef::Input(a, b) => &bytes[a..b],
                FieldRef::Scratch(a, b) => &scratch[a..b],
            };
            let ty = types[c];
            // Fast path: a plain integer in a column that takes one.
            if matches!(ty, ColumnType::Any | ColumnType::Int | ColumnType::Number)
                && let Some(i) = parse_int(raw)
            {
                data.push(ints.get(i, values));
                continue;
            }
            let bad = |message: String| BadRow {
                line,
                column: c + 1,
                message,
            };
            let text =
                std::str::from_utf8(raw).map_err(|_| bad("the field is not valid UTF-8".into()))?;
            let v = convert(text, ty, scales, values).map_err(bad)?;
            data.push(values.intern(v));
        }
        lines.push(line as u32);
        Ok(())
    });
    match result {
        Ok(()) => Ok(Loaded { data, lines }),
        Err(b) => Err(fail(
            Some(b.line),
            (b.column > 0).then_some(b.column),
            b.message,
        )),
    }
}

/// A decimal integer that fits an `i64` (at most 18 digits), from bytes.
fn parse_int(raw: &[u8]) -> Option<i64> {
    let (neg, digits) = match raw {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, raw),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut v: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(d - b'0');
    }
    Some(if neg { -v } else { v })
}

/// A small open-addressing cache of integer → value id, so that numeric
/// inputs do not pay the value table's general hashing per field. One
/// cache serves every input file of an evaluation.
#[derive(Default)]
pub(crate) struct IntCache {
    slots: Vec<(i64, u32)>,
    len: usize,
}

impl IntCache {
    fn get(&mut self, i: i64, values: &mut Values) -> ValueId {
        if self.slots.is_empty() {
            self.slots = vec![(0, u32::MAX); 1024];
        }
        let mask = self.slots.len() - 1;
        let h = super::relation::finish(i as u64) as usize;
        let mut s = h & mask;
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
                let mut s = super::relation::finish(k as u64) as usize & mask;
                while self.slots[s].1 != u32::MAX {
                    s = (s + 1) & mask;
                }
                self.slots[s] = (k, id);
            }
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str, f: InputFormat) -> Vec<(usize, Vec<String>)> {
        collect(text.as_bytes(), f)
            .map_err(|b| format!("{}:{} {}", b.line, b.column, b.message))
            .unwrap()
    }

    fn collect(bytes: &[u8], f: InputFormat) -> Result<Vec<(usize, Vec<String>)>, BadRow> {
        let mut out = Vec::new();
        records(bytes, f, |line, fs, scratch| {
            let v = fs
                .iter()
                .map(|r| {
                    let raw = match *r {
                        FieldRef::Input(a, b) => &bytes[a..b],
                        FieldRef::Scratch(a, b) => &scratch[a..b],
                    };
                    String::from_utf8(raw.to_vec()).unwrap()
                })
                .collect();
            out.push((line, v));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn csv_quotes_and_crlf() {
        let r = fields(
            "a,b\r\n\"x,\"\"y\"\"\",2\r\n\r\n\"multi\nline\",3\n",
            InputFormat::Csv,
        );
        assert_eq!(
            r,
            vec![
                (1, vec!["a".into(), "b".into()]),
                (2, vec!["x,\"y\"".into(), "2".into()]),
                (4, vec!["multi\nline".into(), "3".into()]),
            ]
        );
        // No trailing newline; empty fields.
        let r = fields("1,,3", InputFormat::Csv);
        assert_eq!(r, vec![(1, vec!["1".into(), "".into(), "3".into()])]);
    }

    #[test]
    fn tsv() {
        let r = fields("a\tb c\n\"q\"\t1\n", InputFormat::Tsv);
        assert_eq!(r[0].1, vec!["a", "b c"]);
        assert_eq!(r[1].1, vec!["\"q\"", "1"]);
    }

    #[test]
    fn bad_rows() {
        let e = collect(b"a,b\n\"open,1\n", InputFormat::Csv).err().unwrap();
        assert_eq!((e.line, e.column), (2, 1));
        let e = collect(b"a,\"b\"x\n", InputFormat::Csv).err().unwrap();
        assert_eq!((e.line, e.column), (1, 2));
        let e = collect(b"a,b\"c\n", InputFormat::Csv).err().unwrap();
        assert_eq!((e.line, e.column), (1, 2));
    }

    #[test]
    fn typing() {
        let v = Values::default();
        let conv = |s| convert(s, ColumnType::Any, &[], &v).unwrap();
        assert!(matches!(conv("42"), Value::Int(42)));
        assert!(matches!(conv("-4.5"), Value::Dec(d) if d == -4.5));
        assert!(matches!(conv("japan"), Value::Symbol(_)));
        assert!(matches!(conv("Japan"), Value::Str(_)));
        assert!(matches!(conv("1e5"), Value::Str(_)));
        assert!(matches!(conv(""), Value::Str(_)));
        assert!(matches!(conv("99999999999999999999"), Value::Str(_)));
        assert!(convert("x", ColumnType::Int, &[], &v).is_err());
        assert!(matches!(
            convert("3", ColumnType::Decimal, &[], &v),
            Ok(Value::Dec(_))
        ));
        assert!(matches!(
            convert("3", ColumnType::Str, &[], &v),
            Ok(Value::Str(_))
        ));
    }
}
