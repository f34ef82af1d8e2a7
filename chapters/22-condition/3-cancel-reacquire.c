/*
 * 3-cancel-reacquire.c - a waiter cancelled inside wait() gets the lock
 * back before the CancelledError reaches it.
 *
 * The holder keeps the lock from 0.5 s to 2.0 s; the waiter is cancelled
 * at 1.0 s, but its `async with` body sees the CancelledError only at
 * 2.0 s, with the lock held, so its release at the end is correct.
 * 3-cancel-reacquire.py is the same program in Python. Virtual clock.
 */
#include <stdio.h>

#include "condition.h"
#include "runners.h"
#include "task.h"

static double t0;

static const char *now(char *buf, size_t size)
{
    snprintf(buf, size, "%.1f", asy_loop_time(asy_get_running_loop(NULL)) - t0);
    return buf;
}
#define NOW() now((char[32]){0}, 32)

static const char *py_bool(bool b) { return b ? "True" : "False"; }

typedef struct {
    asy_coro co;
    asy_condition *cond; /* owned */
} cond_frame;

static void cond_clear(asy_gen *g) { asy_decref(((cond_frame *)g)->cond); }

/* async def waiter(cond):
 *     async with cond:
 *         print(f"waiter: wait() at {now()} s (this releases the lock)")
 *         try:
 *             await cond.wait()
 *         except asyncio.CancelledError:
 *             print(f"waiter: CancelledError at {now()} s, locked() = ...")
 *             raise
 *     print("waiter: never printed")                                      */
static asy_status waiter_body(asy_coro *co)
{
    cond_frame *f = (cond_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_condition_acquire(f->cond));
    printf("waiter: wait() at %s s (this releases the lock)\n", NOW());
    ASY_AWAIT_TRY(co, asy_condition_wait(f->cond));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError))
        printf("waiter: CancelledError at %s s, locked() = %s\n", NOW(),
               py_bool(asy_condition_locked(f->cond)));
    ASY_RAISE_IF(co, asy_condition_release(f->cond)); /* end of async with */
    if (ASY_EXC(co) == NULL)
        printf("waiter: never printed\n");
    ASY_END(co);
}

/* async def holder(cond):
 *     await asyncio.sleep(0.5)
 *     async with cond:
 *         print(f"holder: took the lock at {now()} s")
 *         await asyncio.sleep(1.5)
 *         print(f"holder: releasing at {now()} s")                        */
static asy_status holder_body(asy_coro *co)
{
    cond_frame *f = (cond_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(0.5, asy_none()));
    ASY_AWAIT(co, asy_condition_acquire(f->cond));
    printf("holder: took the lock at %s s\n", NOW());
    ASY_AWAIT_TRY(co, asy_sleep(1.5, asy_none()));
    if (ASY_EXC(co) == NULL)
        printf("holder: releasing at %s s\n", NOW());
    ASY_RAISE_IF(co, asy_condition_release(f->cond));
    ASY_END(co);
}

static asy_task *start(asy_gen_body body, const char *name, asy_condition *cond)
{
    cond_frame *f = ASY_CORO_NEW(cond_frame, body, name);
    f->cond = asy_incref(cond);
    asy_gen_set_clear(&f->co, cond_clear);
    return asy_create_task(&f->co, NULL, NULL);
}

typedef struct {
    asy_coro co;
    asy_condition *cond; /* owned */
    asy_task *w, *h;     /* owned */
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    f->cond = asy_condition_new(NULL);
    f->w = start(waiter_body, "waiter", f->cond);
    f->h = start(holder_body, "holder", f->cond);
    ASY_AWAIT(co, asy_sleep(1, asy_none()));
    printf("main: cancel the waiter at %s s\n", NOW());
    asy_task_cancel(f->w, NULL);
    ASY_AWAIT_TRY(co, asy_incref(f->w));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        asy_decref(ASY_CATCH(co));
        printf("main: waiter cancelled at %s s, locked() = %s\n", NOW(), py_bool(asy_condition_locked(f->cond)));
    }
    ASY_AWAIT(co, asy_incref(f->h));
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->w);
    asy_decref(f->h);
    asy_decref(f->cond);
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
