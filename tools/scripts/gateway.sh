#!/usr/bin/env bash
# Starts the built gateway with its launch settings, the one place they are written: `npm start`, the
# benchmark (tools/bench/bench.mjs) and the Python client's end-to-end run start it through here.
#
#   bash tools/scripts/gateway.sh [node flags...] [script [args...]]
#
# The script defaults to dist/apps/api/src/main.js (run `node tools/scripts/build.mjs` first); the
# benchmark passes its profiling wrapper instead. NODE picks the node binary (default: node on PATH).
#
# - MALLOC_ARENA_MAX=2 unless the caller set it (empty counts as unset): glibc otherwise gives threads
#   that allocate at once arenas of their own, up to 8 per core, each keeping what was freed in it. glibc
#   reads it when the process starts, so it is set here, not by the gateway (README, "Memory").
# - --max-semi-space-size=4: 4 MB young-generation semi-spaces (20-35 MB less RSS under load).
# - --heap-growing-percent=50: the old generation grows to 1.5x what the last full GC kept.
#
# It runs from the repository root (as `npm start` does), so relative paths in the environment, such as
# DATA_DIR's default ./data, are taken from there. exec: the gateway keeps this script's PID, so signals and
# /proc readings reach it directly.
set -euo pipefail
cd "$(dirname "$0")/../.."
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
flags=(--max-semi-space-size=4 --heap-growing-percent=50)
while [ $# -gt 0 ] && [[ "$1" == -* ]]; do
  flags+=("$1")
  shift
done
[ $# -gt 0 ] || set -- dist/apps/api/src/main.js
exec "${NODE:-node}" "${flags[@]}" "$@"
