/*
 * retry_until.c - exercise 16/retry_until, the reference solution.
 *
 * One scope around the whole loop: its timer cancels this task wherever
 * it is (in an attempt or in a pause), and its exit turns that cancel into
 * TimeoutError. An outside cancel is not the scope's: exit leaves it alone.
 */
#include "retry_until.h"

typedef struct {
    asy_coro co;
    double total, pause;
    attempt_fn attempt;
    void *arg;
    int i;
    asy_timeout *cm;  /* owned */
    asy_value result; /* the successful attempt's value (owned) */
} retry_frame;

static asy_status retry_body(asy_coro *co)
{
    retry_frame *f = (retry_frame *)co;
    asy_exc *err;
    ASY_BEGIN(co);
    f->cm = asy_timeout_new(f->total); /* async with asyncio.timeout(total): */
    err = asy_timeout_enter(f->cm);
    if (err != NULL)
        ASY_RAISE(co, err);
    for (f->i = 1;; f->i++) {
        ASY_AWAIT_TRY(co, f->attempt(f->i, f->arg));
        if (ASY_EXC(co) == NULL) { /* return await attempt(i) */
            f->result = asy_value_incref(ASY_SENT(co));
            break;
        }
        if (!asy_exc_is(ASY_EXC(co), &asy_Exception))
            break; /* CancelledError (ours or not): leave the block with it */
        asy_decref(ASY_CATCH(co)); /* except Exception: */
        ASY_AWAIT_TRY(co, asy_sleep(f->pause, asy_none()));
        if (ASY_EXC(co) != NULL)
            break;
    }
    err = asy_timeout_exit(f->cm, ASY_CATCH(co)); /* TimeoutError, or as it was */
    if (err != NULL)
        ASY_RAISE(co, err);
    {
        asy_value v = f->result;
        f->result = asy_none();
        ASY_RETURN(co, v);
    }
    ASY_END(co);
}

static void retry_clear(asy_gen *g)
{
    retry_frame *f = (retry_frame *)g;
    asy_decref(f->cm);
    f->cm = NULL;
    asy_value_clear(&f->result);
}

asy_coro *retry_until(double total, double pause, attempt_fn attempt, void *arg)
{
    retry_frame *f = ASY_CORO_NEW(retry_frame, retry_body, "retry_until");
    f->total = total;
    f->pause = pause;
    f->attempt = attempt;
    f->arg = arg;
    f->result = asy_none();
    asy_gen_set_clear(&f->co, retry_clear);
    return &f->co;
}
