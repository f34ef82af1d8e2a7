#!/usr/bin/env bash
# chapters/27-streams/bench.sh BUILDDIR - run by `make bench CH=27`.
# An echo load on 127.0.0.1: CONNS connections, each with one 64-byte
# message in flight (send, wait for the echo, send the next), for SECONDS,
# against four servers in turn: a minimal epoll server in plain C (the
# floor: bench-epoll.c), this library's protocol server (bench-protocol.c)
# and streams server (bench-streams.c), and CPython's asyncio streams
# server (bench_streams.py). The load generator (bench-load.c) is the same
# C program for all four. Each server runs RUNS times; the best run counts.
# Prints messages per second and the fraction of the floor. Client and
# server share the machine's cores, so the numbers are relative, not
# absolute: read the fractions.
set -eu
dir=${1:?usage: bench.sh BUILDDIR}
here=$(dirname "$0")
CONNS=${CONNS:-100}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-2}
RUNS=${RUNS:-3}
tmp=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# run NAME CMD...: start the server, read its port, load it, stop it.
run() {
    local name=$1
    shift
    rm -f "$tmp/port" # else the wait below may read the last server's port
    "$@" >"$tmp/port" 2>"$tmp/err" &
    server_pid=$!
    for _ in $(seq 100); do [ -s "$tmp/port" ] && grep -q . "$tmp/port" && break; sleep 0.05; done
    local port
    port=$(head -1 "$tmp/port")
    "$dir/bench-load" "$port" "$CONNS" "$SECONDS_PER_RUN" | awk -v n="$name" '{ print n, $2 }' >>"$tmp/results"
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
}

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), Linux $(uname -r)"
echo "CPython: $(python3 --version 2>&1)"
echo "($CONNS connections, one 64-byte message in flight on each, ${SECONDS_PER_RUN} s per run, best of $RUNS runs)"
echo
for _ in $(seq "$RUNS"); do
    run epoll "$dir/bench-epoll"
    run protocol "$dir/bench-protocol"
    run streams "$dir/bench-streams"
    if command -v python3 >/dev/null; then run cpython-streams python3 "$here/bench_streams.py"; fi
done

best() { awk -v k="$1" '$1 == k && $2 > m { m = $2 } END { printf "%.0f", m }' "$tmp/results"; }
floor=$(best epoll)
printf "%-22s %12s %10s\n" "server" "msgs/s" "of floor"
for s in epoll protocol streams cpython-streams; do
    v=$(best "$s")
    printf "%-22s %12s %10s\n" "$s" "$v" "$(awk -v v="$v" -v f="$floor" 'BEGIN { printf "%.2f", (f > 0 ? v / f : 0) }')"
done
