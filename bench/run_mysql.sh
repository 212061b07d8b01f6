#!/usr/bin/env bash
# bench/run_mysql.sh [N]: lmigrate on MySQL (MariaDB) against its floor, the
# mariadb client running the same SQL (bench/gen.lua N DIR mysql writes
# both). N migrations (default 200); medians of BENCH_RUNS runs (default 5,
# at least 5), timed by hyperfine, the commands compared taking turns run
# by run (bench/lib.sh's rounds).
# Run it against a throwaway server of its own:
#   scripts/with-mariadb.sh bench/run_mysql.sh
# or with LMIGRATE_MYSQL_SOCKET naming a server where root (no password)
# may create databases (it creates lmbench_* databases and drops them).
# lmigrate and the client reach the server the same way: its Unix socket.
# Env: LMIGRATE_BIN (default build/lmigrate), BENCH_RUNS, BENCH_KEEP=1.
set -euo pipefail

N=${1:-200}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CONNS=8
# RUNS, BIN, OUT, LUA, die, median, rounds, ratio, ok
. "$ROOT/bench/lib.sh"
SOCK=${LMIGRATE_MYSQL_SOCKET:-}
[ -n "$SOCK" ] || die "no server: run under scripts/with-mariadb.sh, or set LMIGRATE_MYSQL_SOCKET"
MARIADB=$(command -v mariadb || true)
[ -n "$MARIADB" ] || die "the mariadb client is not installed (mariadb-client)"
command -v mariadb-dump >/dev/null || die "mariadb-dump not found (mariadb-client)"
CLIENT=("$MARIADB" --no-defaults --user=root "--socket=$SOCK")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lmigrate-bench-my.XXXXXX")
P=lmbench_$$
DBS=("${P}_lm" "${P}_floor")
for ((i = 1; i <= CONNS; i++)); do DBS+=("${P}_d$i"); done

