#!/bin/sh
# tools/watch.sh COMMAND... — run COMMAND, then again whenever a file under
# exercises/ changes (checked once a second by comparing a listing of names,
# sizes and modification times).  Stop with Ctrl-C.
[ $# -gt 0 ] || { echo "usage: tools/watch.sh COMMAND..." >&2; exit 2; }
snapshot() {
    find exercises -type f -exec stat -c '%n %s %y' {} + 2>/dev/null | cksum
}
trap 'echo; exit 0' INT TERM
last=
while :; do
    now=$(snapshot)
    if [ "$now" != "$last" ]; then
        last=$now
        [ -t 1 ] && printf '\033[H\033[2J'
        "$@"
        echo
        echo "[watching exercises/ for changes — Ctrl-C to stop]"
    fi
    sleep 1
done
