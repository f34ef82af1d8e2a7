#!/usr/bin/env bash
# tools/runner-tests/run.sh [TALLY] — the runner's own tests.
#
# Runs tools/runner on the fixture exercises in tools/runner-tests/exercises
# (manifest: tools/runner-tests/manifest.txt) and checks the check.h API with
# tools/runner-tests/test_api.c.  Each assertion is one tally line.
# Environment (the Makefile's check-runner target sets it): RUNNER (the runner
# binary), CC, CFLAGS, TEST_LDLIBS, LABEL (tally prefix).  The API test is
# built with CFLAGS as given; the fixtures without sanitizer flags (they crash
# on purpose, and must be reported as plain signals).
set -u
cd "$(dirname "$0")/../.."
tally=${1:-/dev/null}
RUNNER=${RUNNER:-build/gcc/tools/runner}
CC=${CC:-gcc}
CFLAGS=${CFLAGS:--std=c11 -D_DEFAULT_SOURCE -O1 -g -Wall -Wextra -Werror}
TEST_LDLIBS=${TEST_LDLIBS:--lcunit -lpthread -lm}
RUNNER=$(cd "$(dirname "$RUNNER")" && pwd)/$(basename "$RUNNER")
LABEL=${LABEL:-runner}
FIXTURE_CFLAGS=$(printf '%s\n' $CFLAGS | grep -v -e '^-fsanitize' -e '^-fno-sanitize' | tr '\n' ' ')
failed=0

T=$(mktemp -d) || exit 2
chmod 755 "$T" # under root the runner runs test programs as nobody
[ -n "${KEEP_T:-}" ] && echo "keeping $T" || trap 'rm -rf "$T"' EXIT

ok() { echo "ok   $LABEL: $1"; echo "pass $LABEL: $1" >>"$tally"; }
bad() { # LABEL [WHY]
    echo "FAIL $LABEL: $1${2:+: $2}"; echo "fail $LABEL: $1" >>"$tally"; failed=1
}
# expect LABEL FILE REGEX  (grep -E), expect_not, expect_fixed (grep -F)
expect() { if grep -Eq -- "$3" "$2"; then ok "$1"; else bad "$1" "no /$3/ in output"; sed 's/^/     | /' "$2" | head -n 60; fi; }
expect_fixed() { if grep -Fq -- "$3" "$2"; then ok "$1"; else bad "$1" "no '$3' in output"; sed 's/^/     | /' "$2" | head -n 60; fi; }
expect_not() { if ! grep -Eq -- "$3" "$2"; then ok "$1"; else bad "$1" "unexpected /$3/ in output"; fi; }
expect_rc() { if [ "$2" -eq "$3" ]; then ok "$1"; else bad "$1" "exit status $2, expected $3"; fi; }

# ---- the check.h API --------------------------------------------------------
api=$T/test_api
if $CC $CFLAGS -iquote tools -o "$api" tools/runner-tests/test_api.c tools/check.c $TEST_LDLIBS 2>"$T/api.cc"; then
    ok "check.h API test compiles"
    CHECK_REPORT=$T/api.report "$api" >"$T/api.out" 2>&1; rc=$?
    expect_rc "api: exit 1 when a check fails" $rc 1
    expect_fixed "api: summary line" "$T/api.out" "api: 7 tests, 6 failed"
    expect_fixed "api: CHECK_INT_EQ message" "$T/api.out" "test_int: tools/runner-tests/test_api.c:21: next() == 4: expected 4, got 1"
    expect_not "api: CHECK_INT_EQ evaluates once" "$T/api.out" "calls == 1:"
    expect_fixed "api: CHECK_STR_EQ quotes and escapes" "$T/api.out" '"tab\there" == "line\nbreak": expected "line\nbreak", got "tab\there"'
    expect_fixed "api: CHECK_STR_EQ NULL-safe" "$T/api.out" 'NULL == "x": expected "x", got NULL'
    expect_fixed "api: CHECK_DBL_NEAR message" "$T/api.out" "1.5 == 1.75 (within 0.1): expected 1.75, got 1.5"
    expect_fixed "api: CHECK_NULL message" "$T/api.out" "&calls == NULL: got 0x"
    expect_fixed "api: CHECK_NOT_NULL message" "$T/api.out" "(void *)0 != NULL: got NULL"
    expect_fixed "api: CHECK_MSG formats" "$T/api.out" "test_msg: tools/runner-tests/test_api.c:25: calls is 1"
    expect_fixed "api: CHECK text is the condition" "$T/api.out" "test_api.c:25: calls < 0"
    expect_fixed "api: CHECK_FATAL reports" "$T/api.out" "test_fatal: tools/runner-tests/test_api.c:28: calls == 99"
    expect_not "api: CHECK_FATAL stops the test" "$T/api.out" "must not run"
    expect_not "api: passing checks are silent" "$T/api.out" "test_passes"
    expect "api: report declares the plan first" <(head -n 1 "$T/api.report") $'^PLAN\ttest_passes$'
