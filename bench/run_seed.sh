#!/usr/bin/env bash
# bench/run_seed.sh [ROWS] [CHUNK]: a seeder inserting ROWS rows (default
# 1,000,000) of 5 columns through self.db:insert, CHUNK rows a call (default
# 10,000), against the floor loading the same rows from a CSV file written
# beforehand: the sqlite3 CLI (.import inside BEGIN ... COMMIT) and, when a
# server is named, psql's \copy. Medians of BENCH_RUNS runs (default 5, at
# least 5), the two commands taking turns (bench/lib.sh).
#   bench/run_seed.sh                        SQLite only
#   pg_virtualenv -t bench/run_seed.sh       SQLite, then PostgreSQL
#   scripts/with-mariadb.sh bench/run_seed.sh 100000   SQLite, then MySQL
# MySQL (LMIGRATE_MYSQL_SOCKET set): lmigrate (whose db:insert is a LOAD DATA
# LOCAL INFILE of the rows from memory) against two floors, the mariadb
# client's LOAD DATA LOCAL INFILE of the CSV, and the same client sending the
# rows as the multi-row INSERTs of 200 rows lmigrate prepares (as text); and
# lmigrate on the server with local_infile = OFF, where it falls back to its
# prepared INSERTs, in the same rounds.
# Env: LMIGRATE_BIN (default build/lmigrate), BENCH_RUNS, BENCH_KEEP=1,
# BENCH_PSQL.
set -euo pipefail

