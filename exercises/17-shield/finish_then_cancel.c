/*
 * finish_then_cancel.c - exercise 17/finish_then_cancel: let the critical
 * part finish, then honour the cancellation.
 *
 * As it stands, the critical coroutine is awaited directly: a cancel goes
 * straight into it and cuts it in half. Read finish_then_cancel.h, then:
 *
 *   TODO 1: run critical as a task (asy_create_task) and keep the task in
 *           the frame; await asy_shield(task) with ASY_AWAIT_TRY.
 *   TODO 2: no exception: return the result. An exception that is not a
 *           CancelledError: let it go on (ASY_RERAISE).
 *   TODO 3: a CancelledError: ASY_CATCH it into the frame (you must await
 *           again, and a pending exception would propagate there), await
 *           the task again through a NEW shield, drop whatever that gives,
 *           and raise the kept CancelledError.
 *   TODO 4: release the task and the kept exception in the clear function.
 *
 * make exercises CH=17 runs the tests.
 */
#include "finish_then_cancel.h"

typedef struct {
    asy_coro co;
    asy_coro *critical; /* owned until awaited */
} ftc_frame;

static asy_status ftc_body(asy_coro *co)
{
    ftc_frame *f = (ftc_frame *)co;
    ASY_BEGIN(co);
    {
        asy_coro *critical = f->critical;
        f->critical = NULL;
        ASY_AWAIT(co, critical); /* TODO 1-3: no shield, no task */
    }
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void ftc_clear(asy_gen *g)
{
    ftc_frame *f = (ftc_frame *)g;
    asy_decref(f->critical); /* TODO 4 */
    f->critical = NULL;
}

asy_coro *finish_then_cancel(asy_coro *critical)
{
    ftc_frame *f = ASY_CORO_NEW(ftc_frame, ftc_body, "finish_then_cancel");
    f->critical = critical;
    asy_gen_set_clear(&f->co, ftc_clear);
    return &f->co;
}
