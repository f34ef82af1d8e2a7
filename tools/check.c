/*
 * check.c — implementation of check.h on top of CUnit 2.1.
 *
 * Each failed check is handed to CU_assertImplementation(); CUnit 2.1-3
 * copies the condition string into its failure record (checked under ASan),
 * so the formatted message can live in a stack buffer.  Messages are made
 * single-line (tabs, newlines and control bytes escaped) because the report
 * format is line- and tab-separated.
 */
#if !defined(_POSIX_C_SOURCE) && !defined(_DEFAULT_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include "check.h"

#include <CUnit/CUnit.h>
#include <CUnit/TestRun.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MSG_MAX 1024

static int report_fd = -1;
static unsigned tests_failed;

/* ---- messages ---------------------------------------------------------- */

/* Copy src into dst (capacity cap), escaping what would break a report line. */
static void sanitize(char *dst, size_t cap, const char *src)
{
    size_t o = 0;
    for (const unsigned char *s = (const unsigned char *)src; *s && o + 5 < cap; s++) {
        if (*s == '\n') { dst[o++] = '\\'; dst[o++] = 'n'; }
        else if (*s == '\t') { dst[o++] = '\\'; dst[o++] = 't'; }
        else if (*s == '\r') { dst[o++] = '\\'; dst[o++] = 'r'; }
        else if (*s < 0x20 || *s == 0x7f) o += (size_t)snprintf(dst + o, cap - o, "\\x%02x", *s);
        else dst[o++] = (char)*s;
    }
    dst[o] = '\0';
}

static void fail_with(int fatal, const char *file, int line, const char *msg)
{
    char clean[MSG_MAX];
    sanitize(clean, sizeof clean, msg);
    CU_assertImplementation(CU_FALSE, (unsigned)line, clean, file, "", fatal ? CU_TRUE : CU_FALSE);
}

static void pass_one(const char *file, int line)
{
    CU_assertImplementation(CU_TRUE, (unsigned)line, "", file, "", CU_FALSE);
}

void check_msg_(int ok, int fatal, const char *file, int line, const char *fmt, ...)
{
    if (ok) { pass_one(file, line); return; }
    char msg[MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fail_with(fatal, file, line, msg);
}

void check_int_eq_(long long actual, long long expected, const char *actual_expr,
                   const char *expected_expr, const char *file, int line)
{
    if (actual == expected) { pass_one(file, line); return; }
    char msg[MSG_MAX];
    snprintf(msg, sizeof msg, "%s == %s: expected %lld, got %lld", actual_expr, expected_expr,
             expected, actual);
    fail_with(0, file, line, msg);
}

/* Quote s C-style into dst, truncating long strings. */
static void quote(char *dst, size_t cap, const char *s)
{
    if (!s) { snprintf(dst, cap, "NULL"); return; }
    size_t o = 0;
    dst[o++] = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (o + 10 >= cap) { o += (size_t)snprintf(dst + o, cap - o, "\"..."); dst[o] = '\0'; return; }
        switch (*p) {
        case '"': dst[o++] = '\\'; dst[o++] = '"'; break;
        case '\\': dst[o++] = '\\'; dst[o++] = '\\'; break;
        case '\n': dst[o++] = '\\'; dst[o++] = 'n'; break;
        case '\t': dst[o++] = '\\'; dst[o++] = 't'; break;
        default:
            if (*p < 0x20 || *p == 0x7f) o += (size_t)snprintf(dst + o, cap - o, "\\x%02x", *p);
            else dst[o++] = (char)*p;
        }
    }
    dst[o++] = '"';
    dst[o] = '\0';
}

void check_str_eq_(const char *actual, const char *expected, const char *actual_expr,
                   const char *expected_expr, const char *file, int line)
{
    if ((actual == NULL && expected == NULL) ||
        (actual != NULL && expected != NULL && strcmp(actual, expected) == 0)) {
        pass_one(file, line);
        return;
    }
    char qa[300], qe[300], msg[MSG_MAX];
    quote(qa, sizeof qa, actual);
    quote(qe, sizeof qe, expected);
    snprintf(msg, sizeof msg, "%s == %s: expected %s, got %s", actual_expr, expected_expr, qe, qa);
    fail_with(0, file, line, msg);
}

void check_dbl_near_(double actual, double expected, double eps, const char *actual_expr,
                     const char *expected_expr, const char *file, int line)
{
    double d = actual - expected;
    if (d < 0) d = -d;
    if (d <= eps) { pass_one(file, line); return; } /* false for NaN */
    char msg[MSG_MAX];
    snprintf(msg, sizeof msg, "%s == %s (within %g): expected %.17g, got %.17g", actual_expr,
             expected_expr, eps, expected, actual);
    fail_with(0, file, line, msg);
}

