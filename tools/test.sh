#!/usr/bin/env bash
# tools/test.sh — everything `make test` checks.  Each check appends one line,
# "pass LABEL" or "fail LABEL", to build/test/tally.txt; the last line printed
# is exactly "N passed, N failed", and the exit status is 1 if any failed.
#
#   deps (cunit graphviz clang tsan uring python3)
#   CFG=gcc:   build everything (warnings are errors), lib tests, demos vs
#              transcripts, solutions pass (skipped, and said, when there is
#              no solutions/: the student edition), stubs compile and fail
#              (git HEAD's stubs: a student's solved exercises are not stubs)
#   CFG=clang: build everything, lib tests, solutions pass
#   the demos' Python twins under CPython (when python3 is present),
#   chapter order (tools/order.sh), no bare abort() in lib/, links in the READMEs (tools/links.sh), diagrams (tools/diagrams.sh check),
#   the runner's own tests (tools/runner-tests/run.sh)
#   CFG=asan:  build, lib tests, demos, solutions pass, check.h API under ASan
#   CFG=tsan:  what crosses threads (chapter 29): its lib tests and demos
#              under ThreadSanitizer (clang -fsanitize=thread)
# Works on an empty tree (no lib/*.c, tests, chapters or exercises yet).
set -u
cd "$(dirname "$0")/.."
unset MAKEFLAGS MFLAGS MAKELEVEL
export LC_ALL=C.UTF-8
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

OUT=build/test
mkdir -p "$OUT"
TALLY=$PWD/$OUT/tally.txt
: >"$TALLY"
MAKE="make --no-print-directory"
start=$(date +%s)

pass() { echo "ok   $1"; echo "pass $1" >>"$TALLY"; }
fail() { echo "FAIL $1${2:+: $2}"; echo "fail $1" >>"$TALLY"; }
section() { printf '\n== %s ==\n' "$*"; }
lines() { wc -l <"$TALLY"; }

# run_make LABEL TARGET CFG: a make target that appends its own tally lines;
# if make fails without adding any, that is one failed check.
run_make() {
    local label=$1 target=$2 cfg=$3 before
    before=$(lines)
    if ! $MAKE CFG="$cfg" TALLY="$TALLY" "$target"; then
        [ "$(lines)" -gt "$before" ] || fail "$label" "did not run (see above)"
    fi
}

build() { # CFG
    local cfg=$1 log=$OUT/build-$1.log
    # Relink the programs (objects stay cached) so a failed build can never
    # leave an old binary behind to be tested.
    rm -f "build/$cfg/libasy.a"
    find "build/$cfg/lib/tests" "build/$cfg/chapters" -type f ! -name '*.d' -delete 2>/dev/null
    if $MAKE -j2 -k CFG="$cfg" build >"$log" 2>&1; then
        pass "build [$cfg]"
    else
        fail "build [$cfg]" "see $log; first errors:"
        grep -E -m 25 'error|undefined reference|No rule|\*\*\*' "$log" | sed 's/^/     /'
    fi
}

runner_for() { # CFG -> a built runner (its own, else gcc's)
    if [ -x "build/$1/tools/runner" ]; then echo "build/$1/tools/runner"
    elif [ -x build/gcc/tools/runner ]; then echo build/gcc/tools/runner
    fi
}

lib_tests() { # CFG
    local cfg=$1 runner t name
    runner=$(runner_for "$cfg")
    for t in $(ls lib/tests/test_*.c 2>/dev/null | sort); do
        name=$(basename "$t" .c)
        if [ -z "$runner" ]; then fail "libtest [$cfg] $name" "no runner built"; continue; fi
        "$runner" run --timeout 60 --tally "$TALLY" --label "libtest [$cfg] $name" -- "build/$cfg/lib/tests/$name"
    done
}

