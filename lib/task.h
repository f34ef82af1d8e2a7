/*
 * task.h - tasks: a future that drives a coroutine; sleep; the loop's
 * run_until_complete and create_task.
 * Chapter: 12 (tasks, sleep), 13 (cancellation)
 *
 * A task is chapter 04's trampoline job made into a future. It owns a
 * coroutine and advances it one step at a time: send(None), or throw an
 * exception in. Each step ends in one of four ways, and the task answers
 * each (task_step() in task.c, one case per outcome, as CPython's
 * task_step_impl):
 *
 *   returned v        -> the task's result is v (it is done)
 *   raised e          -> the task's exception is e; CancelledError means
 *                        the task is cancelled
 *   yielded a future  -> wait: a done callback on that future runs the
 *                        next step (the wakeup) when it completes
 *   yielded None      -> a bare yield (sleep(0)): step again at the next turn
 *   yielded other     -> RuntimeError "Task got bad yield: ..." thrown in
 *
 * A future reaches the task only from an await: awaiting a pending future
 * yields it with a flag set (future.h, `blocking`). A future yielded by a
 * plain ASY_YIELD has no flag, and the task would otherwise resume the
 * coroutine with None as if it had waited; instead, as CPython's task, it
 * throws RuntimeError "yield was used instead of yield from in task <task
 * repr> with <future repr>" in at that yield on the next turn (a generator
 * yielded the same way gets "... yield from for generator in task ...").
 * A coroutine step that ends in no known way (a body that broke gen.h's
 * contract) raises SystemError there, and the task finishes with it.
 *
 * The loop holds a reference to every task that is scheduled or waiting, so
 * a task you create and forget still runs to the end.
 *
 * Cancellation (chapter 13): cancel(msg) asks; it does not stop anything by
 * itself. If the task waits on a future, that future is cancelled, and the
 * wakeup throws CancelledError in at the await. Otherwise the next step
 * throws it in. The coroutine may clean up (it runs its cleanup code), may
 * even catch it and go on (then the task is not cancelled), or let it
 * propagate (then the task ends cancelled). cancelling() counts the
 * requests, uncancel() takes one back.
 *
 * WHERE THINGS ARE. loop.create_task(coro) and loop.run_until_complete(aw)
 * are methods of the loop in Python (base_events.py), but they need Task:
 * they are declared here, as asy_loop_create_task and
 * asy_loop_run_until_complete (loop.h points here). asyncio.run (CPython's
 * runners.py) is runners.h, also chapter 12.
 *
 * OWNERSHIP. create_task steals the coroutine and returns a new reference
 * to the task (or NULL and the error: exc.h's rule 3). sleep() returns a
 * new coroutine.
 */
#ifndef ASY_TASK_H
#define ASY_TASK_H

#include "coro.h"
#include "future.h"
#include "ilist.h"
#include "loop.h"

typedef struct asy_task {
    asy_future fut;           /* a Task is a Future: this comes first. While
                                 the task is pending, its steps go through
                                 the loop's ready queue in fut.dispatch: the
                                 future needs that item only once done. */
    asy_coro *coro;           /* owned until the task is done */
    asy_exc *step_exc;        /* thrown in at the next step, or NULL (owned) */
    asy_exc *must_cancel;     /* cancel() found nothing to cancel below: the
                                 CancelledError(msg) the next step throws in
                                 (owned), or NULL. CPython's _must_cancel and
                                 _cancel_message in one field. */
    asy_future *fut_waiter;   /* what it waits for, or NULL (owned) */
    int num_cancels_requested;
    bool abandoned;           /* its loop closed while it was pending */
    bool in_wakeup;           /* its step runs from task_wakeup (for
                                 asy_loop_recover after a longjmp) */
    asy_value name;           /* a str, or the N of "Task-N" as an int until
                                 asy_task_get_name or repr first asks */
    asy_ilist all_link;       /* in the loop's list of live tasks */
} asy_task;

extern const asy_type asy_task_type;

/* loop.create_task(coro, name): wrap a coroutine in a task and schedule its
 * first step (or call the loop's task factory, if one is set). Steals coro;
 * name may be NULL ("Task-N", counted per loop). Returns a new reference
 * with *error set to NULL, or NULL with *error set (error may be NULL):
 * TypeError "a coroutine was expected, got ..." (the object is released,
 * as Python's Task() drops it), or RuntimeError "Event loop is closed"
 * (the coroutine is released unstarted, so its "was never awaited"
 * warning prints, as in Python; the same for a NULL loop, whose TypeError
 * comes first). */
