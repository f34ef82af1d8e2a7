#!/usr/bin/env bash
# chapters/19-taskgroup/bench.sh BUILDDIR — run by `make bench CH=19`.
# Do the combinators stay linear? gather, wait, as_completed and TaskGroup
# with 10k, 100k and 1M children whose coroutine returns at once, in C
# (bench-scale.c, this library, -O2) and in CPython's asyncio
# (bench_scale.py), each run in a fresh process; the best run of each is
# printed in ns per child, side by side. The C figures must stay flat
# (1M within 2x of 10k) and beat CPython's everywhere.
# CPython at 1M takes about 15 s per combinator (and about 1 GB), so it
# runs once there; the whole bench takes a minute or two. C runs more often
# (a run of 1M children takes half a second): this machine is noisy.
set -eu
dir=${1:?usage: bench.sh BUILDDIR}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sizes="10000 100000 1000000"
workloads="gather wait as_completed taskgroup"
c_runs() { case $1 in 1000000) echo 3 ;; *) echo 5 ;; esac; }
py_runs() { case $1 in 1000000) echo 1 ;; 100000) echo 2 ;; *) echo 3 ;; esac; }

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), Linux $(uname -r)"
echo "CPython: $(python3 --version 2>&1)"
echo "(ns per child, the whole run timed, every run a fresh process; the best of"
echo " C 5/5/3 runs and CPython 3/2/1 runs at 10k/100k/1M children)"
echo

for n in $sizes; do
    for w in $workloads; do
        for _ in $(seq "$(c_runs "$n")"); do "$dir/bench-scale" "$n" "$w" >>"$tmp/c.txt"; done
        for _ in $(seq "$(py_runs "$n")"); do python3 "$here/bench_scale.py" "$n" "$w" >>"$tmp/py.txt"; done
    done
done

# best KEY FILE: the smallest value of KEY over the runs
best() { awk -v k="$1" '$1 == k { if (!n++ || $2 < m) m = $2 } END { if (n) printf "%.0f", m; else printf "-" }' "$2"; }

status=0
printf "%-14s %10s %10s %10s %9s\n" "combinator" "children" "C" "CPython" "CPy/C"
for w in $workloads; do
    for n in $sizes; do
        c=$(best "${w}_$n" "$tmp/c.txt")
        py=$(best "${w}_$n" "$tmp/py.txt")
        ratio=$(awk -v c="$c" -v p="$py" 'BEGIN { if (c > 0 && p > 0) printf "%.0fx", p / c; else printf "-" }')
        printf "%-14s %10s %10s %10s %9s\n" "$w" "$n" "$c ns" "$py ns" "$ratio"
        awk -v c="$c" -v p="$py" 'BEGIN { exit !(c > 0 && p > 0 && c < p) }' || { echo "  ^ C is not faster than CPython here"; status=1; }
    done
done
echo
echo "flatness (C at 1M / C at 10k; must be under 2):"
for w in $workloads; do
    small=$(best "${w}_10000" "$tmp/c.txt")
    large=$(best "${w}_1000000" "$tmp/c.txt")
    r=$(awk -v a="$small" -v b="$large" 'BEGIN { printf "%.2f", b / a }')
    ok=$(awk -v r="$r" 'BEGIN { print (r < 2 ? "ok" : "NOT FLAT") }')
    printf "  %-14s %s  %s\n" "$w" "$r" "$ok"
    [ "$ok" = ok ] || status=1
done
exit $status
