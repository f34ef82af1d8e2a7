/*
 * trampoline.h - a round-robin scheduler of coroutines.
 * Chapter: 04
 *
 * The bridge from "coroutines by hand" to the event loop. A coroutine that
 * yields a bare None says "I can go on later; let someone else run". A
 * trampoline keeps a queue of such coroutines and sends None into the one
 * at the front; if it yields, it goes to the back of the queue; if it
 * returns or raises, it is done and its outcome is reported. Two ideas of
 * the event loop are already here: a ready queue, and a single driver that
 * is the only caller of send().
 *
 *     ready: [A, B, C]    send(None) into A  -> A yields  -> [B, C, A]
 *                         send(None) into B  -> B returns -> [C, A]   (done: B)
 *
 * What it cannot do yet is wait: there is no clock and no I/O, so a
 * coroutine that yields anything but None has asked for something the
 * trampoline does not understand, and gets a RuntimeError thrown back in
 * (chapter 12's task answers a yielded future by waiting for it).
 *
 * The queue is an intrusive list (ilist.h): spawning allocates one small
 * job per coroutine; running a step allocates nothing.
 */
#ifndef ASY_TRAMPOLINE_H
#define ASY_TRAMPOLINE_H

#include <stddef.h>

#include "coro.h"
#include "ilist.h"

/* Called once per coroutine when it finishes. `result` (borrowed) is
 * ASY_RETURNED with the return value or ASY_RAISED with the exception. */
typedef void (*asy_trampoline_done_fn)(asy_coro *co, const asy_result *result, void *arg);

typedef struct asy_trampoline {
    asy_ilist ready;                /* jobs waiting for their turn, front first */
    size_t steps;                   /* sends made so far */
    asy_trampoline_done_fn on_done; /* NULL: an exception stops the run (below) */
    void *arg;
} asy_trampoline;

/* Set up an empty trampoline. on_done may be NULL. */
void asy_trampoline_init(asy_trampoline *t, asy_trampoline_done_fn on_done, void *arg);

/* Queue a coroutine (or generator) at the back. Steals `co`. A NULL co
 * is queued too: its turn finishes it with TypeError "a generator was
 * expected, got NULL" (to on_done, with co NULL). A NULL t releases co. */
void asy_trampoline_spawn(asy_trampoline *t, asy_coro *co);

/* Run until every queued coroutine has finished. Returns the number of
 * sends it made in this call, with *error set to NULL. Each outcome goes
 * to on_done; with no on_done, a coroutine that raises stops the run, as
 * an uncaught exception stops a Python program: the count so far is
 * returned with *error set to that exception (new reference), and the
 * other coroutines stay queued (run again, or clear). error may be NULL
 * (the exception is then released). */
size_t asy_trampoline_run(asy_trampoline *t, asy_exc **error);

/* Drop coroutines still queued (they are closed, so their cleanup runs). */
void asy_trampoline_clear(asy_trampoline *t);

#endif /* ASY_TRAMPOLINE_H */
