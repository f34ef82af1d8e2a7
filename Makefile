# asyncio, rebuilt in C — the one entry point.  `make` lists the targets.
#
# Build configurations (CFG=...), each in its own directory build/$(CFG)/:
#   gcc    gcc, strict warnings as errors (default)
#   clang  the same flags with clang
#   asan   gcc with AddressSanitizer + LeakSanitizer + UBSan
#   tsan   clang with ThreadSanitizer (chapter 29: what crosses threads)
#   bench  gcc -O2, no sanitizers (used by `make bench`)
# Layout: build/$(CFG)/libasy.a (every lib/*.c), build/$(CFG)/lib/tests/test_*,
# build/$(CFG)/chapters/NN-slug/X (demo X.c), build/$(CFG)/tools/runner,
# build/$(CFG)/{exercises,solutions}/ (the runner's exercise builds).
# tools/README.md documents the conventions.

.DEFAULT_GOAL := help
SHELL := /bin/sh
.SUFFIXES:
.DELETE_ON_ERROR:

CFG ?= gcc
ifeq ($(filter $(CFG),gcc clang asan tsan bench),)
$(error unknown CFG=$(CFG): use gcc, clang, asan, tsan or bench)
endif
B := build/$(CFG)

CC_gcc   := gcc
CC_clang := clang
CC_asan  := gcc
CC_tsan  := clang
CC_bench := gcc
CC       := $(CC_$(CFG))
AR       ?= ar

STD      := -std=c11 -D_DEFAULT_SOURCE
OPT      := $(if $(filter bench,$(CFG)),-O2 -g,-O1 -g)
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wpointer-arith -Wundef
, := ,
SAN      := $(if $(filter asan,$(CFG)),-fsanitize=address$(,)undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined) \
            $(if $(filter tsan,$(CFG)),-fsanitize=thread -fno-omit-frame-pointer)
# Strict flags: the library, its tests, demos, tools, solutions.
CFLAGS         := $(STD) $(OPT) $(WARN) -Werror $(SAN)
# Student flags: warnings shown (when a compile fails) but not fatal.
STUDENT_CFLAGS := $(STD) $(OPT) $(WARN) $(SAN)
DEPFLAGS        = -MMD -MP -MF $@.d -MT $@
# The library's headers are found only by #include "x.h" (-iquote, not -I):
# lib/semaphore.h or lib/wait.h must never stand in for POSIX <semaphore.h>
# or glibc's <wait.h>.
INC_LIB        := -iquote lib

# Quiet by default; V=1 shows the full commands.
Q   := $(if $(V),,@)
say  = $(if $(V),,@printf "  %-5s %s\n" $(1) $(2))

# Libraries every program links.  Later chapters add theirs here, e.g.
#   LDLIBS_EXTRA += -luring
LDLIBS_EXTRA :=
LDLIBS       := -lpthread -lm $(LDLIBS_EXTRA)
TEST_LDLIBS  := -lcunit $(LDLIBS)

ifeq ($(CFG),asan)
export ASAN_OPTIONS  ?= detect_leaks=1:halt_on_error=1:abort_on_error=0
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
endif
ifeq ($(CFG),tsan)
export TSAN_OPTIONS ?= halt_on_error=1:second_deadlock_stack=1
endif

LIB_SRCS   := $(wildcard lib/*.c)
LIB_OBJS   := $(LIB_SRCS:%.c=$(B)/%.o)
LIBA       := $(B)/libasy.a
TEST_SRCS  := $(wildcard lib/tests/test_*.c)
TEST_BINS  := $(TEST_SRCS:%.c=$(B)/%)
DEMO_SRCS  := $(wildcard chapters/[0-9][0-9]-*/[0-9]*.c)
DEMO_BINS  := $(DEMO_SRCS:%.c=$(B)/%)
CHECK_O    := $(B)/tools/check.o
RUNNER     := $(B)/tools/runner
TRACEPIC   := $(B)/tools/tracepic

MANIFEST ?= exercises/manifest.txt
RUNNER_ARGS = --root . --manifest $(MANIFEST) --cc '$(CC)' --libs '$(LIBA) $(TEST_LDLIBS)'

.PHONY: help lib build tests runner run demos test exercises list hint reset grade check watch diagrams bench clean trace \
        deps-cunit check-solutions check-stubs check-runner autograding check-autograding student-edition

