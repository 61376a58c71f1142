use super::*;
use crate::ir::{InputRows, ScaleId};
use crate::source::{FileId, Span};

/// Reads `text` as an input file of a predicate with these parameters
/// (`None` names: read by position); the rows as printed values.
fn load(
    text: &[u8],
    format: InputFormat,
    header: bool,
    params: &[Param],
) -> Result<(Vec<Vec<String>>, Vec<Diagnostic>), Diagnostic> {
    let dir = std::env::temp_dir().join(format!("warrant-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!(
        "f{n}.{}",
        if format == InputFormat::Csv {
            "csv"
        } else {
            "tsv"
        }
    ));
    std::fs::write(&path, text).unwrap();
    let input = Input {
        pred: crate::ir::PredId(0),
        path: path.clone(),
        format,
        header,
        span: Span::new(FileId(0), 0, 0),
        rows: InputRows::default(),
    };
    let mut values = Values::default();
    let scale_values = ["low", "high"].map(|v| values.intern(Value::Text(v.into())));
    let scales = [Scale {
        name: "level".into(),
        values: scale_values.to_vec(),
        span: Span::new(FileId(0), 0, 0),
    }];
    let target = Target {
        name: "p",
        arity: params.len(),
        params,
    };
    let read = read(&input, &target, &scales, &mut values);
    std::fs::remove_file(&path).ok();
    let read = read?;
    let rows = read
        .rows
        .data
        .chunks(params.len())
        .map(|r| r.iter().map(|&v| values.get(v).to_string()).collect())
        .collect();
    Ok((rows, read.warnings))
}

static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn any(n: usize) -> Vec<Param> {
    vec![
        Param {
            name: None,
            ty: ColumnType::Any
        };
        n
    ]
}

fn named(names: &[(&str, ColumnType)]) -> Vec<Param> {
    names
        .iter()
        .map(|&(n, ty)| Param {
            name: Some(n.into()),
            ty,
        })
        .collect()
}

fn rows(text: &str, params: &[Param], header: bool) -> Vec<Vec<String>> {
    load(text.as_bytes(), InputFormat::Csv, header, params)
        .unwrap()
        .0
}

#[test]
fn a_field_is_taken_as_written() {
    let r = rows("007, a ,1.50,1.5,-0,0,2.0,1e5,FRA\n", &any(9), false);
    assert_eq!(
        r[0],
        [
            "\"007\"", "\" a \"", "\"1.50\"", "1.5", "\"-0\"", "0", "2.0", "\"1e5\"", "\"FRA\""
        ]
    );
    // Quoted or not, `abc` is the same text.
    let r = rows(
        "abc,\"abc\"\n\"x,\"\"y\"\"\",\"multi\nline\"\r\n",
        &any(2),
        false,
    );
    assert_eq!(r, [["abc", "abc"], ["\"x,\\\"y\\\"\"", "\"multi\\nline\""]]);
}

#[test]
fn declared_number_columns_read_digits() {
    let p = named(&[("n", ColumnType::Int), ("d", ColumnType::Decimal)]);
    assert_eq!(rows("n,d\n007,1.50\n", &p, true), [["7", "1.5"]]);
    let e = load(b"n,d\nx,1\n", InputFormat::Csv, true, &p).unwrap_err();
    assert!(
        e.message
            .ends_with(", row 2, column n: `x` is not an integer"),
        "{}",
        e.message
    );
}

#[test]
fn header_selects_columns_by_name() {
    let p = named(&[
        ("iso3", ColumnType::Any),
        ("country_name", ColumnType::Text),
    ]);
    let r = rows("Country Name,Population,ISO3\nFrance,68,FRA\n", &p, true);
    assert_eq!(r, [["\"FRA\"", "\"France\""]]);
    let e = load(b"Name,ISO2\nFrance,FR\n", InputFormat::Csv, true, &p).unwrap_err();
    assert_eq!(e.code, "warrant::input");
    assert!(
        e.message.contains("no column named `iso3`"),
        "{}",
        e.message
    );
    assert!(
        e.help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean the column \"ISO2\""),
        "{:?}",
        e.help
    );
}

#[test]
fn empty_cells_skip_their_row_with_a_warning() {
    let p = named(&[("a", ColumnType::Any), ("b", ColumnType::Text)]);
    let (r, w) = load(b"a,b\n1,\n,x\n2,y\n", InputFormat::Csv, true, &p).unwrap();
    assert_eq!(r, [["1", "\"\""], ["2", "y"]]);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].code, "warrant::empty_cell");
    assert!(
        w[0].message.contains("1 row not loaded"),
        "{}",
        w[0].message
    );
    assert!(w[0].message.contains("row 3, column a"), "{}", w[0].message);
}

#[test]
fn malformed_files_point_at_row_and_column() {
    let e = load(b"1\t2\n3\n", InputFormat::Tsv, false, &any(2)).unwrap_err();
    assert!(
        e.message.contains("row 2: 1 field where `p` takes 2"),
        "{}",
        e.message
    );
    // Rows are lines of the file, blank lines and CRLF included.
    let e = load(b"1,2\r\n\r\n\n3\r\n", InputFormat::Csv, false, &any(2)).unwrap_err();
    assert!(e.message.contains("row 4: 1 field"), "{}", e.message);
    let e = load(b"1,\xff\n", InputFormat::Csv, false, &any(2)).unwrap_err();
    assert!(e.message.contains("row 1, column 2"), "{}", e.message);
    let p = vec![Param {
        name: None,
        ty: ColumnType::Scale(ScaleId(0)),
    }];
    let e = load(b"low\n\x1b[2J\n", InputFormat::Csv, false, &p).unwrap_err();
    assert!(
        e.message
            .contains("\"\\u{1b}[2J\" is not a value of scale `level`"),
        "{}",
        e.message
    );
    assert!(!e.message.contains('\x1b'));
}

#[test]
fn byte_order_mark_and_tsv() {
    let r = load(
        "\u{feff}a\t\"q\"\n".as_bytes(),
        InputFormat::Tsv,
        false,
        &any(2),
    )
    .unwrap()
    .0;
    assert_eq!(r, [["a", "\"\\\"q\\\"\""]]);
}

#[test]
fn every_64_bit_integer_reads_and_nothing_wraps() {
    for (raw, want) in [
        ("9223372036854775807", Some(i64::MAX)),
        ("-9223372036854775808", Some(i64::MIN)),
        ("1234567890123456789", Some(1_234_567_890_123_456_789)),
        ("9223372036854775808", None),
        ("-9223372036854775809", None),
        ("99999999999999999999", None),
    ] {
        assert_eq!(super::parse_int(raw.as_bytes(), true), want, "{raw}");
        assert_eq!(super::parse_int(raw.as_bytes(), false), want, "{raw}");
    }
}
