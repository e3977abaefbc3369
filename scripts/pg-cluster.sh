#!/usr/bin/env bash
# Throwaway PostgreSQL cluster on a free loopback port, run as the `postgres` user when we are
# root (PostgreSQL refuses to run as root), as the current user otherwise. Usage:
#   scripts/pg-cluster.sh start DIR   -> prints the SQLAlchemy URL on stdout (only that)
#   scripts/pg-cluster.sh stop DIR    -> stops it (no error when it is not running)
# Durability is off (fsync, synchronous_commit, full_page_writes): for tests and benchmarks only.
set -euo pipefail
cmd=${1:?usage: pg-cluster.sh start|stop DIR}; dir=${2:?usage: pg-cluster.sh start|stop DIR}

pg_bin() {
  local v
  v=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  [ -n "$v" ] && [ -x "/usr/lib/postgresql/$v/bin/initdb" ] || return 1
  echo "/usr/lib/postgresql/$v/bin"
}

privileged() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "pg-cluster: need root or sudo to run: $*" >&2; return 1
  fi
}

ensure_installed() {
  pg_bin >/dev/null && return 0
  echo "pg-cluster: installing PostgreSQL from Debian packages..." >&2
  privileged apt-get update -qq >&2
  privileged env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  pg_bin >/dev/null
}

as_owner() {  # run a command line as the cluster's owner
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  ensure_installed
  local bin port attempt
  bin=$(pg_bin)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"; chmod 700 "$dir"
    as_owner "test -w '$dir'" || {
      echo "pg-cluster: the postgres user cannot reach $dir (a parent directory is private);" \
        "use a directory such as \$(mktemp -d)" >&2
      return 1
    }
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "'$bin/initdb' -D '$dir/data' -U postgres -A trust --no-sync -E UTF8 >'$dir/initdb.log' 2>&1" \
      || { cat "$dir/initdb.log" >&2; return 1; }
  fi
  # Another process may take the port between the probe and the bind: retry with a new one.
  for attempt in 1 2 3; do
    port=$(free_port)
    if as_owner "'$bin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -t 60 -o \"-h 127.0.0.1 -p $port -k '$dir' \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" \
        start >/dev/null"; then
      echo "$port" >"$dir/port"
      echo "postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
      return 0
    fi
    echo "pg-cluster: start attempt $attempt failed; log tail:" >&2
    tail -n 5 "$dir/log" >&2 || true
  done
  return 1
}

stop() {
  local bin
  bin=$(pg_bin) || return 0
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_owner "'$bin/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null" || true
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
