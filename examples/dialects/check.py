#!/usr/bin/env python3
"""Runs the hand-translated scripts of this folder on DataFusion and Spark SQL
and checks that their rows and likelihoods are the native engine's.

    python3 examples/dialects/check.py WARRANT [datafusion] [spark]

WARRANT is the `warrant` program. Needs `pip install datafusion` (and, for
Spark, `pip install pyspark` with a Java runtime). Exits 0 when every engine
asked for agrees, 1 when one disagrees, 3 when an engine is not installed.
"""
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAM = "closure"
PREDS = ["path", "reach"]


def native(warrant):
    out = tempfile.mkdtemp()
    subprocess.run([warrant, "run", "--quiet", "--output-dir", out, "--output-format", "jsonl",
                    os.path.join(HERE, PROGRAM + ".wr")], check=True)
    rows = set()
    for pred in PREDS:
        with open(os.path.join(out, pred + ".jsonl")) as f:
            for line in f:
                r = json.loads(line)
                units = round(r["likelihood"]["probability"] * 10000)
                rows.add((pred, tuple(str(a) for a in r["args"]), units))
    return rows


def statements(text):
    """The script's statements (split on `;` at a line's end), comments dropped."""
    out = []
    for chunk in text.split(";\n"):
        lines = [l for l in chunk.splitlines() if not l.strip().startswith("--")]
        if any(l.strip() for l in lines):
            out.append("\n".join(lines))
    return out


def show(v):
    if v["i"] is not None:
        return str(v["i"])
    if v["d"] is not None:
        return repr(v["d"])
    return v["t"]


def rows_of(table_rows, pred):
    return {(pred, tuple(show(r[k]) for k in r if k.startswith("c")), r["likelihood"])
            for r in table_rows}


def datafusion_rows():
    import datafusion
    import pyarrow as pa
    ctx = datafusion.SessionContext()
    with open(os.path.join(HERE, PROGRAM + ".datafusion.sql")) as f:
        for s in statements(f.read()):
            ctx.sql(s).collect()
    rows = set()
    for pred in PREDS:
        rows |= rows_of(pa.Table.from_batches(ctx.sql(f"SELECT * FROM {pred}").collect()).to_pylist(), pred)
    return "datafusion " + datafusion.__version__, rows


def spark_rows():
    from pyspark.sql import SparkSession
    warehouse = tempfile.mkdtemp()
    spark = (SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
             .config("spark.sql.ansi.enabled", "true")
             .config("spark.sql.warehouse.dir", warehouse).getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    with open(os.path.join(HERE, PROGRAM + ".spark.sql")) as f:
        text = f.read()
    before, rest = text.split("-- LOOP\n", 1)
    loop, after = rest.split("-- END LOOP\n", 1)
    for s in statements(before):
        spark.sql(s)
    rounds = 0
    while spark.sql("SELECT count(*) AS n FROM delta").collect()[0]["n"] > 0:
        rounds += 1
        for s in statements(loop):
            spark.sql(s)
    for s in statements(after):
        spark.sql(s)
    rows = set()
    for pred in PREDS:
        rows |= rows_of([r.asDict(recursive=True) for r in spark.sql(f"SELECT * FROM {pred}").collect()], pred)
    version = spark.version
    spark.stop()
    return f"spark {version} ({rounds} rounds)", rows


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    engines = sys.argv[2:] or ["datafusion", "spark"]
    want = native(sys.argv[1])
    status = 0
    for engine in engines:
        try:
            name, got = {"datafusion": datafusion_rows, "spark": spark_rows}[engine]()
        except ImportError as e:
            print(f"SKIPPED {engine}: not installed ({e})")
            status = max(status, 3)
            continue
        if got == want:
            print(f"ok {name}: {len(got)} rows equal the native engine's")
        else:
            print(f"DIFFERENT {name}: only native {sorted(want - got)}, only {engine} {sorted(got - want)}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
