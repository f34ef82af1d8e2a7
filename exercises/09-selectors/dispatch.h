/*
 * dispatch.h - exercise 09/dispatch: one turn of the notes' loop().
 *
 *     def loop():
 *         while True:
 *             events = sel.select()
 *             for key, mask in events:
 *                 callback = key.data
 *                 callback(key.fileobj, mask)
 *
 * dispatch_once() is the body of that `while True`: one select(), then one
 * callback call per ready key. Python stores the callback itself as the
 * key's data; in C the data of every key points at an ex_handler, which
 * holds the function and the argument to pass it (Python would bind that
 * argument with functools.partial or a closure).
 */
#ifndef EX09_DISPATCH_H
#define EX09_DISPATCH_H

#include "selector.h"

/* callback(key.fileobj, mask), plus the handler's own argument. */
typedef void ex_io_callback(int fd, int mask, void *arg);

/* What the data of every key registered on the selector points at
 * (borrowed: the selector never frees it). */
typedef struct ex_handler {
    ex_io_callback *fn;
    void *arg;
} ex_handler;

/*
 * Wait up to `timeout` seconds (< 0: no limit; 0: just look) for the
 * registered fds, then call, for each ready key in the order select()
 * reported them:
 *     handler->fn(key->fd, mask, handler->arg)
 * where `mask` is the key's ready events (ASY_EVENT_READ and/or
 * ASY_EVENT_WRITE). Every ready key is reported by this one select(), however
 * many fds are registered.
 *
 * A callback may unregister or modify ANY fd, its own or another one of the
 * same batch. An fd unregistered earlier in the batch must not get its
 * callback (its key's events are 0 by then, see selector.h, KEYS); an fd
 * modified earlier in the batch gets only the ready events it still asks
 * for, and nothing if none is left.
 *
 * Returns the number of callbacks called (0 when the timeout expired), or
 * -1 if select() failed (the error is printed to stderr).
 */
int dispatch_once(asy_selector *sel, double timeout);

#endif /* EX09_DISPATCH_H */
