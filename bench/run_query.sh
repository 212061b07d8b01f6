#!/usr/bin/env bash
# bench/run_query.sh [N] [ROUNDS]: the query builder's overhead per query
# against db:query with the same SQL (bench/query.lua), on SQLite in
# memory, with the build's lmigrate.core. Target: an overhead under 5 µs
# over db:query with the same SQL.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${LMIGRATE_BUILD:-$ROOT/build}
LUA=$(command -v lua5.4 || true)
[ -n "$LUA" ] || { echo "bench: lua5.4 not found" >&2; exit 1; }
[ -f "$BUILD/lib/lmigrate/core.so" ] || { echo "bench: no $BUILD/lib/lmigrate/core.so (scripts/build.sh)" >&2; exit 1; }
cd "$ROOT"
LUA_CPATH="$BUILD/lib/?.so;;" exec "$LUA" bench/query.lua "$@"