drop_all() {
  local db
  for db in "${DBS[@]}"; do "${CLIENT[@]}" -e "DROP DATABASE IF EXISTS \`$db\`" >/dev/null 2>&1 || true; done
}
cleanup() {
  drop_all
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

"$LUA" "$ROOT/bench/gen.lua" "$N" "$WORK" mysql
PROJ=$WORK/project

url_of() { echo "mysql://root@localhost/$1?socket=$SOCK"; }

# recreate.sh DB[=SCRIPT]...: drops and creates each database, then runs
# SCRIPT in it when given; hyperfine runs it as --prepare, untimed
cat >"$WORK/recreate.sh" <<EOF
#!/bin/sh
set -e
for spec in "\$@"; do
  db=\${spec%%=*}; script=\${spec#*=}
  '$MARIADB' --no-defaults --user=root '--socket=$SOCK' -e "DROP DATABASE IF EXISTS \\\`\$db\\\`; CREATE DATABASE \\\`\$db\\\`"
  [ "\$script" = "\$spec" ] || '$MARIADB' --no-defaults --user=root '--socket=$SOCK' "\$db" -e "source \$script"
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
    echo "  d$i = { driver = \"mysql\", url = \"$(url_of "${P}_d$i")\" },"
  done
  echo "} }"
} >"$MULTI/lmigrate.lua"
LIST=$(seq -s, -f 'd%g' 1 "$CONNS")
ALL_D=()
for ((i = 1; i <= CONNS; i++)); do ALL_D+=("${P}_d$i"); done

export DATABASE_URL
DATABASE_URL=$(url_of "${P}_lm")
FLOOR=("${CLIENT[@]}" "${P}_floor")

q() { "${CLIENT[@]}" -N -B "$1" -e "$2"; }

SERVER=$(q "" "SELECT VERSION()")
echo "lmigrate MySQL bench: N=$N migrations, $RUNS runs each (hyperfine), server $SERVER on $SOCK"
echo "binary: $BIN ($("$BIN" --version 2>/dev/null || echo '?')); floor: $MARIADB"
echo

# what each sends the server for (a), counted in one (untimed) run of each
# into an empty database: the query packets (round trips) in the general
# log, and the statements the server ran (Questions, which counts each
# statement of a multi-statement packet). lmigrate's packets, replayed by
# the client (replay_up.sql), are a third command of (a): the server's
# time for lmigrate's statements, without lmigrate.
LOG=$WORK/general.log
counted() {   # counted DB CMD... -> "packets statements"
  local db=$1 q0 q1
  shift
  "$RECREATE" "$db" >/dev/null
  : >"$LOG"
  q "" "SET GLOBAL general_log_file = '$LOG', general_log = 1"
  q0=$(q "" "SHOW GLOBAL STATUS LIKE 'Questions'" | cut -f2)
  (cd "$PROJ" && eval "$*") >/dev/null
  q1=$(q "" "SHOW GLOBAL STATUS LIKE 'Questions'" | cut -f2)
  q "" "SET GLOBAL general_log = 0"
  # the packets of the run's own connections: those on its database
  local ids
  ids=$(awk -v db="$db" '$0 ~ "Connect" && $0 ~ (" on " db " ") { for (i = 1; i <= NF; i++) if ($i == "Connect") print $(i - 1) }' "$LOG" | paste -sd'|')
  # and what they sent, as a script the client sends packet by packet
  { echo 'DELIMITER $$$'
    grep -E "^[[:space:]0-9:]*[[:space:]]($ids) Query" "$LOG" | sed -E 's/^.*[[:space:]]Query\t//; s/$/$$$/'
  } >"$WORK/replay_$db.sql"
  echo "$(grep -cE "^[[:space:]0-9:]*[[:space:]]($ids) Query" "$LOG") $((q1 - q0 - 2))"
}
read -r A_LM_PK A_LM_ST < <(counted "${P}_lm" "$BIN migrate")
mv "$WORK/replay_${P}_lm.sql" "$WORK/replay_up.sql"
read -r A_FL_PK A_FL_ST < <(counted "${P}_floor" "${FLOOR[*]} -e 'source $WORK/floor_my_up.sql'")

# (a) migrate all into an empty database
read -r A_LM A_FLOOR A_REPLAY < <(rounds my_a_migrate_all "$PROJ" \
  "$RECREATE ${P}_lm" "$BIN migrate" \
  "$RECREATE ${P}_floor" "${FLOOR[*]} -e 'source $WORK/floor_my_up.sql'" \
  "$RECREATE ${P}_floor" "${FLOOR[*]} -e 'source $WORK/replay_up.sql'" )
"$RECREATE" "${P}_floor" >/dev/null
(cd "$PROJ" && "${FLOOR[@]}" -e "source $WORK/floor_my_up.sql")

# the floor must be the schema lmigrate creates, and the same history
# (without lmigrate's journal table, which the floor has no need of)
dump() { mariadb-dump --no-defaults --user=root "--socket=$SOCK" --no-data --skip-comments \
           "--ignore-table=$1.migrations_journal" "$1" \
           | sed -e 's/ AUTO_INCREMENT=[0-9]*//' -e '/^\/\*!/d'; }
if diff <(dump "${P}_lm") <(dump "${P}_floor") >"$WORK/schema.diff"; then
  PARITY="identical (mariadb-dump --no-data, lmigrate's migrations_journal left out)"
else
  PARITY="DIFFERENT (first lines below; the floor is hand-written DDL, see bench/gen.lua)"
fi
HISTQ="SELECT CONCAT(migration, ' ', batch) FROM migrations ORDER BY id"
if [ "$(q "${P}_lm" "$HISTQ" | md5sum)" = "$(q "${P}_floor" "$HISTQ" | md5sum)" ]; then
  HPARITY="identical"
else
  HPARITY="DIFFERENT"
fi
HIST=$(q "${P}_lm" "SELECT CONCAT(COUNT(*), ' rows, batches ', MIN(batch), '..', MAX(batch)) FROM migrations")

# (b) no-op migrate, (c) status, (d) one client query; a warm-up run of each first
D_CMD="${CLIENT[*]} ${P}_lm -e 'SELECT migration, batch FROM migrations ORDER BY id'"
(cd "$PROJ" && "$BIN" migrate && "$BIN" status && eval "$D_CMD") >/dev/null
read -r B_LM C_LM D_FLOOR < <(rounds my_bcd_noop "$PROJ" "" "$BIN migrate" "" "$BIN status" "" "$D_CMD")

# (e) rollback all (one batch), each from the floor's migrated database
read -r E_LM E_FLOOR < <(rounds my_e_rollback_all "$PROJ" \
  "$RECREATE ${P}_lm=$WORK/floor_my_up.sql" "$BIN rollback" \
  "$RECREATE ${P}_floor=$WORK/floor_my_up.sql" "${FLOOR[*]} -e 'source $WORK/floor_my_down.sql'")
E_LEFT=$(q "${P}_lm" "SELECT COUNT(*) FROM migrations")

# (f) 8 databases: one lmigrate run with --connection d1,...,d8 against 8
# single-connection runs one after the other
SEQ="for i in \$(seq 1 $CONNS); do $BIN migrate --connection d\$i || exit 1; done"
read -r F_ONE F_SEQ < <(rounds my_f_eight_databases "$MULTI" \
  "$RECREATE ${ALL_D[*]}" "env -u DATABASE_URL $BIN migrate --connection $LIST" \
  "$RECREATE ${ALL_D[*]}" "env -u DATABASE_URL sh -c '$SEQ'")
# the server's own bound: the floor's script in the 8 databases by 8 clients
# at once, against the same 8 clients one after the other
PAR="" INTURN=""
for db in "${ALL_D[@]}"; do
  PAR="$PAR ${CLIENT[*]} $db -e 'source $WORK/floor_my_up.sql' &"
  INTURN="$INTURN ${CLIENT[*]} $db -e 'source $WORK/floor_my_up.sql' &&"
done
read -r F_PAR F_INTURN < <(rounds my_f_clients_at_once "$MULTI" "$RECREATE ${ALL_D[*]}" "sh -c \"$PAR wait\"" \
  "$RECREATE ${ALL_D[*]}" "sh -c \"$INTURN true\"")
F_CHECK=ok
for db in "${ALL_D[@]}"; do
  [ "$(q "$db" "SELECT COUNT(*) FROM migrations")" = "$N" ] || F_CHECK="MISSING ROWS in $db"
done

row() { printf "%-30s %11s %9s %7s   %s\n" "$@"; }
row "scenario" "lmigrate ms" "floor ms" "ratio" "targets"
row "(a) migrate all" "$A_LM" "$A_FLOOR" "$(ratio "$A_LM" "$A_FLOOR")" \
    "ratio <= 1.10x: $(ok "$(ratio "$A_LM" "$A_FLOOR" | tr -d x)" "<=" 1.10)"
row "    lmigrate's statements" "-" "$A_REPLAY" "$(ratio "$A_REPLAY" "$A_FLOOR")" \
    "replayed by the client (the server's part of lmigrate's time)"
row "(b) no-op migrate" "$B_LM" "$D_FLOOR" "$(ratio "$B_LM" "$D_FLOOR")" "reported (floor: (d))"
row "(c) status" "$C_LM" "$D_FLOOR" "$(ratio "$C_LM" "$D_FLOOR")" "reported (floor: (d))"
row "(d) floor: 1 client query" "-" "$D_FLOOR" "-" "the floor of (b) and (c)"
row "(e) rollback all" "$E_LM" "$E_FLOOR" "$(ratio "$E_LM" "$E_FLOOR")" \
    "ratio <= 1.10x: $(ok "$(ratio "$E_LM" "$E_FLOOR" | tr -d x)" "<=" 1.10)"
echo
SPEED=$(ratio "$F_SEQ" "$F_ONE")
printf "(f) %d databases x %d migrations: one 'migrate --connection %s' run %s ms,\n" \
  "$CONNS" "$N" "$LIST" "$F_ONE"
printf "    %d single-connection runs one after the other %s ms: %s faster at once (target >= 3x: %s; history: %s)\n" \
  "$CONNS" "$F_SEQ" "$SPEED" "$(ok "$(echo "$SPEED" | tr -d x)" ">=" 3)" "$F_CHECK"
printf "    the server's bound: %d mariadb clients at once, the floor's script each, %s ms (%s faster than lmigrate's 8 runs);\n" \
  "$CONNS" "$F_PAR" "$(ratio "$F_SEQ" "$F_PAR")"
printf "    the same %d clients one after the other %s ms: the server's own speed-up at once %s\n" \
  "$CONNS" "$F_INTURN" "$(ratio "$F_INTURN" "$F_PAR")"
echo
echo "sent for (a), per migration: lmigrate $(awk -v p="$A_LM_PK" -v s="$A_LM_ST" -v n="$N" 'BEGIN { printf "%.2f round trips, %.2f statements", p / n, s / n }'),"\
  "the floor $(awk -v p="$A_FL_PK" -v s="$A_FL_ST" -v n="$N" 'BEGIN { printf "%.2f round trips, %.2f statements", p / n, s / n }')"\
  "(totals: $A_LM_PK/$A_LM_ST and $A_FL_PK/$A_FL_ST)"
echo "history after (a): $HIST; the floor's history: $HPARITY; rows left after (e): $E_LEFT"
echo "schema of (a) vs the floor's: $PARITY"
[ "${PARITY#identical}" != "$PARITY" ] || head -n 12 "$WORK/schema.diff"
echo "times of every round: $OUT/my_*.times (seconds; hyperfine warnings: $OUT/my_*.log)"
