#!/usr/bin/env bash
# bench/ab_mysql.sh BEFORE_BIN [N]: two lmigrate binaries on MySQL
# (MariaDB) and the floor taking turns in each round (bench/lib.sh's
# rounds): (a) migrate all into an empty database, (b) no-op migrate and
# (c) status with all N applied, against (d) one client query, and (e)
# rollback all; BEFORE_BIN against LMIGRATE_BIN (default build/lmigrate),
# so that a change is measured under the same load as what it changed.
# Medians of BENCH_RUNS rounds (default 5, at least 5). Run it as
# bench/run_mysql.sh is run: scripts/with-mariadb.sh bench/ab_mysql.sh OLD
set -euo pipefail

OLD=${1:?usage: bench/ab_mysql.sh BEFORE_BIN [N]}
N=${2:-200}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/bench/lib.sh"
[ -x "$OLD" ] || die "no lmigrate binary at $OLD"
SOCK=${LMIGRATE_MYSQL_SOCKET:-}
[ -n "$SOCK" ] || die "no server: run under scripts/with-mariadb.sh, or set LMIGRATE_MYSQL_SOCKET"
MARIADB=$(command -v mariadb || true)
[ -n "$MARIADB" ] || die "the mariadb client is not installed (mariadb-client)"
CLIENT=("$MARIADB" --no-defaults --user=root "--socket=$SOCK")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lmigrate-bench-ab.XXXXXX")
P=lmab_$$
trap 'for s in old new floor; do "${CLIENT[@]}" -e "DROP DATABASE IF EXISTS ${P}_$s" >/dev/null 2>&1 || true; done; rm -rf "$WORK"' EXIT
"$LUA" "$ROOT/bench/gen.lua" "$N" "$WORK" mysql
PROJ=$WORK/project
url() { echo "mysql://root@localhost/$1?socket=$SOCK"; }
# fresh DB [SCRIPT]: the database made again, SCRIPT run in it
cat >"$WORK/fresh.sh" <<EOS
#!/bin/sh
set -e
'$MARIADB' --no-defaults --user=root '--socket=$SOCK' -e "DROP DATABASE IF EXISTS \\\`\$1\\\`; CREATE DATABASE \\\`\$1\\\`"
[ -z "\$2" ] || '$MARIADB' --no-defaults --user=root '--socket=$SOCK' "\$1" -e "source \$2"
EOS
chmod +x "$WORK/fresh.sh"
F=$WORK/fresh.sh UP=$WORK/floor_my_up.sql DOWN=$WORK/floor_my_down.sql
LM_OLD="env DATABASE_URL=$(url "${P}_old") $OLD"
LM_NEW="env DATABASE_URL=$(url "${P}_new") $BIN"
FLOOR="${CLIENT[*]} ${P}_floor"

echo "lmigrate MySQL A/B: N=$N, $RUNS rounds, before $OLD, after $BIN, server on $SOCK"
read -r A_OLD A_NEW A_FL < <(rounds my_ab_a "$PROJ" "$F ${P}_old" "$LM_OLD migrate" \
  "$F ${P}_new" "$LM_NEW migrate" "$F ${P}_floor" "$FLOOR -e 'source $UP'")
"$F" "${P}_floor" "$UP"
D_CMD="$FLOOR -e 'SELECT migration, batch FROM migrations ORDER BY id'"
read -r B_OLD B_NEW C_OLD C_NEW D < <(rounds my_ab_bcd "$PROJ" "" "$LM_OLD migrate" "" "$LM_NEW migrate" \
  "" "$LM_OLD status" "" "$LM_NEW status" "" "$D_CMD")
read -r E_OLD E_NEW E_FL < <(rounds my_ab_e "$PROJ" "$F ${P}_old $UP" "$LM_OLD rollback" \
  "$F ${P}_new $UP" "$LM_NEW rollback" "$F ${P}_floor $UP" "$FLOOR -e 'source $DOWN'")
for s in old new; do
  [ "$(${CLIENT[*]} -N -B "${P}_$s" -e 'SELECT COUNT(*) FROM migrations')" = 0 ] || die "(e) left rows in ${P}_$s"
done

row() { printf "%-20s %12s %12s %9s %14s\n" "$@"; }
row "scenario" "before ms" "after ms" "floor ms" "before / after"
row "(a) migrate all" "$A_OLD" "$A_NEW" "$A_FL" "$(ratio "$A_OLD" "$A_FL") / $(ratio "$A_NEW" "$A_FL")"
row "(b) no-op migrate" "$B_OLD" "$B_NEW" "$D" "$(ratio "$B_OLD" "$D") / $(ratio "$B_NEW" "$D")"
row "(c) status" "$C_OLD" "$C_NEW" "$D" "$(ratio "$C_OLD" "$D") / $(ratio "$C_NEW" "$D")"
row "(e) rollback all" "$E_OLD" "$E_NEW" "$E_FL" "$(ratio "$E_OLD" "$E_FL") / $(ratio "$E_NEW" "$E_FL")"
echo "times of every round: $OUT/my_ab_*.times (seconds)"
