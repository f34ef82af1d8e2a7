/*
 * clock.h - the loop's clock: real (monotonic) or virtual (autojump).
 * Chapter: 10
 *
 * An event loop reads time for two things: when a timer is due, and how long
 * the selector may block. asyncio's loop.time() is time.monotonic(): it
 * never jumps when someone sets the wall clock.
 *
 * Tests and demos want more: a program that sleeps for an hour should
 * finish at once and print the same trace every time. A virtual clock does
 * that. It only moves when the loop has nothing else to do: no callback is
 * ready and no I/O is ready right now. Then the loop jumps the clock straight
 * to the next timer's deadline (trio's MockClock with autojump works the
 * same way). Time is then a pure function of the program, not of the
 * machine's load.
 *
 * The clock is a small struct of data plus one function pointer, chosen per
 * loop: asy_clock_monotonic() or a virtual clock you own.
 */
#ifndef ASY_CLOCK_H
#define ASY_CLOCK_H

#include <stdbool.h>
#include <stddef.h>

typedef struct asy_clock asy_clock;

struct asy_clock {
    /* Seconds since an arbitrary start: loop.time(). */
    double (*now)(asy_clock *c);
    /* A virtual clock moves only when the loop advances it. */
    bool is_virtual;
    double t; /* the virtual time */
};

/* The real clock, CLOCK_MONOTONIC (shared, never freed). */
asy_clock *asy_clock_monotonic(void);

/* Set up a virtual clock that starts at `start` seconds. */
void asy_clock_virtual_init(asy_clock *c, double start);

/* Move a virtual clock forward to t (never backward, and never to
 * infinity or NaN: a virtual time stays a finite number, so deadlines
 * computed from it stay finite too). For the loop. */
void asy_clock_advance_to(asy_clock *c, double t);

static inline double asy_clock_now(asy_clock *c) { return c != NULL ? c->now(c) : 0.0; }

#endif /* ASY_CLOCK_H */