[ "$(grep -c '^PLAN' "$T/api.report")" -eq 7 ] && ok "api: one PLAN line per test" || bad "api: one PLAN line per test"
expect "api: report has RUN and PASS" "$T/api.report" $'^RUN\ttest_passes$'
    expect "api: report PASS line" "$T/api.report" $'^PASS\ttest_passes$'
    expect_fixed "api: report FAIL line" "$T/api.report" $'FAIL\ttest_int\ttools/runner-tests/test_api.c:21\tnext() == 4: expected 4, got 1'
    "$api" test_dbl >"$T/api1.out" 2>&1; rc=$?
    expect_fixed "api: argv[1] runs one test" "$T/api1.out" "api: 1 tests, 1 failed"
    "$api" no_such_test >"$T/api2.out" 2>&1; rc=$?
    expect_rc "api: unknown test name is a usage error" $rc 2
else
    bad "check.h API test compiles"
    head -n 20 "$T/api.cc" | sed 's/^/     /'
fi

# ---- the runner on the fixtures ----------------------------------------------
# A root whose exercises/ are the fixtures and whose tools/ is the real one.
mkdir -p "$T/root"
ln -s "$PWD/tools/runner-tests/exercises" "$T/root/exercises"
ln -s "$PWD/tools" "$T/root/tools"
ln -s "$PWD/lib" "$T/root/lib" # the macro fixtures include gen.h
M=tools/runner-tests/manifest.txt
R=("$RUNNER" exercises --root "$T/root" --manifest "$M" --build "$T/build" --cc "$CC" --cflags "$FIXTURE_CFLAGS" --libs "$TEST_LDLIBS")

# student view
RUNNER_REPORT_RSS=1 "${R[@]}" >"$T/student.out" 2>"$T/student.err"; rc=$?
cat "$T/student.err" >>"$T/student.out"
expect_rc "student mode exits 0" $rc 0
expect "pass passes" "$T/student.out" "✓ 00-fixtures/pass "
expect_fixed "fail shows expected vs actual" "$T/student.out" "fixture_add(2, 2) == 4: expected 4, got 0"
expect "fail shows file:line" "$T/student.out" "test_fail.c:8: fixture_add"
expect_fixed "fail shows the first hint" "$T/student.out" "first fixture hint"
expect_not "only the first hint by default" "$T/student.out" "second fixture hint"
expect "fail is the next exercise" "$T/student.out" "^Next: 00-fixtures/fail"
expect "crash reported as SIGSEGV with its test" "$T/student.out" "00-fixtures/crash +crashed: SIGSEGV in test_two_plus_two"
expect "abort reported as SIGABRT" "$T/student.out" "00-fixtures/abort +crashed: SIGABRT in test_two_plus_two"
expect "hang times out" "$T/student.out" "00-fixtures/hang +timed out after 2 s in test_two_plus_two"
expect "flood is stopped at once, not at the timeout" "$T/student.out" "00-fixtures/flood +stopped: it wrote more than 1024 KiB of output in test_two_plus_two"
rss=$(sed -n 's/^runner maxrss: \([0-9]*\) KiB$/\1/p' "$T/student.out")
if [ -n "$rss" ] && [ "$rss" -lt 32768 ]; then ok "flood: runner memory stays bounded (${rss} KiB)"
else bad "flood: runner memory stays bounded" "maxrss ${rss:-unknown} KiB"; fi
expect "nocompile reported" "$T/student.out" "00-fixtures/nocompile +does not compile"
expect "early exit(0) fails, naming the test" "$T/student.out" "00-fixtures/exit0 +exited with status 0 in test_two_plus_two, before it finished \(2 of 3 tests never passed\)"
expect "early _exit(0) fails" "$T/student.out" "00-fixtures/uexit +exited with status 0 in test_two_plus_two"
expect "exit(0) in a constructor fails" "$T/student.out" "00-fixtures/ctor +exited with status 0 before its tests started"
expect "exercises after the bad ones still run" "$T/student.out" "✓ 00-fixtures/after "
expect_fixed "progress bar" "$T/student.out" "[###.................] 2/11 exercises done"