help:
	@echo 'asyncio, rebuilt in C — make targets:'
	@echo '  make help                 this list'
	@echo '  make run CH=NN            build and run the demos of chapter NN, in order, each compared with its transcript'
	@echo '  make demos                build and run every chapter'"'"'s demos, in order'
	@echo '  make exercises [CH=NN]    build and check your exercises; shows the next one to do'
	@echo '  make exercises EX=CH/NAME the same for one exercise (e.g. EX=01/countdown)'
	@echo '  make list [CH=NN]         every exercise: done, failing or not started, chapter by chapter'
	@echo '  make hint [EX=CH/NAME]    the next hint for the exercise you are on (one more each time)'
	@echo '  make reset EX=CH/NAME     put an exercise'"'"'s stub back (yours is kept in build/reset/)'
	@echo '  make watch [CH=NN]        re-run `make exercises` whenever a file under exercises/ changes'
	@echo '  make check EX=CH/NAME     build and test one exercise; exit status 0 if it passes, non-zero (2) if not'
	@echo '                            (tools/check.sh CH/NAME: the same, exit status exactly 1 if it fails)'
	@echo '  make grade [CH="NN ..."]  grade exercises: build/grade/junit.xml, build/grade/grade.txt, score'
	@echo '                            (PRISTINE=REF-or-DIR: tests and points from a pristine course; REQUIRE_ALL=1)'
	@echo '  make autograding [CH=..]  write .github/classroom/autograding.json and .github/workflows/grade.yml'
	@echo '  make student-edition OUT=DIR   the repository students get: no solutions/ (INSTRUCTORS.md)'
	@echo '  make test                 the whole course check (tools/test.sh); ends with "N passed, N failed"'
	@echo '  make lib                  build the library build/$$CFG/libasy.a'
	@echo '  make build                build library, library tests, demos and runner'
	@echo '  make tests                build the library tests'
	@echo '  make runner               build the test runner'
	@echo '  make diagrams             render diagrams/*.dot to diagrams/*.svg'
	@echo '  make bench CH=NN          build chapter NN'"'"'s bench-*.c with -O2 and run its benchmarks'
	@echo '  make trace CH=NN DEMO=X   run demo X with tracing on; draw build/trace/NN-slug-X.svg (+ .json for Perfetto)'
	@echo '  make clean                remove build/'
	@echo '  make check-solutions      (for tools/test.sh) solutions must pass their tests (TALLY=file)'
	@echo '  make check-stubs          (for tools/test.sh) stubs must compile and fail their tests (TALLY=file)'
	@echo '  make check-runner         (for tools/test.sh) the runner'"'"'s own tests (TALLY=file)'
	@echo '  make check-autograding    (for tools/test.sh) the Classroom config and CI workflow match the manifest'
	@echo 'Variables: CFG=gcc|clang|asan|tsan (default gcc), CH=NN (2 or 02), HINTS=1, LDLIBS_EXTRA=...'

# ---- building --------------------------------------------------------------

lib: $(LIBA)
tests: $(TEST_BINS)
runner: $(RUNNER)
build: $(LIBA) $(TEST_BINS) $(DEMO_BINS) $(CHECK_O) $(RUNNER) $(TRACEPIC)

$(B)/lib/%.o: lib/%.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) $(INC_LIB) -c -o $@ $<

# Rebuilt from scratch so objects of deleted sources do not linger.
$(LIBA): $(LIB_OBJS)
	@mkdir -p $(@D)
	@rm -f $@
	$(call say,AR,$@)
	$(Q)$(AR) rcs $@ $(LIB_OBJS)

$(CHECK_O): tools/check.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -iquote tools -c -o $@ $<

$(RUNNER): tools/runner.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -o $@ $<

# Chapter 31's trace drawer (tools/tracepic.c): a standalone program.
$(TRACEPIC): tools/tracepic.c
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -o $@ $< -lm

$(B)/lib/tests/%: lib/tests/%.c $(CHECK_O) $(LIBA)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) $(INC_LIB) -iquote tools -o $@ $< $(CHECK_O) $(LIBA) $(TEST_LDLIBS)

# Demos and benchmarks: one program per chapters/NN-slug/X.c. A program that
# needs more libraries names them in X.ldlibs (one line, e.g. -luring).
$(B)/chapters/%: chapters/%.c $(LIBA) $(wildcard chapters/%.ldlibs)
	@mkdir -p $(@D)
	$(call say,CC,$@)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) $(INC_LIB) -o $@ $< $(LIBA) $$(cat chapters/$*.ldlibs 2>/dev/null) $(LDLIBS)

-include $(LIB_OBJS:=.d) $(TEST_BINS:=.d) $(DEMO_BINS:=.d) $(CHECK_O).d $(RUNNER).d $(TRACEPIC).d

# ---- running ---------------------------------------------------------------

