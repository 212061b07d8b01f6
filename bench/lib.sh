# bench/lib.sh: what bench/run_atomic.sh and bench/run_seed.sh share.
# Sourced, not run. Expects ROOT (the source tree) and sets BIN, OUT, RUNS,
# LUA; die, median, ratio, ok, rounds, peak_rss; and, when a PostgreSQL
# server is named (pg_virtualenv -t, or PGHOST/PGPORT/...): PG=1, PSQL_BIN,
# url_of, make_recreate, pg_drop, pg_q.

RUNS=${BENCH_RUNS:-5}
[ "$RUNS" -ge 5 ] || RUNS=5
BIN=${LMIGRATE_BIN:-$ROOT/build/lmigrate}
OUT=$ROOT/bench/out
LUA=$(command -v lua5.4 || command -v lua || true)
mkdir -p "$OUT"

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$BIN" ] || die "no lmigrate binary at $BIN (scripts/build.sh)"
[ -n "$LUA" ] || die "lua5.4 not found"
command -v hyperfine >/dev/null || die "hyperfine not found (apt-get install hyperfine)"
unset DATABASE_URL LMIGRATE_DEV

# median of the numbers on stdin
median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }

# ok VALUE OP LIMIT -> ok | MISSED (OP: <=, < or >=)
ok() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
  r = (op == "<=") ? v <= l : (op == ">=") ? v >= l : v < l; print r ? "ok" : "MISSED" }'; }

# rounds NAME DIR PREPARE1 COMMAND1 [PREPARE2 COMMAND2 ...] -> the median ms
# of each command, space-separated. The commands take turns: each round is
# one hyperfine call timing one run of each after its PREPARE (untimed; ""
# for none), so a change of load on the host weighs on all of them alike.
# Runs in DIR; the seconds of every round go to bench/out/NAME.times.
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
  local json=$OUT/$name.json times=$OUT/$name.times
  : >"$times"
  for ((r = 1; r <= RUNS; r++)); do
    (cd "$dir" && hyperfine --runs 1 -N --style none --export-json "$json" "${args[@]}" \
       >/dev/null 2>>"$OUT/$name.log") \
      || die "$name failed: ${cmds[*]} (see $OUT/$name.log)"
    sed -n 's/.*"mean": *\([0-9.eE+-]*\).*/\1/p' "$json" | paste -sd' ' >>"$times"
  done
  local out=()
  for ((i = 1; i <= k; i++)); do
    out+=("$(cut -d' ' -f"$i" "$times" | awk '{ print $1 * 1000 }' | median)")
  done
  echo "${out[*]}"
}

# peak_rss DIR PREPARE COMMAND -> MB at the peak of one run (GNU time)
peak_rss() {
  local dir=$1 prepare=$2 cmd=$3 f
  [ -x /usr/bin/time ] || { echo "-"; return; }
  f=$(mktemp)
  [ -z "$prepare" ] || eval "$prepare" >/dev/null
  (cd "$dir" && /usr/bin/time -f %M -o "$f" bash -c "exec $cmd" >/dev/null 2>&1) \
    || { rm -f "$f"; die "failed: $cmd"; }
  awk '{ printf "%.1f", $1 / 1024 }' "$f"
  rm -f "$f"
}

# PostgreSQL, when a server is named
PG=0
if [ -n "${PGHOST:-}${PGPORT:-}" ]; then
  PG=1
  # the floor's psql: the binary itself, not Debian's Perl wrapper /usr/bin/psql
  PSQL_BIN=${BENCH_PSQL:-}
  if [ -z "$PSQL_BIN" ]; then
    for cfg in "${PG_CONFIG:-}" "$(command -v pg_config || true)"; do
      if [ -n "$cfg" ] && [ -x "$("$cfg" --bindir 2>/dev/null)/psql" ]; then
        PSQL_BIN=$("$cfg" --bindir)/psql
        break
      fi
    done
    PSQL_BIN=${PSQL_BIN:-$(command -v psql || true)}
  fi
  [ -n "$PSQL_BIN" ] || die "psql not found"
  PG_USER=${PGUSER:-$(id -un)}
  PG_HOST=${PGHOST:-localhost}
  PG_PORT=${PGPORT:-5432}
  PG_PASS=${PGPASSWORD:-}
  # the URL of database $1, as lmigrate and psql both get it (TCP, password)
  url_of() { echo "postgres://$PG_USER${PG_PASS:+:$PG_PASS}@$PG_HOST:$PG_PORT/$1"; }
  # make_recreate DIR: writes DIR/recreate.sh DB[=TEMPLATE]..., which drops
  # and creates each database (from TEMPLATE when given): a command hyperfine
  # can run as --prepare. RECREATE names it.
  make_recreate() {
    RECREATE=$1/recreate.sh
    cat >"$RECREATE" <<EOF
#!/bin/sh
set -e
for spec in "\$@"; do
  db=\${spec%%=*}; tpl=\${spec#*=}
  [ "\$tpl" = "\$spec" ] && tpl= || tpl=" TEMPLATE \\"\$tpl\\""
  PGOPTIONS='-c client_min_messages=warning' '$PSQL_BIN' -X -q -v ON_ERROR_STOP=1 \\
    -d '$(url_of postgres)' \\
    -c "DROP DATABASE IF EXISTS \\"\$db\\" WITH (FORCE)" -c "CREATE DATABASE \\"\$db\\"\$tpl"
done
EOF
    chmod +x "$RECREATE"
  }
  # pg_drop DB...: drops each database, quietly
  pg_drop() {
    local db
    for db in "$@"; do
      "$PSQL_BIN" -X -q -d "$(url_of postgres)" -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" \
        >/dev/null 2>&1 || true
    done
  }
  pg_q() { "$PSQL_BIN" -X -q -At -d "$1" -c "$2"; }
fi
