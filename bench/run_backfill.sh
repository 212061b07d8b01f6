#!/usr/bin/env bash
# bench/run_backfill.sh [ROWS] [BATCH]: a migration's self:backfill of ROWS
# rows (default 1,000,000; the declarative form, set = { code = score * 2 })
# in batches of BATCH (default 10,000), against the floor of a hand-written
# loop of `UPDATE items SET code = score * 2 WHERE id BETWEEN a AND b`, one
# statement (one transaction) a batch, in the sqlite3 CLI and, when a server
# is named, psql. Each round starts from a copy of the same filled table.
# Medians of BENCH_RUNS runs (default 5, at least 5), the commands taking
# turns (bench/lib.sh).
#   bench/run_backfill.sh                     SQLite only
#   . /work/dev/env.sh; bench/run_backfill.sh SQLite, then PostgreSQL
# Env: LMIGRATE_BIN (default build/lmigrate), BENCH_RUNS, BENCH_KEEP=1, BENCH_PSQL.
set -euo pipefail

ROWS=${1:-1000000}
BATCH=${2:-10000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
command -v sqlite3 >/dev/null || die "sqlite3 CLI not found (apt-get install sqlite3)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lmigrate-bench-backfill.XXXXXX")
P=lmbench_backfill_$$
cleanup() {
  [ "$PG" = 0 ] || pg_drop "${P}_lm" "${P}_floor" "${P}_base"
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# {======================================================
# The project: the filled table (applied in the base), the backfill (pending)
# ======================================================
PROJ=$WORK/project
mkdir -p "$PROJ/databases/migrations"
cat >"$PROJ/databases/migrations/2026_01_01_000000_create_items.lua" <<EOF
return {
  up = function(self)
    self.schema:create("items", function(t)
      t:big_integer("id"):primary()
      t:integer("score")
      t:integer("code"):nullable()
    end)
    if self.db.driver == "postgres" then
      self.db:execute("INSERT INTO items (id, score) SELECT g, g % 1000 FROM generate_series(1, $ROWS) g")
    else
      self.db:execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $ROWS)"
        .. " INSERT INTO items (id, score) SELECT x, x % 1000 FROM c")
    end
  end,
  down = function(self) self.schema:drop("items") end,
}
EOF
FILL=$WORK/2026_01_02_000000_backfill_codes.lua
cat >"$FILL" <<EOF
local lmigrate = require("lmigrate")
return {
  up = function(self)
    self:backfill("items", { batch = $BATCH, set = { code = lmigrate.raw("score * 2") } })
  end,
  down = function(self) self.db:execute("UPDATE items SET code = NULL") end,
}
EOF
"$LUA" -e "
local f = assert(io.open('$WORK/floor.sql', 'wb'))
for a = 1, $ROWS, $BATCH do
  f:write(('UPDATE items SET code = score * 2 WHERE id BETWEEN %d AND %d;\n'):format(a, a + $BATCH - 1))
end
assert(f:close())"
CHECK="SELECT COUNT(*) || ' ' || SUM(code) || ' ' || COUNT(code) FROM items"
# }======================================================

row() { printf "%-26s %11s %9s %7s   %s\n" "$@"; }
echo "lmigrate backfill bench: $ROWS rows, batches of $BATCH; $RUNS runs each (hyperfine, taking turns)"
echo "binary: $BIN ($("$BIN" --version 2>/dev/null || echo '?'))"
echo
row "scenario" "lmigrate ms" "floor ms" "ratio" "target"

# {======================================================
# SQLite: sqlite3 '.read floor.sql' (each UPDATE commits on its own)
# ======================================================
DB=$PROJ/databases/database.sqlite
(cd "$PROJ" && "$BIN" migrate --quiet)
cp "$FILL" "$PROJ/databases/migrations/"
cp "$DB" "$WORK/base.sqlite"
FLOOR_DB=$WORK/floor.sqlite
FLOOR_CMD="sqlite3 $FLOOR_DB -init /dev/null '.read $WORK/floor.sql'"
read -r S_LM S_FLOOR < <(rounds backfill_sqlite "$PROJ" \
  "cp $WORK/base.sqlite $DB" "$BIN migrate --quiet" \
  "cp $WORK/base.sqlite $FLOOR_DB" "$FLOOR_CMD")
S_SUM=$(sqlite3 "$DB" "$CHECK")
[ "$S_SUM" = "$(sqlite3 "$FLOOR_DB" "$CHECK")" ] && S_PARITY="the same rows" \
  || S_PARITY="DIFFERENT: $S_SUM vs $(sqlite3 "$FLOOR_DB" "$CHECK")"
row "(a) SQLite" "$S_LM" "$S_FLOOR" "$(ratio "$S_LM" "$S_FLOOR")" \
    "<= 1.3x: $(ok "$(ratio "$S_LM" "$S_FLOOR" | tr -d x)" "<=" 1.3)"
# }======================================================

# {======================================================
# PostgreSQL: psql -f floor.sql (autocommit: each UPDATE its transaction)
# ======================================================
if [ "$PG" = 1 ]; then
  make_recreate "$WORK"
  "$RECREATE" "${P}_base"
  rm "$PROJ/databases/migrations/$(basename "$FILL")"
  (cd "$PROJ" && DATABASE_URL=$(url_of "${P}_base") "$BIN" migrate --quiet)
  pg_q "$(url_of "${P}_base")" "VACUUM ANALYZE items" >/dev/null
  cp "$FILL" "$PROJ/databases/migrations/"
  LM_URL=$(url_of "${P}_lm")
  FLOOR_URL=$(url_of "${P}_floor")
  PG_FLOOR_CMD="$PSQL_BIN -X -q -v ON_ERROR_STOP=1 -d $FLOOR_URL -f $WORK/floor.sql"
  export DATABASE_URL=$LM_URL
  read -r P_LM P_FLOOR < <(rounds backfill_pg "$PROJ" \
    "$RECREATE ${P}_lm=${P}_base" "$BIN migrate --quiet" \
    "$RECREATE ${P}_floor=${P}_base" "$PG_FLOOR_CMD")
  unset DATABASE_URL
  P_SUM=$(pg_q "$LM_URL" "$CHECK")
  [ "$P_SUM" = "$(pg_q "$FLOOR_URL" "$CHECK")" ] && P_PARITY="the same rows" \
    || P_PARITY="DIFFERENT: $P_SUM vs $(pg_q "$FLOOR_URL" "$CHECK")"
  row "(b) PostgreSQL" "$P_LM" "$P_FLOOR" "$(ratio "$P_LM" "$P_FLOOR")" \
      "<= 1.3x: $(ok "$(ratio "$P_LM" "$P_FLOOR" | tr -d x)" "<=" 1.3)"
else
  row "(b) PostgreSQL" "-" "-" "-" "skipped: no server (. /work/dev/env.sh or pg_virtualenv -t)"
fi
# }======================================================

echo
echo "SQLite: lmigrate's table vs the floor's: $S_PARITY ($S_SUM: count, sum(code), codes set)"
[ "$PG" = 0 ] || echo "PostgreSQL: lmigrate's table vs the floor's: $P_PARITY"
echo "floor: $(($ROWS / $BATCH)) x 'UPDATE items SET code = score * 2 WHERE id BETWEEN a AND b;'" \
     "through sqlite3 .read / psql -f"
echo "times of every round: $OUT/backfill_*.times (seconds, lmigrate then floor)"
