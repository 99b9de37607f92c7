#!/usr/bin/env bash
# Single-node Apache Kafka 4.1.1 broker (KRaft, broker+controller) on 127.0.0.1,
# assembled from Maven Central jars (see pom.xml) and run with plain `java`.
#
# Usage: kafka.sh {fetch|start|resume|stop|restart|status}
#   fetch    download the broker jars into lib/ (only if lib/ is missing/incomplete)
#   start    fresh broker: wipes the data dir, formats, starts, waits until ready
#   resume   start on the existing data dir (formats only if not yet formatted)
#   stop     SIGTERM via pid file, wait up to KAFKA_STOP_TIMEOUT (30 s), then SIGKILL
#   restart  stop + resume (data kept)
#   status   prints "running" and exits 0 if up, else prints "not running" and exits 1
#
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_STATE_DIR (tools/kafka/.state),
#      KAFKA_START_TIMEOUT (90), KAFKA_STOP_TIMEOUT (30), KAFKA_HEAP_OPTS (-Xms256m -Xmx512m),
#      JAVA_HOME (uses $JAVA_HOME/bin/java if set, else `java`).
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
LIB_DIR="$SCRIPT_DIR/lib"
LIB_MARKER="$LIB_DIR/.fetched"
CP="$LIB_DIR/*" # quoted everywhere: the JVM expands the wildcard

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
for v in KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_START_TIMEOUT KAFKA_STOP_TIMEOUT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "[kafka.sh] ERROR: $v must be a number, got '${!v}'" >&2; exit 2; }
done
[[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || { echo "[kafka.sh] ERROR: KAFKA_PORT equals KAFKA_CONTROLLER_PORT" >&2; exit 2; }
STATE_DIR="${KAFKA_STATE_DIR:-$SCRIPT_DIR/.state}"
mkdir -p -- "$STATE_DIR"
STATE_DIR="$(cd -- "$STATE_DIR" && pwd -P)" # absolute, so cwd never matters
DATA_DIR="$STATE_DIR/data"
PROPS="$STATE_DIR/server.properties"
LOG_FILE="$STATE_DIR/server.out"
PID_FILE="$STATE_DIR/kafka.pid"
LOCK_FILE="$STATE_DIR/.lock"

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA="java"; fi
TOOLS_LOG="-Dlog4j2.configurationFile=$SCRIPT_DIR/tools-log4j2.properties"

log() { printf '[kafka.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Serialise start/stop between concurrent invocations (e.g. parallel test targets).
lock() {
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOCK_FILE"
    flock -w 300 9 || die "could not acquire $LOCK_FILE"
  fi
}

# ---------------------------------------------------------------- fetch

pom_sum() { sha256sum "$SCRIPT_DIR/pom.xml" | cut -d' ' -f1; }

lib_ok() {
  compgen -G "$LIB_DIR/*.jar" >/dev/null && [[ -f "$LIB_MARKER" ]] &&
    [[ "$(cat "$LIB_MARKER")" == "$(pom_sum)" ]]
}

cmd_fetch() {
  if lib_ok; then
    log "lib/ already populated ($(compgen -G "$LIB_DIR/*.jar" | wc -l) jars); nothing to fetch"
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found (needed once to download the broker jars)"
  # Absent, partial (interrupted download) or stale (pom.xml changed): refetch from scratch.
  rm -rf -- "$LIB_DIR"
  log "downloading Kafka broker jars into lib/ via Maven ..."
  local t0; t0="$(now)"
  (cd "$SCRIPT_DIR" && mvn -q -B -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" dependency:copy-dependencies) ||
    die "mvn dependency:copy-dependencies failed"
  compgen -G "$LIB_DIR/*.jar" >/dev/null || die "mvn finished but lib/ has no jars"
  pom_sum >"$LIB_MARKER"
  log "fetched $(compgen -G "$LIB_DIR/*.jar" | wc -l) jars ($(du -sh "$LIB_DIR" | cut -f1)) in $(elapsed "$t0") s"
}

# ---------------------------------------------------------------- process helpers

# PID from the pid file if that process is alive and really is our broker, else empty.
broker_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid; pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  alive "$pid" || return 0
  # Guard against PID reuse: the command line must be kafka.Kafka with our properties file.
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $PROPS"; then
    echo "$pid"
  fi
}

# Alive and not a zombie (the JVM is our own child when start times out in this process).
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local st; st="$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null || true)"
  [[ -n "$st" && "$st" != Z ]]
}

tcp_probe() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

started_logged() { [[ -f "$LOG_FILE" ]] && grep -qF 'Kafka Server started' "$LOG_FILE"; }

is_ready() { [[ -n "$(broker_pid)" ]] && started_logged && tcp_probe "$KAFKA_PORT"; }

tail_log() {
  if [[ -f "$LOG_FILE" ]]; then
    log "last 50 lines of $LOG_FILE:"
    tail -n 50 "$LOG_FILE" >&2
  fi
}

wait_ready() { # $1 = start timestamp
  local deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if [[ -z "$(broker_pid)" ]]; then
      tail_log
      die "broker process exited during start-up"
    elif started_logged && tcp_probe "$KAFKA_PORT"; then
      log "broker ready on 127.0.0.1:$KAFKA_PORT (pid $(broker_pid)) after $(elapsed "$1") s"
      return 0
    fi
    sleep 0.25
  done
  tail_log
  # Do not leave a half-started JVM behind (CI would otherwise keep an orphan broker).
  stop_pid "$(broker_pid)"
  die "broker not ready after ${KAFKA_START_TIMEOUT} s (stopped it again)"
}

# ---------------------------------------------------------------- start / resume

write_props() {
  local t
  t="$(<"$SCRIPT_DIR/server.properties.template")"
  # Quoted replacements: no '&' expansion under bash 5.2 patsub_replacement.
  t="${t//@KAFKA_PORT@/"$KAFKA_PORT"}"
  t="${t//@KAFKA_CONTROLLER_PORT@/"$KAFKA_CONTROLLER_PORT"}"
  t="${t//@LOG_DIRS@/"$DATA_DIR"}"
  printf '%s\n' "$t" >"$PROPS"
}

format_storage() {
  local id
  id="$("$JAVA" -Xmx256m "$TOOLS_LOG" -cp "$CP" kafka.tools.StorageTool random-uuid)" ||
    die "StorageTool random-uuid failed"
  [[ "$id" =~ ^[A-Za-z0-9_][A-Za-z0-9_-]{21}$ ]] || die "unexpected cluster id from random-uuid: '$id'"
  "$JAVA" -Xmx256m "$TOOLS_LOG" -cp "$CP" kafka.tools.StorageTool \
    format --standalone -t "$id" -c "$PROPS" >&2 || die "StorageTool format failed"
  log "formatted $DATA_DIR (cluster id $id)"
}

launch() { # $1 = fresh|resume
  local mode="$1" t0
  t0="$(now)"
  lock
  cmd_fetch

  local pid; pid="$(broker_pid)"
  if [[ -n "$pid" ]]; then
    if is_ready; then
      log "broker already running and answering on 127.0.0.1:$KAFKA_PORT (pid $pid); nothing to do"
      return 0
    fi
    log "broker pid $pid is running but not ready yet; waiting"
    wait_ready "$t0"
    return 0
  fi
  rm -f -- "$PID_FILE"

  local p
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if tcp_probe "$p"; then
      die "127.0.0.1:$p is already in use by another process (not a broker of this state dir: $STATE_DIR)"
    fi
  done

  if [[ "$mode" == fresh ]]; then
    rm -rf -- "$DATA_DIR"
  fi
  mkdir -p -- "$DATA_DIR"
  write_props
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    log "resuming on existing data in $DATA_DIR"
  else
    format_storage
  fi

  [[ -f "$LOG_FILE" ]] && mv -f -- "$LOG_FILE" "$LOG_FILE.prev"
  local t1; t1="$(now)"
  # setsid: detach from the caller's process group/terminal so Ctrl-C or the end of a
  # test runner does not take the broker down. The inner shell writes its own PID, then
  # execs java, so the pid file holds the JVM's PID. 9>&- : do not leak the lock fd.
  # G1HeapRegionSize=4m: with the default 1 MB regions of a 512 MB heap, every produce request over
  # 512 kB (the gateway's log batches go up to LOG_BATCH_BYTES, 900 kB) is a humongous allocation, and
  # under a steady stream of them G1 ran back-to-back concurrent marking cycles: a third of a core on
  # this 2-core machine, at random (measured in docs/benchmarks.md, seventeenth session). With 4 MB
  # regions the threshold is 2 MB, above Kafka's 1 MB message.max.bytes. It comes before
  # KAFKA_HEAP_OPTS, so a region size given there wins.
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is intentionally word-split
  nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    "$JAVA" -XX:G1HeapRegionSize=4m $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true "-Dlog4j2.configurationFile=$SCRIPT_DIR/log4j2.properties" \
    -cp "$CP" kafka.Kafka "$PROPS" >"$LOG_FILE" 2>&1 </dev/null 9>&- &
  log "starting broker ($mode) on 127.0.0.1:$KAFKA_PORT, controller 127.0.0.1:$KAFKA_CONTROLLER_PORT; log: $LOG_FILE"
  # The launched shell writes the pid file just before exec; give it a moment.
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s "$PID_FILE" ]] && break
    sleep 0.1
  done
  wait_ready "$t1"
  log "total start time $(elapsed "$t0") s"
}

# ---------------------------------------------------------------- stop / status

cmd_stop() {
  lock
  local pid; pid="$(broker_pid)"
  if [[ -z "$pid" ]]; then
    rm -f -- "$PID_FILE"
    log "broker not running"
    return 0
  fi
  stop_pid "$pid"
}

stop_pid() {
  local pid="$1"
  if [[ -z "$pid" ]]; then rm -f -- "$PID_FILE"; return 0; fi
  local t0; t0="$(now)"
  log "stopping broker (pid $pid) with SIGTERM"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while alive "$pid" && ((SECONDS < deadline)); do sleep 0.25; done
  if alive "$pid"; then
    log "still alive after ${KAFKA_STOP_TIMEOUT} s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.1; done
  fi
  rm -f -- "$PID_FILE"
  log "broker stopped in $(elapsed "$t0") s"
}

cmd_status() {
  local pid; pid="$(broker_pid)"
  if [[ -n "$pid" ]] && is_ready; then
    echo "running"
    log "pid $pid, 127.0.0.1:$KAFKA_PORT, state dir $STATE_DIR"
    return 0
  fi
  if [[ -n "$pid" ]]; then
    echo "not running (pid $pid alive but not ready)"
  else
    echo "not running"
  fi
  return 1
}

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  exit 2
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) launch fresh ;;
  resume) launch resume ;;
  stop) cmd_stop ;;
  restart) cmd_stop && launch resume ;;
  status) cmd_status ;;
  *) usage ;;
esac
