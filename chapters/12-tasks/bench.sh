#!/usr/bin/env bash
# chapters/12-tasks/bench.sh BUILDDIR — run by `make bench CH=12`.
# Runs every workload of bench-tasks.c (C, this library, -O2) and of
# bench_asyncio.py (CPython's asyncio), each three times in a fresh process,
# keeps the best figure of each, and prints them side by side with the
# ratio CPython / C. CPython runs a tenth of the counts (its figures are per
# operation, so they carry over); see the header of each program.
set -eu
dir=${1:?usage: bench.sh BUILDDIR}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), Linux $(uname -r)"
echo "CPython: $(python3 --version 2>&1)"
echo "(best of 3 runs each; C counts: 1,000,000 tasks / switches / timers, 100,000 sleepers;"
echo " CPython counts a tenth of that)"
echo

for run in 1 2 3; do
    for w in spawn eager switch yield sleepers timers; do
        "$dir/bench-tasks" 1 "$w" >>"$tmp/c.txt"
    done
    python3 "$here/bench_asyncio.py" 10 >>"$tmp/py.txt"
done

# best KEY FILE: the smallest value of KEY over the runs
best() { awk -v k="$1" '$1 == k { if (!n++ || $2 < m) m = $2 } END { if (n) printf "%.2f", m; else printf "-" }' "$2"; }

row() { # LABEL KEY UNIT TARGET
    local c py ratio
    c=$(best "$2" "$tmp/c.txt")
    py=$(best "$2" "$tmp/py.txt")
    ratio=$(awk -v c="$c" -v p="$py" 'BEGIN { if (c > 0 && p > 0) printf "%.1fx", p / c; else printf "-" }')
    printf "%-34s %12s %12s %9s   %s\n" "$1" "$c $3" "$py $3" "$ratio" "$4"
}

printf "%-34s %12s %12s %9s   %s\n" "workload" "C" "CPython" "CPy/C" "target"
row "spawn + await a task (warm)"        spawn_ns_per_task       ns    ">= 50x"
row "spawn + await a task (cold memory)" spawn_cold_ns_per_task  ns    ""
row "spawn + await, eager task factory"  spawn_eager_ns_per_task ns    "(CPython 3.12+)"
row "switch through a future"            switch_ns_per_switch    ns    ">= 100x"
row "switch through a bare yield"        yield_ns_per_switch     ns    ""
row "sleeping task, heap bytes"          sleepers_bytes_per_task B     "<= 200 B (C)"
row "sleeping task, create + run"        sleepers_ns_per_task    ns    ""
row "timer, call_later + fire"           timers_ns_per_timer     ns    ""

# The await path against the bare step: what awaiting a future adds to a
# task switch (a future made and freed, set_result, its callback item, the
# wakeup, two sends through the delegation chain).
ratio_of() { # FILE: switch / yield, from the best figures in FILE
    awk -v s="$(best switch_ns_per_switch "$1")" -v y="$(best yield_ns_per_switch "$1")" \
        'BEGIN { if (s > 0 && y > 0) printf "%.2fx", s / y; else printf "-" }'
}
printf "%-34s %12s %12s %9s   %s\n" "await path: future / bare yield" \
    "$(ratio_of "$tmp/c.txt")" "$(ratio_of "$tmp/py.txt")" "" "<= 2x (C)"
echo
echo "objects made (asy_obj_allocations):"
printf "  per spawned task:            %s  (the task and its coroutine)\n" "$(best spawn_objects_per_task "$tmp/c.txt")"
printf "  per switch through a future: %s  (the future awaited; the task step itself makes none)\n" "$(best switch_objects_per_switch "$tmp/c.txt")"
printf "  per step of a bare yield:    %s\n" "$(best yield_objects_per_switch "$tmp/c.txt")"
