/*
 * countdown.h - exercise 01/countdown: a generator written by hand.
 *
 * The Python it stands for:
 *
 *     def countdown(n):
 *         while n > 0:
 *             yield n
 *             n -= 1
 *
 *     c = countdown(3)     # countdown_init(&c, 3)
 *     next(c)              # countdown_next(&c, &v): returns 1, v == 3
 *     ...                  # then 2, then 1, then StopIteration (returns 0)
 *
 * No library, no macros: a struct holding the resume point and the locals,
 * and a next() function with a switch on the resume point, as in
 * chapters/01-generators/1-by-hand.c.
 */
#ifndef COUNTDOWN_H
#define COUNTDOWN_H

/* The frame of one countdown. Everything the generator needs between two
 * calls of countdown_next() lives here, never in a static variable: two
 * countdowns must be able to run side by side. */
struct countdown {
    int state; /* the resume point: where the body carries on next time */
    int n;     /* the local variable n of the Python function */
};

/* c = countdown(n): set up a fresh generator. Runs none of the body. */
void countdown_init(struct countdown *c, int n);

/* next(c): returns 1 and stores the next value in *out (n, n-1, ..., 1),
 * or returns 0 (StopIteration) once the countdown is over, and 0 again on
 * every later call. *out is left alone when it returns 0. */
int countdown_next(struct countdown *c, int *out);

#endif /* COUNTDOWN_H */
