/*
 * future.h - futures: a result that is not there yet.
 * Chapter: 11
 *
 * A future is a box with three states:
 *
 *     PENDING --set_result / set_exception--> FINISHED
 *        \-------------cancel---------------> CANCELLED
 *
 * Whoever produces the result fills the box once; whoever needs it either
 * registers a done callback, or (from a coroutine) awaits the future. That
 * is the whole bridge between callback code (chapters 09-10) and
 * coroutines: awaiting a pending future yields the future itself up the
 * await chain to the task driving it (chapter 12), which adds a done
 * callback that resumes it. Awaiting a finished future returns its result
 * at once, without yielding.
 *
 * Done callbacks are never called inline: when the future completes, each
 * one registered so far is scheduled on the loop, in registration order,
 * to run at the next turn; one added to a future that is already done is
 * scheduled with call_soon then. The future itself is passed to it, with an
 * extra argument (the notes' functools.partial example).
 *
 * Misuse gets Python's errors: result() of a pending future is
 * InvalidStateError "Result is not set.", of a cancelled one
 * CancelledError; set_result on a done future is InvalidStateError
 * "invalid state". A future freed while holding an exception nobody
 * looked at is reported: "Future exception was never retrieved".
 *
 * OWNERSHIP. asy_future_new returns a new reference; the future holds a
 * reference to its loop. set_result steals the value, set_exception the
 * exception. result() hands out new references. Done callbacks' arguments
 * are stolen and released after the callback ran or was removed (the
 * remove functions release them).
 */
#ifndef ASY_FUTURE_H
#define ASY_FUTURE_H

#include "exc.h"
#include "gen.h"
#include "loop.h"
#include "value.h"

/* asyncio.CancelledError (a BaseException, so "except Exception" does not
 * swallow a cancellation) and asyncio.InvalidStateError. */
extern const asy_exc_type asy_CancelledError;
extern const asy_exc_type asy_InvalidStateError;

typedef enum {
    ASY_FUTURE_PENDING,
    ASY_FUTURE_CANCELLED,
    ASY_FUTURE_FINISHED,
} asy_future_state;

typedef struct asy_future asy_future;

/* A done callback: fn(fut, arg). Like a loop callback it returns NULL or
 * the exception it failed with, which goes to the loop's handler. */
typedef asy_exc *(*asy_done_fn)(asy_future *fut, asy_value arg);

typedef struct asy_done_callback {
    asy_done_fn fn;
    const char *name;
    asy_value arg; /* owned */
} asy_done_callback;

struct asy_future {
    asy_obj ob;
    asy_loop *loop;               /* owned reference */
    unsigned char state;          /* an asy_future_state */
    bool log_exception;           /* an exception nobody has retrieved yet */
    bool blocking;                /* it just yielded itself from an await (the
                                     task checks and clears it): CPython's
                                     _asyncio_future_blocking */
    unsigned ncbs;                /* done callbacks registered, cb0 included */
    asy_value result;             /* FINISHED: the result */
    asy_exc *exc;                 /* FINISHED: the exception, or NULL;
                                     CANCELLED: the CancelledError(msg) that
                                     result() raises, made by cancel(msg) */
    /* Callbacks registered while pending. The first lives inline: most
     * futures have exactly one (the task awaiting them), so that one costs
     * no allocation. The others are in cbs, whose capacity is not stored:
     * 4, doubled each time the count of extra callbacks reaches a power of
     * two. */
    asy_done_callback cb0;
    asy_done_callback *cbs;
    asy_ready dispatch;           /* runs the callbacks once done */
};

/* What a kind of future does its own way. fut.cancel(msg) is a method a
 * Task overrides (chapter 13: cancelling a task asks its coroutine to stop,
 * it does not just mark it done), and so does gather's future (chapter
 * 14). The table lives in the type (asy_type.methods), not in each future.
 * A type whose table says completes_itself (a Task) refuses set_result and
 * set_exception from outside: only its coroutine decides its outcome. */
typedef struct asy_future_methods {
    bool (*cancel)(asy_future *fut, const char *msg);
    bool completes_itself;
} asy_future_methods;

/* loop.create_future(): a pending future bound to `loop`. New reference.
 * A NULL loop is the running loop, as Python's Future() takes it; with
 * none, the future has no loop: it can be completed and read, but its
 * done callbacks cannot run, so adding one once it is done, or completing
 * it with some registered, gives TypeError "an event loop was expected,
 * got NULL" (the callbacks dropped, as on a closed loop). */
