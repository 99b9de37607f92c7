#!/usr/bin/env bash
# Runs every check and test of the repo, starting what the tests need (a real Kafka broker on
# 127.0.0.1, assembled from Maven Central jars by tools/kafka/kafka.sh) and stopping it afterwards.
# Usage: npm test   (after npm ci)
set -euo pipefail
cd "$(dirname "$0")/../.."

export NX_DAEMON=false NX_NO_CLOUD=true NX_SKIP_NX_CACHE=true ONNXRUNTIME_NODE_INSTALL=skip
export KAFKA_PORT="${KAFKA_PORT:-9092}"
export KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT}"

step() { printf '\n==> %s\n' "$*"; }
started=$(date +%s)

cleanup() {
  status=$?
  step "stopping PostgreSQL and the Kafka broker"
  bash tools/postgres/pg.sh stop || true
  bash tools/kafka/kafka.sh stop || true
  echo "test-all: $( [ $status -eq 0 ] && echo passed || echo FAILED ) in $(( $(date +%s) - started )) s"
  exit $status
}
trap cleanup EXIT

step "starting the Kafka broker (first run downloads the jars)"
bash tools/kafka/kafka.sh start

step "starting a throwaway PostgreSQL on 127.0.0.1 (installs Debian's postgresql if missing)"
bash tools/postgres/pg.sh start
eval "$(bash tools/postgres/pg.sh env)"

step "format"
npx prettier --check . --log-level warn

step "project graph, lint (module boundaries included)"
npx nx show projects >/dev/null
npx eslint . --max-warnings=0

step "typecheck"
npx tsc -p tsconfig.json --noEmit

step "build"
node tools/scripts/build.mjs

step "jest: unit, integration (real Kafka, SQLite, ONNX Runtime) and e2e specs"
npx jest --ci --maxWorkers=2

step "python client e2e (requests against a running gateway)"
bash tools/python-client/run-e2e.sh

step "inference-log interop: a Python consumer (kafka-python + fastavro) reads the gateway's records"
bash tools/log-reader/python/run-interop.sh

step "inference-log fault tests: broker outage under load, SIGKILL + replay, spool cap (dedicated broker, ~2.5 min)"
npx jest --ci -c apps/api/jest.fault.config.cjs
