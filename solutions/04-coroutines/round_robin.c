/*
 * round_robin.c - exercise 04/round_robin, the reference solution.
 * See round_robin.h.
 *
 * The ready queue is an intrusive list (lib/ilist.h), as in
 * lib/trampoline.c: one slot per coroutine, allocated once for all of them,
 * so a turn (pop the front, send, push to the back) allocates nothing.
 */
#include "round_robin.h"

#include <stdlib.h>

#include "ilist.h"

typedef struct slot {
    asy_ilist link; /* in the ready queue while the coroutine is running */
    int index;      /* which coroutine: coros[index], results[index] */
} slot;

/* The coroutine finished: record its outcome in *result (a new reference).
 * Takes what `r` holds. */
static void record(asy_result *r, asy_value *result)
{
    if (r->status == ASY_RETURNED) {
        *result = r->value; /* StopIteration.value: move it out of r */
        r->value = asy_none();
    } else {
        *result = asy_exc_value(r->exc); /* a new reference; r keeps its own */
    }
    asy_result_clear(r);
}

int round_robin(asy_coro **coros, int n, asy_value *results)
{
    if (n <= 0)
        return 0;
    slot *slots = calloc((size_t)n, sizeof *slots);
    if (slots == NULL)
        asy_out_of_memory("the round-robin slots");
    asy_ilist ready;
    asy_ilist_init(&ready);
    for (int i = 0; i < n; i++) {
        slots[i].index = i;
        results[i] = asy_none();
        asy_ilist_push_back(&ready, &slots[i].link);
    }

    int sends = 0;
    asy_ilist *node;
    while ((node = asy_ilist_pop_front(&ready)) != NULL) {
        int i = ASY_CONTAINER_OF(node, slot, link)->index;
        asy_result r = asy_gen_send(coros[i], asy_none());
        sends++;
        if (r.status == ASY_YIELDED) {
            asy_result_clear(&r);               /* whatever it yielded: its turn is over */
            asy_ilist_push_back(&ready, node);  /* to the back of the line */
            continue;
        }
        record(&r, &results[i]);
        asy_decref(coros[i]); /* finished: release the reference we stole */
    }
    free(slots);
    return sends;
}