asy_future *asy_future_new(asy_loop *loop);

/* asyncio.isfuture(obj): a future or a task. */
bool asy_isfuture(const void *obj);

/* The state, and Python's three questions about it. */
asy_future_state asy_future_get_state(const asy_future *fut);
bool asy_future_done(const asy_future *fut); /* false for NULL */
/* (A NULL future's state is PENDING, and it is not cancelled.) */
bool asy_future_cancelled(const asy_future *fut);

/* fut.result(): NULL with *out = the result (new reference), or the
 * exception result() raises (new reference): the future's exception,
 * CancelledError, or InvalidStateError "Result is not set.". out may be
 * NULL when only the outcome matters (the result is then released); the
 * same for exception(). */
asy_exc *asy_future_result(asy_future *fut, asy_value *out);
/* fut.exception(): NULL with *out = the exception or NULL (new reference),
 * or the error it raises: CancelledError, InvalidStateError
 * "Exception is not set.". */
asy_exc *asy_future_exception(asy_future *fut, asy_exc **out);

/* fut.set_result(v): steals v. InvalidStateError "invalid state" if done;
 * RuntimeError "Task does not support set_result operation" on a task.
 * Completing a future that has done callbacks schedules them on its loop;
 * if that loop is closed, the future is still completed (as in CPython,
 * which sets the state before scheduling), its callbacks are dropped
 * without running (their arguments released), and the call returns
 * RuntimeError "Event loop is closed". The same for set_exception. */
asy_exc *asy_future_set_result(asy_future *fut, asy_value v);
/* fut.set_exception(e): steals e. InvalidStateError if done; TypeError
 * for a StopIteration (it would look like a return to a generator);
 * RuntimeError on a task, as set_result. */
asy_exc *asy_future_set_exception(asy_future *fut, asy_exc *e);
/* fut.cancel(msg): false if already done; msg may be NULL. On a task this
 * is the task's cancel (task.h). With callbacks and a closed loop, CPython
 * raises "Event loop is closed" from cancel() after cancelling; a bool
 * cannot carry that: the future is cancelled, its callbacks are dropped
 * without running, and cancel returns true. */
bool asy_future_cancel(asy_future *fut, const char *msg);

/* fut.add_done_callback(fn, arg): steals arg. Returns NULL, or the error
 * (new reference): on a future that is already done the callback is
 * scheduled with call_soon, so a closed loop gives RuntimeError "Event
 * loop is closed" (and arg is released). */
#define asy_future_add_done_callback(fut, fn, arg) asy__future_add_done_callback((fut), (fn), #fn, (arg))
asy_exc *asy__future_add_done_callback(asy_future *fut, asy_done_fn fn, const char *name, asy_value arg);
/* fut.remove_done_callback(fn): removes every registration of fn that has
 * not been scheduled yet; returns how many (0 once the future is done: its
 * callbacks are scheduled and will run). Every argument fn was given goes
 * with it. */
size_t asy_future_remove_done_callback(asy_future *fut, asy_done_fn fn);
/* fut.remove_done_callback(cb) for a closure cb = partial(fn, arg): removes
 * only the registrations of fn whose argument is the SAME value as arg
 * (the same kind, and the same object for an object, the same bits for
 * the others; not Python's ==). arg is borrowed, only compared. Returns
 * how many were removed, 0 once the future is done, as above. This is how
 * shield, wait, wait_for and as_completed take back exactly their own
 * callback: each call registers its own argument, and removing by
 * function alone would take the callbacks of another call on the same
 * future along. */
size_t asy_future_remove_done_callback_arg(asy_future *fut, asy_done_fn fn, asy_value arg);

/* The exception a cancelled future raises: CancelledError(msg), the one
 * cancel(msg) made. New reference; NULL if the future is not cancelled. */
asy_exc *asy_future_make_cancelled_error(asy_future *fut);

/* The future as a value (new reference), and back (borrowed, or NULL). */
static inline asy_value asy_future_value(asy_future *fut) { return asy_obj_value(asy_incref(fut)); }
asy_future *asy_value_future(asy_value v);

/* The future's type: chapter 12's Task extends it (asy_type.base). What a
 * type that extends it calls to build on a future is in internal.h. */
extern const asy_type asy_future_type;

#endif /* ASY_FUTURE_H */
