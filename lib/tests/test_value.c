/*
 * test_value.c - tagged values and exceptions (chapter 01): Python's
 * printing rules, equality, reference counting, the exception hierarchy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "exc.h"
#include "value.h"

#define CHECK_NO_LEAKS() CHECK_INT_EQ(asy_obj_live(), 0)

static void test_str_and_repr_follow_python(void)
{
    CHECK_STR_EQ(ASY_STR(asy_none()), "None");
    CHECK_STR_EQ(ASY_STR(asy_bool(true)), "True");
    CHECK_STR_EQ(ASY_STR(asy_bool(false)), "False");
    CHECK_STR_EQ(ASY_STR(asy_int(-42)), "-42");
    asy_value s = asy_str("finish");
    CHECK_STR_EQ(ASY_STR(s), "finish");
    CHECK_STR_EQ(ASY_REPR(s), "'finish'");
    asy_value_decref(s);
    s = asy_str("it's");
    CHECK_STR_EQ(ASY_REPR(s), "\"it's\"");
    asy_value_decref(s);
    s = asy_str("both ' and \" and \\\n");
    CHECK_STR_EQ(ASY_REPR(s), "'both \\' and \" and \\\\\\n'");
    asy_value_decref(s);
    CHECK_NO_LEAKS();
}

static void test_floats_print_like_python(void)
{
    /* repr(x) in CPython for each of these */
    CHECK_STR_EQ(ASY_STR(asy_float(0.5)), "0.5");
    CHECK_STR_EQ(ASY_STR(asy_float(1.0)), "1.0");
    CHECK_STR_EQ(ASY_STR(asy_float(0.1)), "0.1");
    CHECK_STR_EQ(ASY_STR(asy_float(-2.25)), "-2.25");
    CHECK_STR_EQ(ASY_STR(asy_float(10.0 / 3.0)), "3.3333333333333335");
    CHECK_STR_EQ(ASY_STR(asy_float(1e15)), "1000000000000000.0");
    CHECK_STR_EQ(ASY_STR(asy_float(1e16)), "1e+16");
    CHECK_STR_EQ(ASY_STR(asy_float(1.5e-5)), "1.5e-05");
    CHECK_STR_EQ(ASY_STR(asy_float(0.0001)), "0.0001");
    CHECK_STR_EQ(ASY_STR(asy_float(123.456)), "123.456");
}

