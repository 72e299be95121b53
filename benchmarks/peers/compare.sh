#!/usr/bin/env bash
# Compares tcprelay with other TCP relays on loopback, one after another in one run, with the same
# backends and load generators: iperf3 for bulk throughput, wrk for requests over kept-alive
# connections and with `Connection: close` for new connections, and a Python client that holds
# idle connections for memory per connection. Prints a markdown table of medians with ratios to
# a direct connection.
#
# Usage: benchmarks/peers/compare.sh [--short] [--peers a,b,...] [--out FILE]
#   --short        CI mode: 1 repetition, 2 s per load run, 1,000 idle connections (~2-3 min)
#   --peers LIST   subset of: direct tcprelay socat haproxy haproxy-splice nginx docker-proxy rinetd pen
#   --out FILE     also write the table (with its header) to FILE, and the raw figures to FILE
#                  with .tsv for .md (benchmarks/peers/summarize.py FILE.tsv prints the tables)
# Environment: REPEATS, DURATION (s), IDLE_CONNECTIONS, IDLE_TIMEOUT (s to open them) and
#   WRK_CONNECTIONS override the mode's values; TCPRELAY_BIN uses an existing tcprelay executable
#   instead of building a Release one.
#
# Exits non-zero only when a benchmark cannot run (a tool is missing, a backend or relay does not
# start, or tcprelay fails to relay); slow numbers never fail it.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

mode=full
peers="direct tcprelay socat haproxy haproxy-splice nginx docker-proxy rinetd pen"
out=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --short) mode=short ;;
        --peers) peers="${2//,/ }"; shift ;;
        --out) out="$2"; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
[[ "${BENCH_MODE:-}" == short ]] && mode=short

if [[ $mode == short ]]; then
    : "${REPEATS:=1}" "${DURATION:=2}" "${IDLE_CONNECTIONS:=1000}"
else
    : "${REPEATS:=3}" "${DURATION:=3}" "${IDLE_CONNECTIONS:=9000}"
fi
: "${WRK_CONNECTIONS:=32}" "${IDLE_TIMEOUT:=45}"

# Fixed loopback ports, below Linux's ephemeral range (32768-60999): a listener inside it can find
# its port taken by an outgoing connection of an earlier test. Backends: 31001 iperf3, 31002 HTTP
# (nginx), 31003 idle holder. Each relay gets its own three listen ports (31010 + 10 * index + 1..3)
# so that TIME_WAIT sockets left by one relay never stop the next one from binding.
host=127.0.0.1
port_base=31000
iperf_port=$((port_base + 1))
http_port=$((port_base + 2))
idle_port=$((port_base + 3))

# A relay holds two descriptors per connection: 9,000 idle connections need 18,000.
ulimit -n "$(ulimit -Hn)"

work="$(mktemp -d /tmp/tcprelay-peers.XXXXXX)"
results="$work/results.tsv"
: >"$results"
started_pids=()
failed=0

# descendants PID: "pid:start-time" of every descendant, so that a PID reused after the process
# ended is never signalled.
descendants() {
    local child
    for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        echo "$child:$(ps -o lstart= -p "$child" 2>/dev/null | tr -d ' ')"
        descendants "$child"
    done
}

stop_pid() {
    local pid="$1" tree i entry kept=()
    for entry in "${started_pids[@]}"; do [[ $entry == "$pid" ]] || kept+=("$entry"); done
    started_pids=("${kept[@]}")
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    tree="$(descendants "$pid")"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # Children that outlive their parent (socat's per-connection forks), by their own PIDs.
    for entry in $tree; do
        if [[ "${entry#*:}" == "$(ps -o lstart= -p "${entry%%:*}" 2>/dev/null | tr -d ' ')" ]]; then
            kill -KILL "${entry%%:*}" 2>/dev/null || true
        fi
    done
}

