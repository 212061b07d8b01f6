#!/usr/bin/env bash
# bench/cg_query.sh [N] MODE...: instructions per call of each mode of
# bench/cg_query.lua under callgrind (deterministic), less those of mode
# none; with the build's lmigrate.core (LMIGRATE_BUILD, else build/).
#   bench/cg_query.sh 5000 first rawfirst update rawupdate join rawjoin
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${LMIGRATE_BUILD:-$ROOT/build}
N=${1:-5000}; shift || true
command -v valgrind >/dev/null || { echo "bench: valgrind not found" >&2; exit 1; }
cd "$ROOT"
ir() {
  LUA_CPATH="$BUILD/lib/?.so;;" valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    lua5.4 bench/cg_query.lua "$1" "$N" 2>&1 | sed -n 's/.*Collected : *//p'
}
base=$(ir none)
for m in "$@"; do echo "$m $(( ($(ir "$m") - base) / N ))"; done