# Resolve CH=2 / CH=02 to the chapter directory, or fail with a clear message.
CHDIR_CMD = tools/chapter.sh '$(CH)' chapters

# What the demos need beyond gcc (chapter 08 links liburing).
DEMO_NEEDS := uring

run:
	@test -n '$(CH)' || { echo 'usage: make run CH=NN' >&2; exit 2; }
	@tools/deps.sh $(DEMO_NEEDS)
	@dir=$$($(CHDIR_CMD)) || exit 2; \
	 bins=$$(for f in $$dir/[0-9]*.c; do [ -f "$$f" ] && echo "$(B)/$${f%.c}"; done); \
	 if [ -z "$$bins" ]; then echo "no demos in $$dir"; exit 0; fi; \
	 $(MAKE) -s --no-print-directory $$bins && tools/demos.sh run $(B) "$$dir"

demos:
	@tools/deps.sh $(DEMO_NEEDS)
	@$(MAKE) -s --no-print-directory $(DEMO_BINS) $(LIBA)
	@tools/demos.sh run $(B) $$(ls -d chapters/[0-9][0-9]-*/ 2>/dev/null | sed 's:/$$::')

# Chapter 31: run one demo with ASY_TRACE set (its stdout is unchanged) and
# draw the trace: build/trace/NN-slug-X.{trace,svg,json}, or OUT=path/stem
# for the .svg and .json (the chapter commits its pictures that way).
trace:
	@test -n '$(CH)' && test -n '$(DEMO)' || { echo 'usage: make trace CH=NN DEMO=X [OUT=path/stem]' >&2; exit 2; }
	@dir=$$($(CHDIR_CMD)) || exit 2; \
	 demo='$(DEMO)'; demo=$${demo%.c}; \
	 test -f "$$dir/$$demo.c" || { echo "no demo $$dir/$$demo.c" >&2; exit 2; }; \
	 $(MAKE) --no-print-directory $(B)/$$dir/$$demo $(TRACEPIC) || exit 1; \
	 stem=$$(basename $$dir)-$$demo; tr=build/trace/$$stem.trace; \
	 out='$(OUT)'; [ -n "$$out" ] || out=build/trace/$$stem; \
	 mkdir -p build/trace "$$(dirname $$out)"; rm -f $$tr; \
	 args=$$(cat $$dir/$$demo.args 2>/dev/null); \
	 ASY_TRACE=$$tr; export ASY_TRACE; \
	 eval "./$(B)/$$dir/$$demo $$args" </dev/null || exit 1; \
	 $(TRACEPIC) $$tr $$out.svg $$out.json "$$(basename $$dir)/$$demo" || exit 1; \
	 echo "trace: $$tr -> $$out.svg, $$out.json"

deps-cunit:
	@tools/deps.sh cunit

# The student's loop.  build/state/ remembers the current exercise and the
# hints shown (make hint).  A crash is rebuilt with AddressSanitizer, and a
# pass is checked for leaks the same way, against the library built with
# ASan too (build/asan/libasy.a, made once): with it, the library's own
# object cache is off, so a leak or a use after free names the right object.
STATE := build/state
ASAN_LIBA := build/asan/libasy.a
STUDENT_ASAN = $(if $(filter asan,$(CFG)),,@$(MAKE) $(if $(V),,-s) --no-print-directory CFG=asan $(ASAN_LIBA))
STUDENT_ARGS = --state $(STATE) $(if $(filter asan,$(CFG)),,--asan-libs '$(ASAN_LIBA) $(TEST_LDLIBS)')
exercises: deps-cunit
	@for c in $(subst $(,), ,$(CH)); do tools/chapter.sh "$$c" chapters exercises >/dev/null || exit 2; done
	@$(MAKE) $(if $(V),,-s) --no-print-directory $(LIBA) $(RUNNER)
	$(STUDENT_ASAN)
	@$(RUNNER) exercises $(RUNNER_ARGS) --tree exercises --build $(B)/exercises $(STUDENT_ARGS) \
	    --cflags '$(STUDENT_CFLAGS)' $(if $(CH),--ch '$(CH)') $(if $(EX),--ex '$(EX)') $(if $(HINTS),--hints)

# Every exercise with its status (done, failing, not started), chapter by chapter.
list: deps-cunit
	@$(MAKE) $(if $(V),,-s) --no-print-directory $(LIBA) $(RUNNER)
	$(STUDENT_ASAN)
	@stubs=$$(tools/stubs.sh auto $(PRISTINE_STUBS)); \
	 $(RUNNER) exercises $(RUNNER_ARGS) --tree exercises --build $(B)/exercises --list $(STUDENT_ARGS) \
	    $${stubs:+--pristine-stubs "$$stubs"} --cflags '$(STUDENT_CFLAGS)' $(if $(CH),--ch '$(CH)')

