#!/usr/bin/env bash
# bench/run_pg.sh [N]: lmigrate on PostgreSQL against its floor, psql running
# the same SQL (bench/gen.lua writes both). N migrations (default 200);
# medians of BENCH_RUNS runs (default 5, at least 5), timed by hyperfine, the
# commands compared taking turns run by run.
# Run it against a throwaway local server:
#   pg_virtualenv -t bench/run_pg.sh
# or with PGHOST/PGPORT/PGUSER/PGPASSWORD naming a server where the user may
# create databases (it creates lmbench_* databases and drops them at the end).
# Env: LMIGRATE_BIN (default build/lmigrate), BENCH_RUNS, BENCH_KEEP=1,
# BENCH_PSQL (the psql of the floor; default: the real binary of pg_config
# --bindir, not Debian's Perl wrapper /usr/bin/psql, which adds ~20 ms a run).
set -euo pipefail

N=${1:-200}
RUNS=${BENCH_RUNS:-5}
[ "$RUNS" -ge 5 ] || RUNS=5
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${LMIGRATE_BIN:-$ROOT/build/lmigrate}
OUT=$ROOT/bench/out
LUA=$(command -v lua5.4 || command -v lua || true)
CONNS=8

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$BIN" ] || die "no lmigrate binary at $BIN (scripts/build.sh)"
[ -n "$LUA" ] || die "lua5.4 not found (needed by bench/gen.lua)"
for tool in psql pg_dump hyperfine; do
  command -v "$tool" >/dev/null || die "$tool not found"
done
# the floor's psql: the binary itself, not a wrapper script
PSQL_BIN=${BENCH_PSQL:-}
if [ -z "$PSQL_BIN" ]; then
  for cfg in "${PG_CONFIG:-}" "$(command -v pg_config || true)"; do
    if [ -n "$cfg" ] && [ -x "$("$cfg" --bindir 2>/dev/null)/psql" ]; then
      PSQL_BIN=$("$cfg" --bindir)/psql
      break
    fi
  done
  PSQL_BIN=${PSQL_BIN:-$(command -v psql)}
fi
[ -n "${PGHOST:-}${PGPORT:-}" ] || die "no server: run under pg_virtualenv -t, or set PGHOST/PGPORT/..."

