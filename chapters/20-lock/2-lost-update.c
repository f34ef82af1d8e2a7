/*
 * 2-lost-update.c - why one thread still needs a lock.
 *
 * Three tasks each add 10 to a shared balance three times, with an await
 * between reading the balance and writing it back. Without a lock the
 * other tasks run in that gap and updates are lost (30 instead of 90);
 * with one, each read-await-write is done by one task at a time.
 * 2-lost-update.py is the same program in Python.
 */
#include <stdio.h>

#include "lock.h"
#include "runners.h"
#include "task.h"

static long long balance;

/* async def deposit_unsafe(name) / deposit_safe(name, lock):
 *     for _ in range(3):
 *         [async with lock:]
 *         seen = balance
 *         await asyncio.sleep(0)
 *         balance = seen + 10                                             */
typedef struct {
    asy_coro co;
    const char *name;
    asy_lock *lock;  /* owned; NULL: the unsafe version */
    int round;
    long long seen;  /* lives across the await: a frame field (rule 1) */
} deposit_frame;

static asy_status deposit_unsafe_body(asy_coro *co)
{
    deposit_frame *f = (deposit_frame *)co;
    ASY_BEGIN(co);
    for (f->round = 0; f->round < 3; f->round++) {
        f->seen = balance;
        printf("%s read %lld\n", f->name, f->seen);
        ASY_AWAIT(co, asy_sleep(0, asy_none())); /* the others run here */
        balance = f->seen + 10;
        printf("%s wrote %lld\n", f->name, balance);
    }
    ASY_END(co);
}

static asy_status deposit_safe_body(asy_coro *co)
{
    deposit_frame *f = (deposit_frame *)co;
    ASY_BEGIN(co);
    for (f->round = 0; f->round < 3; f->round++) {
        ASY_AWAIT(co, asy_lock_acquire(f->lock));          /* async with lock: */
        f->seen = balance;
        ASY_AWAIT_TRY(co, asy_sleep(0, asy_none()));       /* the others run, */
        if (ASY_EXC(co) == NULL)                           /* but not in here */
            balance = f->seen + 10;
        ASY_RAISE_IF(co, asy_lock_release(f->lock));       /* end of async with */
        /* a pending exception (a cancellation) propagates at the next
         * await or at the end: the lock is already released */
    }
    ASY_END(co);
}

static void deposit_clear(asy_gen *g) { asy_decref(((deposit_frame *)g)->lock); }

static asy_coro *deposit(const char *name, asy_lock *lock)
{
    deposit_frame *f = ASY_CORO_NEW(deposit_frame, lock ? deposit_safe_body : deposit_unsafe_body,
                                    lock ? "deposit_safe" : "deposit_unsafe");
    f->name = name;
    f->lock = asy_incref(lock);
    asy_gen_set_clear(&f->co, deposit_clear);
    return &f->co;
}

typedef struct {
    asy_coro co;
    asy_lock *lock;     /* owned */
    asy_task *tasks[3]; /* owned */
    int i, pass;
} main_frame;

static void drop_tasks(main_frame *f)
{
    for (int i = 0; i < 3; i++) {
        asy_decref(f->tasks[i]);
        f->tasks[i] = NULL;
    }
}

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    static const char *const names[] = {"a", "b", "c"};
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    for (f->pass = 0; f->pass < 2; f->pass++) {
        balance = 0;
        if (f->pass == 1)
            f->lock = asy_lock_new();
        for (f->i = 0; f->i < 3; f->i++) {
            f->tasks[f->i] = asy_create_task(deposit(names[f->i], f->lock), NULL, &err);
            if (f->tasks[f->i] == NULL)
                ASY_RAISE(co, err);
        }
        for (f->i = 0; f->i < 3; f->i++)
            ASY_AWAIT(co, asy_incref(f->tasks[f->i]));
        drop_tasks(f);
        printf("%s balance = %lld (expected 90)\n", f->lock ? "with a lock:   " : "without a lock:", balance);
    }
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    drop_tasks(f);
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
