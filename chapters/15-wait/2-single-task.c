/*
 * Chapter 15, demo 2: the notes' "simple wait" with a single task, and the
 * two ways 3.11's wait() refuses its argument.
 *
 * wait() takes a collection, even for one task: (task,) in Python, an
 * array of one here. Bare coroutines are refused since 3.11 (TypeError),
 * and an empty collection is a ValueError. Both are raised at the await:
 * wait is a coroutine, so nothing is checked before it runs.
 */
#include <stdio.h>

#include "runners.h"
#include "task.h"
#include "wait.h"

/* async def foo(): return 42 */
static asy_status foo_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RETURN(co, asy_int(42));
    ASY_END(co);
}

static asy_coro *foo(void) { return asy_coro_new(sizeof(asy_coro), foo_body, "foo"); }

typedef struct {
    asy_coro co;
    asy_task *task;
    asy_coro *coro;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    f->task = asy_create_task(foo(), NULL, &err);
    if (f->task == NULL)
        ASY_RAISE(co, err);
    {
        void *fs[] = {f->task}; /* (task,) */
        ASY_AWAIT(co, asy_wait(1, fs, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    }
    if (asy_list_contains(asy_wait_done(ASY_SENT(co)), asy_obj_value(f->task))) { /* if task in done */
        asy_value result;
        asy_decref(asy_future_result(&f->task->fut, &result));
        printf("The task's result is %s\n", ASY_STR(result));
        asy_value_decref(result);
    }

    f->coro = foo();
    {
        void *fs[] = {f->coro};
        ASY_AWAIT_TRY(co, asy_wait(1, fs, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    }
    if (asy_exc_is(ASY_EXC(co), &asy_TypeError)) {
        asy_exc *e = ASY_CATCH(co);
        printf("wait([foo()]) raised TypeError: %s\n", asy_exc_message(e));
        asy_decref(e);
    }
    asy_decref(asy_gen_close(f->coro)); /* never run: close it so there is no warning */

    ASY_AWAIT_TRY(co, asy_wait(0, NULL, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    if (asy_exc_is(ASY_EXC(co), &asy_ValueError)) {
        asy_exc *e = ASY_CATCH(co);
        printf("wait([]) raised ValueError: %s\n", asy_exc_message(e));
        asy_decref(e);
    }
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->task);
    asy_decref(f->coro);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, &opts);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
