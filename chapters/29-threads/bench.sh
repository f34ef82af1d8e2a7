#!/usr/bin/env bash
# chapters/29-threads/bench.sh BUILDDIR — run by `make bench CH=29`.
# Runs bench-threads.c (C, this library, -O2) and bench_threads.py
# (CPython's asyncio), three times each in a fresh process, keeps the best
# (smallest) figure of each, and prints them side by side with the ratio
# CPython / C. Both are per operation: the counts differ (CPython runs a
# tenth of the to_thread round trips) without changing the meaning.
set -eu
dir=${1:?usage: bench.sh BUILDDIR}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), Linux $(uname -r)"
echo "CPython: $(python3 --version 2>&1)"
echo "(best of 3 runs each; C: 20,000 to_thread round trips, CPython 2,000; 2,000 wakeups each)"
echo

for run in 1 2 3; do
    "$dir/bench-threads" 20000 2000 >>"$tmp/c.txt"
    python3 "$here/bench_threads.py" 2000 2000 >>"$tmp/py.txt"
done

best() { awk -v k="$1" '$1 == k { if (!n++ || $2 < m) m = $2 } END { if (n) printf "%.0f", m; else printf "-" }' "$2"; }

row() { # LABEL KEY UNIT TARGET
    local c py ratio
    c=$(best "$2" "$tmp/c.txt")
    py=$(best "$2" "$tmp/py.txt")
    ratio=$(awk -v c="$c" -v p="$py" 'BEGIN { if (c > 0 && p > 0) printf "%.1fx", p / c; else printf "-" }')
    printf "%-44s %12s %12s %9s   %s\n" "$1" "$c $3" "$py $3" "$ratio" "$4"
}

printf "%-44s %12s %12s %9s   %s\n" "workload" "C" "CPython" "CPy/C" "target"
row "to_thread round trip (empty function)"      to_thread_ns ns ">= 5x"
row "call_soon_threadsafe wakeup (median)"       wakeup_ns    ns ">= 5x"
row "floor: 2 threads' cond-var ping-pong (C only)" pingpong_ns ns "(2 wakeups, no library)"