cleanup() {
    local pid
    for pid in "${started_pids[@]}"; do stop_pid "$pid"; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_bg NAME COMMAND...: runs COMMAND in the background, logging to $work/NAME.log; sets bg_pid.
start_bg() {
    local name="$1"
    shift
    "$@" >"$work/$name.log" 2>&1 &
    bg_pid=$!
    started_pids+=("$bg_pid")
}

port_taken() { [[ -n "$(ss -Hltn "sport = :$1")" ]]; }

# A port someone else already listens on would make a relay that failed to bind look started.
ensure_free() {
    local port
    for port in "$@"; do
        if port_taken "$port"; then
            echo "compare.sh: 127.0.0.1:$port is already in use: $(ss -Hltnp "sport = :$port")" >&2
            return 1
        fi
    done
}

wait_listen() {
    local port="$1" pid="$2" i
    for ((i = 0; i < 100; i++)); do
        port_taken "$port" && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$results"; }
note() { record "$1" note 0 "$2"; }

require() {
    local tool
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null; then
            echo "compare.sh: $tool is not installed" >&2
            exit 1
        fi
    done
}

require iperf3 wrk nginx python3 ss ps timeout
for peer in $peers; do
    case "$peer" in
        direct|tcprelay) ;;
        haproxy|haproxy-splice) require haproxy ;;
        docker-proxy) require /usr/sbin/docker-proxy ;;
        socat|nginx|rinetd|pen) require "$peer" ;;
        *) echo "compare.sh: unknown peer $peer" >&2; exit 2 ;;
    esac
done

# ---- tcprelay: the executable, published as README.md installs it, in its socat-style form ----
# The executable as README.md's install steps publish it (ReadyToRun code, so its first seconds
# are not spent in the JIT), but as separate files beside the installed runtime.
release_publish() {
    local arch
    case "$(uname -m)" in x86_64) arch=x64 ;; aarch64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
    echo "Publishing $1 (Release, ReadyToRun, linux-$arch)..." >&2
    dotnet publish "$repo/$2" -c Release -r "linux-$arch" --self-contained false -nologo -v quiet \
        -o "$work/$1-bin" >"$work/$1-build.log" 2>&1 ||
        { cat "$work/$1-build.log" >&2; exit 1; }
}

# tcprelay_command LISTEN TARGET: the command line that relays LISTEN to TARGET on loopback.
tcprelay_command() {
    echo "$tcprelay_bin" "TCP-LISTEN:$1,bind=$host,fork,reuseaddr" "TCP:$host:$2"
}

tcprelay_bin="${TCPRELAY_BIN:-}"
if [[ " $peers " == *" tcprelay "* ]]; then
    if [[ -z "$tcprelay_bin" ]]; then
        release_publish tcprelay src/TcpRelay/TcpRelay.csproj
        tcprelay_bin="$work/tcprelay-bin/tcprelay"
    fi
fi

# ---- backends, started once and shared by every peer ----------------------------------------
ensure_free $(seq "$port_base" $((port_base + 99))) || exit 1
mkdir -p "$work/www"
printf 'tcprelay benchmark: a small static response body.\n' >"$work/www/index.html"
body_size="$(stat -c %s "$work/www/index.html")"
cat >"$work/backend-nginx.conf" <<EOF
user root;
worker_processes 1;
daemon off;
pid $work/backend-nginx.pid;
error_log $work/backend-nginx.error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    server {
        listen $host:$http_port backlog=4096 reuseport;
        root $work/www;
    }
}
EOF
start_bg backend-nginx nginx -e "$work/backend-nginx.error.log" -c "$work/backend-nginx.conf" -p "$work"
wait_listen "$http_port" "$bg_pid" || { echo "backend nginx did not start" >&2; exit 1; }
start_bg backend-iperf3 iperf3 -s -B "$host" -p "$iperf_port"
wait_listen "$iperf_port" "$bg_pid" || { echo "backend iperf3 did not start" >&2; exit 1; }