# all hints; chapter filter; a passing tree
printf '[00-fixtures/pass]\n\n[00-fixtures/fail]\nhint = first fixture hint\nhint = second fixture hint\n' >"$T/small.txt"
"${R[@]}" --manifest "$T/small.txt" --hints >"$T/hints.out" 2>&1
expect_fixed "--hints shows every hint" "$T/hints.out" "second fixture hint"
printf '[00-fixtures/pass]\ntitle = only pass\n' >"$T/one.txt"
"${R[@]}" --manifest "$T/one.txt" >"$T/one.out" 2>&1
expect "all passing: congratulations" "$T/one.out" "All 1 exercises pass"
expect_fixed "all of a chapter passing: the chapter is done" "$T/one.out" "Chapter 00 is done"
"${R[@]}" --ch 7 >"$T/ch.out" 2>&1
expect_fixed "--ch filters by chapter" "$T/ch.out" "No exercises for chapter 07"

# hints one at a time, remembered in a state directory
"$RUNNER" hint --manifest "$T/small.txt" --state "$T/state" >"$T/h0.out" 2>&1
expect_fixed "hint: before any run it asks which exercise" "$T/h0.out" "Which exercise?"
"${R[@]}" --manifest "$T/small.txt" --state "$T/state" >"$T/h1.out" 2>&1
expect_fixed "hint: the student view shows the first" "$T/h1.out" "hint 1/2: first fixture hint"
expect_fixed "hint: and says how to get the next" "$T/h1.out" "(1 more hint, one at a time: make hint)"
expect_fixed "hint: the current exercise is remembered" "$T/state/current" "00-fixtures/fail"
"$RUNNER" hint --manifest "$T/small.txt" --state "$T/state" >"$T/h2.out" 2>&1
expect_fixed "hint: the next one" "$T/h2.out" "hint 2/2: second fixture hint"
expect_fixed "hint: the count is remembered" "$T/state/hints" "00-fixtures/fail 2"
"$RUNNER" hint --manifest "$T/small.txt" --state "$T/state" >"$T/h3.out" 2>&1
expect_fixed "hint: after the last one it says so" "$T/h3.out" "that was the last hint"
"${R[@]}" --manifest "$T/small.txt" --state "$T/state" >"$T/h4.out" 2>&1
expect_fixed "hint: the student view shows every hint already seen" "$T/h4.out" "hint 2/2: second fixture hint"
"$RUNNER" hint --manifest "$T/small.txt" --state "$T/state2" --ex 00/pass >"$T/h5.out" 2>&1
expect_fixed "hint: an exercise without hints says so" "$T/h5.out" "00-fixtures/pass has no hints"

# make list: done, failing, not started (a file still byte for byte the stub)
mkdir -p "$T/orig/exercises/00-fixtures"
cp tools/runner-tests/exercises/00-fixtures/fail.c "$T/orig/exercises/00-fixtures/fail.c"
printf '[00-fixtures/pass]\n[00-fixtures/fail]\nminutes = 25\n[00-fixtures/crash]\nminutes = 5\n' >"$T/list.txt"
"${R[@]}" --manifest "$T/list.txt" --list --pristine-stubs "$T/orig" >"$T/list.out" 2>&1
expect "list: a chapter heading" "$T/list.out" "^00-fixtures$"
expect "list: done" "$T/list.out" "^  done +pass "
expect "list: not started" "$T/list.out" "^  not started +fail .*~25 min"
expect "list: failing" "$T/list.out" "^  failing +crash "
expect_fixed "list: the totals and the time left" "$T/list.out" "1 done, 1 failing, 1 not started; about 0 h 30 min of work left"

# the first nocompile line is shown
"${R[@]}" --manifest <(printf '[00-fixtures/nocompile]\n') >"$T/nc.out" 2>&1
expect "nocompile shows the compiler's error" "$T/nc.out" "nocompile.c:5:[0-9]+: error"

