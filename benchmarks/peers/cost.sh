#!/usr/bin/env bash
# What one relayed request, connection or megabyte costs the relay, in figures that a busy machine
# does not distort much: the relay process's CPU time (user + system, from /proc/PID/stat) divided
# by the work wrk or iperf3 got through, and system calls counted with `strace -c` over a bounded
# run. Wall-clock rates move with the load of the machine; these move far less.
#
# Usage: benchmarks/peers/cost.sh [--no-strace] [-- RELAY COMMAND...]
#   Without a command, runs the benchmarks' in-process relay host (Release build) as the relay.
#   The relay command gets LISTEN and TARGET appended: "127.0.0.1:PORT 127.0.0.1:PORT".
# Environment: DURATION (s per wrk run, default 5), BULK_MB (default 2000), IDLE (idle connections
#   for memory, default 2000), SAMPLES (wrk runs per measurement, median kept; default 3), PARTS
#   (what to measure, default "requests bulk idle"; "scheduling" adds cores' idle time and
#   context switches per request).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
use_strace=1
relay_cmd=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --no-strace) use_strace=0 ;;
        --) shift; relay_cmd=("$@"); break ;;
        *) echo "cost.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
if [[ ${#relay_cmd[@]} -eq 0 ]]; then
    relay_cmd=("$repo/benchmarks/TcpRelay.Benchmarks/bin/Release/net10.0/TcpRelay.Benchmarks" host)
fi
: "${DURATION:=5}" "${BULK_MB:=2000}" "${IDLE:=2000}" "${SAMPLES:=3}" "${PARTS:=requests bulk idle}"
ulimit -n "$(ulimit -Hn)"

host=127.0.0.1
http_port=31601
iperf_port=31602
idle_port=31603
relay_port=31611
work="$(mktemp -d /tmp/tcprelay-cost.XXXXXX)"
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

wait_listen() {
    local i
    for i in $(seq 100); do
        ss -Hltn "sport = :$1" | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

mkdir -p "$work/www"
printf 'tcprelay benchmark: a small static response body.\n' >"$work/www/index.html"
cat >"$work/nginx.conf" <<EOF
user root;
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    server { listen $host:$http_port backlog=4096 reuseport; root $work/www; }
}
EOF
nginx -e "$work/nginx.error.log" -c "$work/nginx.conf" -p "$work" &
pids+=($!)
iperf3 -s -B "$host" -p "$iperf_port" >/dev/null 2>&1 &
pids+=($!)
wait_listen "$http_port" && wait_listen "$iperf_port" || { echo "backends did not start" >&2; exit 1; }

# cpu_ticks PID: user + system clock ticks of the process so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
tick_us=$((1000000 / $(getconf CLK_TCK)))

start_relay() {
    "${relay_cmd[@]}" "$host:$relay_port" "$host:$1" >"$work/relay.log" 2>&1 &
    relay_pid=$!
    pids+=("$relay_pid")
    wait_listen "$relay_port" || { echo "relay did not start" >&2; cat "$work/relay.log" >&2; exit 1; }
}

stop_relay() {
    kill -TERM "$relay_pid" 2>/dev/null || true
    wait "$relay_pid" 2>/dev/null || true
    sleep 0.5
}

# wrk_requests ARGS...: runs wrk through the relay; prints the number of requests completed.
wrk_requests() {
    wrk -t1 -c32 "$@" "http://$host:$relay_port/" 2>/dev/null \
        | awk '/requests in/ { print $1 }'
}

# per_request LABEL WRK_ARGS...: CPU microseconds of the relay per request (median of SAMPLES).
per_request() {
    local label="$1" s before after n values=()
    shift
    wrk_requests -d2s "$@" >/dev/null # warm-up: JIT and tiering
    for s in $(seq "$SAMPLES"); do
        before=$(cpu_ticks "$relay_pid")
        n=$(wrk_requests -d"${DURATION}s" "$@")
        after=$(cpu_ticks "$relay_pid")
        values+=("$(awk -v t=$((after - before)) -v n="$n" -v u="$tick_us" 'BEGIN { printf "%.1f", t * u / n }')")
    done
    printf '%s\tCPU us/request\t%s\t(samples: %s)\n' "$label" \
        "$(printf '%s\n' "${values[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')" \
        "${values[*]}"
}

# syscalls LABEL WRK_ARGS...: system calls of the relay per request, counted over a 3 s wrk run.
syscalls() {
    local label="$1" n
    shift
    strace -c -f -q -o "$work/strace.txt" -p "$relay_pid" &
    local strace_pid=$!
    sleep 1
    n=$(wrk_requests -d3s "$@")
    kill -INT "$strace_pid"
    wait "$strace_pid" 2>/dev/null || true
    awk -v n="$n" -v label="$label" '
        $NF == "total" { total = $4 }
        $1 ~ /^[0-9.]+$/ && $NF != "total" { calls[$NF] = $4 }
        END {
            printf "%s\tsyscalls/request\t%.1f\t(%d requests)\n", label, total / n, n
            for (c in calls) if (calls[c] / n >= 0.05) printf "  %s %.2f\n", c, calls[c] / n
        }' "$work/strace.txt" | sort -k2 -g -r
}

# scheduling LABEL WRK_ARGS...: what a wrk run does to the machine's scheduling: requests per
# second, the share of time both cores sat idle, and context switches per request (machine-wide,
# and the relay's own threads). A relay that sleeps and wakes for every event leaves cores idle
# while its peers wait for it.
scheduling() {
    local label="$1" out n cs0 cs1 idle0 idle1 all0 all1 own0 own1
    shift
    wrk_requests -d2s "$@" >/dev/null
    read -r idle0 all0 < <(awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print $5, t }' /proc/stat)
    cs0=$(awk '/^ctxt/ { print $2 }' /proc/stat)
    own0=$(cat /proc/"$relay_pid"/task/*/status | awk '/ctxt_switches/ { s += $2 } END { print s }')
    n=$(wrk_requests -d"${DURATION}s" "$@")
    read -r idle1 all1 < <(awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print $5, t }' /proc/stat)
    cs1=$(awk '/^ctxt/ { print $2 }' /proc/stat)
    own1=$(cat /proc/"$relay_pid"/task/*/status | awk '/ctxt_switches/ { s += $2 } END { print s }')
    awk -v l="$label" -v n="$n" -v d="$DURATION" -v i=$((idle1 - idle0)) -v a=$((all1 - all0)) \
        -v cs=$((cs1 - cs0)) -v own=$((own1 - own0)) 'BEGIN {
            printf "%s\tscheduling\t%.0f requests/s, cores idle %.1f%%, context switches per request %.2f (relay %.2f)\n",
                l, n / d, 100 * i / a, cs / n, own / n }'
}

has_part() { [[ " $PARTS " == *" $1 "* ]]; }

if has_part requests; then
start_relay "$http_port"
per_request kept-alive
per_request new-conn -H 'Connection: close'
if [[ $use_strace == 1 ]]; then
    syscalls kept-alive
    syscalls new-conn -H 'Connection: close'
fi
stop_relay
fi

if has_part scheduling; then
start_relay "$http_port"
scheduling kept-alive
scheduling new-conn -H 'Connection: close'
stop_relay
fi

if has_part bulk; then
start_relay "$iperf_port"
values=()
for s in $(seq "$SAMPLES"); do
    before=$(cpu_ticks "$relay_pid")
    iperf3 -c "$host" -p "$relay_port" -n "${BULK_MB}M" >/dev/null
    after=$(cpu_ticks "$relay_pid")
    values+=("$(awk -v t=$((after - before)) -v u="$tick_us" -v mb="$BULK_MB" \
        'BEGIN { printf "%.0f", t * u / 1000 / (mb / 1000) }')")
done
printf 'bulk\tCPU ms/GB\t%s\t(samples: %s)\n' \
    "$(printf '%s\n' "${values[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')" \
    "${values[*]}"
stop_relay
fi

if has_part idle; then
start_relay "$idle_port"
python3 "$here/idle_hold.py" --pid "$relay_pid" --relay-port "$relay_port" --backend-port "$idle_port" \
    --connections "$IDLE" --timeout 60 | sed 's/^/idle\t/'
stop_relay
fi
