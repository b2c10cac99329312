#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL 15 cluster for tests, listening only on 127.0.0.1.
#
#   scripts/pg-throwaway.sh start [DIR] [PORT]   prints the admin URL (postgres://postgres@127.0.0.1:PORT/postgres)
#   scripts/pg-throwaway.sh stop  [DIR]          stops the cluster and removes DIR
#
# DIR defaults to /tmp/case-engine-pg and PORT to 54329. initdb refuses to run as root, so as root the
# cluster belongs to the postgres user (created by Debian's postgresql package). Trust authentication is
# safe only because the server listens on loopback and lives for one test run.
set -euo pipefail

action=${1:-}
dir=${2:-/tmp/case-engine-pg}
port=${3:-54329}
bin=${PG_BIN:-/usr/lib/postgresql/15/bin}

if [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL 15 binaries not found in $bin; install them with: apt-get install -y postgresql-15" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
    chmod 700 "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -d "$dir/data" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true; fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop [DIR] [PORT]" >&2
    exit 2
    ;;
esac
