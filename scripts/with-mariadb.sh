#!/usr/bin/env bash
# Usage: scripts/with-mariadb.sh CMD [ARGS...]
# Runs CMD with a throwaway MariaDB server of its own: a data folder made
# by mariadb-install-db in a temp folder, mariadbd as root on a Unix socket
# there and on a free TCP port of 127.0.0.1, and an empty database. CMD sees
#   LMIGRATE_MYSQL_SOCKET    the server's socket (user root, no password)
#   LMIGRATE_MYSQL_PORT      its TCP port on 127.0.0.1 (user root, no password)
#   LMIGRATE_MYSQL_DATABASE  the database made for it
#   LMIGRATE_MYSQL_SSL_CA    the CA that signed the server's certificate
#   LMIGRATE_MYSQL_SSL_CERT  a client certificate of that CA,
#   LMIGRATE_MYSQL_SSL_KEY   and its key
# The server offers TLS on TCP (not required: a client without it gets
# in as before) with a certificate for localhost and 127.0.0.1 made by
# openssl in the temp folder, of a throwaway CA. LMIGRATE_MYSQL_TLS=off
# starts it without TLS (and without openssl), and exports no
# LMIGRATE_MYSQL_SSL_* (spec/integration/10-connect_tls_spec.lua starts
# one so, for a server that offers no TLS).
# LMIGRATE_MYSQL_DATADIR, when set, is the folder the temp folder (data,
# socket, logs) is made in instead of TMPDIR: /dev/shm puts the data on
# tmpfs, so a benchmark does not measure a shared, noisy disk.
# The server is stopped and the folder removed when CMD ends, whatever
# its outcome; the exit status is CMD's. A server that does not start is
# an error (exit 1, with its log), never a skip.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

tls=${LMIGRATE_MYSQL_TLS:-on}
case "$tls" in
  on | off) ;;
  *) echo "with-mariadb: LMIGRATE_MYSQL_TLS must be on or off, got '$tls'" >&2; exit 2 ;;
esac

tools="mariadb-install-db mariadbd mariadb"
[ "$tls" = on ] && tools="$tools openssl"
for tool in $tools; do
  if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
    echo "with-mariadb: $tool not found (scripts/install-deps.sh installs it)" >&2
    exit 1
  fi
done
mariadbd=$(command -v mariadbd 2>/dev/null || echo /usr/sbin/mariadbd)

tmp=$(mktemp -d "${LMIGRATE_MYSQL_DATADIR:-${TMPDIR:-/tmp}}/lmigrate-mariadb.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    # a clean shutdown takes well under a second; never wait forever
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "with-mariadb: $1" >&2
  [ -f "$tmp/$2" ] && sed 's/^/  | /' "$tmp/$2" >&2
  exit 1
}

# --no-defaults first: nothing of /etc/mysql applies to this server
mariadb-install-db --no-defaults --user=root --datadir="$tmp/data" \
  --auth-root-authentication-method=normal --skip-test-db >"$tmp/install.log" 2>&1 ||
  fail "mariadb-install-db failed" install.log

# the TLS material: a CA, the server's certificate (localhost and
# 127.0.0.1) and a client's, both of that CA; keys without a passphrase,
# in a folder only its owner reads
ssl_args=()
if [ "$tls" = on ]; then
  mkdir -m 700 "$tmp/tls"
  (
    cd "$tmp/tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=lmigrate test CA" \
      -keyout ca-key.pem -out ca.pem
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
      -keyout server-key.pem -out server.csr
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -days 2 -extfile server.ext -out server-cert.pem
    openssl req -newkey rsa:2048 -nodes -subj "/CN=lmigrate test client" \
      -keyout client-key.pem -out client.csr
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
      -days 2 -out client-cert.pem
  ) >"$tmp/tls.log" 2>&1 || fail "openssl could not make the TLS certificates" tls.log
  ssl_args=(--ssl-ca="$tmp/tls/ca.pem" --ssl-cert="$tmp/tls/server-cert.pem"
            --ssl-key="$tmp/tls/server-key.pem")
fi

# a TCP port nothing listens on (a race with another process is possible,
# and shows as mariadbd exiting at startup)
port=""
for _ in $(seq 50); do
  p=$((20000 + RANDOM % 30000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || fail "no free TCP port found" install.log

"$mariadbd" --no-defaults --user=root --datadir="$tmp/data" --socket="$tmp/sock" \
  --bind-address=127.0.0.1 --port="$port" --skip-name-resolve \
  --pid-file="$tmp/mariadbd.pid" --log-error="$tmp/error.log" \
  --innodb-buffer-pool-size=32M --character-set-server=utf8mb4 \
  --collation-server=utf8mb4_unicode_ci "${ssl_args[@]}" >"$tmp/mariadbd.out" 2>&1 &
pid=$!

# (none of the client's MYSQL_* variables: a caller may set them to
# something that cannot work, to see that CMD does not read them)
client() {
  env -u MYSQL_PWD -u MYSQL_HOST -u MYSQL_TCP_PORT -u MYSQL_UNIX_PORT \
    mariadb --no-defaults --user=root --socket="$tmp/sock" "$@"
}

# up to 30 s for the socket to answer (about one second on an idle machine)
for _ in $(seq 300); do
  kill -0 "$pid" 2>/dev/null || { pid=""; cat "$tmp/mariadbd.out" >&2; fail "mariadbd exited at startup" error.log; }
  [ -S "$tmp/sock" ] && client -e "SELECT 1" >/dev/null 2>&1 && break
  sleep 0.1
done
client -e "SELECT 1" >/dev/null 2>&1 || fail "mariadbd did not answer on $tmp/sock" error.log

export LMIGRATE_MYSQL_SOCKET="$tmp/sock"
export LMIGRATE_MYSQL_PORT="$port"
export LMIGRATE_MYSQL_DATABASE=lmigrate_test
if [ "$tls" = on ]; then
  export LMIGRATE_MYSQL_SSL_CA="$tmp/tls/ca.pem"
  export LMIGRATE_MYSQL_SSL_CERT="$tmp/tls/client-cert.pem"
  export LMIGRATE_MYSQL_SSL_KEY="$tmp/tls/client-key.pem"
else
  unset LMIGRATE_MYSQL_SSL_CA LMIGRATE_MYSQL_SSL_CERT LMIGRATE_MYSQL_SSL_KEY
fi
client -e "CREATE DATABASE $LMIGRATE_MYSQL_DATABASE" ||
  fail "cannot create the database $LMIGRATE_MYSQL_DATABASE" error.log
# root over TCP too, as on the socket (no password)
client -e "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION" ||
  fail "cannot let root in over TCP" error.log

# not exec: the trap must run when CMD ends
status=0
"$@" || status=$?
exit "$status"
