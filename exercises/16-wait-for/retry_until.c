/*
 * retry_until.c - exercise 16/retry_until: retry an attempt until it works
 * or one overall deadline passes.
 *
 * As it stands, retry_until makes one attempt and gives up on the first
 * error; there is no deadline. Read retry_until.h, then:
 *
 *   TODO: the goal, in Python:
 *               async with asyncio.timeout(total):
 *                   i = 1
 *                   while True:
 *                       try: return await attempt(i)
 *                       except Exception: await asyncio.sleep(pause); i += 1
 *           One deadline covers every attempt and every pause. When it
 *           passes, the caller gets TimeoutError; a cancel that comes from
 *           outside stays a CancelledError. lib/wait_for.h has the timeout
 *           scope; retry_until.h says who owns what. The frame keeps
 *           whatever must survive an await (ground rule 1), and a coroutine
 *           closed early still releases it. `make hint`: the steps.
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
    ASY_AWAIT(co, f->attempt(1, f->arg)); /* TODO: one attempt, no deadline */
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
    return &f->co; /* TODO: what the frame owns, however it ends */
}
