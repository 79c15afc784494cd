#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the test suite.
# Installs PostgreSQL with apt-get when it is missing. Prints the SQLAlchemy URL.
# Usage: scripts/pg_test_server.sh start|stop   (data in $PGTEST_DIR, default /tmp/kpi-pgtest-<checkout hash>)
# Runs as root (the server then runs as the system user postgres) or as an ordinary user (the server runs as that
# user; only installing PostgreSQL needs root, through sudo when it is there).
set -euo pipefail
cmd="${1:-start}"
root="$(cd "$(dirname "$0")/.." && pwd)"
# Data lives under /tmp: the unprivileged server user must be able to reach it, whatever the checkout's path.
dir="${PGTEST_DIR:-/tmp/kpi-pgtest-$(printf '%s' "$root" | sha256sum | cut -c1-12)}"
port="${PGTEST_PORT:-54329}"

find_bin() {
  for d in /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  command -v pg_ctl >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

bin="$(find_bin || true)"
if [ -z "$bin" ]; then
  echo "PostgreSQL not found; installing it with apt-get ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  if [ "$(id -u)" = "0" ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
    echo "ERROR: PostgreSQL is not installed and installing it needs root: run 'apt-get install postgresql' as root" >&2
    exit 1
  fi
  "${sudo[@]}" apt-get update -qq >&2 && "${sudo[@]}" apt-get install -y -qq postgresql >&2
  bin="$(find_bin)" || { echo "ERROR: could not install PostgreSQL (apt-get install postgresql)" >&2; exit 1; }
fi

# PostgreSQL refuses to run as root: run it as an unprivileged user.
run_as=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  run_as=(runuser -u postgres --)
fi

case "$cmd" in
  start)
    if [ ! -f "$dir/PG_VERSION" ]; then
      rm -rf "$dir"; mkdir -p "$dir"
      [ "$(id -u)" = "0" ] && chown postgres "$dir"
      "${run_as[@]}" "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    [ "$(id -u)" = "0" ] && chown -R postgres "$dir"
    if ! "${run_as[@]}" "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      # The port may be taken by another server (another checkout's): take a free one instead.
      if ! python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1])))" "$port" 2>/dev/null; then
        port="$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")"
      fi
      echo "$port" > "$dir/.port"
      "${run_as[@]}" "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    fi
    [ -f "$dir/.port" ] && port="$(cat "$dir/.port")"
    "${run_as[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='kpi_test'" | grep -q 1 \
      || "${run_as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres kpi_test
    echo "postgresql+psycopg://postgres@127.0.0.1:$port/kpi_test"
    ;;
  stop)
    [ -f "$dir/PG_VERSION" ] && "${run_as[@]}" "$bin/pg_ctl" -D "$dir" -m fast stop >/dev/null 2>&1 || true
    ;;
esac
