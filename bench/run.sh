#!/usr/bin/env bash
# bench/run.sh [N]: lmigrate against its floor, the sqlite3 CLI running the
# same SQL. N migrations (default 1000); medians of BENCH_RUNS runs (default
# 5, at least 5). Uses hyperfine when installed, else a date +%s%N loop;
# peak RSS from /usr/bin/time -f %M (or /proc when GNU time is missing).
# Env: LMIGRATE_BIN (default build/lmigrate), BENCH_RUNS, BENCH_KEEP=1,
# BENCH_NO_HYPERFINE=1, BENCH_NO_TIME=1.
set -euo pipefail

N=${1:-1000}
RUNS=${BENCH_RUNS:-5}
[ "$RUNS" -ge 5 ] || RUNS=5
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${LMIGRATE_BIN:-$ROOT/build/lmigrate}
OUT=$ROOT/bench/out
LUA=$(command -v lua5.4 || command -v lua || true)

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$BIN" ] || die "no lmigrate binary at $BIN (cmake -S . -B build && cmake --build build)"
command -v sqlite3 >/dev/null || die "sqlite3 CLI not found (apt-get install sqlite3)"
[ -n "$LUA" ] || die "lua5.4 not found (needed by bench/gen.lua)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lmigrate-bench.XXXXXX")
cleanup() { [ "${BENCH_KEEP:-0}" = 1 ] && echo "kept $WORK" || rm -rf "$WORK"; }
trap cleanup EXIT
mkdir -p "$OUT"
: >"$OUT/hyperfine.log"

"$LUA" "$ROOT/bench/gen.lua" "$N" "$WORK"
PROJ=$WORK/project
DB=$PROJ/databases/database.sqlite
FLOOR_DB=$WORK/floor.sqlite
unset DATABASE_URL LMIGRATE_DEV
LM=$BIN

