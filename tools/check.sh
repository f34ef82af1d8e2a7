#!/bin/sh
# tools/check.sh CH/NAME [VAR=value ...] — one exercise, for autograders.
#
# Runs `make check EX=CH/NAME` and gives back the runner's own verdict as the
# exit status: 0 the exercise passes, 1 it does not (a failed check, a crash,
# a timeout, a compile error), 2 something else is wrong (no such exercise, a
# broken manifest, the library does not build, a usage error).  `make check`
# alone exits 2 for a failing exercise too, because GNU make reports every
# failed recipe as 2; GitHub Classroom's generated config runs this script.
# MAKE names the make program (default: make).
set -u
cd "$(dirname "$0")/.." || exit 2
if [ $# -lt 1 ] || [ -z "$1" ]; then
    echo 'usage: tools/check.sh CH/NAME [VAR=value ...]   (e.g. tools/check.sh 01/countdown)' >&2
    exit 2
fi
ex=$1
shift
status=$(mktemp) || exit 2
trap 'rm -f "$status"' EXIT
${MAKE:-make} --no-print-directory check EX="$ex" CHECK_STATUS="$status" "$@"
rc=$?
[ "$rc" -eq 0 ] && exit 0
# The runner wrote its status (1: the exercise failed) before make gave up;
# no status means make failed before the runner ran (usage, build).
[ "$(cat "$status" 2>/dev/null)" = 1 ] && exit 1
exit 2
