#!/usr/bin/env bash
# Runs the probes of issue #13 against a build (default build/, or
# LMIGRATE_BUILD): the kill -9 harness, the race harness and the bad-input
# corpus (tests/crash), the memory check (tests/memory) and the two
# fuzzers (tests/fuzz), each printing its counts. The test command runs
# their short form through ctest; --long runs the long one (hundreds of
# kills, tens of race rounds, the fuzzers for minutes). PostgreSQL is
# used when PGHOST (or LMIGRATE_PG_URL) names a server, e.g. under
# `pg_virtualenv -t scripts/probes.sh --long`.
# Usage: scripts/probes.sh [--long] [kill|race|corpus|memcheck|lua_fuzz|fuzz_core ...]
set -uo pipefail
cd "$(dirname "$0")/.."
build=$(cd "${LMIGRATE_BUILD:-build}" && pwd)
export LMIGRATE_BIN="$build/lmigrate" LMIGRATE_BUILD="$build" LMIGRATE_SOURCE="$PWD"
if [ "${1:-}" = --long ]; then
  export LMIGRATE_PROBE_LONG=1
  shift
fi
[ $# -gt 0 ] || set -- kill race corpus memcheck lua_fuzz fuzz_core
failed=0
for probe in "$@"; do
  case "$probe" in
    kill|race|corpus) tests/run-probe lua5.4 "tests/crash/$probe.lua" ;;
    memcheck) tests/run-probe lua5.4 tests/memory/memcheck.lua ;;
    lua_fuzz) tests/run-probe lua5.4 tests/fuzz/lua_fuzz.lua ;;
    fuzz_core) tests/fuzz/run-fuzz "$build/fuzz_core" 6000 "$build" ;;
    *) echo "unknown probe '$probe'" >&2; exit 2 ;;
  esac
  status=$?
  # 77: skipped (no server, not under CI)
  [ "$status" = 0 ] || [ "$status" = 77 ] || failed=1
done
echo "== summaries"
cat "$build"/probes/*.txt 2>/dev/null
exit "$failed"