# broken manifests
printf '[00-fixtures/pass]\ncolour = blue\n' >"$T/bad.txt"
"${R[@]}" --manifest "$T/bad.txt" >"$T/bad.out" 2>&1; rc=$?
expect_rc "broken manifest: exit 2" $rc 2
expect_fixed "broken manifest: names file:line and key" "$T/bad.out" "bad.txt:2: unknown key 'colour'"

# grading
"${R[@]}" --grade "$T/grade" >"$T/grade.out" 2>&1; rc=$?
expect_rc "grade mode exits 0" $rc 0
expect_fixed "grade: score" "$T/grade.out" "score: 4/14 points (2/11 exercises)"
n=$(grep -c '<testcase ' "$T/grade/junit.xml" 2>/dev/null)
[ "${n:-0}" -eq 11 ] && ok "grade: junit.xml has every exercise" || bad "grade: junit.xml has every exercise" "$n testcases"
expect "grade: failure element for fail" "$T/grade/junit.xml" '<failure type="failed" message="2 checks failed'
expect_fixed "grade: error element for crash" "$T/grade/junit.xml" '<error type="crashed" message="crashed: SIGSEGV in test_two_plus_two">'
expect_fixed "grade: error element for timeout" "$T/grade/junit.xml" '<error type="timeout"'
expect_fixed "grade: XML escaped" "$T/grade/junit.xml" '&lt;xml&gt; &amp; \&quot;quotes\&quot;'
expect_not "grade: no raw markup from messages" "$T/grade/junit.xml" '<xml>'
expect_not "grade: no temp file left" <(ls "$T/grade") 'tmp'
expect_fixed "grade.txt: pass line" "$T/grade/grade.txt" "00-fixtures/pass PASS 1/1"
expect_fixed "grade.txt: fail line" "$T/grade/grade.txt" "00-fixtures/fail FAIL 0/2"
expect_fixed "grade.txt: points" "$T/grade/grade.txt" "00-fixtures/after PASS 3/3"
expect_fixed "grade.txt: an early exit(0) scores nothing" "$T/grade/grade.txt" "00-fixtures/exit0 FAIL 0/1"
n=$(wc -l <"$T/grade/grade.txt")
n=$(grep -c " PASS \| FAIL " "$T/grade/grade.txt")
[ "$n" -eq 11 ] && ok "grade.txt: one line per exercise" || bad "grade.txt: one line per exercise" "$n lines"

# what a failure shows: the program's output, the compiler's warnings, an ASan
# rerun of a crash, what leaked, sentences about macro mistakes
expect_fixed "a failure shows the program's own output" "$T/student.out" "output of the test program"
expect_fixed "a failure shows what the program printed" "$T/student.out" "fixture_add(2, 2) was called"
"${R[@]}" --manifest <(printf '[00-fixtures/warn]\n') --cflags "${FIXTURE_CFLAGS//-Werror/}" >"$T/warn.out" 2>&1
expect_fixed "warnings: shown when the test fails" "$T/warn.out" "the compiler warned about your file"
expect "warnings: the student's file and line" "$T/warn.out" "warn.c:5:[0-9]+: warning: .*total"
"${R[@]}" --manifest <(printf '[00-fixtures/uaf]\n') >"$T/uaf.out" 2>&1
expect "asan rerun: the crash is a SIGSEGV first" "$T/uaf.out" "00-fixtures/uaf +crashed: SIGSEGV"
expect_fixed "asan rerun: says so" "$T/uaf.out" "built it again with AddressSanitizer and reran it"
expect_fixed "asan rerun: names the error" "$T/uaf.out" "crashed: AddressSanitizer: heap-use-after-free in test_two_plus_two"
expect "asan rerun: shows the line" "$T/uaf.out" "in fixture_add .*uaf.c:11"
"${R[@]}" --manifest <(printf '[00-fixtures/leak]\n') --cflags "$FIXTURE_CFLAGS -fsanitize=address" >"$T/leak.out" 2>&1
expect_fixed "leak: reported as a crash by LeakSanitizer" "$T/leak.out" "crashed: LeakSanitizer: detected memory leaks"
expect "leak: names what leaked and where it was made" "$T/leak.out" "leaked: [0-9]+ objects? \([0-9]+ bytes\) from make_box \(leak.c:7"
"${R[@]}" --manifest <(printf '[00-fixtures/leak]\n') >"$T/leak2.out" 2>&1
expect_fixed "leak check: a pass that leaks is not done" "$T/leak2.out" "00-fixtures/leak  its checks pass, but AddressSanitizer says: LeakSanitizer: detected memory leaks"
expect "leak check: says what leaked" "$T/leak2.out" "leaked: [0-9]+ objects? \([0-9]+ bytes\) from make_box \(leak.c:7"
"${R[@]}" --manifest <(printf '[00-fixtures/leak]\n') >"$T/leak3.out" 2>&1
expect_fixed "leak check: the same verdict from the cache" "$T/leak3.out" "its checks pass, but AddressSanitizer says"
"${R[@]}" --manifest <(printf '[00-fixtures/leak]\n') --no-leak-check >"$T/leak4.out" 2>&1
expect "leak check: --no-leak-check" "$T/leak4.out" "✓ 00-fixtures/leak"
printf '[00-fixtures/macro_noend]\n[00-fixtures/macro_twoyield]\n[00-fixtures/macro_switch]\n[00-fixtures/macro_semi]\n' >"$T/macros.txt"
for m in noend twoyield switch semi; do
    "${R[@]}" --manifest "$T/macros.txt" --ex "macro_$m" >"$T/m_$m.out" 2>&1