# BENCH_NO_HYPERFINE=1 / BENCH_NO_TIME=1 force the fallbacks
HYPERFINE=
[ "${BENCH_NO_HYPERFINE:-0}" = 1 ] || HYPERFINE=$(command -v hyperfine || true)
GNU_TIME=
if [ "${BENCH_NO_TIME:-0}" != 1 ] && [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; then
  GNU_TIME=/usr/bin/time
fi

# ms from seconds (hyperfine JSON)
s_to_ms() { awk -v s="$1" 'BEGIN { printf "%.2f", s * 1000 }'; }

# median of the numbers on stdin
median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure NAME PREPARE COMMAND -> prints the median ms; runs in $PROJ
measure() {
  local name=$1 prepare=$2 cmd=$3
  if [ -n "$HYPERFINE" ]; then
    local json=$OUT/$name.json
    local args=(--runs "$RUNS" --export-json "$json" --style none -N)
    if [ -n "$prepare" ]; then args+=(--prepare "$prepare"); else args+=(--warmup 2); fi
    (cd "$PROJ" && hyperfine "${args[@]}" "$cmd" >/dev/null 2>>"$OUT/hyperfine.log") \
      || die "$name failed: $cmd (see $OUT/hyperfine.log)"
    s_to_ms "$(sed -n 's/.*"median": *\([0-9.eE+-]*\).*/\1/p' "$json" | head -n1)"
  else
    local i t0 t1
    [ -n "$prepare" ] || (cd "$PROJ" && eval "$cmd" >/dev/null 2>&1) || die "$name failed: $cmd"
    for ((i = 0; i < RUNS; i++)); do
      [ -z "$prepare" ] || eval "$prepare"
      t0=$(date +%s%N)
      (cd "$PROJ" && eval "$cmd" >/dev/null 2>&1) || die "$name failed: $cmd"
      t1=$(date +%s%N)
      echo $(( (t1 - t0) / 1000 ))
    done | awk '{ print $1 / 1000 }' | median
  fi
}

# peak RSS in MB of one run of COMMAND after PREPARE
peak_rss() {
  local prepare=$1 cmd=$2 kb
  [ -z "$prepare" ] || eval "$prepare"
  if [ -n "$GNU_TIME" ]; then
    kb=$(cd "$PROJ" && $GNU_TIME -f %M -o "$WORK/rss" bash -c "exec $cmd" >/dev/null 2>&1 \
         && cat "$WORK/rss")
  else
    # no GNU time: sample VmHWM from /proc until the process ends
    kb=$(cd "$PROJ" && { bash -c "exec $cmd" >/dev/null 2>&1 & pid=$!; hwm=0
         while kill -0 "$pid" 2>/dev/null; do
           v=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
           [ -n "$v" ] && hwm=$v
         done; wait "$pid"; echo "$hwm"; })
  fi
  awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
# verdict VALUE OP LIMIT
ok() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
  r = (op == "<=") ? v <= l : v < l; print r ? "ok" : "MISSED" }'; }

echo "lmigrate bench: N=$N migrations, $RUNS runs each, $([ -n "$HYPERFINE" ] && echo hyperfine || echo date loop)"
echo "binary: $BIN ($("$BIN" --version 2>/dev/null || echo '?'))"
echo

# (a) migrate all from an empty database
A_LM=$(measure a_lmigrate "rm -f '$DB' '$DB-journal'" "$LM migrate")
A_FLOOR=$(measure a_floor "rm -f '$FLOOR_DB' '$FLOOR_DB-journal'" \
          "sqlite3 '$FLOOR_DB' -init /dev/null '.read $WORK/floor_up.sql'")
A_RSS=$(peak_rss "rm -f '$DB' '$DB-journal'" "$LM migrate")
A_FRSS=$(peak_rss "rm -f '$FLOOR_DB' '$FLOOR_DB-journal'" \
         "sqlite3 '$FLOOR_DB' -init /dev/null '.read $WORK/floor_up.sql'")
# keep the migrated databases for (b)-(e)
cp "$DB" "$WORK/applied.sqlite"
cp "$FLOOR_DB" "$WORK/floor_applied.sqlite"

# the floor must be the same schema lmigrate creates
schema() { sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"; }
if diff <(schema "$DB") <(schema "$FLOOR_DB") >"$WORK/schema.diff"; then
  PARITY="identical"
else
  PARITY="DIFFERENT (first lines below; the floor is hand-written DDL, see bench/gen.lua)"
fi
HIST=$(sqlite3 "$DB" "SELECT COUNT(*) || ' rows, batches ' || MIN(batch) || '..' || MAX(batch) FROM migrations")

# (b) no-op migrate, (c) status, (d) one sqlite3 query process
B_LM=$(measure b_noop "" "$LM migrate")
B_RSS=$(peak_rss "" "$LM migrate")
C_LM=$(measure c_status "" "$LM status")
C_RSS=$(peak_rss "" "$LM status")
D_FLOOR=$(measure d_floor "" "sqlite3 '$DB' 'SELECT migration, batch FROM migrations ORDER BY id'")
D_FRSS=$(peak_rss "" "sqlite3 '$DB' 'SELECT migration, batch FROM migrations ORDER BY id'")
V_RSS=$(peak_rss "" "$LM --version")

# (e) rollback all (one batch)
E_LM=$(measure e_lmigrate "cp '$WORK/applied.sqlite' '$DB'" "$LM rollback")
E_FLOOR=$(measure e_floor "cp '$WORK/floor_applied.sqlite' '$FLOOR_DB'" \
          "sqlite3 '$FLOOR_DB' -init /dev/null '.read $WORK/floor_down.sql'")
E_RSS=$(peak_rss "cp '$WORK/applied.sqlite' '$DB'" "$LM rollback")
E_FRSS=$(peak_rss "cp '$WORK/floor_applied.sqlite' '$FLOOR_DB'" \
         "sqlite3 '$FLOOR_DB' -init /dev/null '.read $WORK/floor_down.sql'")

row() { printf "%-27s %11s %9s %7s %8s %9s   %s\n" "$@"; }
row "scenario" "lmigrate ms" "floor ms" "ratio" "RSS MB" "floor RSS" "targets"
row "(a) migrate all" "$A_LM" "$A_FLOOR" "$(ratio "$A_LM" "$A_FLOOR")" "$A_RSS" "$A_FRSS" \
    "ratio <= 1.10x: $(ok "$(ratio "$A_LM" "$A_FLOOR" | tr -d x)" "<=" 1.10), RSS < 10 MB: $(ok "$A_RSS" "<" 10)"
row "(b) no-op migrate" "$B_LM" "$D_FLOOR" "$(ratio "$B_LM" "$D_FLOOR")" "$B_RSS" "$D_FRSS" \
    "< 15 ms: $(ok "$B_LM" "<" 15), < 3x: $(ok "$(ratio "$B_LM" "$D_FLOOR" | tr -d x)" "<" 3), RSS: $(ok "$B_RSS" "<" 10)"
row "(c) status" "$C_LM" "$D_FLOOR" "$(ratio "$C_LM" "$D_FLOOR")" "$C_RSS" "$D_FRSS" \
    "< 15 ms: $(ok "$C_LM" "<" 15), < 3x: $(ok "$(ratio "$C_LM" "$D_FLOOR" | tr -d x)" "<" 3), RSS: $(ok "$C_RSS" "<" 10)"
row "(d) floor: 1 sqlite3 query" "-" "$D_FLOOR" "-" "-" "$D_FRSS" "the floor of (b) and (c)"
row "(e) rollback all" "$E_LM" "$E_FLOOR" "$(ratio "$E_LM" "$E_FLOOR")" "$E_RSS" "$E_FRSS" \
    "no ratio target, RSS < 10 MB: $(ok "$E_RSS" "<" 10)"
echo
echo "peak RSS of 'lmigrate --version' (runtime + shared libraries, no database): $V_RSS MB"
echo "history after (a): $HIST"
echo "schema of (a) vs the floor's: $PARITY"
[ "$PARITY" = identical ] || head -n 6 "$WORK/schema.diff"
[ -z "$HYPERFINE" ] || echo "hyperfine JSON: $OUT/*.json (warnings: $OUT/hyperfine.log)"