manifest_coverage() { # every exercises/NN-*/test_NAME.c is in the manifest
    local t ch name
    for t in $(ls exercises/[0-9][0-9]-*/test_*.c 2>/dev/null | sort); do
        ch=$(basename "$(dirname "$t")"); name=$(basename "$t" .c); name=${name#test_}
        if grep -Eq "^[[:space:]]*\[[[:space:]]*$ch/$name[[:space:]]*\]" exercises/manifest.txt 2>/dev/null; then
            pass "manifest lists $ch/$name"
        else
            fail "manifest lists $ch/$name" "$t has no [$ch/$name] entry in exercises/manifest.txt"
        fi
    done
}

# The student edition has no solutions/: say so instead of checking them.
solutions() { # CFG
    if [ -d solutions ]; then run_make "solutions [$1]" check-solutions "$1"
    else echo "skipped: solutions [$1] (no solutions/ here: this is the student edition)"; fi
}

section "dependencies"
if tools/deps.sh cunit graphviz clang tsan uring python3; then
    pass "dependencies"
else
    # Without them every later check would fail for the same reason and bury
    # the one line that matters: stop here, with that line last.
    fail "dependencies" "see above"
    echo
    echo "Install the packages named above (or run make test as root, which installs them), then run make test again."
    echo "0 passed, 1 failed"
    exit 1
fi

for cfg in gcc clang; do
    section "CFG=$cfg"
    build "$cfg"
    lib_tests "$cfg"
    if [ "$cfg" = gcc ]; then
        tools/demos.sh check "build/$cfg" "$TALLY" "$cfg"
        solutions "$cfg"
        run_make "stubs [$cfg]" check-stubs "$cfg"
    else
        solutions "$cfg"
    fi
done

section "exercise manifest"
manifest_coverage
run_make "autograding files match the manifest" check-autograding gcc

section "CPython twins"
tools/demos.sh python "$TALLY"

section "chapter order"
tools/order.sh "$TALLY" || true

section "library conventions"
# exc.h: every allocation failure ends in objcache.c's asy_out_of_memory, the
# one message; a bare abort() anywhere else in lib/ is a silent death.
bare=$(grep -n 'abort();' lib/*.c 2>/dev/null | grep -v '^lib/objcache\.c:')
if [ -z "$bare" ]; then pass "lib: no bare abort() outside objcache.c"
else fail "lib: no bare abort() outside objcache.c" "use asy_out_of_memory(what):"; echo "$bare" | sed 's/^/     /'; fi

section "links"
tools/links.sh "$TALLY"

section "diagrams"
tools/diagrams.sh check "$TALLY" || true

section "runner"
run_make "runner tests [gcc]" check-runner gcc

section "CFG=asan"
build asan
lib_tests asan
tools/demos.sh check build/asan "$TALLY" asan
solutions asan
run_make "runner tests [asan]" check-runner asan

section "CFG=tsan (threads)"
# Only what uses threads: the rest of the course is single-threaded, and
# ASan already covers it. TSAN_TESTS lists the lib tests that start threads.
TSAN_TESTS="test_threads"
tsan_dirs=$(ls -d chapters/29-*/ 2>/dev/null | sed 's:/$::')
tsan_bins=
for t in $TSAN_TESTS; do [ -f "lib/tests/$t.c" ] && tsan_bins+=" build/tsan/lib/tests/$t"; done
for d in $tsan_dirs; do for f in "$d"/[0-9]*.c; do [ -f "$f" ] && tsan_bins+=" build/tsan/${f%.c}"; done; done
if [ -n "$tsan_bins" ]; then
    rm -f build/tsan/libasy.a $tsan_bins
    if $MAKE -j2 -k CFG=tsan $tsan_bins >"$OUT/build-tsan.log" 2>&1; then
        pass "build [tsan]"
    else
        fail "build [tsan]" "see $OUT/build-tsan.log"
        grep -E -m 25 'error|undefined reference|\*\*\*' "$OUT/build-tsan.log" | sed 's/^/     /'
    fi
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
    runner=$(runner_for tsan)
    for t in $TSAN_TESTS; do
        [ -f "lib/tests/$t.c" ] || continue
        if [ -z "$runner" ]; then fail "libtest [tsan] $t" "no runner built"; continue; fi
        "$runner" run --timeout 60 --tally "$TALLY" --label "libtest [tsan] $t" -- "build/tsan/lib/tests/$t"
    done
    [ -n "$tsan_dirs" ] && tools/demos.sh check build/tsan "$TALLY" tsan $tsan_dirs
fi

npass=$(grep -c '^pass ' "$TALLY")
nfail=$(grep -c '^fail ' "$TALLY")
echo
echo "($(($(date +%s) - start)) s; tally in $OUT/tally.txt)"
if [ "$nfail" -gt 0 ]; then
    echo "failed checks:"
    grep '^fail ' "$TALLY" | sed 's/^fail /  /'
fi
echo "$npass passed, $nfail failed"
[ "$nfail" -eq 0 ]
