#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the tests that need one (the store on PostgreSQL, two
# gateway replicas sharing a database). Installs Debian's `postgresql` when missing, runs initdb/pg_ctl
# as the non-root `postgres` user (PostgreSQL refuses to run as root), data under tmp/postgres/.
#
#   bash tools/postgres/pg.sh start   # prints DATABASE_URL=postgres://postgres@127.0.0.1:<port>/postgres
#   eval "$(bash tools/postgres/pg.sh env)"   # exports TEST_POSTGRES_URL for the tests
#   bash tools/postgres/pg.sh stop    # stops the cluster and removes its data
set -euo pipefail
cd "$(dirname "$0")/../.."

ROOT_DIR="$(pwd)/tmp/postgres"
DATA="$ROOT_DIR/data"
PORT_FILE="$ROOT_DIR/port"
LOG="$ROOT_DIR/postgres.log"
RUN_AS="${PG_USER:-postgres}"

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

install_if_missing() {
  if bindir >/dev/null; then return; fi
  echo "pg.sh: installing Debian's postgresql (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1 ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends postgresql >/dev/null; }
  bindir >/dev/null || { echo "pg.sh: postgresql installed but no initdb found" >&2; exit 1; }
}

as_user() {
  if [ "$(id -u)" = 0 ]; then
    # runuser keeps the caller's cwd; the postgres user only needs access to tmp/postgres.
    runuser -u "$RUN_AS" -- "$@"
  else
    "$@"
  fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

url() { echo "postgres://postgres@127.0.0.1:$(cat "$PORT_FILE")/postgres"; }

running() { [ -f "$PORT_FILE" ] && [ -f "$DATA/postmaster.pid" ] && as_user "$(bindir)/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

start() {
  install_if_missing
  local bin
  bin=$(bindir)
  if running; then
    echo "DATABASE_URL=$(url)"
    return
  fi
  rm -rf "$ROOT_DIR"
  mkdir -p "$ROOT_DIR"
  [ "$(id -u)" = 0 ] && chown "$RUN_AS" "$ROOT_DIR"
  # Trust on 127.0.0.1 only: a throwaway test cluster, never reachable from elsewhere.
  as_user "$bin/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$ROOT_DIR/initdb.log" 2>&1 ||
    { cat "$ROOT_DIR/initdb.log" >&2; exit 1; }
  local port
  port=$(free_port)
  echo "$port" >"$PORT_FILE"
  as_user "$bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $ROOT_DIR -c max_connections=200 -c fsync=off" start >/dev/null ||
    { cat "$LOG" >&2; exit 1; }
  echo "DATABASE_URL=$(url)"
}

stop() {
  local bin
  bin=$(bindir || true)
  if [ -n "$bin" ] && [ -f "$DATA/postmaster.pid" ]; then
    as_user "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$ROOT_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  # Only the tests read TEST_POSTGRES_URL; DATABASE_URL would switch every gateway started from the
  # environment (e.g. the Python client e2e) to PostgreSQL.
  env) echo "export TEST_POSTGRES_URL=$(url)" ;;
  *)
    echo "usage: $0 start|stop|url|env" >&2
    exit 2
    ;;
esac
