#!/usr/bin/env bash
# chapters/08-async-io/bench.sh BUILDDIR — run by `make bench CH=08`.
# Describes the machine (the numbers mean little without it), then runs
# bench-echo: epoll, SIGIO, io_uring and POSIX AIO on one echo workload.
set -eu
dir=${1:?usage: bench.sh BUILDDIR}
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), Linux $(uname -r)"
echo "io_uring_disabled: $(cat /proc/sys/kernel/io_uring_disabled 2>/dev/null || echo 'n/a (no such sysctl)')"
echo
"$dir/bench-echo"
