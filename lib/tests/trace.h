/*
 * trace.h - an ordering log for the library's tests.
 *
 * Asserting values is not enough for an event loop: what matters is often
 * the ORDER in which things happened. Tests append short notes as code runs
 * and compare the whole line at the end (neco's order_add / order_check
 * works the same way):
 *
 *     trace_reset();
 *     ... callbacks call note("a"), note("b=%d", 2) ...
 *     CHECK_STR_EQ(trace, "a b=2");
 */
#ifndef TRACE_H
#define TRACE_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char trace[4096];

static inline void trace_reset(void) { trace[0] = '\0'; }

/* Append one note, separated from the previous one by a space. */
static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2), unused));
static void note(const char *fmt, ...)
{
    size_t n = strlen(trace);
    if (n > 0 && n < sizeof trace - 1)
        trace[n++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(trace + n, sizeof trace - n, fmt, ap);
    va_end(ap);
}

#endif /* TRACE_H */
