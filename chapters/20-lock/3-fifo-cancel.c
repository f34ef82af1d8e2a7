/*
 * 3-fifo-cancel.c - the waiter queue, FIFO, and two kinds of cancellation.
 *
 * Four workers want the lock; a holds it for 2 s, the others for 1 s.
 * At 0.5 s c, still queued, is cancelled: its acquire() leaves the queue.
 * At 1.0 s a is cancelled INSIDE its `async with`: the release runs on
 * the way out, and the next in line (b) gets in. 3-fifo-cancel.py is the
 * same program in Python. Runs on the virtual clock.
 */
#include <stdio.h>

#include "lock.h"
#include "runners.h"
#include "task.h"

static double t0; /* loop time when main() started */

static const char *now(char *buf, size_t size)
{
    snprintf(buf, size, "%.1f", asy_loop_time(asy_get_running_loop(NULL)) - t0);
    return buf;
}
#define NOW() now((char[32]){0}, 32)

static const char *py_bool(bool b) { return b ? "True" : "False"; }

/* async def worker(name, lock, hold):
 *     print(f"{name} waiting at {now()} s")
 *     try:
 *         async with lock:
 *             print(f"{name} acquired at {now()} s")
 *             try:
 *                 await asyncio.sleep(hold)
 *             except asyncio.CancelledError:
 *                 print(f"{name} cancelled inside the lock: ...")
 *                 raise
 *         print(f"{name} released at {now()} s")
 *     except asyncio.CancelledError:
 *         print(f"{name} got CancelledError at ...")
 *         raise                                                           */
typedef struct {
    asy_coro co;
    const char *name;
    asy_lock *lock; /* owned */
    double hold;
} worker_frame;

static asy_status worker_body(asy_coro *co)
{
    worker_frame *f = (worker_frame *)co;
    ASY_BEGIN(co);
    printf("%s waiting at %s s\n", f->name, NOW());
    ASY_AWAIT_TRY(co, asy_lock_acquire(f->lock));  /* async with lock: */
    if (ASY_EXC(co) != NULL)
        goto cancelled;                            /* never got it: no release */
    printf("%s acquired at %s s\n", f->name, NOW());
    ASY_AWAIT_TRY(co, asy_sleep(f->hold, asy_none()));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError))
        printf("%s cancelled inside the lock: releasing it on the way out\n", f->name);
    ASY_RAISE_IF(co, asy_lock_release(f->lock));   /* end of async with: every path */
    if (ASY_EXC(co) != NULL)
        goto cancelled;
    printf("%s released at %s s\n", f->name, NOW());
    ASY_RETURN(co, asy_none());
cancelled:
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError))
        printf("%s got CancelledError at %s s, lock.locked() = %s\n", f->name, NOW(),
               py_bool(asy_lock_locked(f->lock)));
    ASY_END(co); /* the pending CancelledError propagates: the task is cancelled */
}

static void worker_clear(asy_gen *g) { asy_decref(((worker_frame *)g)->lock); }

static asy_coro *worker(const char *name, asy_lock *lock, double hold)
{
    worker_frame *f = ASY_CORO_NEW(worker_frame, worker_body, "worker");
    f->name = name;
    f->lock = asy_incref(lock);
    f->hold = hold;
    asy_gen_set_clear(&f->co, worker_clear);
    return &f->co;
}

typedef struct {
    asy_coro co;
    asy_lock *lock;     /* owned */
    asy_task *tasks[4]; /* owned */
    int i;
} main_frame;

static const char *const names[] = {"a", "b", "c", "d"};

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    f->lock = asy_lock_new();
    for (f->i = 0; f->i < 4; f->i++) {
        f->tasks[f->i] = asy_create_task(worker(names[f->i], f->lock, f->i == 0 ? 2 : 1), NULL, &err);
        if (f->tasks[f->i] == NULL)
            ASY_RAISE(co, err);
    }
    ASY_AWAIT(co, asy_sleep(0.5, asy_none()));
    printf("at %s s: waiters = %zu, cancel c\n", NOW(), asy_lock_waiter_count(f->lock));
    asy_task_cancel(f->tasks[2], NULL);
    ASY_AWAIT(co, asy_sleep(0, asy_none())); /* c runs, and leaves the queue */
    printf("waiters = %zu\n", asy_lock_waiter_count(f->lock));
    ASY_AWAIT(co, asy_sleep(0.5, asy_none()));
    printf("at %s s: cancel a\n", NOW());
    asy_task_cancel(f->tasks[0], NULL);
    for (f->i = 0; f->i < 4; f->i++) {
        ASY_AWAIT_TRY(co, asy_incref(f->tasks[f->i]));
        if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
            asy_decref(ASY_CATCH(co));
            printf("%s: cancelled\n", names[f->i]);
        } else if (ASY_EXC(co) == NULL) {
            printf("%s: done\n", names[f->i]);
        }
    }
    printf("end at %s s: locked = %s, waiters = %zu\n", NOW(), py_bool(asy_lock_locked(f->lock)),
           asy_lock_waiter_count(f->lock));
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    for (int i = 0; i < 4; i++)
        asy_decref(f->tasks[i]);
    asy_decref(f->lock);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, &opts);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    if (r.exc != NULL)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
