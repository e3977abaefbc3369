#!/usr/bin/env bash
# Throwaway PostgreSQL cluster on a free loopback port, run as the `postgres` user
# (PostgreSQL refuses to run as root). Usage:
#   scripts/pg-cluster.sh start DIR   -> prints the SQLAlchemy URL on stdout
#   scripts/pg-cluster.sh stop DIR
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?cluster directory}

pg_bin() {
  local v; v=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  [ -n "$v" ] || return 1
  echo "/usr/lib/postgresql/$v/bin"
}

ensure_installed() {
  pg_bin >/dev/null 2>&1 && return 0
  echo "installing PostgreSQL from Debian packages..." >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$cmd" in
  start)
    ensure_installed
    bin=$(pg_bin)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_postgres "$bin/initdb -D '$dir/data' -U postgres -A trust --no-sync -E UTF8 >/dev/null"
    fi
    port=$(free_port)
    as_postgres "$bin/pg_ctl -D '$dir/data' -l '$dir/log' -w -o \"-h 127.0.0.1 -p $port -k '$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start >/dev/null"
    echo "$port" > "$dir/port"
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    bin=$(pg_bin) || exit 0
    [ -f "$dir/data/postmaster.pid" ] || exit 0
    as_postgres "$bin/pg_ctl -D '$dir/data' -m fast -w stop >/dev/null" || true
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
