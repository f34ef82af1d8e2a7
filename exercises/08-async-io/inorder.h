/*
 * inorder.h - consume a completion queue, deliver in order (chapter 08,
 * exercise 2).
 *
 * Completion-based I/O (io_uring, POSIX AIO) finishes requests in whatever
 * order the device manages, not in the order you submitted them.  Each
 * request carries a tag you choose (io_uring calls it user_data) and the
 * completion gives it back, so you can tell which request finished.
 *
 * The test provides the device through this small interface, so the
 * exercise does not depend on whether io_uring is allowed on your machine.
 * With io_uring, submit() would be io_uring_prep_read() +
 * io_uring_sqe_set_data64(sqe, tag) + io_uring_submit(), and reap() would be
 * io_uring_wait_cqe() + io_uring_cqe_seen().
 */
#ifndef INORDER_H
#define INORDER_H

#include <stddef.h>

enum { CQ_BLOCK_MAX = 64 }; /* no block is longer than this */

struct cq_completion {
    unsigned long tag; /* the tag given to submit() */
    const char *data;  /* borrowed: valid only until the next reap() */
    size_t len;        /* 0 .. CQ_BLOCK_MAX */
};

struct cq_device {
    /* Start reading block number `block`; `tag` comes back with its
       completion.  Returns 0, or -1 if the device refuses (an error, or
       more requests in flight than it allows). */
    int (*submit)(void *self, size_t block, unsigned long tag);
    /* Wait for one request to finish and describe it in *out.  Returns 1,
       0 if nothing is in flight (nothing to wait for), -1 on error. */
    int (*reap)(void *self, struct cq_completion *out);
    void *self;
};

/* Called once per block, for block 0, 1, 2, ... n-1 in that order.  data is
   borrowed: valid only during the call. */
typedef void cq_deliver_fn(void *ctx, size_t block, const char *data, size_t len);

/* Read blocks 0 .. n-1 from dev and deliver them in order.  Keep the device
   busy: up to `depth` blocks may be in flight or waiting for delivery at
   once (depth >= 1), and never more.  Completions arrive in any order; a
   block that finishes early is kept (copied) until its turn.  Returns 0
   when all n were delivered, -1 if the device failed (delivery stops). */
int read_in_order(const struct cq_device *dev, size_t n, unsigned depth, cq_deliver_fn *deliver,
                  void *ctx);

#endif /* INORDER_H */
