#!/usr/bin/env bash
# Interoperability test (issue 4): the built gateway writes inference logs to Kafka; a Python consumer
# (kafka-python + fastavro from PyPI, in a venv under tmp/) reads the topic with the .avsc file and must
# get the same records, and the Node log reader (tools/log-reader) must decode them identically.
# Needs KAFKA_BROKERS (the test command's broker) and `node tools/scripts/build.mjs` first.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
: "${KAFKA_BROKERS:?KAFKA_BROKERS must name the broker (test-all.sh sets it)}"
here=tools/log-reader/python
venv="$root/tmp/log-reader-python-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import kafka, fastavro' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi
work="$(mktemp -d)"
port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
password="interop-pass-1"
DATA_DIR="$work/data" PORT="$port" ADMIN_PASSWORD="$password" LOG_LEVEL=log KAFKA_BROKERS="$KAFKA_BROKERS" \
  node dist/apps/api/src/main.js > "$work/gateway.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 150); do
  if curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null 2>&1; then break; fi
  if ! kill -0 $pid 2>/dev/null; then cat "$work/gateway.log"; echo "gateway exited"; exit 1; fi
  sleep 0.2
done
topic="$(grep -o 'topic mnist-inf[0-9]\{4\}' "$work/gateway.log" | head -1 | cut -d' ' -f2)"
[ -n "$topic" ] || { cat "$work/gateway.log"; echo "no topic in the gateway log"; exit 1; }
"$venv/bin/python" "$here/interop.py" send "http://127.0.0.1:$port" admin@example.com "$password" "$work/expected.jsonl" \
  || { cat "$work/gateway.log"; exit 1; }
# First the Python consumer waits until every record is in the topic, then both readers are compared.
"$venv/bin/python" "$here/interop.py" check "$KAFKA_BROKERS" "$topic" libs/inference-log/schema/src/schemas/inferencelog-v1.avsc \
  "$work/expected.jsonl" || { cat "$work/gateway.log"; exit 1; }
node tools/log-reader/run.cjs --topic "$topic" --brokers "$KAFKA_BROKERS" > "$work/node.jsonl"
"$venv/bin/python" "$here/interop.py" check "$KAFKA_BROKERS" "$topic" libs/inference-log/schema/src/schemas/inferencelog-v1.avsc \
  "$work/expected.jsonl" "$work/node.jsonl"
