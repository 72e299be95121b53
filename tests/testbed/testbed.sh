#!/usr/bin/env bash
# A real Docker engine for the tests, isolated in its own network namespace.
#
#   testbed.sh up            start (idempotent); prints the environment the tests read
#   testbed.sh down          stop and remove everything (safe to run twice)
#   testbed.sh stop-engine   stop dockerd only (tests that restart the engine)
#   testbed.sh start-engine  start dockerd again in the existing namespace
#   testbed.sh env           print the environment of a running test bed
#
# TCPRELAY_TESTBED_NAME names the namespace, the cgroup parent and the state folder
# (default tcprelay-testbed), so that several test beds can run side by side.
#
# Why a namespace: dockerd adds bridges, routes and iptables rules. Inside its own network
# namespace none of that touches the host, and a test that talks to a container address runs in
# that namespace too. The host gets a guard route so that 198.18.0.0/15 never leaves the machine.
set -euo pipefail

NAME="${TCPRELAY_TESTBED_NAME:-tcprelay-testbed}"
STATE="${TCPRELAY_TESTBED_STATE:-/tmp/$NAME}"
NETNS_PATH="/run/netns/$NAME"
SOCKET="$STATE/docker.sock"
PIDFILE="$STATE/dockerd.pid"
ENVFILE="$STATE/env"
IMAGE="tcprelay-test/busybox:1"
CGROUP_PARENT="/$NAME"

log() { printf 'testbed: %s\n' "$*" >&2; }

need_root() {
    if [[ $(id -u) -ne 0 ]]; then
        log "must run as root (network namespaces, dockerd)"
        exit 1
    fi
}

engine_pid() {
    [[ -f "$PIDFILE" ]] || return 1
    local pid
    pid=$(cat "$PIDFILE")
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

engine_ready() {
    curl -fsS --max-time 2 --unix-socket "$SOCKET" http://localhost/_ping >/dev/null 2>&1
}

docker_cli() { docker -H "unix://$SOCKET" "$@"; }

guard_route() {
    # Without this, a connection to a container address made from the host namespace would
    # follow the default route off the machine; with it the kernel refuses it locally.
    if ! ip route show | grep -q '^unreachable 198.18.0.0/15'; then
        ip route add unreachable 198.18.0.0/15
    fi
}

make_netns() {
    # `ip netns add` makes /run/netns a mount of its own the first time; note whether this run
    # did, so that `down` can take it away again once no namespace is left in it.
    if ! mountpoint -q /run/netns && [[ ! -e "$STATE/netns-mount-made" ]]; then
        touch "$STATE/netns-mount-made"
    fi
    if [[ ! -e "$NETNS_PATH" ]]; then
        ip netns add "$NAME"
    fi
    ip -n "$NAME" link set lo up
}

start_engine() {
    if engine_pid >/dev/null && engine_ready; then
        return 0
    fi
    mkdir -p "$STATE/data" "$STATE/exec"
    [[ -f "$STATE/daemon.json" ]] || echo '{}' >"$STATE/daemon.json"
    rm -f "$SOCKET" "$PIDFILE"
    # nsenter, not `ip netns exec`: the latter mounts a fresh /sys, which hides the cgroup v1
    # mounts dockerd needs. The private mount namespace keeps the overlay mounts out of the
    # host's view, and they vanish with dockerd.
    nsenter --net="$NETNS_PATH" unshare --mount --propagation slave \
        /usr/sbin/dockerd \
        --config-file "$STATE/daemon.json" \
        --data-root "$STATE/data" \
        --exec-root "$STATE/exec" \
        --pidfile "$PIDFILE" \
        -H "unix://$SOCKET" \
        --storage-driver overlay2 \
        --iptables=true --ip6tables=false --ipv6=false \
        --bip 198.18.0.1/24 \
        --default-address-pool base=198.19.0.0/16,size=24 \
        --exec-opt native.cgroupdriver=cgroupfs \
        --cgroup-parent "$CGROUP_PARENT" \
        --userland-proxy-path /usr/sbin/docker-proxy \
        >>"$STATE/dockerd.log" 2>&1 </dev/null &
    local i
    for ((i = 0; i < 300; i++)); do
        if engine_ready; then
            return 0
        fi
        sleep 0.1
    done
    log "dockerd did not answer on $SOCKET within 30 s; last log lines:"
    tail -n 20 "$STATE/dockerd.log" >&2 || true
    return 1
}

stop_engine() {
    local pid i
    if pid=$(engine_pid); then
        kill -TERM "$pid"
        for ((i = 0; i < 300; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "dockerd $pid did not stop within 30 s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
        fi
    fi
    rm -f "$PIDFILE"
}

import_image() {
    if docker_cli image inspect "$IMAGE" >/dev/null 2>&1; then
        return 0
    fi
    local root="$STATE/image"
    rm -rf "$root"
    mkdir -p "$root/bin" "$root/www"
    cp /bin/busybox "$root/bin/busybox"
    local tool
    for tool in sh httpd nc sleep cat; do
        ln -s busybox "$root/bin/$tool"
    done
    echo 'tcprelay test bed' >"$root/www/index.html"
    tar -C "$root" -cf - . | docker_cli import -c 'CMD ["/bin/sh"]' - "$IMAGE" >/dev/null
    rm -rf "$root"
}

write_env() {
    cat >"$ENVFILE" <<EOF
TCPRELAY_TESTBED_NAME=$NAME
TCPRELAY_TESTBED_NETNS=$NETNS_PATH
TCPRELAY_TESTBED_DOCKER_HOST=unix://$SOCKET
TCPRELAY_TESTBED_IMAGE=$IMAGE
EOF
    cat "$ENVFILE"
}

remove_cgroups() {
    # cgroupfs driver: one folder per controller (cgroup v1) or one in the unified tree (v2).
    local dir
    for dir in /sys/fs/cgroup/*"$CGROUP_PARENT" /sys/fs/cgroup"$CGROUP_PARENT"; do
        [[ -d "$dir" ]] || continue
        # Children first: rmdir only removes empty cgroups.
        find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
}

cmd_up() {
    need_root
    guard_route
    mkdir -p "$STATE"
    make_netns
    start_engine
    import_image
    write_env
}

cmd_down() {
    need_root
    stop_engine
    if [[ -e "$NETNS_PATH" ]]; then
        ip netns del "$NAME" 2>/dev/null || true
    fi
    if [[ -e "$STATE/netns-mount-made" ]] && mountpoint -q /run/netns \
        && [[ -z "$(ls -A /run/netns 2>/dev/null)" ]]; then
        umount /run/netns 2>/dev/null || true
    fi
    remove_cgroups
    rm -rf "$STATE"
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    stop-engine) need_root; stop_engine ;;
    start-engine) need_root; start_engine ;;
    env) cat "$ENVFILE" ;;
    *)
        echo "usage: $0 up|down|stop-engine|start-engine|env" >&2
        exit 2
        ;;
esac
