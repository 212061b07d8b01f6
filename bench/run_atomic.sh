#!/usr/bin/env bash
# bench/run_atomic.sh [N_SQLITE] [N_PG]: `lmigrate migrate --atomic` against
# a floor that runs the same SQL in ONE transaction: the sqlite3 CLI on
# N_SQLITE migrations (default 1000), and, when a server is named, psql -1 on
# N_PG (default 200). bench/gen.lua writes the migrations and the per-migration
# floor scripts; the one-transaction floor is those without their BEGIN/COMMIT
# lines, in one BEGIN ... COMMIT (psql: -1). Medians of BENCH_RUNS runs
# (default 5, at least 5), the two commands taking turns (bench/lib.sh).
#   bench/run_atomic.sh                      SQLite only
#   pg_virtualenv -t bench/run_atomic.sh     SQLite, then PostgreSQL
# Env: LMIGRATE_BIN (default build/lmigrate), BENCH_RUNS, BENCH_KEEP=1,
# BENCH_PSQL.
set -euo pipefail

N_SQLITE=${1:-1000}
N_PG=${2:-200}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
command -v sqlite3 >/dev/null || die "sqlite3 CLI not found (apt-get install sqlite3)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lmigrate-bench-atomic.XXXXXX")
P=lmbench_atomic_$$
cleanup() {
  [ "$PG" = 0 ] || pg_drop "${P}_lm" "${P}_floor"
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# one_tx IN OUT [HEAD]: the script IN without its BEGIN;/COMMIT; lines, HEAD
# (its lines before the first BEGIN, such as a PRAGMA) kept in front
one_tx() {
  awk 'BEGIN { started = 0 }
       $0 == "BEGIN;" { if (!started) { print "BEGIN;"; started = 1 } next }
       $0 == "COMMIT;" { next }
       { print }
       END { print "COMMIT;" }' "$1" >"$2"
}

row() { printf "%-24s %11s %9s %7s %8s %9s   %s\n" "$@"; }

echo "lmigrate migrate --atomic bench: $RUNS runs each (hyperfine, taking turns)"
echo "binary: $BIN ($("$BIN" --version 2>/dev/null || echo '?'))"
echo
row "scenario" "lmigrate ms" "floor ms" "ratio" "RSS MB" "floor RSS" "target"

# {======================================================
# SQLite: N_SQLITE migrations, sqlite3 CLI floor
# ======================================================
mkdir -p "$WORK/sqlite"
"$LUA" "$ROOT/bench/gen.lua" "$N_SQLITE" "$WORK/sqlite"
SQ=$WORK/sqlite
one_tx "$SQ/floor_up.sql" "$SQ/floor_atomic.sql"
DB=$SQ/project/databases/database.sqlite
FLOOR_DB=$SQ/floor.sqlite
FLOOR_CMD="sqlite3 $FLOOR_DB -init /dev/null '.read $SQ/floor_atomic.sql'"
read -r S_LM S_FLOOR < <(rounds atomic_sqlite "$SQ/project" \
  "rm -f $DB $DB-journal" "$BIN migrate --atomic" \
  "rm -f $FLOOR_DB $FLOOR_DB-journal" "$FLOOR_CMD")
S_RSS=$(peak_rss "$SQ/project" "rm -f $DB $DB-journal" "$BIN migrate --atomic")
S_FRSS=$(peak_rss "$SQ/project" "rm -f $FLOOR_DB $FLOOR_DB-journal" "$FLOOR_CMD")
schema() { sqlite3 "$1" "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"; }
if diff <(schema "$DB") <(schema "$FLOOR_DB") >/dev/null; then S_PARITY=identical; else S_PARITY=DIFFERENT; fi
S_HIST=$(sqlite3 "$DB" "SELECT COUNT(*) || ' rows, batch ' || MIN(batch) || '..' || MAX(batch) FROM migrations")
row "(a) SQLite, N=$N_SQLITE" "$S_LM" "$S_FLOOR" "$(ratio "$S_LM" "$S_FLOOR")" "$S_RSS" "$S_FRSS" \
    "<= 1.10x: $(ok "$(ratio "$S_LM" "$S_FLOOR" | tr -d x)" "<=" 1.10)"
# }======================================================

# {======================================================
# PostgreSQL: N_PG migrations, psql -1 floor
# ======================================================
if [ "$PG" = 1 ]; then
  mkdir -p "$WORK/pg"
  "$LUA" "$ROOT/bench/gen.lua" "$N_PG" "$WORK/pg"
  PQ=$WORK/pg
  grep -vx 'BEGIN;\|COMMIT;' "$PQ/floor_pg_up.sql" >"$PQ/floor_pg_atomic.sql"
  make_recreate "$WORK"
  LM_URL=$(url_of "${P}_lm")
  FLOOR_URL=$(url_of "${P}_floor")
  PG_FLOOR_CMD="$PSQL_BIN -X -q -1 -v ON_ERROR_STOP=1 -d $FLOOR_URL -f $PQ/floor_pg_atomic.sql"
  export DATABASE_URL=$LM_URL
  read -r P_LM P_FLOOR < <(rounds atomic_pg "$PQ/project" \
    "$RECREATE ${P}_lm" "$BIN migrate --atomic" \
    "$RECREATE ${P}_floor" "$PG_FLOOR_CMD")
  P_RSS=$(peak_rss "$PQ/project" "$RECREATE ${P}_lm" "$BIN migrate --atomic")
  P_FRSS=$(peak_rss "$PQ/project" "$RECREATE ${P}_floor" "$PG_FLOOR_CMD")
  unset DATABASE_URL
  dump() { pg_dump -s --no-owner -d "$1" | grep -v '^\\\(un\)\?restrict '; }
  if diff <(dump "$LM_URL") <(dump "$FLOOR_URL") >/dev/null; then P_PARITY=identical; else P_PARITY=DIFFERENT; fi
  P_HIST=$(pg_q "$LM_URL" "SELECT COUNT(*) || ' rows, batch ' || MIN(batch) || '..' || MAX(batch) FROM migrations")
  row "(b) PostgreSQL, N=$N_PG" "$P_LM" "$P_FLOOR" "$(ratio "$P_LM" "$P_FLOOR")" "$P_RSS" "$P_FRSS" \
      "<= 1.10x: $(ok "$(ratio "$P_LM" "$P_FLOOR" | tr -d x)" "<=" 1.10)"
else
  row "(b) PostgreSQL" "-" "-" "-" "-" "-" "skipped: no server (run under pg_virtualenv -t)"
fi
# }======================================================

echo
echo "SQLite: schema vs the floor's: $S_PARITY; history: $S_HIST"
[ "$PG" = 0 ] || echo "PostgreSQL: schema vs the floor's (pg_dump -s): $P_PARITY; history: $P_HIST"
echo "floors: sqlite3 '.read floor_atomic.sql' (PRAGMA, BEGIN, all of it, COMMIT);" \
     "psql -1 -f floor_pg_atomic.sql"
echo "times of every round: $OUT/atomic_*.times (seconds, lmigrate then floor)"
