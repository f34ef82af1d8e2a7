/*
 * Chapter 25, demo 4: `async with` as one protocol (__aenter__/__aexit__).
 *
 * Chapter 20's lock example (the notes, seed 001 §4.3(2)) with its two
 * tasks in a TaskGroup. The lock and the group are entered the same way:
 * ASY_ASYNC_WITH_ENTER / ASY_ASYNC_WITH_EXIT with an asy_async_cm
 * (async_with.h), whatever each one does inside. The body of l2's block
 * raises, to show __aexit__ getting the exception: the lock is released,
 * the error goes on, and the TaskGroup's __aexit__ gathers it into an
 * ExceptionGroup. 4-async-with.py is the same program in Python.
 */
#include <stdio.h>

#include "async_with.h"
#include "exceptiongroup.h"
#include "lock.h"
#include "runners.h"
#include "task.h"
#include "taskgroup.h"

/* def unlock(lock):
 *     print('callback releasing lock')
 *     lock.release()                                                       */
static asy_exc *unlock(asy_value arg)
{
    printf("callback releasing lock\n");
    return asy_lock_release(asy_value_lock(arg));
}

/* async def test(locker, lock, fail):
 *     print('{} waiting for the lock'.format(locker))
 *     async with lock:
 *         print('{} acquired lock'.format(locker))
 *         if fail:
 *             raise ValueError(locker + ' failed inside the block')
 *     print('{} released lock'.format(locker))                            */
typedef struct {
    asy_coro co;
    const char *locker;
    asy_lock *lock; /* owned */
    bool fail;
} test_frame;

static asy_status test_body(asy_coro *co)
{
    test_frame *f = (test_frame *)co;
    ASY_BEGIN(co);
    printf("%s waiting for the lock\n", f->locker);
    ASY_ASYNC_WITH_ENTER(co, &asy_lock_cm, f->lock);     /* async with lock: */
    printf("%s acquired lock\n", f->locker);
    if (f->fail) /* raise inside the block: an awaitable that raises, so
                    the exception is pending when the block ends */
        ASY_AWAIT_TRY(co, asy_async_cm_then(NULL, asy_none(),
                          asy_exc_new(&asy_ValueError, "%s failed inside the block", f->locker)));
    ASY_ASYNC_WITH_EXIT(co, &asy_lock_cm, f->lock);      /* end of the block */
    printf("%s released lock\n", f->locker);
    ASY_END(co);
}

static void test_clear(asy_gen *g) { asy_decref(((test_frame *)g)->lock); }

static asy_coro *test(const char *locker, asy_lock *lock, bool fail)
{
    test_frame *f = ASY_CORO_NEW(test_frame, test_body, "test");
    f->locker = locker;
    f->lock = asy_incref(lock);
    f->fail = fail;
    asy_gen_set_clear(&f->co, test_clear);
    return &f->co;
}

/* async def main():
 *     loop = asyncio.get_running_loop()
 *     lock = asyncio.Lock()
 *     await lock.acquire()
 *     loop.call_later(0.1, functools.partial(unlock, lock))
 *     try:
 *         async with asyncio.TaskGroup() as tg:
 *             tg.create_task(test('l1', lock, False))
 *             tg.create_task(test('l2', lock, True))
 *     except* ValueError as eg:
 *         print('the group raised:', repr(eg.exceptions[0]))
 *     print('lock locked after both:', lock.locked())                      */
typedef struct {
    asy_coro co;
    asy_lock *lock;    /* owned */
    asy_taskgroup *tg; /* owned */
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    f->lock = asy_lock_new();
    ASY_AWAIT(co, asy_lock_acquire(f->lock));
    asy_decref(asy_loop_call_later(asy_get_running_loop(NULL), 0.1, unlock, asy_lock_value(f->lock), NULL));
    f->tg = asy_taskgroup_new();
    ASY_ASYNC_WITH_ENTER(co, &asy_taskgroup_cm, f->tg);  /* async with TaskGroup() as tg: */
    asy_decref(asy_taskgroup_create_task(f->tg, test("l1", f->lock, false), NULL, NULL));
    asy_decref(asy_taskgroup_create_task(f->tg, test("l2", f->lock, true), NULL, NULL));
    ASY_ASYNC_WITH_EXIT_TRY(co, &asy_taskgroup_cm, f->tg); /* end of the block, inside a try */
    if (ASY_EXC(co) != NULL) { /* except* ValueError as eg: */
        asy_exc *rest = NULL;
        asy_exc *eg = asy_exc_group_split(ASY_EXC(co), &asy_ValueError, &rest);
        if (eg != NULL) {
            asy_decref(ASY_CATCH(co));
            printf("the group raised: %s\n", ASY_REPR(asy_obj_value(asy_exc_group_get(eg, 0))));
            asy_decref(eg);
            if (rest != NULL) /* what except* did not match goes on */
                ASY_RAISE(co, rest);
        }
        asy_decref(rest);
    }
    printf("lock locked after both: %s\n", asy_lock_locked(f->lock) ? "True" : "False");
    ASY_END(co); /* anything else still pending propagates */
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->tg);
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
