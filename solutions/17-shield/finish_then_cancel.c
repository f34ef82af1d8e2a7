/*
 * finish_then_cancel.c - exercise 17/finish_then_cancel, the reference
 * solution.
 *
 * The first await goes through a shield: a cancel reaches only the outer
 * future. The CancelledError is kept in the frame (we must await again,
 * and an exception still pending would propagate at that await), the task
 * is awaited through a second shield, and then the cancel is raised.
 */
#include "finish_then_cancel.h"

typedef struct {
    asy_coro co;
    asy_coro *critical; /* owned until it becomes the task */
    asy_task *task;     /* owned */
    asy_exc *cancel;    /* the CancelledError we got, kept across an await (owned) */
} ftc_frame;

static asy_status ftc_body(asy_coro *co)
{
    ftc_frame *f = (ftc_frame *)co;
    asy_future *outer;
    asy_exc *err = NULL;
    ASY_BEGIN(co);
    f->task = asy_create_task(f->critical, NULL, &err);
    if (f->task == NULL)
        ASY_RAISE(co, err);
    f->critical = NULL;
    if (f->task == NULL)
        ASY_RAISE(co, asy_exc_new(&asy_RuntimeError, "no running event loop"));
    outer = asy_shield(asy_incref(f->task), &err);
    if (outer == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT_TRY(co, outer);
    if (!asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        if (ASY_EXC(co) != NULL)
            ASY_RERAISE(co); /* the critical part failed */
        ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    }
    f->cancel = ASY_CATCH(co); /* except CancelledError as cancel: */
    outer = asy_shield(asy_incref(f->task), &err);
    if (outer == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT_TRY(co, outer); /* wait for it, whatever it gives */
    asy_decref(ASY_CATCH(co));
    {
        asy_exc *e = f->cancel; /* raise cancel */
        f->cancel = NULL;
        ASY_RAISE(co, e);
    }
    ASY_END(co);
}

static void ftc_clear(asy_gen *g)
{
    ftc_frame *f = (ftc_frame *)g;
    asy_decref(f->critical);
    asy_decref(f->task);
    asy_decref(f->cancel);
    f->critical = NULL;
    f->task = NULL;
    f->cancel = NULL;
}

asy_coro *finish_then_cancel(asy_coro *critical)
{
    ftc_frame *f = ASY_CORO_NEW(ftc_frame, ftc_body, "finish_then_cancel");
    f->critical = critical;
    asy_gen_set_clear(&f->co, ftc_clear);
    return &f->co;
}
