/*
 * retry_until.c - exercise 16/retry_until: retry an attempt until it works
 * or one overall deadline passes.
 *
 * As it stands, retry_until makes one attempt and gives up on the first
 * error; there is no deadline. Read retry_until.h, then:
 *
 *   TODO 1: open a timeout scope of f->total seconds around everything:
 *           f->cm = asy_timeout_new(f->total); asy_timeout_enter(f->cm)
 *           (raise what enter returns, if anything).
 *   TODO 2: loop: await attempt(i) with ASY_AWAIT_TRY. Success: keep the
 *           value (asy_value_incref(ASY_SENT(co))) in the frame and leave
 *           the loop. An Exception: ASY_CATCH it, sleep f->pause, go on
 *           with i + 1. Anything else (a CancelledError): leave the loop
 *           with it still pending. Keep i in the frame (ground rule 1).
 *   TODO 3: after the loop, hand the pending exception to the scope:
 *           err = asy_timeout_exit(f->cm, ASY_CATCH(co)); raise err if it
 *           is not NULL (it is the TimeoutError when the scope expired),
 *           else return the value.
 *   TODO 4: release the scope and the value in the clear function.
 *
 * make exercises CH=16 runs the tests.
 */
#include "retry_until.h"

typedef struct {
    asy_coro co;
    double total, pause;
    attempt_fn attempt;
    void *arg;
} retry_frame;

static asy_status retry_body(asy_coro *co)
{
    retry_frame *f = (retry_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, f->attempt(1, f->arg)); /* TODO 1-3: one attempt, no deadline */
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

asy_coro *retry_until(double total, double pause, attempt_fn attempt, void *arg)
{
    retry_frame *f = ASY_CORO_NEW(retry_frame, retry_body, "retry_until");
    f->total = total;
    f->pause = pause;
    f->attempt = attempt;
    f->arg = arg;
    return &f->co; /* TODO 4: asy_gen_set_clear */
}
