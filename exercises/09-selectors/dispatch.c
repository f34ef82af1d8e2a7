/*
 * dispatch.c - exercise 09/dispatch: one turn of the notes' loop().
 *
 * Read dispatch.h for what dispatch_once must do, and the chapter's demo
 * chapters/09-selectors/2-dispatch-trace.c for a loop that does it.
 * Run the tests with `make exercises CH=09`.
 */
#include <stdio.h>
#include <stdlib.h>

#include "dispatch.h"

int dispatch_once(asy_selector *sel, double timeout)
{
    /* TODO 1: make room for the ready events: an array of
     *         asy_selector_event with one slot per registered fd
     *         (asy_selector_count(sel); at least 1).
     * TODO 2: asy_selector_select(sel, timeout, events, max, &n). If it
     *         returns an exception: print it (ASY_EXC_STR), asy_decref it,
     *         free the array, return -1.
     * TODO 3: for each of the n events, in order:
     *           - mask = the event's ready events that its key still asks
     *             for (an earlier callback may have unregistered or
     *             modified it); skip the event if mask is 0;
     *           - the key's data is an ex_handler *: call
     *             handler->fn(key->fd, mask, handler->arg) and count it.
     * TODO 4: free the array, return the count. */
    (void)sel;
    (void)timeout;
    return -1;
}
