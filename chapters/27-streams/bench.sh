#!/usr/bin/env bash
# chapters/27-streams/bench.sh BUILDDIR - run by `make bench CH=27`.
# An echo load on 127.0.0.1: CONNS connections, each with one 64-byte
# message in flight (send, wait for the echo, send the next), for SECONDS,
# against four servers in turn: a minimal epoll server in plain C (the
# floor: bench-epoll.c), this library's protocol server (bench-protocol.c)
# and streams server (bench-streams.c), and CPython's asyncio streams
# server (bench_streams.py). The load generator (bench-load.c) is the same
# C program for all four. Each server runs RUNS times; the best run counts.
# Prints messages per second and the fraction of the floor (the best run),
# and the server's CPU time per message (user + system, from
# /proc/PID/stat; the lowest run). Client and server share the machine's
# cores, and other jobs may too: messages per second move with the load,
# CPU time per message much less.
set -eu
dir=${1:?usage: bench.sh BUILDDIR}
here=$(dirname "$0")
CONNS=${CONNS:-100}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-2}
RUNS=${RUNS:-3}
HZ=$(getconf CLK_TCK)
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
    "$dir/bench-load" "$port" "$CONNS" "$SECONDS_PER_RUN" >"$tmp/load"
    # the server's CPU time so far (user + system, in clock ticks)
    local ticks
    ticks=$(awk '{ print $14 + $15 }' "/proc/$server_pid/stat")
    awk -v n="$name" -v t="$ticks" -v hz="$HZ" '{ printf "%s %s %.2f\n", n, $2, t * 1e6 / hz / $1 }' "$tmp/load" >>"$tmp/results"
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
cpu() { awk -v k="$1" '$1 == k && (!n++ || $3 < m) { m = $3 } END { printf "%.1f", m }' "$tmp/results"; }
floor=$(best epoll)
floor_cpu=$(cpu epoll)
printf "%-18s %10s %9s %16s %9s\n" "server" "msgs/s" "of floor" "server CPU/msg" "of floor"
for s in epoll protocol streams cpython-streams; do
    v=$(best "$s")
    c=$(cpu "$s")
    printf "%-18s %10s %9s %13s us %9s\n" "$s" "$v" \
        "$(awk -v v="$v" -v f="$floor" 'BEGIN { printf "%.2f", (f > 0 ? v / f : 0) }')" "$c" \
        "$(awk -v c="$c" -v f="$floor_cpu" 'BEGIN { printf "%.2f", (c > 0 ? f / c : 0) }')"
done