ROWS=${1:-1000000}
CHUNK=${2:-10000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
command -v sqlite3 >/dev/null || die "sqlite3 CLI not found (apt-get install sqlite3)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lmigrate-bench-seed.XXXXXX")
P=lmbench_seed_$$
MY_SOCK=${LMIGRATE_MYSQL_SOCKET:-}
my() { mariadb --no-defaults --user=root "--socket=$MY_SOCK" "$@"; }
cleanup() {
  [ "$PG" = 0 ] || pg_drop "${P}_lm" "${P}_floor" "${P}_empty"
  [ -z "$MY_SOCK" ] || for db in lm floor ins lmins; do my -e "DROP DATABASE IF EXISTS ${P}_$db" >/dev/null 2>&1 || true; done
  [ -z "$MY_SOCK" ] || my -e "SET GLOBAL local_infile = 1" >/dev/null 2>&1 || true
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# {======================================================
# The project: one migration, one seeder; the CSV of the same rows
# ======================================================
PROJ=$WORK/project
mkdir -p "$PROJ/databases/migrations" "$PROJ/databases/seeds"
cat >"$PROJ/databases/migrations/2026_01_01_000000_create_items_table.lua" <<'EOF'
local Migration = require("lmigrate.migration")

local CreateItemsTable = Migration:extend("CreateItemsTable")

function CreateItemsTable:up()
  self.schema:create("items", function(table)
    table:big_integer("id"):primary()
    table:string("name")
    table:string("email")
    table:integer("score")
    table:datetime("created_at")
  end)
end

function CreateItemsTable:down()
  self.schema:drop("items")
end

return CreateItemsTable
EOF
# the rows: row i of both the seeder and the CSV
ROW_LUA='
local STAMPS = {}
for d = 1, 28 do STAMPS[d] = ("2026-01-%02d %02d:%02d:00"):format(d, d % 24, (d * 7) % 60) end
local function row(id)
  return id, "user " .. id, "user" .. id .. "@example.com", id % 1000, STAMPS[id % 28 + 1]
end'
cat >"$PROJ/databases/seeds/database_seeder.lua" <<EOF
local Seeder = require("lmigrate.seeder")
$ROW_LUA

local DatabaseSeeder = Seeder:extend("DatabaseSeeder")

-- $ROWS rows, $CHUNK at a time
function DatabaseSeeder:run()
  local n, chunk = $ROWS, $CHUNK
  for first = 1, n, chunk do
    local rows = {}
    for i = first, math.min(n, first + chunk - 1) do
      local id, name, email, score, created_at = row(i)
      rows[#rows + 1] = { id = id, name = name, email = email, score = score,
                          created_at = created_at }
    end
    self.db:insert("items", rows)
  end
end

return DatabaseSeeder
EOF
"$LUA" -e "$ROW_LUA
local f = assert(io.open('$WORK/items.csv', 'wb'))
for id = 1, $ROWS do
  local a, b, c, d, e = row(id)
  f:write(a, ',', b, ',', c, ',', d, ',', e, '\n')
end
assert(f:close())
-- MySQL: the rows as multi-row INSERTs of 200, as lmigrate's prepared batches
f = assert(io.open('$WORK/inserts.sql', 'wb'))
for first = 1, $ROWS, 200 do
  local t = {}
  for id = first, math.min($ROWS, first + 199) do
    local a, b, c, d, e = row(id)
    t[#t + 1] = ('(%d,\'%s\',\'%s\',%d,\'%s\')'):format(a, b, c, d, e)
  end
  f:write('INSERT INTO items (id, name, email, score, created_at) VALUES ', table.concat(t, ','), ';\n')
end
assert(f:close())"
COLS="id, name, email, score, created_at"
printf 'BEGIN;\n.mode csv\n.import %s items\nCOMMIT;\n' "$WORK/items.csv" >"$WORK/import.sql"
printf '\\copy items (%s) from %s csv\n' "$COLS" "'$WORK/items.csv'" >"$WORK/copy.sql"
# what both loads must agree on
CHECK="SELECT COUNT(*) || ' ' || SUM(score) || ' ' || SUM(LENGTH(name) + LENGTH(email)) || ' '
  || MIN(id) || ' ' || MAX(id) || ' ' || COUNT(DISTINCT created_at) FROM items"
# }======================================================

row() { printf "%-26s %11s %9s %7s %8s %9s   %s\n" "$@"; }
echo "lmigrate seed bench: $ROWS rows of 5 columns, $CHUNK per db:insert;" \
     "$RUNS runs each (hyperfine, taking turns)"
echo "binary: $BIN ($("$BIN" --version 2>/dev/null || echo '?'))"
echo
row "scenario" "lmigrate ms" "floor ms" "ratio" "RSS MB" "floor RSS" "target"

# {======================================================
# SQLite: sqlite3 .import in one transaction
# ======================================================
DB=$PROJ/databases/database.sqlite
(cd "$PROJ" && "$BIN" migrate --quiet)
cp "$DB" "$WORK/empty.sqlite"
FLOOR_DB=$WORK/floor.sqlite
FLOOR_CMD="sqlite3 $FLOOR_DB -init /dev/null '.read $WORK/import.sql'"
read -r S_LM S_FLOOR < <(rounds seed_sqlite "$PROJ" \
  "cp $WORK/empty.sqlite $DB" "$BIN seed --quiet" \
  "cp $WORK/empty.sqlite $FLOOR_DB" "$FLOOR_CMD")
S_RSS=$(peak_rss "$PROJ" "cp $WORK/empty.sqlite $DB" "$BIN seed --quiet")
S_FRSS=$(peak_rss "$PROJ" "cp $WORK/empty.sqlite $FLOOR_DB" "$FLOOR_CMD")
S_SUM=$(sqlite3 "$DB" "$CHECK")
[ "$S_SUM" = "$(sqlite3 "$FLOOR_DB" "$CHECK")" ] && S_PARITY="the same rows" \
  || S_PARITY="DIFFERENT: $S_SUM vs $(sqlite3 "$FLOOR_DB" "$CHECK")"
row "(a) SQLite" "$S_LM" "$S_FLOOR" "$(ratio "$S_LM" "$S_FLOOR")" "$S_RSS" "$S_FRSS" \
    "<= 1.5x: $(ok "$(ratio "$S_LM" "$S_FLOOR" | tr -d x)" "<=" 1.5)"
# }======================================================

# {======================================================
# PostgreSQL: psql \copy
# ======================================================
if [ "$PG" = 1 ]; then
  make_recreate "$WORK"
  "$RECREATE" "${P}_empty"
  (cd "$PROJ" && DATABASE_URL=$(url_of "${P}_empty") "$BIN" migrate --quiet)
  LM_URL=$(url_of "${P}_lm")
  FLOOR_URL=$(url_of "${P}_floor")
  PG_FLOOR_CMD="$PSQL_BIN -X -q -v ON_ERROR_STOP=1 -d $FLOOR_URL -f $WORK/copy.sql"
  export DATABASE_URL=$LM_URL
  read -r P_LM P_FLOOR < <(rounds seed_pg "$PROJ" \
    "$RECREATE ${P}_lm=${P}_empty" "$BIN seed --quiet" \
    "$RECREATE ${P}_floor=${P}_empty" "$PG_FLOOR_CMD")
  P_RSS=$(peak_rss "$PROJ" "$RECREATE ${P}_lm=${P}_empty" "$BIN seed --quiet")
  P_FRSS=$(peak_rss "$PROJ" "$RECREATE ${P}_floor=${P}_empty" "$PG_FLOOR_CMD")
  unset DATABASE_URL
  P_SUM=$(pg_q "$LM_URL" "$CHECK")
  [ "$P_SUM" = "$(pg_q "$FLOOR_URL" "$CHECK")" ] && P_PARITY="the same rows" \
    || P_PARITY="DIFFERENT: $P_SUM vs $(pg_q "$FLOOR_URL" "$CHECK")"
  row "(b) PostgreSQL" "$P_LM" "$P_FLOOR" "$(ratio "$P_LM" "$P_FLOOR")" "$P_RSS" "$P_FRSS" \
      "<= 1.5x: $(ok "$(ratio "$P_LM" "$P_FLOOR" | tr -d x)" "<=" 1.5)"
else
  row "(b) PostgreSQL" "-" "-" "-" "-" "-" "skipped: no server (run under pg_virtualenv -t)"
fi
# }======================================================

# {======================================================
# MySQL: mariadb's LOAD DATA LOCAL INFILE, and its multi-row INSERTs
# ======================================================
if [ -n "$MY_SOCK" ]; then
  # my_recreate.sh INFILE DB...: the server's local_infile, then each DB migrated anew
  MY_RECREATE=$WORK/my_recreate.sh
  cat >"$MY_RECREATE" <<EOF2
#!/bin/sh
set -e
mariadb --no-defaults --user=root '--socket=$MY_SOCK' -e "SET GLOBAL local_infile = \$1"
shift
for db in "\$@"; do
  mariadb --no-defaults --user=root '--socket=$MY_SOCK' -e "DROP DATABASE IF EXISTS \$db; CREATE DATABASE \$db"
  (cd '$PROJ' && DATABASE_URL='mysql://root@localhost/'\$db'?socket=$MY_SOCK' '$BIN' migrate --quiet)
done
EOF2
  chmod +x "$MY_RECREATE"
  LOAD="LOAD DATA LOCAL INFILE '$WORK/items.csv' INTO TABLE items FIELDS TERMINATED BY ',' ($COLS)"
  MY_LOAD_CMD="mariadb --no-defaults --user=root --socket=$MY_SOCK --local-infile=1 ${P}_floor -e \"$LOAD\""
  MY_INS_CMD="mariadb --no-defaults --user=root --socket=$MY_SOCK ${P}_ins -e 'source $WORK/inserts.sql'"
  MY_LMINS_CMD="env DATABASE_URL=mysql://root@localhost/${P}_lmins?socket=$MY_SOCK $BIN seed --quiet"
  export DATABASE_URL="mysql://root@localhost/${P}_lm?socket=$MY_SOCK"
  read -r M_LM M_LOAD M_INS M_LMINS < <(rounds seed_mysql "$PROJ" \
    "$MY_RECREATE 1 ${P}_lm" "$BIN seed --quiet" \
    "$MY_RECREATE 1 ${P}_floor" "$MY_LOAD_CMD" \
    "$MY_RECREATE 1 ${P}_ins" "$MY_INS_CMD" \
    "$MY_RECREATE 0 ${P}_lmins" "$MY_LMINS_CMD")
  unset DATABASE_URL
  my -e "SET GLOBAL local_infile = 1"
  MY_CHECK="SELECT CONCAT_WS(' ', COUNT(*), SUM(score), SUM(LENGTH(name) + LENGTH(email)), MIN(id),
    MAX(id), COUNT(DISTINCT created_at)) FROM items"
  M_SUM=$(my -N -B "${P}_lm" -e "$MY_CHECK")
  [ "$M_SUM" = "$(my -N -B "${P}_floor" -e "$MY_CHECK")" ] \
    && [ "$M_SUM" = "$(my -N -B "${P}_ins" -e "$MY_CHECK")" ] \
    && [ "$M_SUM" = "$(my -N -B "${P}_lmins" -e "$MY_CHECK")" ] && M_PARITY="the same rows" \
    || M_PARITY="DIFFERENT: $M_SUM vs $(my -N -B "${P}_floor" -e "$MY_CHECK")"
  row "(c) MySQL, LOAD DATA" "$M_LM" "$M_LOAD" "$(ratio "$M_LM" "$M_LOAD")" "-" "-" "reported"
  row "    the client's INSERTs" "-" "$M_INS" "$(ratio "$M_LM" "$M_INS")" "-" "-" \
      "the same 200-row INSERTs lmigrate prepares, as text"
  row "    local_infile = OFF" "$M_LMINS" "$M_INS" "$(ratio "$M_LMINS" "$M_INS")" "-" "-" \
      "lmigrate's prepared INSERTs (the fallback) vs the client's; LOAD DATA $(ratio "$M_LMINS" "$M_LM") faster"
else
  row "(c) MySQL" "-" "-" "-" "-" "-" "skipped: no server (run under scripts/with-mariadb.sh)"
fi
# }======================================================

echo
echo "SQLite: lmigrate's table vs the floor's: $S_PARITY ($S_SUM: count, sum(score), lengths, ids, stamps)"
[ "$PG" = 0 ] || echo "PostgreSQL: lmigrate's table vs the floor's: $P_PARITY"
echo "floors: sqlite3 '.read import.sql' (BEGIN; .mode csv; .import items.csv items; COMMIT;);" \
     "psql -f copy.sql (\\copy items ($COLS) from 'items.csv' csv)"
[ -z "$MY_SOCK" ] || echo "MySQL: lmigrate's table vs the floors': $M_PARITY; floors: mariadb --local-infile=1 -e \"LOAD DATA LOCAL INFILE 'items.csv' ...\", mariadb -e 'source inserts.sql'"
echo "times of every round: $OUT/seed_*.times (seconds, lmigrate then floor)"