# The next hint of the current exercise (or of EX=CH/NAME), one per call.
hint: $(RUNNER)
	@$(RUNNER) hint --manifest $(MANIFEST) --state $(STATE) $(if $(EX),--ex '$(EX)')

# Put one exercise's stub back (the pristine one: tools/stubs.sh; or REF=); yours is kept in build/reset/.
reset:
	@tools/reset.sh '$(EX)' '$(or $(REF),auto)'

# Grading.  CH=NN or CH="NN NN" grades those chapters only; REQUIRE_ALL=1
# exits 1 unless every graded exercise passed.  Where the files come from:
#   make grade                       everything from this tree, as it is
#   make grade PRISTINE=REF-or-DIR   everything from a pristine copy of the
#       course (git ref or directory: tools/pristine.sh), except each
#       exercise's NAME.c, which comes from this tree (the student's work)
#   make grade STUDENT=DIR           this tree is the pristine one; the
#       NAME.c files come from DIR (an instructor grading a student's clone)
GRADE_OUT ?= $(CURDIR)/build/grade
GRADE_ARGS = --cflags '$(STUDENT_CFLAGS)' --grade '$(GRADE_OUT)' $(if $(CH),--ch '$(CH)') \
             $(if $(REQUIRE_ALL),--require-all)

grade: deps-cunit
ifneq ($(PRISTINE),)
	@tools/pristine.sh '$(PRISTINE)' build/pristine
	@echo 'grading against the pristine course in build/pristine ($(PRISTINE)); your files: exercises/*/NAME.c'
	@$(MAKE) --no-print-directory -C build/pristine grade PRISTINE= STUDENT='$(CURDIR)' GRADE_OUT='$(GRADE_OUT)' \
	    CFG='$(CFG)' $(if $(CH),CH='$(CH)') $(if $(REQUIRE_ALL),REQUIRE_ALL=1)
else
	@$(MAKE) $(if $(V),,-s) --no-print-directory $(LIBA) $(RUNNER)
	@$(if $(STUDENT),,echo 'grading this tree as it is (its manifest, tests and points): PRISTINE=REF protects them')
	@$(RUNNER) exercises $(RUNNER_ARGS) --tree exercises $(if $(STUDENT),--student '$(STUDENT)') \
	    --build $(B)/$(if $(STUDENT),graded,exercises) $(GRADE_ARGS)
endif

# One exercise, for autograders: exit status 0 if it passes; if not, the
# runner exits 1 and make itself reports that as status 2.  tools/check.sh
# (what Classroom runs) passes CHECK_STATUS=FILE, where the runner's own
# status is written, and exits with it: exactly 1 for a failing exercise.
check: deps-cunit
	@test -n '$(EX)' || { echo 'usage: make check EX=CH/NAME (e.g. EX=01/countdown)' >&2; exit 2; }
	@$(MAKE) $(if $(V),,-s) --no-print-directory $(LIBA) $(RUNNER)
	@$(RUNNER) exercises $(RUNNER_ARGS) --tree exercises --build $(B)/exercises \
	    --cflags '$(STUDENT_CFLAGS)' --ex '$(EX)' --require-all --no-leak-check; \
	 s=$$?; $(if $(CHECK_STATUS),echo $$s >'$(CHECK_STATUS)';) exit $$s

watch:
	@tools/watch.sh $(MAKE) --no-print-directory exercises $(if $(CH),CH='$(CH)') $(if $(EX),EX='$(EX)') $(if $(HINTS),HINTS=1)

check-solutions: $(LIBA) $(RUNNER)
	@if [ ! -d solutions ]; then echo 'skipped: no solutions/ here (the student edition)'; exit 0; fi; \
	 $(RUNNER) exercises $(RUNNER_ARGS) --tree solutions --build $(B)/solutions \
	    --cflags '$(CFLAGS)' --expect pass --label 'solution [$(CFG)] ' $(if $(TALLY),--tally '$(TALLY)')

