#!/bin/sh
# Native engine against DuckDB on the benchmark workloads: whole-process
# wall time and peak memory of `warrant run --quiet` and of
# `warrant run --engine duckdb --quiet` (DuckDB's child process included),
# one after the other on the same data.
#
#   benches/duckdb.sh [WARRANT] [DATA]
#
# WARRANT defaults to target/release/warrant; DATA to target/bench-data,
# which `cargo bench --bench workloads` generates (fixed seeds).
set -eu
warrant=${1:-target/release/warrant}
data=${2:-target/bench-data}
printf '| workload | rows | native s | native MiB | DuckDB s | DuckDB MiB |\n|---|---:|---:|---:|---:|---:|\n'
for w in chain_1000/tc chain_2000/tc random_1000/tc tree_11/sg neg/neg join3/join3; do
    file="$data/${w%/*}/${w#*/}.wr"
    n=$( { /usr/bin/time -f '%e %M' "$warrant" run --quiet "$file"; } 2>&1 | tail -2 | tr '\n' ' ')
    d=$( { /usr/bin/time -f '%e %M' "$warrant" run --engine duckdb --quiet "$file"; } 2>&1 | tail -2 | tr '\n' ' ')
    # "derived N rows (…) · … s" then "wall KiB"
    rows=$(echo "$n" | sed -n 's/^derived \([0-9,]*\) rows.*/\1/p')
    drows=$(echo "$d" | sed -n 's/^derived \([0-9,]*\) rows.*/\1/p')
    [ "$rows" = "$drows" ] || { echo "row counts differ on $w: $rows / $drows" >&2; exit 1; }
    set -- $(echo "$n" | awk '{print $(NF-1), $NF}') $(echo "$d" | awk '{print $(NF-1), $NF}')
    printf '| %s | %s | %s | %.1f | %s | %.1f |\n' "${w%/*}" "$rows" "$1" "$(echo "$2/1024" | bc -l)" "$3" "$(echo "$4/1024" | bc -l)"
done
