/*
 * clock.c - the monotonic and the virtual clock (chapter 10).
 */
#include "clock.h"

#include <math.h>
#include <time.h>

static double monotonic_now(asy_clock *c)
{
    (void)c;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double virtual_now(asy_clock *c) { return c->t; }

asy_clock *asy_clock_monotonic(void)
{
    static asy_clock real = {monotonic_now, false, 0.0};
    return &real;
}

void asy_clock_virtual_init(asy_clock *c, double start)
{
    if (c == NULL)
        return;
    c->now = virtual_now;
    c->is_virtual = true;
    c->t = start;
}

void asy_clock_advance_to(asy_clock *c, double t)
{
    if (c != NULL && c->is_virtual && t > c->t && isfinite(t))
        c->t = t;
}
