#!/usr/bin/env bash
# Installs, as root, the Debian 12 packages lmigrate needs to build and
# test (libmariadb-dev: the headers of the MySQL driver, which loads
# libmariadb.so.3 on first use; mariadb-server and its client: the MySQL specs run on a
# throwaway MariaDB, see scripts/with-mariadb.sh, and openssl, which makes
# that server's TLS certificates; lua-check, cppcheck and
# clang-tidy: the static checks of cmake/Lint.cmake; PostGIS: the spatial
# column types of spec/grammar/columns_postgres_spec.lua; luarocks,
# man-db, bash-completion and zsh: the packaging specs, spec/package/;
# valgrind, clang and libclang-rt-14-dev: the memory check and the
# libFuzzer target of cmake/Probes.cmake); does nothing when all of them
# are present. Not podman, buildah or debootstrap: the container test
# (scripts/container-test.sh) adds minutes and is skipped, saying so,
# where they are missing.
#
# `install-deps.sh build` installs only what building lmigrate needs (the
# Quick start's scripts/example.sh: the headers of the three drivers, no
# servers, no test tools).
set -euo pipefail
BUILD_PACKAGES="liblua5.4-dev libsqlite3-dev libpq-dev libmariadb-dev cmake gcc pkg-config"
PACKAGES="lua5.4 liblua5.4-dev lua-busted lua-check libsqlite3-dev sqlite3 libpq-dev postgresql postgresql-15-postgis-3 libmariadb-dev mariadb-server mariadb-client openssl cmake gcc pkg-config cppcheck clang-tidy luarocks man-db bash-completion zsh valgrind clang libclang-rt-14-dev pgbouncer"
[ "${1:-}" = build ] && PACKAGES="$BUILD_PACKAGES"
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
