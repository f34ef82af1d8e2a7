#!/usr/bin/env bash
# bench.sh BUILDDIR - chapter 07's benchmark (make bench CH=07 runs it).
#
# BUILDDIR holds bench-server and bench-load (built with -O2). Everything
# runs on 127.0.0.1, bounded in count and time (about a minute in all).
# Writes, next to this script:
#   results/machine.txt       the machine: nproc, CPU model, kernel, fd limits
#   results/wakeup.csv        (a) one wakeup with K of N connections active
#   results/throughput.csv    (b) messages per second, a few busy connections
#   results/wakeup.svg, results/throughput.svg   the plots (gnuplot)
set -eu
bin=${1:-build/bench/chapters/07-multiplexing}
here=$(cd "$(dirname "$0")" && pwd)
out=$here/results
mkdir -p "$out"
server=$bin/bench-server
load=$bin/bench-load
for p in "$server" "$load"; do
    [ -x "$p" ] || { echo "bench.sh: $p not built (run: make bench CH=07)" >&2; exit 1; }
done

# The N values: epoll and poll up to 10,000 open connections; select stops
# at 1000, below FD_SETSIZE (1024 descriptors, stdin/out/err, the listener
# and the control connection included). Each process needs N + a few
# descriptors, so N is capped by the hard RLIMIT_NOFILE too.
hard=$(ulimit -Hn)
ns_all="10 30 100 300 1000 3000 10000"
ns=""
for n in $ns_all; do
    if [ "$hard" = unlimited ] || [ "$n" -le $((hard - 32)) ]; then ns="$ns,$n"; fi
done
ns=${ns#,}
ns_select=$(echo "$ns" | tr ',' '\n' | awk '$1 <= 1000' | paste -sd, -)

# Both programs run on CPU 0. Left to the scheduler, the server and the load
# generator sometimes share a CPU and sometimes not, and a wakeup across
# CPUs (an interrupt to an idle virtual CPU) costs the server 2-3 times more
# CPU time: the results jumped between two levels from run to run. Pinned,
# the numbers measure the work of a wakeup, and repeat.
pin=()
if command -v taskset >/dev/null 2>&1; then pin=(taskset -c 0); fi

{
    echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "nproc:    $(nproc)"
    echo "cpu:      $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
    echo "kernel:   $(uname -sr)"
    echo "RLIMIT_NOFILE: soft $(ulimit -Sn), hard $hard (both programs raise soft to hard)"
    echo "FD_SETSIZE: 1024"
    echo "N values: select $ns_select; poll and epoll $ns"
    echo "pinning:  ${pin[*]:-none (no taskset)}; server and load generator share that CPU"
} >"$out/machine.txt"
cat "$out/machine.txt"

echo "== (a) wakeup cost: K of N connections active =="
echo "backend,n,k,rounds,wall_us_per_round,server_cpu_us_per_round,wakeups_per_round" >"$out/wakeup.csv"
for b in select poll epoll; do
    list=$ns
    [ $b = select ] && list=$ns_select
    timeout -k 5 90 "${pin[@]}" "$load" "$server" wakeup $b "$list" 1,10 | tee -a "$out/wakeup.csv"
done

echo "== (b) throughput: a few very active connections =="
echo "rep,backend,mode,conns,seconds,messages,msgs_per_s,server_cpu_us_per_msg" >"$out/throughput.csv"
# Three repetitions, interleaved so that a slow moment of the machine does
# not land on one backend only; the plot uses the median.
for rep in 1 2 3; do
    for b in select poll epoll; do
        for mode in direct toggle; do
            timeout -k 5 60 "${pin[@]}" "$load" "$server" throughput $b $mode 1,4,16 0.5 | sed "s/^/$rep,/" | tee -a "$out/throughput.csv"
        done
    done
done

# Medians of the three repetitions: backend,mode,conns,msgs_per_s,cpu_us_per_msg
awk -F, 'NR > 1 { k = $2 "," $3 "," $4; r[k] = r[k] " " $7; c[k] = c[k] " " $8; if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
    function med(s,   a, m, i, j, t) { m = split(s, a, " "); for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t } return a[int((m + 1) / 2)] }
    END { print "backend,mode,conns,msgs_per_s,server_cpu_us_per_msg"; for (i = 1; i <= n; i++) print order[i] "," med(r[order[i]]) "," med(c[order[i]]) }' \
    "$out/throughput.csv" >"$out/throughput-median.csv"
cat "$out/throughput-median.csv"

if ! command -v gnuplot >/dev/null 2>&1; then
    echo "gnuplot is not installed (tools/deps.sh gnuplot): CSVs written, no plots" >&2
    exit 0
fi

cd "$out"
gnuplot <<'GP'
# Each series is filtered by awk, so that its points join into one line.
set datafile separator ","
set terminal svg size 900,420 dynamic font "sans,12"
B = "select poll epoll"
wk(b, k) = sprintf("< awk -F, '$1 == \"%s\" && $3 == %d' wakeup.csv", b, k)
tp(b, m) = sprintf("< awk -F, '$1 == \"%s\" && $2 == \"%s\"' throughput-median.csv", b, m)

set output "wakeup.svg"
set multiplot layout 1,2 title "One wakeup with K of N connections active: server CPU time per round (log-log)"
set logscale xy
set xlabel "N = open connections"
set ylabel "server CPU time per round (µs)"
set key top left
set grid
set title "K = 1 active"
plot for [i=1:3] wk(word(B, i), 1) using 2:6 with linespoints lw 2 lc i title word(B, i)
set title "K = 10 active"
plot for [i=1:3] wk(word(B, i), 10) using 2:6 with linespoints lw 2 lc i title word(B, i)
unset multiplot

set output "throughput.svg"
unset logscale
set multiplot layout 1,2 title "A few very active connections: 64-byte echo, one message in flight each (median of 3; one CPU)"
set xlabel "active connections"
set logscale x 2
set xrange [0.8:20]
set xtics (1, 4, 16)
set yrange [0:*]
set key bottom right
set title "messages per second"
set ylabel "messages / s"
plot for [i=1:3] tp(word(B, i), "direct") using 3:4 with linespoints lw 2 lc i dt 1 title word(B, i)." direct", \
     for [i=1:3] tp(word(B, i), "toggle") using 3:4 with linespoints lw 2 lc i dt 2 title word(B, i)." toggle"
set title "server CPU time per message"
set ylabel "µs / message"
plot for [i=1:3] tp(word(B, i), "direct") using 3:5 with linespoints lw 2 lc i dt 1 title word(B, i)." direct", \
     for [i=1:3] tp(word(B, i), "toggle") using 3:5 with linespoints lw 2 lc i dt 2 title word(B, i)." toggle"
unset multiplot
GP
echo "plots: $out/wakeup.svg $out/throughput.svg"
