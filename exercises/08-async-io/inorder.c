/*
 * inorder.c - exercise: submit N reads, reap completions in any order,
 * deliver the results in order.  See inorder.h.
 *
 * A plan that works:
 *   - a window of `depth` slots (calloc); block b lives in slot b % depth
 *     while it is in flight or waiting (why is that slot always free?);
 *   - next_submit: the next block to submit; next_deliver: the next block
 *     to deliver.  The window is full when next_submit - next_deliver == depth;
 *   - loop: fill the window with submit(); reap() one completion and copy
 *     its data into its slot; then deliver from next_deliver on, as long as
 *     the slot of next_deliver is ready.
 *   - use the block number as the tag: the completion tells you the slot.
 */
#include <stdlib.h>
#include <string.h>

#include "inorder.h"

int read_in_order(const struct cq_device *dev, size_t n, unsigned depth, cq_deliver_fn *deliver,
                  void *ctx)
{
    (void)dev;
    (void)n;
    (void)depth;
    (void)deliver;
    (void)ctx;
    /* TODO: the plan above.  Free what you allocate, on every path. */
    return -1;
}
