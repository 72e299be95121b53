#!/usr/bin/env bash
# Runs HAProxy as a plain TCP relay from LISTEN to TARGET (host:port each), configured as the peer
# comparison configures it, so that cost.sh can measure it as it measures tcprelay:
#   benchmarks/peers/cost.sh -- benchmarks/peers/haproxy-relay.sh
# HAPROXY_OPTIONS adds a line to "defaults" (e.g. "option splice-auto"). HAProxy replaces this
# script's process (cost.sh reads the CPU time of the PID it started) and reads its
# configuration from standard input.
set -euo pipefail
if [[ $# -ne 2 ]]; then
    echo "usage: haproxy-relay.sh LISTEN TARGET" >&2
    exit 2
fi
exec haproxy -db -f /dev/stdin <<EOF_CONFIG
global
    maxconn 9500
defaults
    mode tcp
    maxconn 9500
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    ${HAPROXY_OPTIONS:-}
listen relay
    bind $1
    server backend $2
EOF_CONFIG