# ---- peers ------------------------------------------------------------------------------------
# start_peer PEER LISTEN_PORT TARGET_PORT: starts the relay; sets relay_pid (empty for direct).
start_peer() {
    local peer="$1" listen="$2" target="$3" conf="$work/$1-$2"
    relay_pid=""
    case "$peer" in
        direct) return 0 ;;
        tcprelay)
            # shellcheck disable=SC2046 # the command's words are paths and addresses only
            start_bg "$peer-$listen" $(tcprelay_command "$listen" "$target") ;;
        socat)
            # socat's listen backlog stays at its default of 5, as users run it.
            start_bg "$peer-$listen" socat "TCP-LISTEN:$listen,bind=$host,fork,reuseaddr" \
                "TCP:$host:$target" ;;
        haproxy|haproxy-splice)
            {
                # HAProxy reserves two descriptors per connection (plus two per splice pipe)
                # and refuses to start if that exceeds the open-files limit of 20,000.
                echo "global"
                echo "    maxconn 9500"
                echo "    maxpipes 400"
                echo "defaults"
                echo "    mode tcp"
                echo "    maxconn 9500"
                echo "    timeout connect 5s"
                echo "    timeout client 1h"
                echo "    timeout server 1h"
                [[ $peer == haproxy-splice ]] && echo "    option splice-auto"
                echo "listen relay"
                echo "    bind $host:$listen"
                echo "    server backend $host:$target"
            } >"$conf.cfg"
            start_bg "$peer-$listen" haproxy -db -f "$conf.cfg" ;;
        nginx)
            cat >"$conf.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_stream_module.so;
user root;
worker_processes auto;
worker_rlimit_nofile 20000;
daemon off;
pid $conf.pid;
error_log $conf.error.log warn;
events { worker_connections 20000; }
stream {
    server {
        listen $host:$listen backlog=4096;
        proxy_pass $host:$target;
        proxy_timeout 1h;
    }
}
EOF
            start_bg "$peer-$listen" nginx -e "$conf.error.log" -c "$conf.conf" -p "$work" ;;
        docker-proxy)
            # docker-proxy reports readiness on file descriptor 3 and exits without it.
            start_bg "$peer-$listen" bash -c 'exec 3>"$1"; shift; exec "$@"' _ "$conf.status" \
                /usr/sbin/docker-proxy -proto tcp -host-ip "$host" -host-port "$listen" \
                -container-ip "$host" -container-port "$target" ;;
        rinetd)
            printf '%s %s %s %s\n' "$host" "$listen" "$host" "$target" >"$conf.conf"
            start_bg "$peer-$listen" rinetd -f -c "$conf.conf" ;;
        pen)
            start_bg "$peer-$listen" pen -f -r -x 20000 -c 20000 "$host:$listen" "$host:$target" ;;
    esac
    relay_pid="$bg_pid"
    if ! wait_listen "$listen" "$relay_pid"; then
        echo "$peer did not start listening on $listen; its log:" >&2
        cat "$work/$peer-$listen.log" >&2 || true
        stop_pid "$relay_pid"
        return 1
    fi
}

# A measurement that errors leaves its cell empty; for tcprelay (and direct) that is a failure.
measurement_failed() {
    local peer="$1" what="$2"
    note "$peer" "$what failed in at least one repetition"
    echo "  $peer: $what failed" >&2
    if [[ $peer == tcprelay || $peer == direct ]]; then failed=1; fi
}

run_bulk() {
    local peer="$1" rep="$2" port="$3" streams metric gbps
    for streams in 1 8; do
        metric=bulk$streams
        sleep 0.3 # let iperf3's server finish the previous test
        if timeout $((DURATION + 15)) iperf3 -c "$host" -p "$port" -t "$DURATION" -P "$streams" -J \
            >"$work/iperf.json" 2>&1 &&
            gbps="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(d["end"]["sum_received"]["bits_per_second"] / 1e9)' "$work/iperf.json" 2>/dev/null)"; then
            record "$peer" "$metric" "$rep" "$gbps"
        else
            measurement_failed "$peer" "iperf3 with $streams stream(s)"
        fi
    done
}

