/*
 * countdown.c - exercise 01/countdown, the reference solution.
 *
 *     def countdown(n):
 *         while n > 0:
 *             yield n
 *             n -= 1
 *
 * The resume points of the body:
 *   CREATED    before the first line
 *   SUSPENDED  stopped at `yield n`; the next call carries on with `n -= 1`
 *   CLOSED     the while loop ended; every call answers StopIteration
 */
#include "countdown.h"

enum { CREATED, SUSPENDED, CLOSED };

void countdown_init(struct countdown *c, int n)
{
    c->state = CREATED;
    c->n = n; /* the argument is a local of the body: it lives in the frame */
}

int countdown_next(struct countdown *c, int *out)
{
    switch (c->state) {
    case CREATED:   /* start at the top: straight to the loop test */
        break;
    case SUSPENDED: /* resume behind `yield n`: the rest of the loop body */
        c->n -= 1;
        break;
    default:        /* CLOSED: finished generators stay finished */
        return 0;
    }
    /* while n > 0: */
    if (c->n > 0) {
        c->state = SUSPENDED; /* next time: carry on behind the yield */
        *out = c->n;          /* yield n */
        return 1;
    }
    c->state = CLOSED;        /* the loop ended: so does the body */
    return 0;                 /* StopIteration */
}
