/*
 * 1-lock.c - the notes' lock example (seed 001 §4.3(2)).
 *
 * main() takes the lock, schedules a callback that releases it 0.1 s
 * later, and starts two tasks that both want it. Both queue up; the
 * release wakes l1 (first in the queue), and l1's release at the end of
 * its `async with` wakes l2. 1-lock.py is the same program in Python.
 * Runs on the virtual clock.
 */
#include <stdio.h>

#include "lock.h"
#include "runners.h"
#include "task.h"

/* def unlock(lock):
 *     print('callback releasing lock')
 *     lock.release()
 * A callback fails by returning its exception: if the lock were not held,
 * the loop's exception handler would report the RuntimeError. */
static asy_exc *unlock(asy_value arg)
{
    printf("callback releasing lock\n");
    return asy_lock_release(asy_value_lock(arg));
}

/* async def test(locker, lock):
 *     print('{} waiting for the lock'.format(locker))
 *     async with lock:
 *         print('{} acquired lock'.format(locker))
 *     print('{} released lock'.format(locker))                            */
typedef struct {
    asy_coro co;
    const char *locker;
    asy_lock *lock; /* owned */
} test_frame;

static asy_status test_body(asy_coro *co)
{
    test_frame *f = (test_frame *)co;
    ASY_BEGIN(co);
    printf("%s waiting for the lock\n", f->locker);
    ASY_AWAIT(co, asy_lock_acquire(f->lock));      /* async with lock: */
    printf("%s acquired lock\n", f->locker);       /*     (the body)   */
    ASY_RAISE_IF(co, asy_lock_release(f->lock));   /* end of async with */
    printf("%s released lock\n", f->locker);
    ASY_END(co);
}

static void test_clear(asy_gen *g) { asy_decref(((test_frame *)g)->lock); }

static asy_coro *test(const char *locker, asy_lock *lock)
{
    test_frame *f = ASY_CORO_NEW(test_frame, test_body, "test");
    f->locker = locker;
    f->lock = asy_incref(lock);
    asy_gen_set_clear(&f->co, test_clear);
    return &f->co;
}

/* async def main():
 *     loop = asyncio.get_running_loop()
 *     lock = asyncio.Lock()
 *     await lock.acquire()
 *     loop.call_later(0.1, functools.partial(unlock, lock))
 *     t1 = asyncio.create_task(test('l1', lock))
 *     t2 = asyncio.create_task(test('l2', lock))
 *     await t1
 *     await t2                                                            */
typedef struct {
    asy_coro co;
    asy_lock *lock;      /* owned */
    asy_task *t1, *t2;   /* owned */
} main_frame;

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    f->lock = asy_lock_new();
    ASY_AWAIT(co, asy_lock_acquire(f->lock));
    /* functools.partial(unlock, lock): the callback's one argument */
    asy_decref(asy_loop_call_later(asy_get_running_loop(NULL), 0.1, unlock, asy_lock_value(f->lock), NULL));
    f->t1 = asy_create_task(test("l1", f->lock), NULL, &err);
    if (f->t1 == NULL)
        ASY_RAISE(co, err);
    f->t2 = asy_create_task(test("l2", f->lock), NULL, &err);
    if (f->t2 == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT(co, asy_incref(f->t1));
    ASY_AWAIT(co, asy_incref(f->t2));
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->t1);
    asy_decref(f->t2);
    asy_decref(f->lock);
}

static asy_coro *main_coro(void)
{
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    return &f->co;
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    asy_result r = asy_run(main_coro(), &opts);          /* asyncio.run(main()) */
    int status = r.status == ASY_RETURNED ? 0 : 1;
    if (r.exc != NULL)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
