/*
 * dispatch.c - exercise 09/dispatch, the reference solution.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dispatch.h"

int dispatch_once(asy_selector *sel, double timeout)
{
    /* Room for every registered fd: select and poll report in fd order, so
     * a smaller array would always serve the low fds first and leave the
     * high ones for later calls, or for never. */
    size_t max = asy_selector_count(sel);
    asy_selector_event *events = malloc((max > 0 ? max : 1) * sizeof *events);
    if (events == NULL)
        return -1;

    int n;
    asy_exc *e = asy_selector_select(sel, timeout, events, (int)(max > 0 ? max : 1), &n);
    if (e) {
        fprintf(stderr, "dispatch_once: %s\n", ASY_EXC_STR(e));
        asy_decref(e);
        free(events);
        return -1;
    }

    int called = 0;
    for (int i = 0; i < n; i++) {
        const asy_selector_key *key = events[i].key;
        /* The batch was fixed when select() returned; the callbacks run
         * since then may have unregistered this fd (events 0, data NULL)
         * or narrowed what it waits for. Deliver only what it still wants. */
        int mask = events[i].events & key->events;
        if (mask == 0)
            continue;
        const ex_handler *h = key->data; /* callback = key.data */
        h->fn(key->fd, mask, h->arg);    /* callback(key.fileobj, mask) */
        called++;
    }
    free(events);
    return called;
}