# The stubs that must fail are the pristine ones (tools/stubs.sh: HEAD's in
# the instructor edition, the first commit's in the student edition), so the
# exercises a student has solved do not count as stubs that pass.  STUBS=REF
# takes them from a git ref; STUBS=worktree checks the files as they are (an
# instructor editing a stub before a commit).
STUBS ?= auto
PRISTINE_STUBS := $(B)/pristine-stubs
check-stubs: $(LIBA) $(RUNNER)
	@student=; \
	 if [ '$(STUBS)' != worktree ] && student=$$(tools/stubs.sh '$(STUBS)' $(PRISTINE_STUBS)); then \
	     n=$$(git diff --name-only HEAD -- 'exercises/[0-9]*.c' | grep -vc '/test_[^/]*$$'); \
	     [ ! -d solutions ] || [ "$$n" -eq 0 ] || echo "note: the stub check uses the stubs of git HEAD; $$n edited stub(s) in exercises/ are not checked (STUBS=worktree checks them)"; \
	 elif [ '$(STUBS)' != worktree ]; then \
	     echo 'note: no git history here: the stub check uses exercises/ as it is'; \
	 fi; \
	 $(RUNNER) exercises $(RUNNER_ARGS) --tree exercises --build $(B)/exercises-stubs $${student:+--student "$$student"} \
	    --cflags '$(STUDENT_CFLAGS)' --expect fail --label 'stub [$(CFG)] ' $(if $(TALLY),--tally '$(TALLY)')

check-runner: $(RUNNER)
	@LABEL='runner [$(CFG)]' RUNNER='$(RUNNER)' CC='$(CC)' CFLAGS='$(CFLAGS)' TEST_LDLIBS='$(TEST_LDLIBS)' \
	    tools/runner-tests/run.sh $(if $(TALLY),'$(TALLY)')

# GitHub Classroom's autograding config and a CI workflow, both from the
# manifest (CH="NN ..." for the chapters assigned; default all).
AUTOGRADING := .github/classroom/autograding.json
WORKFLOW    := .github/workflows/grade.yml
autograding: $(RUNNER)
	@mkdir -p $(dir $(AUTOGRADING)) $(dir $(WORKFLOW))
	@$(RUNNER) autograding --manifest $(MANIFEST) $(if $(CH),--ch '$(CH)') json >$(AUTOGRADING)
	@$(RUNNER) autograding --manifest $(MANIFEST) $(if $(CH),--ch '$(CH)') workflow >$(WORKFLOW)
	@echo "wrote $(AUTOGRADING) and $(WORKFLOW)"

# (for tools/test.sh) both files match the manifest, for the chapters they grade.
check-autograding: $(RUNNER)
	@ch=$$(sed -n 's/^ *CHAPTERS: "\(.*\)"$$/\1/p' $(WORKFLOW) 2>/dev/null); ok=1; \
	 for f in json:$(AUTOGRADING) workflow:$(WORKFLOW); do \
	     if $(RUNNER) autograding --manifest $(MANIFEST) --ch "$$ch" $${f%%:*} | cmp -s - $${f#*:}; then \
	         echo "ok   $${f#*:} matches the manifest"; $(if $(TALLY),echo "pass $${f#*:} matches the manifest" >>'$(TALLY)';) \
	     else ok=0; echo "FAIL $${f#*:} matches the manifest: run make autograding$${ch:+ CH=\"$$ch\"}"; \
	         $(if $(TALLY),echo "fail $${f#*:} matches the manifest" >>'$(TALLY)';) fi; \
	 done; [ $$ok = 1 ]

# The repository an instructor hands out: no solutions/, no INSTRUCTORS.md
# (tools/student-edition.sh says what else).  From git's REF (default HEAD).
student-edition:
	@test -n '$(OUT)' || { echo 'usage: make student-edition OUT=DIR [REF=HEAD]' >&2; exit 2; }
	@tools/student-edition.sh '$(OUT)' '$(or $(REF),HEAD)'

test:
	@tools/test.sh

diagrams:
	@tools/deps.sh graphviz
	@tools/diagrams.sh render

bench:
	@test -n '$(CH)' || { echo 'usage: make bench CH=NN' >&2; exit 2; }
	@dir=$$($(CHDIR_CMD)) || exit 2; \
	 srcs=$$(ls $$dir/bench-*.c 2>/dev/null); \
	 if [ -z "$$srcs" ] && [ ! -f $$dir/bench.sh ]; then echo "no benchmarks in chapter $$(basename $$dir | cut -c1-2)"; exit 0; fi; \
	 tools/deps.sh gnuplot $(DEMO_NEEDS) || exit 1; \
	 bins=$$(for f in $$srcs; do echo "build/bench/$${f%.c}"; done); \
	 $(MAKE) --no-print-directory CFG=bench build/bench/libasy.a $$bins || exit 1; \
	 if [ -f $$dir/bench.sh ]; then \
	     BENCH_BIN_DIR=build/bench/$$dir bash $$dir/bench.sh build/bench/$$dir; \
	 else \
	     for b in $$bins; do echo "=== $$b ==="; ./$$b || exit 1; done; \
	 fi

clean:
	rm -rf build