void check_ptr_(const void *p, int want_null, const char *expr, const char *file, int line)
{
    if ((p == NULL) == (want_null != 0)) { pass_one(file, line); return; }
    char msg[MSG_MAX];
    if (want_null) snprintf(msg, sizeof msg, "%s == NULL: got %p", expr, p);
    else snprintf(msg, sizeof msg, "%s != NULL: got NULL", expr);
    fail_with(0, file, line, msg);
}

/* ---- report ------------------------------------------------------------ */

static void report_line(const char *a, const char *b, const char *c, const char *d)
{
    if (report_fd < 0) return;
    char line[MSG_MAX * 2 + 512];
    int n = snprintf(line, sizeof line, "%s\t%s%s%s%s%s\n", a, b, c ? "\t" : "", c ? c : "",
                     d ? "\t" : "", d ? d : "");
    if (n < 0) return;
    size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    if (line[len - 1] != '\n') line[len - 1] = '\n';
    const char *p = line;
    while (len > 0) {
        ssize_t w = write(report_fd, p, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            return;
        }
        p += w;
        len -= (size_t)w;
    }
}

static void on_test_start(const CU_pTest test, const CU_pSuite suite)
{
    (void)suite;
    report_line("RUN", test->pName, NULL, NULL);
}

static void on_test_complete(const CU_pTest test, const CU_pSuite suite,
                             const CU_pFailureRecord failures)
{
    (void)suite;
    int failed = 0;
    for (CU_pFailureRecord f = failures; f; f = f->pNext) {
        if (f->pTest != test) continue;
        failed = 1;
        char where[600], name[256];
        snprintf(where, sizeof where, "%s:%u", f->strFileName ? f->strFileName : "?",
                 f->uiLineNumber);
        sanitize(name, sizeof name, test->pName);
        const char *msg = f->strCondition ? f->strCondition : "";
        printf("  FAIL %s: %s: %s\n", name, where, msg);
        report_line("FAIL", test->pName, where, msg);
    }
    if (failed) tests_failed++;
    else report_line("PASS", test->pName, NULL, NULL);
    fflush(stdout);
}

/* ---- main -------------------------------------------------------------- */

int check_main(const char *suite, const check_test *tests, int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    if (argc > 2) {
        fprintf(stderr, "usage: %s [TEST_NAME]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (only) {
        int found = 0;
        for (const check_test *t = tests; t->name; t++) found |= strcmp(t->name, only) == 0;
        if (!found) {
            fprintf(stderr, "%s: no test named '%s'; the tests are:\n", suite, only);
            for (const check_test *t = tests; t->name; t++) fprintf(stderr, "  %s\n", t->name);
            return 2;
        }
    }

    const char *rp = getenv("CHECK_REPORT");
    if (rp && *rp) {
        report_fd = open(rp, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
        if (report_fd < 0) {
            fprintf(stderr, "%s: cannot open CHECK_REPORT file %s: %s\n", suite, rp, strerror(errno));
            return 2;
        }
    }

    if (CU_initialize_registry() != CUE_SUCCESS) {
        fprintf(stderr, "%s: CUnit: %s\n", suite, CU_get_error_msg());
        return 2;
    }
    CU_set_error_action(CUEA_IGNORE);
    CU_pSuite s = CU_add_suite(suite, NULL, NULL);
    unsigned ntests = 0;
    for (const check_test *t = tests; s && t->name; t++) {
        if (only && strcmp(t->name, only) != 0) continue;
        if (!CU_add_test(s, t->name, t->fn)) break;
        ntests++;
    }
    if (!s || CU_get_error() != CUE_SUCCESS) {
        fprintf(stderr, "%s: CUnit: %s\n", suite, CU_get_error_msg());
        CU_cleanup_registry();
        return 2;
    }
    /* The plan first: the runner requires a PASS for every test named here, so
     * a program that exits 0 early (exit(0) in a stub, in a constructor...)
     * cannot pass for one that ran everything. */
    for (const check_test *t = tests; t->name; t++)
        if (!only || strcmp(t->name, only) == 0) report_line("PLAN", t->name, NULL, NULL);
    CU_set_test_start_handler(on_test_start);
    CU_set_test_complete_handler(on_test_complete);
    tests_failed = 0;
    CU_run_all_tests();

    printf("%s: %u tests, %u failed\n", suite, ntests, tests_failed);
    fflush(stdout);
    CU_cleanup_registry();
    if (report_fd >= 0) close(report_fd);
    report_fd = -1;
    return tests_failed ? 1 : 0;
}
