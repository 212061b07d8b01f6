#!/usr/bin/env bash
# The test command of README.md: installs what a fresh Debian 12 machine
# lacks, builds lmigrate twice (plain, and with ASan+UBSan; warnings are
# errors, LMIGRATE_WERROR), starts a
# throwaway PostgreSQL cluster unless DATABASE_URL or PGHOST names a
# server, and a throwaway MariaDB (scripts/with-mariadb.sh) unless
# LMIGRATE_MYSQL_SOCKET names one, and runs every C test, busted spec and
# probe (tests/crash, tests/memory, tests/fuzz: their counts are printed
# at the end) through ctest: all of the sanitizer build's, then the plain
# build's but its integration specs, with the static checks (cppcheck,
# clang-tidy, luacheck: cmake/Lint.cmake). A
# server that does not start fails the run. Then the container image is
# built and tried (scripts/container-test.sh), where podman, buildah and
# debootstrap are installed; elsewhere it says why it is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLMIGRATE_WERROR=ON -DBUILD_TESTING=ON >/dev/null
cmake --build build -j"$jobs"
cmake -S . -B build-asan -DLMIGRATE_SANITIZE=ON -DLMIGRATE_WERROR=ON -DBUILD_TESTING=ON \
  -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"

# the probes of cmake/Probes.cmake leave one summary line each in
# <build>/probes/: their counts are printed after the tests, pass or fail
run_ctest() {
  local status=0 b
  rm -rf build-asan/probes build/probes
  # one more than the cores: the integration specs mostly wait on the
  # servers (12-commands: 42 s of client CPU in 119 s)
  ctest --test-dir build-asan --output-on-failure -j"$((jobs + 1))" || status=1
  # the plain build: what the sanitizer build cannot judge or does not
  # have (the kill probes, valgrind, the static checks, the fuzzer) and
  # the unit and package specs; its integration specs would run the same
  # code on the same servers again (ctest --test-dir build runs them)
  if [ "$status" = 0 ]; then
    ctest --test-dir build --output-on-failure -j"$jobs" -LE integration || status=1
  fi
  for b in build-asan build; do
    if [ -d "$b/probes" ]; then
      echo "== the probes of $b (short form; README: the long form)"
      cat "$b"/probes/*.txt
    fi
  done
  return "$status"
}
export -f run_ctest
export jobs

servers=()
if [ -z "${LMIGRATE_MYSQL_SOCKET:-}" ]; then
  servers+=(scripts/with-mariadb.sh)
fi
if [ -z "${DATABASE_URL:-}" ] && [ -z "${PGHOST:-}" ]; then
  servers+=(pg_virtualenv -t)
fi
"${servers[@]}" bash -c run_ctest
scripts/container-test.sh
