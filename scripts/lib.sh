# Shared by scripts/*: where things live, and how a service is started and
# stopped by the pid the script itself recorded. Sourced, never run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=versions.sh
. "$ROOT/scripts/versions.sh"

# Everything a run leaves behind (pid files, logs, data dirs) lives here; git ignores it.
RUN_DIR="${GATEWAY_RUN_DIR:-$ROOT/.run}"
# Downloads and builds are cached outside the clone so a fresh clone reuses them.
CACHE_DIR="${GATEWAY_CACHE_DIR:-$HOME/.cache/gateway}"
KAFKA_LIB="$CACHE_DIR/kafka-$KAFKA_VERSION/lib"
GO_BIN="$CACHE_DIR/go-bin/btcd-$BTCD_VERSION-btcwallet-$BTCWALLET_VERSION"
# etcd 3.6, built by scripts/install go: ahead of Debian's 3.4 on the PATH of every script
# and of what they start (the stack, the tests' private clusters, the failover lab).
ETCD_BIN_DIR="$CACHE_DIR/go-bin/etcd-$ETCD_VERSION"
export GATEWAY_ETCD_BIN="$ETCD_BIN_DIR/etcd"
NODE_BIN="$ROOT/node_modules/.bin"
export PATH="$NODE_BIN:$ETCD_BIN_DIR:$PATH"

say() { printf '\033[1m[%s]\033[0m %s\n' "${SCRIPT_NAME:-gateway}" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# pid_alive NAME -> 0 if the pid recorded for NAME is a live process.
pid_alive() {
  local f="$RUN_DIR/pids/$1.pid"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

# port_listening PORT -> 0 if something accepts TCP connections on 127.0.0.1:PORT.
port_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ports_free_for NAME PORT... -> dies if NAME is not ours-and-running but one of its ports
# is taken: another stack (a second clone, a CI run) or a foreign service holds it, and
# starting anyway would join or fight that service (an etcd member joins foreign peers).
ports_free_for() {
  local name="$1" port; shift
  if pid_alive "$name"; then return 0; fi
  for port in "$@"; do
    port_listening "$port" && die "port $port, needed by $name, is in use by a process this stack did not start (another clone's stack? run 'scripts/stack status' there, or 'ss -ltnp | grep :$port'); stop it first"
  done
  return 0
}

# start_bg NAME CMD... -> starts CMD in its own session, logs to RUN_DIR/logs/NAME.log,
# records its pid. Does nothing if NAME is already running.
start_bg() {
  local name="$1"; shift
  mkdir -p "$RUN_DIR/pids" "$RUN_DIR/logs"
  if pid_alive "$name"; then return 0; fi
  setsid "$@" >>"$RUN_DIR/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/pids/$name.pid"
}

# stop_pid NAME... -> SIGTERM every recorded pid at once (a Kafka broker whose peers are
# already gone cannot finish a controlled shutdown), wait up to 20 s for all, then SIGKILL
# what is left. Only ever signals pids this script recorded, never a name pattern.
stop_pid() {
  local name pid i live=()
  for name in "$@"; do
    [ -f "$RUN_DIR/pids/$name.pid" ] || continue
    pid="$(cat "$RUN_DIR/pids/$name.pid")"
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; live+=("$name:$pid"); fi
  done
  for i in $(seq 1 200); do
    local still=()
    for entry in "${live[@]}"; do kill -0 "${entry#*:}" 2>/dev/null && still+=("$entry"); done
    live=("${still[@]}")
    [ ${#live[@]} -eq 0 ] && break
    sleep 0.1
  done
  for entry in "${live[@]}"; do
    say "${entry%%:*} did not stop in 20 s; sending SIGKILL to ${entry#*:}"
    kill -KILL "${entry#*:}" 2>/dev/null || true
  done
  for name in "$@"; do rm -f "$RUN_DIR/pids/$name.pid"; done
}

# wait_for LABEL SECONDS CMD... -> retries CMD until it succeeds or time runs out.
wait_for() {
  local label="$1" secs="$2"; shift 2
  local deadline=$(( $(date +%s) + secs ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      say "$label not healthy after ${secs}s"; return 1
    fi
    sleep 0.5
  done
}

# rpc_ok URL BODY [USER:PASS] -> 0 if a JSON-RPC call answers with a result.
rpc_ok() {
  local url="$1" body="$2" auth="${3:-}"
  local out
  if [ -n "$auth" ]; then
    out="$(curl -s -m 3 -u "$auth" -H 'content-type: application/json' -d "$body" "$url")" || return 1
  else
    out="$(curl -s -m 3 -H 'content-type: application/json' -d "$body" "$url")" || return 1
  fi
  case "$out" in *'"result"'*) ! printf '%s' "$out" | grep -q '"error":{' ;; *) return 1 ;; esac
}

# config_value FILE DOTTED.KEY -> prints one value of a config, defaults filled in as the gateway does.
config_value() {
  bun "$ROOT/scripts/config-value.ts" "$1" "$2"
}

# services_stopped SERVICE... -> prints those of the given services that are not running now.
services_stopped() {
  local s first
  for s in "$@"; do
    case "$s" in kafka) first=kafka-1 ;; etcd) first=etcd-1 ;; anvil) first=anvil ;; bitcoin) first=btcwallet ;; esac
    pid_alive "$first" || printf '%s ' "$s"
  done
}