asy_task *asy_loop_create_task(asy_loop *loop, asy_coro *coro, const char *name, asy_exc **error);
/* asyncio.eager_task_factory (Python 3.12), for asy_loop_set_task_factory
 * (loop.h): tasks made by create_task on that loop run their first step at
 * once, inside create_task, when the loop is running; a coroutine that
 * finishes without suspending never waits for the loop at all. Same
 * contract as asy_loop_create_task. */
asy_task *asy_eager_task_factory(asy_loop *loop, asy_coro *coro, const char *name, asy_exc **error);
/* asyncio.create_task(coro, name): the same on the running loop. Outside
 * one: NULL with *error = RuntimeError "no running event loop" (the
 * coroutine released unstarted, as above). */
asy_task *asy_create_task(asy_coro *coro, const char *name, asy_exc **error);
/* asyncio.ensure_future(aw): a future or task is returned as it is; a
 * coroutine is wrapped in a task on `loop` (NULL: the running loop).
 * Steals aw; new reference, or NULL with *error set. */
asy_future *asy_ensure_future(void *aw, asy_loop *loop, asy_exc **error);

/* asyncio.isfuture covers tasks; this is isinstance(x, Task). */
bool asy_istask(const void *obj);
/* The task as a value (new reference), and back (borrowed, or NULL). */
static inline asy_value asy_task_value(asy_task *t) { return asy_obj_value(asy_incref(t)); }
asy_task *asy_value_task(asy_value v);

/* task.get_name() (borrowed; NULL for a NULL task) / task.set_name(name). */
const char *asy_task_get_name(const asy_task *t);
void asy_task_set_name(asy_task *t, const char *name);
/* task.get_coro() (borrowed; NULL once done). */
asy_coro *asy_task_get_coro(const asy_task *t);

/* task.cancel(msg): false when already done. asy_future_cancel on a task
 * comes here too (the task overrides the future's cancel). */
bool asy_task_cancel(asy_task *t, const char *msg);
/* task.cancelling(): cancellation requests not taken back. */
int asy_task_cancelling(const asy_task *t);
/* task.uncancel(): take one request back; returns what is left. */
int asy_task_uncancel(asy_task *t);

/* asyncio.current_task(loop): the task whose step is running (borrowed),
 * with *error set to NULL; NULL (and *error NULL) when no task is running.
 * loop NULL means the running loop: with none, NULL and *error set to
 * RuntimeError "no running event loop". error may be NULL. */
asy_task *asy_current_task(asy_loop *loop, asy_exc **error);
/* asyncio.all_tasks(loop): up to max tasks of loop that are not done, into
 * out (borrowed); returns how many there are in all, with *error NULL.
 * loop NULL means the running loop: with none, 0 and *error set to
 * RuntimeError "no running event loop". error may be NULL. */
size_t asy_all_tasks(asy_loop *loop, asy_task **out, size_t max, asy_exc **error);

/* asyncio.sleep(delay, result): a coroutine that completes after `delay`
 * seconds of loop time with `result` (stolen). sleep(0) (or less) yields
 * exactly once: the cheapest way to let the others run. The edges, as
 * CPython 3.11/3.12 (whose sleep tests only delay <= 0, then calls
 * call_later): sleep(-inf) is sleep(0); sleep(nan) arms a NaN timer, due
 * at the next turn (loop.h), so it returns at once (Python 3.13 raises
 * ValueError instead); sleep(inf) never completes: on the real clock the
 * task sleeps (the loop wakes once a day); on a virtual clock with nothing
 * else to do, the loop reports the deadlock ("Event loop would wait
 * forever", loop.h) instead of jumping to infinity. */
asy_coro *asy_sleep(double delay, asy_value result);

/* loop.run_until_complete(aw): run the loop until aw (a future, task or
 * coroutine, stolen) is done; its outcome is the result: ASY_RETURNED with
 * the value, or ASY_RAISED with the exception (CancelledError when it was
 * cancelled). RuntimeError "Event loop stopped before Future completed."
 * if stop() came first. Refused with RuntimeError before aw is wrapped in
 * a task (a coroutine is then released without ever running, and reported
 * "never awaited" as in Python): "Event loop is closed", "This event loop
 * is already running" (called from inside it), "Cannot run the event loop
 * while another loop is running". On a virtual clock, the loop's deadlock
 * report "Event loop would wait forever ..." (loop.h, run_forever), with
 * aw still pending. */
asy_result asy_loop_run_until_complete(asy_loop *loop, void *aw);

#endif /* ASY_TASK_H */