# wrk_value FILE KEY: Requests/sec, or the 99th percentile latency in ms.
wrk_value() {
    python3 - "$1" "$2" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
if re.search(r"^\s*0 requests in", text, re.M):
    sys.exit("no request completed")
if sys.argv[2] == "rps":
    print(float(re.search(r"Requests/sec:\s*([\d.]+)", text).group(1)))
else:
    value, unit = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
    print(float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit])
EOF
}

wrk_errors() {
    grep -E 'Socket errors|Non-2xx' "$1" | tr -s ' ' | paste -sd ';' - || true
}

# wrk_run PEER WHAT WRK-ARGS...: one wrk run; its output stays in $work/wrk.txt. Errors that wrk
# counted become a note; a run in which no request completed counts as failed.
wrk_run() {
    local peer="$1" what="$2" errors
    shift 2
    if timeout $((DURATION + 15)) wrk -t1 -c"$WRK_CONNECTIONS" -d"${DURATION}s" "$@" \
        >"$work/wrk.txt" 2>&1 && wrk_value "$work/wrk.txt" rps >/dev/null 2>&1; then
        errors="$(wrk_errors "$work/wrk.txt")"
        if [[ -n $errors ]]; then note "$peer" "$what: $errors"; fi
        return 0
    fi
    measurement_failed "$peer" "wrk $what"
    return 1
}

run_http() {
    local peer="$1" rep="$2" url="http://$host:$3/index.html"
    if wrk_run "$peer" kept-alive --latency "$url"; then
        record "$peer" ka_rps "$rep" "$(wrk_value "$work/wrk.txt" rps)"
        record "$peer" ka_p99_ms "$rep" "$(wrk_value "$work/wrk.txt" p99)"
    fi
    sleep 0.3
    if wrk_run "$peer" "new connections" -H 'Connection: close' "$url"; then
        record "$peer" close_cps "$rep" "$(wrk_value "$work/wrk.txt" rps)"
    fi
}

run_idle() {
    local peer="$1" rep="$2" port="$3" pid="$4" json kib count wanted="$IDLE_CONNECTIONS" most
    if [[ $peer == docker-proxy ]]; then
        # docker-proxy keeps six descriptors per idle connection: the two sockets and, for each
        # direction, the two ends of the pipe its splice waits with. Ask for what fits the
        # open-files limit, rounded down to hundreds.
        most=$(( ( ($(ulimit -Hn) - 500) / 6) / 100 * 100 ))
        if ((wanted > most)); then
            wanted=$most
            note "$peer" "held $wanted idle connections, not $IDLE_CONNECTIONS: it keeps 6 descriptors per connection (a splice pipe per direction) and the open-files limit is $(ulimit -Hn)"
        fi
    fi
    if json="$(timeout 150 python3 "$here/idle_hold.py" --pid "$pid" --relay-port "$port" \
        --backend-port "$idle_port" --connections "$wanted" --timeout "$IDLE_TIMEOUT" \
        2>"$work/idle.err")"; then
        echo "  idle: $json" >&2
        read -r kib count alive < <(python3 -c 'import json,sys; r=json.loads(sys.argv[1])
print(r["kib_per_connection"], r["connections"], r["relay_alive"])' "$json")
        if [[ $alive != True ]]; then
            note "$peer" "exited after $count idle connections: $(tail -n1 "$work/$peer-$port.log" |
                sed -E 's/^[0-9/]+ [0-9:]+ //')"
        else
            record "$peer" idle_kib "$rep" "$kib"
            if [[ $count -lt $wanted ]]; then
                note "$peer" "held only $count of $wanted idle connections within $IDLE_TIMEOUT s"
            fi
        fi
    else
        cat "$work/idle.err" >&2 || true
        measurement_failed "$peer" "idle connections"
    fi
}