PG_USER=${PGUSER:-$(id -un)}
PG_HOST=${PGHOST:-localhost}
PG_PORT=${PGPORT:-5432}
PG_PASS=${PGPASSWORD:-}
# the URL of database $1 on the server, as lmigrate and psql both get it (TCP,
# password auth: the same connection cost on both sides). The password and
# user are used as they are: URL-unsafe characters in them are not escaped.
url_of() { echo "postgres://$PG_USER${PG_PASS:+:$PG_PASS}@$PG_HOST:$PG_PORT/$1"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lmigrate-bench-pg.XXXXXX")
P=lmbench_$$
DBS=("${P}_lm" "${P}_floor" "${P}_lm_applied" "${P}_floor_applied")
for ((i = 1; i <= CONNS; i++)); do DBS+=("${P}_d$i"); done
PSQL=("$PSQL_BIN" -X -q -v ON_ERROR_STOP=1)

drop_all() {
  local db
  for db in "${DBS[@]}"; do
    "${PSQL[@]}" -d "$(url_of postgres)" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" \
      >/dev/null 2>&1 || true
  done
}
cleanup() {
  drop_all
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
mkdir -p "$OUT"
: >"$OUT/pg_hyperfine.log"

"$LUA" "$ROOT/bench/gen.lua" "$N" "$WORK"
PROJ=$WORK/project

# recreate.sh DB [TEMPLATE]...: drops and creates each database (from TEMPLATE
# when given as DB=TEMPLATE); hyperfine runs it as --prepare, untimed
cat >"$WORK/recreate.sh" <<EOF
#!/bin/sh
set -e
for spec in "\$@"; do
  db=\${spec%%=*}; tpl=\${spec#*=}
  [ "\$tpl" = "\$spec" ] && tpl= || tpl=" TEMPLATE \\"\$tpl\\""
  PGOPTIONS='-c client_min_messages=warning' '$PSQL_BIN' -X -q -v ON_ERROR_STOP=1 -d '$(url_of postgres)' \\
    -c "DROP DATABASE IF EXISTS \\"\$db\\" WITH (FORCE)" -c "CREATE DATABASE \\"\$db\\"\$tpl"
done
EOF
chmod +x "$WORK/recreate.sh"
RECREATE=$WORK/recreate.sh

# the project of (f): the same migrations, and lmigrate.lua with 8 connections
MULTI=$WORK/multi
mkdir -p "$MULTI/databases"
ln -s "$PROJ/databases/migrations" "$MULTI/databases/migrations"
{
  echo "return { default = \"d1\", connections = {"
  for ((i = 1; i <= CONNS; i++)); do
    echo "  d$i = { driver = \"postgres\", url = \"$(url_of "${P}_d$i")\" },"
  done
  echo "} }"
} >"$MULTI/lmigrate.lua"
LIST=$(seq -s, -f 'd%g' 1 "$CONNS")
ALL_D=()
for ((i = 1; i <= CONNS; i++)); do ALL_D+=("${P}_d$i"); done

unset LMIGRATE_DEV
export DATABASE_URL
DATABASE_URL=$(url_of "${P}_lm")
FLOOR_URL=$(url_of "${P}_floor")

# median of the numbers on stdin
median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# rounds NAME DIR PREPARE1 COMMAND1 [PREPARE2 COMMAND2 ...] -> the median ms of
# each command, space-separated. The commands take turns: each round is one
# hyperfine call timing one run of each (after its PREPARE, untimed; "" for
# none), so a change of load on the host weighs on all of them alike.
# Runs in DIR; the times of every round go to bench/out/pg_NAME.times.
rounds() {
  local name=$1 dir=$2 k=0 r i
  shift 2
  local args=() cmds=()
  while [ $# -gt 0 ]; do
    args+=(--prepare "${1:-true}" "$2")
    cmds+=("$2")
    k=$((k + 1))
    shift 2
  done
  local json=$OUT/pg_$name.json times=$OUT/pg_$name.times
  : >"$times"
  for ((r = 1; r <= RUNS; r++)); do
    (cd "$dir" && hyperfine --runs 1 -N --style none --export-json "$json" "${args[@]}" \
       >/dev/null 2>>"$OUT/pg_hyperfine.log") \
      || die "$name failed: ${cmds[*]} (see $OUT/pg_hyperfine.log)"
    sed -n 's/.*"mean": *\([0-9.eE+-]*\).*/\1/p' "$json" | paste -sd' ' >>"$times"
  done
  local out=()
  for ((i = 1; i <= k; i++)); do
    out+=("$(cut -d' ' -f"$i" "$times" | awk '{ print $1 * 1000 }' | median)")
  done
  echo "${out[*]}"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
ok() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
  r = (op == "<=") ? v <= l : v < l; print r ? "ok" : "MISSED" }'; }
q() { "${PSQL[@]}" -At -d "$1" -c "$2"; }

SERVER=$(q "$(url_of postgres)" "SHOW server_version")
echo "lmigrate PostgreSQL bench: N=$N migrations, $RUNS runs each (hyperfine), server $SERVER at $PG_HOST:$PG_PORT"
echo "binary: $BIN ($("$BIN" --version 2>/dev/null || echo '?')); floor: $PSQL_BIN"
echo

# (a) migrate all into an empty database
read -r A_LM A_FLOOR < <(rounds a_migrate_all "$PROJ" \
  "$RECREATE ${P}_lm" "$BIN migrate" \
  "$RECREATE ${P}_floor" "$PSQL_BIN -X -q -v ON_ERROR_STOP=1 -d $FLOOR_URL -f $WORK/floor_pg_up.sql")

# the floor must be the schema lmigrate creates, and the same history
dump() { pg_dump -s --no-owner -d "$1" | grep -v '^\\\(un\)\?restrict '; }
if diff <(dump "$DATABASE_URL") <(dump "$FLOOR_URL") >"$WORK/schema.diff"; then
  PARITY="identical (pg_dump -s)"
else
  PARITY="DIFFERENT (first lines below; the floor is hand-written DDL, see bench/gen.lua)"
fi
HISTQ="SELECT migration || ' ' || batch FROM migrations ORDER BY id"
if [ "$(q "$DATABASE_URL" "$HISTQ" | md5sum)" = "$(q "$FLOOR_URL" "$HISTQ" | md5sum)" ]; then
  HPARITY="identical"
else
  HPARITY="DIFFERENT"
fi
HIST=$(q "$DATABASE_URL" "SELECT COUNT(*) || ' rows, batches ' || MIN(batch) || '..' || MAX(batch) FROM migrations")
"$RECREATE" "${P}_lm_applied=${P}_lm" "${P}_floor_applied=${P}_floor"

# (b) no-op migrate, (c) status, (d) one psql query; a warm-up run of each first
D_CMD="$PSQL_BIN -X -q -d $DATABASE_URL -c 'SELECT migration, batch FROM migrations ORDER BY id'"
(cd "$PROJ" && "$BIN" migrate && "$BIN" status && eval "$D_CMD") >/dev/null
read -r B_LM C_LM D_FLOOR < <(rounds bcd_noop "$PROJ" "" "$BIN migrate" "" "$BIN status" "" "$D_CMD")

# (e) rollback all (one batch)
read -r E_LM E_FLOOR < <(rounds e_rollback_all "$PROJ" \
  "$RECREATE ${P}_lm=${P}_lm_applied" "$BIN rollback" \
  "$RECREATE ${P}_floor=${P}_floor_applied" \
  "$PSQL_BIN -X -q -v ON_ERROR_STOP=1 -d $FLOOR_URL -f $WORK/floor_pg_down.sql")
E_LEFT=$(q "$DATABASE_URL" "SELECT COUNT(*) FROM migrations")

# (f) 8 databases: one lmigrate run with --connection d1,...,d8 against 8
# single-connection runs one after the other
SEQ="for i in \$(seq 1 $CONNS); do $BIN migrate --connection d\$i || exit 1; done"
read -r F_ONE F_SEQ < <(rounds f_eight_databases "$MULTI" \
  "$RECREATE ${ALL_D[*]}" "env -u DATABASE_URL $BIN migrate --connection $LIST" \
  "$RECREATE ${ALL_D[*]}" "env -u DATABASE_URL sh -c '$SEQ'")
F_CHECK=ok
for db in "${ALL_D[@]}"; do
  [ "$(q "$(url_of "$db")" "SELECT COUNT(*) FROM migrations")" = "$N" ] || F_CHECK="MISSING ROWS in $db"
done

row() { printf "%-30s %11s %9s %7s   %s\n" "$@"; }
row "scenario" "lmigrate ms" "floor ms" "ratio" "targets"
row "(a) migrate all" "$A_LM" "$A_FLOOR" "$(ratio "$A_LM" "$A_FLOOR")" \
    "ratio <= 1.15x: $(ok "$(ratio "$A_LM" "$A_FLOOR" | tr -d x)" "<=" 1.15)"
row "(b) no-op migrate" "$B_LM" "$D_FLOOR" "$(ratio "$B_LM" "$D_FLOOR")" "reported (floor: (d))"
row "(c) status" "$C_LM" "$D_FLOOR" "$(ratio "$C_LM" "$D_FLOOR")" "reported (floor: (d))"
row "(d) floor: 1 psql query" "-" "$D_FLOOR" "-" "the floor of (b) and (c)"
row "(e) rollback all" "$E_LM" "$E_FLOOR" "$(ratio "$E_LM" "$E_FLOOR")" "reported"
echo
printf "(f) %d databases x %d migrations: one 'migrate --connection %s' run %s ms,\n" \
  "$CONNS" "$N" "$LIST" "$F_ONE"
printf "    %d single-connection runs one after the other %s ms: %s faster at once (history: %s)\n" \
  "$CONNS" "$F_SEQ" "$(ratio "$F_SEQ" "$F_ONE")" "$F_CHECK"
echo
echo "history after (a): $HIST; the floor's history: $HPARITY; rows left after (e): $E_LEFT"
echo "schema of (a) vs the floor's: $PARITY"
[ "${PARITY#identical}" != "$PARITY" ] || head -n 12 "$WORK/schema.diff"
echo "times of every round: $OUT/pg_*.times (ms: s x 1000; warnings: $OUT/pg_hyperfine.log)"