static void test_strf_and_long_strings(void)
{
    asy_value v = asy_strf("Work %d is finished", 1);
    CHECK_STR_EQ(asy_str_cstr(v), "Work 1 is finished");
    CHECK(asy_is_str(v));
    CHECK_STR_EQ(asy_value_type_name(v), "str");
    asy_value_decref(v);
    char big[1000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    v = asy_strf("%s", big);
    CHECK_INT_EQ(strlen(asy_str_cstr(v)), 999);
    /* Printing into a small buffer is cut and marked, never overrun. */
    const char *shown = ASY_STR(v);
    CHECK_INT_EQ(strlen(shown), ASY_FMT_MAX - 1);
    CHECK_STR_EQ(shown + ASY_FMT_MAX - 4, "...");
    asy_value_decref(v);
    CHECK_NULL(asy_str_cstr(asy_int(3)));
    CHECK_NO_LEAKS();
}

static void test_equality(void)
{
    CHECK(asy_value_eq(asy_int(1), asy_float(1.0)));
    CHECK(asy_value_eq(asy_bool(true), asy_int(1)));
    CHECK(!asy_value_eq(asy_int(1), asy_int(2)));
    CHECK(asy_value_eq(asy_none(), asy_none()));
    CHECK(!asy_value_eq(asy_none(), asy_int(0)));
    asy_value a = asy_str("abc"), b = asy_str("abc"), c = asy_str("abd");
    CHECK(asy_value_eq(a, b));
    CHECK(!asy_value_eq(a, c));
    CHECK(!asy_value_eq(a, asy_int(0)));
    asy_value_decref(a);
    asy_value_decref(b);
    asy_value_decref(c);
    CHECK_NO_LEAKS();
}

static void test_reference_counting(void)
{
    asy_value v = asy_str("shared");
    CHECK_INT_EQ(asy_obj_live(), 1);
    asy_value w = asy_value_incref(v);
    asy_value_decref(v);
    CHECK_INT_EQ(asy_obj_live(), 1); /* w still holds it */
    CHECK_STR_EQ(asy_str_cstr(w), "shared");
    asy_value_clear(&w);
    CHECK(asy_is_none(w));
    asy_value_clear(&w); /* clearing twice is harmless */
    asy_value_decref(asy_int(5)); /* non-objects own nothing */
    CHECK_NO_LEAKS();
}

static void test_exception_hierarchy(void)
{
    asy_exc *e = asy_exc_new(&asy_TimeoutError, "too slow");
    CHECK(asy_exc_is(e, &asy_TimeoutError));
    CHECK(asy_exc_is(e, &asy_OSError));
    CHECK(asy_exc_is(e, &asy_Exception));
    CHECK(asy_exc_is(e, &asy_BaseException));
    CHECK(!asy_exc_is(e, &asy_ValueError));
    asy_decref(e);
    e = asy_exc_new(&asy_GeneratorExit, NULL);
    CHECK(!asy_exc_is(e, &asy_Exception)); /* "except Exception" lets it pass */
    CHECK(asy_exc_is(e, &asy_BaseException));
    CHECK_STR_EQ(ASY_EXC_STR(e), "GeneratorExit");
    asy_decref(e);
    CHECK(!asy_exc_is(NULL, &asy_BaseException));
    CHECK_NO_LEAKS();
}

ASY_EXC_TYPE(AppError, asy_ValueError);

static void test_user_defined_exception_type(void)
{
    asy_exc *e = asy_exc_new(&AppError, "code %d", 7);
    CHECK_STR_EQ(ASY_EXC_STR(e), "AppError: code 7");
    CHECK(asy_exc_is(e, &asy_ValueError));
    CHECK_STR_EQ(asy_exc_message(e), "code 7");
    asy_decref(e);
    CHECK_NO_LEAKS();
}

static void test_stop_iteration_carries_value(void)
{
    /* StopIteration(5).value is 5; StopIteration('boom').value is 'boom' */
    asy_exc *five = asy_exc_new_value(&asy_StopIteration, asy_int(5));
    CHECK(asy_value_eq(five->value, asy_int(5)));
    CHECK_STR_EQ(ASY_REPR(five->value), "5");
    asy_decref(five);
    asy_exc *boom = asy_exc_new(&asy_StopIteration, "boom");
    CHECK_STR_EQ(asy_str_cstr(boom->value), "boom");
    asy_decref(boom);
    /* a generator that returns None raises StopIteration(), no argument */
    asy_exc *none = asy_exc_stop_iteration(asy_none());
    CHECK_INT_EQ(asy_exc_nargs(none), 0);
    CHECK(asy_is_none(none->value));
    asy_value nv = asy_exc_value(none);
    CHECK_STR_EQ(ASY_REPR(nv), "StopIteration()");
    asy_value_decref(nv);
    asy_decref(none);

    asy_exc *e = asy_exc_stop_iteration(asy_str("finish"));
    CHECK_STR_EQ(asy_exc_message(e), "finish"); /* print("e: ", e) shows this */
    CHECK_STR_EQ(ASY_EXC_STR(e), "StopIteration: finish");
    CHECK_STR_EQ(asy_str_cstr(e->value), "finish");
    asy_decref(e);
    e = asy_exc_stop_iteration(asy_none());
    CHECK_STR_EQ(ASY_EXC_STR(e), "StopIteration");
    asy_decref(e);
    CHECK_NO_LEAKS();
}

/* e.args as Python keeps them: what str(), repr() and the traceback's last
 * line print for no argument, a str, a str that is empty, and other values. */
static void test_exceptions_hold_python_args(void)
{
    struct {
        asy_exc *e;
        int nargs;
        const char *str, *repr, *line;
    } cases[] = {
        {asy_exc_new(&asy_ValueError, NULL), 0, "", "ValueError()", "ValueError"},
        {asy_exc_new(&asy_ValueError, "bad"), 1, "bad", "ValueError('bad')", "ValueError: bad"},
        {asy_exc_new(&asy_RuntimeError, "%s", ""), 1, "", "RuntimeError('')", "RuntimeError"},
        {asy_exc_new(&asy_KeyError, "k"), 1, "'k'", "KeyError('k')", "KeyError: 'k'"},
        {asy_exc_new(&asy_KeyError, "%s", ""), 1, "''", "KeyError('')", "KeyError: ''"},
        {asy_exc_new(&asy_KeyError, NULL), 0, "", "KeyError()", "KeyError"},
        {asy_exc_new_value(&asy_KeyError, asy_int(3)), 1, "3", "KeyError(3)", "KeyError: 3"},
        {asy_exc_new_value(&asy_ValueError, asy_float(0.5)), 1, "0.5", "ValueError(0.5)", "ValueError: 0.5"},
        {asy_exc_new_value(&asy_StopIteration, asy_int(5)), 1, "5", "StopIteration(5)", "StopIteration: 5"},
        {asy_exc_new_value(&asy_StopIteration, asy_none()), 1, "None", "StopIteration(None)",
         "StopIteration: None"},
        {asy_exc_new(&asy_IndexError, "it's"), 1, "it's", "IndexError(\"it's\")", "IndexError: it's"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        asy_exc *e = cases[i].e;
        asy_value v = asy_exc_value(e);
        CHECK_INT_EQ(asy_exc_nargs(e), cases[i].nargs);
        CHECK_STR_EQ(asy_exc_message(e), cases[i].str);
        CHECK_STR_EQ(ASY_STR(v), cases[i].str);
        CHECK_STR_EQ(ASY_REPR(v), cases[i].repr);
        CHECK_STR_EQ(ASY_EXC_STR(e), cases[i].line);
        asy_value_decref(v);
        asy_decref(e);
    }
    /* args[0] keeps its value, not only its text */
    asy_exc *e = asy_exc_new_value(&asy_KeyError, asy_int(3));
    CHECK_INT_EQ(asy_exc_arg(e).kind, ASY_INT);
    CHECK_INT_EQ(asy_exc_arg(e).u.i, 3);
    asy_decref(e);
    e = asy_exc_new(&asy_ValueError, "%d apples", 2);
    CHECK_STR_EQ(asy_str_cstr(asy_exc_arg(e)), "2 apples");
    asy_decref(e);
    /* a long message is kept whole */
    char longer[1001];
    memset(longer, 'x', 1000);
    longer[1000] = '\0';
    e = asy_exc_new(&asy_ValueError, "%s", longer);
    CHECK_INT_EQ((long long)strlen(asy_exc_message(e)), 1000);
    asy_decref(e);
    /* queries on NULL answer neutrally */
    CHECK_INT_EQ(asy_exc_nargs(NULL), 0);
    CHECK(asy_is_none(asy_exc_arg(NULL)));
    CHECK_NO_LEAKS();
}

/* type(e).__name__ is the exception's class, not a generic "exception". */
static void test_exception_type_name_is_the_class(void)
{
    asy_exc *e = asy_exc_new(&asy_ValueError, "x");
    asy_value v = asy_exc_value(e);
    CHECK_STR_EQ(asy_value_type_name(v), "ValueError");
    asy_value_decref(v);
    asy_decref(e);
    e = asy_exc_new(&AppError, NULL);
    v = asy_exc_value(e);
    CHECK_STR_EQ(asy_value_type_name(v), "AppError");
    asy_value_decref(v);
    asy_decref(e);
    CHECK_NO_LEAKS();
}

static void test_exceptions_as_values_and_chains(void)
{
    asy_exc *inner = asy_exc_new(&asy_ValueError, "inner");
    asy_exc *outer = asy_exc_new(&asy_RuntimeError, "outer");
    asy_exc_set_cause(outer, inner);
    asy_decref(inner); /* outer keeps its own reference */
    CHECK_STR_EQ(ASY_EXC_STR(outer->cause), "ValueError: inner");
    asy_value v = asy_exc_value(outer);
    CHECK(asy_value_exc(v) == outer);
    CHECK_STR_EQ(ASY_REPR(v), "RuntimeError('outer')");
    CHECK_STR_EQ(ASY_STR(v), "outer");
    CHECK_NULL(asy_value_exc(asy_int(1)));
    asy_value_decref(v);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    asy_exc_print(outer, mem);
    fclose(mem);
    CHECK_STR_EQ(text, "ValueError: inner\n\nThe above exception was the direct cause of the "
                       "following exception:\n\nRuntimeError: outer\n");
    free(text);
    asy_decref(outer);
    CHECK_NO_LEAKS();
}

/* Is this the ASan build (CFG=asan)? There the cache is off and ASan
 * itself reports a use after free. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/* Run fn in a child process; return its wait status and what it wrote on
 * stderr (into err). */
static int in_child(void (*fn)(void), char *err, size_t size)
{
    int fds[2];
    CHECK_FATAL(pipe(fds) == 0);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    CHECK_FATAL(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        dup2(fds[1], 2);
        fn();
        _exit(0);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    char rest[512];
    while ((n = read(fds[0], len + 1 < size ? err + len : rest,
                     len + 1 < size ? size - 1 - len : sizeof rest)) > 0)
        if (len + 1 < size)
            len += (size_t)n; /* keep the start, drain the rest */
    err[len] = '\0';
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

static const asy_type widget_type = {.name = "Widget"};

static void release_a_widget_twice(void)
{
    asy_obj *o = asy_obj_new(&widget_type, 64);
    asy_decref(o);
    asy_decref(o); /* one too many */
}

static void test_double_release_is_named_and_aborts(void)
{
    char err[4096];
    int status = in_child(release_a_widget_twice, err, sizeof err);
    if (UNDER_ASAN) { /* ASan stops the program itself, with exit status 1 */
        CHECK(status != 0);
        CHECK(strstr(err, "heap-use-after-free") != NULL);
        return;
    }
    /* it aborts (SIGABRT), it does not crash (SIGSEGV) */
    CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %d, stderr: %s", status, err);
    static const char first[] = "asy: asy_decref on a dead Widget object (refcnt 0)\n";
    CHECK_MSG(strncmp(err, first, strlen(first)) == 0, "stderr: %s", err);
    /* the release that freed it: this file's code, in this program */
    CHECK_MSG(strstr(err, "asy: it was freed by the release at ") != NULL && strstr(err, "test_value+0x") != NULL,
              "stderr: %s", err);
}

/* A str too large for the memory the child may have. */
static void allocate_too_much(void)
{
    struct rlimit lim = {256u << 20, 256u << 20}; /* 256 MB of address space */
    setrlimit(RLIMIT_AS, &lim);
    asy_value v = asy_strf("%*s", 400 << 20, ""); /* 400 MB */
    asy_value_decref(v);
}

static void say_out_of_memory(void) { asy_out_of_memory("a test's buffer"); }

static void test_out_of_memory_has_one_message(void)
{
    char err[4096];
    int status = in_child(say_out_of_memory, err, sizeof err);
    CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %d", status);
    CHECK_STR_EQ(err, "asy: out of memory allocating a test's buffer\n");
    if (UNDER_ASAN)
        return; /* ASan reserves terabytes of address space: no rlimit */
    status = in_child(allocate_too_much, err, sizeof err);
    CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "status %d", status);
    CHECK_STR_EQ(err, "asy: out of memory allocating a str\n");
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"str and repr follow Python", test_str_and_repr_follow_python},
        {"floats print like Python", test_floats_print_like_python},
        {"strf and long strings", test_strf_and_long_strings},
        {"equality", test_equality},
        {"reference counting", test_reference_counting},
        {"exception hierarchy", test_exception_hierarchy},
        {"user-defined exception type", test_user_defined_exception_type},
        {"StopIteration carries the value", test_stop_iteration_carries_value},
        {"exceptions hold Python's args: str, repr, last line", test_exceptions_hold_python_args},
        {"an exception's type name is its class", test_exception_type_name_is_the_class},
        {"exceptions as values, and chains", test_exceptions_as_values_and_chains},
        {"a reference released twice is named and aborts", test_double_release_is_named_and_aborts},
        {"out of memory ends with one message", test_out_of_memory_has_one_message},
        {NULL, NULL},
    };
    return check_main("value", tests, argc, argv);
}
