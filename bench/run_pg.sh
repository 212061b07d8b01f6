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
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONNS=8
# RUNS, BIN, OUT, die, median, rounds, ratio, ok; PG, PSQL_BIN, url_of
. "$ROOT/bench/lib.sh"
[ "$PG" = 1 ] || die "no server: run under pg_virtualenv -t, or set PGHOST/PGPORT/..."
command -v pg_dump >/dev/null || die "pg_dump not found"

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

q() { "${PSQL[@]}" -At -d "$1" -c "$2"; }

SERVER=$(q "$(url_of postgres)" "SHOW server_version")
echo "lmigrate PostgreSQL bench: N=$N migrations, $RUNS runs each (hyperfine), server $SERVER at $PG_HOST:$PG_PORT"
echo "binary: $BIN ($("$BIN" --version 2>/dev/null || echo '?')); floor: $PSQL_BIN"
echo

# (a) migrate all into an empty database
read -r A_LM A_FLOOR < <(rounds pg_a_migrate_all "$PROJ" \
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
read -r B_LM C_LM D_FLOOR < <(rounds pg_bcd_noop "$PROJ" "" "$BIN migrate" "" "$BIN status" "" "$D_CMD")

# (e) rollback all (one batch)
read -r E_LM E_FLOOR < <(rounds pg_e_rollback_all "$PROJ" \
  "$RECREATE ${P}_lm=${P}_lm_applied" "$BIN rollback" \
  "$RECREATE ${P}_floor=${P}_floor_applied" \
  "$PSQL_BIN -X -q -v ON_ERROR_STOP=1 -d $FLOOR_URL -f $WORK/floor_pg_down.sql")
E_LEFT=$(q "$DATABASE_URL" "SELECT COUNT(*) FROM migrations")

# (f) 8 databases: one lmigrate run with --connection d1,...,d8 against 8
# single-connection runs one after the other
SEQ="for i in \$(seq 1 $CONNS); do $BIN migrate --connection d\$i || exit 1; done"
read -r F_ONE F_SEQ < <(rounds pg_f_eight_databases "$MULTI" \
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
echo "times of every round: $OUT/pg_*.times (seconds; hyperfine warnings: $OUT/pg_*.log)"