done
expect_fixed "macro: missing ASY_END" "$T/m_noend.out" "note: ASY_BEGIN without ASY_END"
expect_fixed "macro: two yields on one line" "$T/m_twoyield.out" "note: line 7 has two suspension points (ASY_YIELD and ASY_YIELD)"
expect_fixed "macro: a yield inside the body's own switch" "$T/m_switch.out" "note: line 9: ASY_YIELD inside a switch statement of your own"
expect_fixed "macro: missing ; after ASY_YIELD" "$T/m_semi.out" "note: line 7: ASY_YIELD(...) needs a ';' after it"
expect_not "macro: no false alarm on a correct body" "$T/m_twoyield.out" "needs a ';'"

"${R[@]}" --manifest <(printf '[00-fixtures/forge]\n') >"$T/forge.out" 2>&1
expect_fixed "a file that names CHECK_REPORT fails" "$T/forge.out" "00-fixtures/forge  its file names CHECK_REPORT"

# limits: memory, processes
"${R[@]}" --manifest <(printf '[00-fixtures/memory]\n') --memory 256 >"$T/mem.out" 2>&1
expect "memory limit: a 512 MiB malloc fails under --memory 256" "$T/mem.out" "✗ 00-fixtures/memory +1 check failed"
"${R[@]}" --manifest <(printf '[00-fixtures/memory]\n') --memory 0 >"$T/mem0.out" 2>&1
expect "memory limit: --memory 0 lifts it" "$T/mem0.out" "✓ 00-fixtures/memory"
"${R[@]}" --manifest <(printf '[00-fixtures/procs]\n') --procs 16 >"$T/procs.out" 2>&1
expect "process limit: 100 forks fail under --procs 16" "$T/procs.out" "✗ 00-fixtures/procs +1 check failed"
"${R[@]}" --manifest <(printf '[00-fixtures/procs]\n') --procs 0 >"$T/procs0.out" 2>&1
expect "process limit: --procs 0 lifts it" "$T/procs0.out" "✓ 00-fixtures/procs"

# grading from a pristine tree: the student's edited tests, headers and points change nothing
mkdir -p "$T/student/exercises/00-fixtures"
printf '[00-fixtures/fail]\npoints = 100\n' >"$T/student/manifest.txt"
cp tools/runner-tests/exercises/00-fixtures/fail.c "$T/student/exercises/00-fixtures/fail.c"
printf '#include "check.h"\nstatic void t(void) { CHECK(1); }\nint main(int c, char **v) { static const check_test ts[] = {{"t", t}, {NULL, NULL}}; return check_main("x", ts, c, v); }\n' \
    >"$T/student/exercises/00-fixtures/test_fail.c"
