#!/usr/bin/env bash
# tools/demos.sh — run the demo programs of chapters.
#
#   tools/demos.sh run   BUILDDIR CHAPTERDIR...    run each demo with a header line, then
#                                                  say whether it printed its X.expected
#   tools/demos.sh check BUILDDIR TALLY LABEL [CHAPTERDIR...]
#                                                  compare every demo (of those chapters
#                                                  only, when given) with its transcript
#   tools/demos.sh python TALLY                    run every Python twin X.py with CPython and
#                                                  compare it with the same transcript
#
# A demo is chapters/NN-slug/X.c where X starts with a digit; demos run in
# natural name order (1-, 2-, ..., 10-), from the repository root, with stdin
# from /dev/null.  X.args (optional) holds one line of arguments, parsed by the
# shell (quotes work).  X.expected is the exact expected stdout; X.sed
# (optional) is a sed script applied to the actual stdout before comparing.
# The binary is BUILDDIR/chapters/NN-slug/X (built by the Makefile).
set -u

demos_of() { # CHAPTERDIR -> demo sources in natural order
    ls "$1"/[0-9]*.c 2>/dev/null | LC_ALL=C sort -V
}

demo_args() { # X.c -> sets ARGS array from X.args
    ARGS=()
    local f=${1%.c}.args
    if [ -f "$f" ]; then
        local line
        line=$(head -n 1 "$f")
        eval "ARGS=($line)"
    fi
}

cmd=${1:-}
case $cmd in
python)
    # X.py is the demo's program as the notes write it in Python. Its output,
    # after X.sed, must be X.expected too: that is what keeps the C demos
    # honest against real asyncio. No python3 (a fresh machine): skipped.
    tally=$2
    if ! command -v python3 >/dev/null 2>&1; then
        echo "skip CPython twins: no python3 on this machine"
        exit 0
    fi
    out=$(mktemp -d) || exit 2
    trap 'rm -rf "$out"' EXIT
    for py in $(ls chapters/[0-9][0-9]-*/[0-9]*.py 2>/dev/null | LC_ALL=C sort -V); do
        x=${py%.py}
        name="cpython $x.py"
        # A twin that needs a newer Python says so on a line of its own,
        # "# Requires Python 3.12.", and is skipped on an older python3.
        need=$(sed -n 's/^# Requires Python \([0-9][0-9]*\.[0-9][0-9]*\)\.$/\1/p' "$py" | head -1)
        if [ -n "$need" ] && ! python3 -c "import sys; sys.exit(sys.version_info < tuple(map(int, '$need'.split('.'))))"; then
            echo "skip $name: needs Python $need, python3 is $(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
            continue
        fi
        # A twin runs on the real clock and prints times to a tenth of a
        # second; on a loaded machine a sleep can overshoot by that much. So
        # a mismatch is tried once more: a wrong program fails twice, a slow
        # moment does not.
        for try in 1 2; do
            timeout -k 5 60 python3 "$py" </dev/null >"$out/stdout" 2>"$out/stderr"
            rc=$?
            if [ -f "$x.sed" ]; then sed -f "$x.sed" "$out/stdout" >"$out/actual"; else cp "$out/stdout" "$out/actual"; fi
            [ $rc -eq 0 ] && cmp -s "$x.expected" "$out/actual" && break
        done
        if [ $rc -ne 0 ]; then
            echo "FAIL $name: exit status $rc"; sed -n 1,10p "$out/stderr" | sed 's/^/     /'
            echo "fail $name" >>"$tally"
        elif ! cmp -s "$x.expected" "$out/actual"; then
            echo "FAIL $name: CPython prints something else than $x.expected"
            diff -u "$x.expected" "$out/actual" | sed -n 1,40p | sed 's/^/     /'
            echo "fail $name" >>"$tally"
        else
            echo "ok   $name"; echo "pass $name" >>"$tally"
        fi
    done
    exit 0
    ;;
run)
    build=$2; shift 2
    [ $# -eq 0 ] && { echo "no chapters yet"; exit 0; }
    status=0
    tmp=$(mktemp -d) || exit 2
    trap 'rm -rf "$tmp"' EXIT
    for dir in "$@"; do
        dir=${dir%/}
        for src in $(demos_of "$dir"); do
            x=${src%.c}
            echo "=== $x ==="
            demo_args "$src"
            # Live output, and a copy to compare with the transcript.
            "$build/$x" "${ARGS[@]}" </dev/null | tee "$tmp/stdout"
            rc=${PIPESTATUS[0]}
            [ "$rc" -eq 0 ] || { echo "(exit status $rc)"; status=1; }
            if [ -f "$x.expected" ]; then
                if [ -f "$x.sed" ]; then sed -f "$x.sed" "$tmp/stdout" >"$tmp/actual"
                else cp "$tmp/stdout" "$tmp/actual"; fi
                if cmp -s "$x.expected" "$tmp/actual"; then
                    echo "✓ the same output as $x.expected"
                else
                    echo "✗ the output differs from $x.expected:"
                    diff -u --label "$x.expected" --label "this run" "$x.expected" "$tmp/actual" | head -n 40
                    status=1
                fi
            fi
        done
    done
    exit $status
    ;;
check)
    build=$2 tally=$3 label=$4
    shift 4
    out=$(mktemp -d) || exit 2
    trap 'rm -rf "$out"' EXIT
    if [ $# -gt 0 ]; then dirs=$(printf '%s\n' "$@" | sed 's:/$::'); else
        dirs=$(ls -d chapters/[0-9][0-9]-*/ 2>/dev/null | sed 's:/$::' | LC_ALL=C sort); fi
    for dir in $dirs; do
        for src in $(demos_of "$dir"); do
            x=${src%.c}
            name="demo [$label] $x"
            bin=$build/$x
            if [ ! -x "$bin" ]; then
                echo "FAIL $name: not built"; echo "fail $name" >>"$tally"; continue
            fi
            if [ ! -f "$x.expected" ]; then
                echo "FAIL $name: no $x.expected"; echo "fail $name" >>"$tally"; continue
            fi
            demo_args "$src"
            timeout -k 5 60 "$bin" "${ARGS[@]}" </dev/null >"$out/stdout" 2>"$out/stderr"
            rc=$?
            why=
            if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then why="timed out after 60 s"
            elif [ $rc -ge 128 ]; then why="killed by signal $((rc - 128))"
            elif [ $rc -ne 0 ]; then why="exit status $rc"
            fi
            if [ -f "$x.sed" ]; then
                sed -f "$x.sed" "$out/stdout" >"$out/actual" || why="${why:+$why; }$x.sed failed"
            else
                cp "$out/stdout" "$out/actual"
            fi
            if [ -z "$why" ] && ! cmp -s "$x.expected" "$out/actual"; then
                why="output differs from $x.expected"
            fi
            if [ -z "$why" ]; then
                echo "ok   $name"; echo "pass $name" >>"$tally"
            else
                echo "FAIL $name: $why"; echo "fail $name" >>"$tally"
                if ! cmp -s "$x.expected" "$out/actual"; then
                    diff -u --label "$x.expected" --label "actual output" "$x.expected" "$out/actual" | head -n 40 | sed 's/^/     /'
                fi
                if [ -s "$out/stderr" ]; then
                    echo "     stderr (last 20 lines):"
                    tail -n 20 "$out/stderr" | sed 's/^/       /'
                fi
            fi
        done
    done
    ;;
*)
    echo "usage: tools/demos.sh run BUILDDIR CHAPTERDIR... | check BUILDDIR TALLY LABEL [CHAPTERDIR...]" >&2
    exit 2
    ;;
esac
