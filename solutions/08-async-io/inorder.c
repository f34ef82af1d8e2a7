/*
 * inorder.c - solution: submit N reads, reap completions in any order,
 * deliver the results in order.  See inorder.h.
 *
 * The window: blocks next_deliver .. next_submit-1 are in flight or
 * waiting, and there are at most `depth` of them, so block b can live in
 * slot b % depth: no two blocks of the window share a slot.  The block
 * number is the tag, so a completion names its slot directly.
 */
#include <stdlib.h>
#include <string.h>

#include "inorder.h"

struct slot {
    int ready; /* completed, waiting for its turn */
    size_t len;
    char data[CQ_BLOCK_MAX];
};

int read_in_order(const struct cq_device *dev, size_t n, unsigned depth, cq_deliver_fn *deliver,
                  void *ctx)
{
    if (depth == 0) return -1;
    struct slot *slots = calloc(depth, sizeof *slots); /* owned here, freed below */
    if (!slots) return -1;
    size_t next_submit = 0, next_deliver = 0;
    int rc = 0;
    while (next_deliver < n) {
        /* 1. Keep the device busy: fill the window. */
        while (next_submit < n && next_submit - next_deliver < depth) {
            if (dev->submit(dev->self, next_submit, (unsigned long)next_submit) < 0) { rc = -1; goto out; }
            next_submit++;
        }
        /* 2. One completion, whichever finished. */
        struct cq_completion c;
        if (dev->reap(dev->self, &c) != 1 || c.tag < next_deliver || c.tag >= next_submit ||
            c.len > CQ_BLOCK_MAX) {
            rc = -1;
            goto out;
        }
        struct slot *s = &slots[c.tag % depth];
        memcpy(s->data, c.data, c.len); /* c.data dies at the next reap() */
        s->len = c.len;
        s->ready = 1;
        /* 3. Deliver everything that is now in order. */
        while (next_deliver < n && slots[next_deliver % depth].ready) {
            s = &slots[next_deliver % depth];
            deliver(ctx, next_deliver, s->data, s->len);
            s->ready = 0;
            next_deliver++;
        }
    }
out:
    free(slots);
    return rc;
}