printf 'int fixture_add(int a, int b);\n#define fixture_add(a, b) ((a) + (b))\n' >"$T/student/exercises/00-fixtures/fixture.h"
printf '[00-fixtures/fail]\npoints = 2\n\n[00-fixtures/pass]\n' >"$T/pristine.txt"
"${R[@]}" --manifest "$T/pristine.txt" --student "$T/student" --grade "$T/gs" >"$T/gs.out" 2>&1; rc=$?
expect_fixed "pristine grading: an edited test does not pass the stub" "$T/gs/grade.txt" "00-fixtures/fail FAIL 0/2"
expect_not "pristine grading: edited points change nothing" "$T/gs/grade.txt" "/100"
expect_fixed "pristine grading: the stub is the student's" "$T/gs/grade.txt" "00-fixtures/pass FAIL 0/1"
expect_fixed "pristine grading: missing student file named" "$T/gs.out" "missing file $T/student/exercises/00-fixtures/pass.c"
cp tools/runner-tests/exercises/00-fixtures/pass.c "$T/student/exercises/00-fixtures/fail.c"
"${R[@]}" --manifest "$T/pristine.txt" --student "$T/student" --grade "$T/gs2" >"$T/gs2.out" 2>&1; rc=$?
expect_fixed "pristine grading: a solved stub passes the pristine test" "$T/gs2/grade.txt" "00-fixtures/fail PASS 2/2"
expect_fixed "grade.txt: per-chapter subtotal" "$T/gs2/grade.txt" "chapter 00-fixtures 2/3 points (1/2 exercises)"
expect_fixed "grade.txt: total" "$T/gs2/grade.txt" "total 2/3 points (1/2 exercises)"
expect_fixed "junit.xml: one suite per chapter with its points" "$T/gs2/junit.xml" '<property name="points" value="2"/><property name="max_points" value="3"/>'
expect_rc "grade exits 0 without --require-all" $rc 0
"${R[@]}" --manifest "$T/pristine.txt" --student "$T/student" --grade "$T/gs3" --require-all >/dev/null 2>&1; rc=$?
expect_rc "grade --require-all exits 1 unless all passed" $rc 1
"${R[@]}" --manifest "$T/pristine.txt" --ex 00/pass --require-all >"$T/ex.out" 2>&1; rc=$?
expect_rc "--ex --require-all: a passing exercise exits 0" $rc 0
expect_not "--ex runs only that exercise" "$T/ex.out" "00-fixtures/fail"
expect_not "--ex: one exercise passing does not finish its chapter" "$T/ex.out" "Chapter 00 is done"
"${R[@]}" --manifest "$T/pristine.txt" --ex 0/fail --require-all >"$T/ex2.out" 2>&1; rc=$?
expect_rc "--ex --require-all: a failing exercise exits 1" $rc 1
expect_fixed "--ex shows the exercise's failing check" "$T/ex2.out" "expected 4, got 0"
"${R[@]}" --manifest "$T/pristine.txt" --ex 00/nosuch >/dev/null 2>&1; rc=$?
expect_rc "--ex with an unknown exercise exits 2" $rc 2
"${R[@]}" --manifest "$T/pristine.txt" --ch "3, 0" >"$T/chl.out" 2>&1
expect "--ch takes a list" "$T/chl.out" "✓ 00-fixtures/pass"
mkdir -p "$T/pdir/exercises" && echo x >"$T/pdir/Makefile" && echo '[00-x/y]' >"$T/pdir/exercises/manifest.txt"
if tools/pristine.sh "$T/pdir" "$T/pcopy" && cmp -s "$T/pdir/exercises/manifest.txt" "$T/pcopy/exercises/manifest.txt"
then ok "pristine.sh copies a directory"; else bad "pristine.sh copies a directory"; fi
tools/pristine.sh "no such ref" "$T/pcopy2" 2>"$T/p.err"; rc=$?
expect_rc "pristine.sh: a bad source exits 2" $rc 2
expect_fixed "pristine.sh: says why" "$T/p.err" "neither a directory nor a git ref"

# autograding files from the manifest
"$RUNNER" autograding --manifest "$M" json >"$T/ag.json" 2>&1
expect_fixed "autograding.json: one test per exercise, its command" "$T/ag.json" '"run": "tools/check.sh 00-fixtures/after",'
# tools/check.sh (Classroom's command): exactly 0, 1 or 2, from the runner's
# status that `make check` writes to CHECK_STATUS (a stand-in make here).
printf '%s\n' '#!/bin/sh' 'for a; do case $a in CHECK_STATUS=*) f=${a#CHECK_STATUS=};; esac; done' \
    '[ -n "$FAKE_STATUS" ] && echo "$FAKE_STATUS" >"$f"; exit "$FAKE_RC"' >"$T/fakemake" && chmod +x "$T/fakemake"
