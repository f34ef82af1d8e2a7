/*
 * countdown.c - exercise 01/countdown (see countdown.h).
 *
 *     def countdown(n):
 *         while n > 0:
 *             yield n
 *             n -= 1
 *
 * Write it as a state machine, like gen_func_next() in
 * chapters/01-generators/1-by-hand.c. Decide which values c->state takes
 * (created? suspended at the yield? finished?) and write them down in a
 * comment, then give countdown_next() a `switch (c->state)`.
 */
#include "countdown.h"

void countdown_init(struct countdown *c, int n)
{
    /* TODO: if you number your states differently, start c->state at
     * your "not started yet" value. */
    c->state = 0;
    c->n = n;
}

int countdown_next(struct countdown *c, int *out)
{
    /* TODO: switch (c->state) { ... }: resume where the last call stopped,
     * run on to the next `yield n` (store n in *out, return 1) or to the
     * end of the loop (return 0 now and on every later call). */
    (void)c;
    (void)out;
    return 0;
}
