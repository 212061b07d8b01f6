#!/usr/bin/env bash
# Installs, as root, the Debian 12 packages lmigrate needs to build and
# test (mariadb-server and its client: the MySQL scripts are run on a
# throwaway MariaDB, see scripts/with-mariadb.sh; lua-check, cppcheck and
# clang-tidy: the static checks of cmake/Lint.cmake; valgrind, clang and
# libclang-rt-14-dev: the memory check and the libFuzzer target of
# cmake/Probes.cmake); does nothing when all of them are present.
set -euo pipefail
PACKAGES="lua5.4 liblua5.4-dev lua-busted lua-check libsqlite3-dev sqlite3 libpq-dev postgresql mariadb-server mariadb-client cmake gcc pkg-config cppcheck clang-tidy valgrind clang libclang-rt-14-dev"
missing=""
for p in $PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing packages:$missing (run as root, or install them with apt-get)" >&2
  exit 1
fi
echo "installing:$missing"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