MAKE="$T/fakemake" FAKE_STATUS=0 FAKE_RC=0 tools/check.sh 00/pass >/dev/null 2>&1; rc=$?
expect_rc "check.sh: a passing exercise exits 0" $rc 0
MAKE="$T/fakemake" FAKE_STATUS=1 FAKE_RC=2 tools/check.sh 00/fail >/dev/null 2>&1; rc=$?
expect_rc "check.sh: a failing exercise exits 1, not make's 2" $rc 1
MAKE="$T/fakemake" FAKE_STATUS=2 FAKE_RC=2 tools/check.sh 00/nosuch >/dev/null 2>&1; rc=$?
expect_rc "check.sh: an unknown exercise exits 2" $rc 2
MAKE="$T/fakemake" FAKE_STATUS= FAKE_RC=2 tools/check.sh 00/pass >/dev/null 2>&1; rc=$?
expect_rc "check.sh: make failing before the runner exits 2" $rc 2
tools/check.sh >/dev/null 2>&1; rc=$?
expect_rc "check.sh: no exercise named exits 2" $rc 2
expect "autograding.json: its points" "$T/ag.json" '"points": 3$'
[ "$(grep -c '"name":' "$T/ag.json")" -eq 11 ] && ok "autograding.json: every exercise" || bad "autograding.json: every exercise"
"$RUNNER" autograding --manifest "$M" workflow >"$T/wf.yml" 2>&1
expect_fixed "workflow: grades the manifest's chapters" "$T/wf.yml" 'make grade CH="$CHAPTERS" REQUIRE_ALL=1'
expect_fixed "workflow: lists the chapters" "$T/wf.yml" 'CHAPTERS: "00"'

# --expect fail (make test's stub check)
: >"$T/tally"
"${R[@]}" --expect fail --tally "$T/tally" --label "stub " >"$T/expect.out" 2>&1; rc=$?
expect_rc "--expect fail: exits 1 when unmet" $rc 1
expect_fixed "--expect fail: failing stub is ok" "$T/expect.out" "ok   stub 00-fixtures/fail"
expect_fixed "--expect fail: passing stub reported" "$T/expect.out" "FAIL stub 00-fixtures/pass: the stub passes its test"
expect_fixed "--expect fail: crashing stub reported" "$T/expect.out" "FAIL stub 00-fixtures/crash: the stub must compile and fail cleanly, but: crashed: SIGSEGV"
expect_fixed "--expect fail: non-compiling stub reported" "$T/expect.out" "FAIL stub 00-fixtures/nocompile: the stub must compile and fail cleanly, but: does not compile"
[ "$(grep -c '^pass ' "$T/tally")" -eq 1 ] && [ "$(grep -c '^fail ' "$T/tally")" -eq 10 ] &&
    ok "--expect fail: tally lines" || bad "--expect fail: tally lines" "$(tr '\n' ';' <"$T/tally")"
: >"$T/tally"
"${R[@]}" --manifest "$T/one.txt" --expect pass --tally "$T/tally" >"$T/expect2.out" 2>&1; rc=$?
expect_rc "--expect pass: exits 0 when met" $rc 0
expect_fixed "--expect pass: tally line" "$T/tally" "pass 00-fixtures/pass"

# runner run
"$RUNNER" run --timeout 5 -- "$T/build/00-fixtures/test_pass" >"$T/run1.out" 2>&1; rc=$?
expect_rc "run: passing program exits 0" $rc 0
expect_fixed "run: ok line" "$T/run1.out" "ok   test_pass"
"$RUNNER" run --label "the api" -- "$api" >"$T/run2.out" 2>&1; rc=$?
expect_rc "run: failing program exits 1" $rc 1
expect_fixed "run: FAIL line with checks" "$T/run2.out" "FAIL the api: 9 checks failed in 6 tests"
expect_fixed "run: shows failing checks" "$T/run2.out" "  tools/runner-tests/test_api.c:21: next() == 4: expected 4, got 1"
expect "run: names the failing test" "$T/run2.out" "^     test_int$"
"$RUNNER" run --timeout 1 -- "$T/build/00-fixtures/test_hang" >"$T/run3.out" 2>&1; rc=$?
expect_fixed "run: timeout" "$T/run3.out" "FAIL test_hang: timed out after 1 s in test_two_plus_two"
"$RUNNER" run -- "$T/nonexistent/test_x" >"$T/run4.out" 2>&1; rc=$?
expect_fixed "run: missing program" "$T/run4.out" "FAIL test_x: not built"
"$RUNNER" frobnicate >"$T/run5.out" 2>&1; rc=$?
expect_rc "bad usage exits 2" $rc 2

[ $failed = 0 ]