# ---- the run: repetitions outside, peers inside, so drift on the shared machine hits all alike --
index_of() {
    local i=0 p
    for p in $peers; do
        [[ $p == "$1" ]] && { echo "$i"; return; }
        i=$((i + 1))
    done
}

begin=$SECONDS
# CPU time the hypervisor gave to others while this machine's processors had work (steal, in
# /proc/stat): on a virtual machine whose host is busy, every rate of the run is lower and noisier.
cpu_steal_total() { awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; print $9, t }' /proc/stat; }
read -r steal_begin total_begin < <(cpu_steal_total)
# rotation REP: the relays in the order of repetition REP, each repetition starting one further
# along, so that no relay always runs at the same point of a repetition.
rotation() {
    local -a list
    read -ra list <<<"$peers"
    local n=${#list[@]} i
    for ((i = 0; i < n; i++)); do echo "${list[$(((i + $1 - 1) % n))]}"; done
}

for ((rep = 1; rep <= REPEATS; rep++)); do
    for peer in $(rotation "$rep"); do
        echo "repetition $rep/$REPEATS: $peer" >&2
        base=$((port_base + 10 + 10 * $(index_of "$peer")))
        if [[ $peer == direct ]]; then
            run_bulk direct "$rep" "$iperf_port"
            run_http direct "$rep" "$http_port"
            continue
        fi
        if start_peer "$peer" $((base + 1)) "$iperf_port"; then
            run_bulk "$peer" "$rep" $((base + 1))
            stop_pid "$relay_pid"
        else
            note "$peer" "did not start"; failed=1; continue
        fi
        if start_peer "$peer" $((base + 2)) "$http_port"; then
            run_http "$peer" "$rep" $((base + 2))
            stop_pid "$relay_pid"
        else
            note "$peer" "did not start"; failed=1; continue
        fi
        if start_peer "$peer" $((base + 3)) "$idle_port"; then
            run_idle "$peer" "$rep" $((base + 3)) "$relay_pid"
            stop_pid "$relay_pid"
        else
            note "$peer" "did not start"; failed=1
        fi
    done
done

{
    tcprelay_how=""
    if [[ " $peers " == *" tcprelay "* ]]; then
        tcprelay_how="tcprelay: published Release build (ReadyToRun), socat-style command line."
    fi
    cat <<EOF
### Relays compared on loopback ($mode mode, $(date -u '+%Y-%m-%d %H:%M UTC'))

Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), \
$(free -g | awk '/Mem:/ {print $2}') GiB, Linux $(uname -r).
The $(nproc) cores are shared by the load generator, the relay and the backend, so every number
includes their contention. Medians of $REPEATS repetition(s); in parentheses the ratio to
direct (for p99, above 1 is slower). Bulk: iperf3 -t $DURATION. Requests: wrk -t1
-c$WRK_CONNECTIONS -d${DURATION}s against nginx serving a $body_size-byte file; new conn/s
with 'Connection: close'. Idle: $IDLE_CONNECTIONS connections, each after one 15-byte echo;
relay memory growth per connection (VmRSS; PSS summed over the processes for relays that fork).
socat keeps its default listen backlog of 5. $tcprelay_how

EOF
    python3 "$here/summarize.py" "$results"
    echo
    read -r steal_end total_end < <(cpu_steal_total)
    echo "Run time: $((SECONDS - begin)) s. CPU time stolen by the hypervisor during the run:" \
        "$(awk -v s=$((steal_end - steal_begin)) -v t=$((total_end - total_begin)) \
            'BEGIN { printf "%.1f%%", (t > 0 ? 100 * s / t : 0) }') (above 1 or 2%, compare ratios" \
        "with care: the host was busy)."
} >"$work/table.md"
cat "$work/table.md"
if [[ -n $out ]]; then
    cp "$work/table.md" "$out"
    # The raw figures, one per relay, column and repetition: summarize.py reads them again.
    cp "$results" "${out%.md}.tsv"
fi
exit "$failed"
