#!/usr/bin/env bash
# The test command of README.md: installs what a fresh Debian 12 machine
# lacks, builds lmigrate twice (plain, and with ASan+UBSan; warnings are
# errors, LMIGRATE_WERROR), starts a
# throwaway PostgreSQL cluster unless DATABASE_URL or PGHOST names a
# server, and a throwaway MariaDB (scripts/with-mariadb.sh) unless
# LMIGRATE_MYSQL_SOCKET names one, and runs every C test and busted spec
# of both builds through ctest, and the static checks (cppcheck,
# clang-tidy, luacheck: cmake/Lint.cmake) with the plain build's. A
# server that does not start fails the run. Then the container image is
# built and tried (scripts/container-test.sh), where podman, buildah and
# debootstrap are installed; elsewhere it says why it is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLMIGRATE_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
cmake -S . -B build-asan -DLMIGRATE_SANITIZE=ON -DLMIGRATE_WERROR=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"

run_ctest() {
  ctest --test-dir build-asan --output-on-failure -j"$jobs" &&
  ctest --test-dir build --output-on-failure -j"$jobs"
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
