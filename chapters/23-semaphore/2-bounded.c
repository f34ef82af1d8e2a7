/*
 * 2-bounded.c - locked(), and why BoundedSemaphore exists.
 *
 * A release() without its acquire() is a bug. A plain Semaphore just
 * counts it: from then on one more task than intended gets in. A
 * BoundedSemaphore refuses to count above its initial value.
 * 2-bounded.py is the same program in Python.
 */
#include <stdio.h>

#include "runners.h"
#include "semaphore.h"
#include "task.h"

static const char *py_bool(bool b) { return b ? "True" : "False"; }

typedef struct {
    asy_coro co;
    asy_semaphore *sem, *bsem; /* owned */
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    f->sem = asy_semaphore_new(1, NULL);
    asy_decref(asy_semaphore_release(f->sem)); /* the bug: a plain Semaphore never fails */
    printf("Semaphore(1) after a stray release(): value %ld: two may enter now\n", asy_semaphore_value(f->sem));

    f->bsem = asy_bounded_semaphore_new(2, NULL);
    printf("BoundedSemaphore(2): locked() = %s\n", py_bool(asy_semaphore_locked(f->bsem)));
    ASY_AWAIT(co, asy_semaphore_acquire(f->bsem));     /* async with bsem: */
    ASY_AWAIT(co, asy_semaphore_acquire(f->bsem));     /*     async with bsem: */
    printf("two inside: locked() = %s\n", py_bool(asy_semaphore_locked(f->bsem)));
    ASY_RAISE_IF(co, asy_semaphore_release(f->bsem));
    ASY_RAISE_IF(co, asy_semaphore_release(f->bsem));
    printf("both left: locked() = %s\n", py_bool(asy_semaphore_locked(f->bsem)));
    {
        asy_exc *e = asy_semaphore_release(f->bsem);   /* the same bug */
        if (asy_exc_is(e, &asy_ValueError))
            printf("a stray release(): ValueError: %s\n", asy_exc_message(e));
        asy_decref(e);
    }
    printf("value still %ld\n", asy_semaphore_value(f->bsem));
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->sem);
    asy_decref(f->bsem);
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
