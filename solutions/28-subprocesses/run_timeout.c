/*
 * run_timeout.c - solution (chapter 28): run a command, kill it if it
 * takes too long.
 */
#include "run_timeout.h"

#include "wait_for.h"

typedef struct {
    asy_coro co;
    const char *cmd;
    double timeout;
    asy_process *proc; /* owned */
    asy_exc *exc;      /* owned: the TimeoutError, kept while we reap */
} run_frame;

/* async def run_with_timeout(cmd, timeout):
 *     proc = await asyncio.create_subprocess_shell(cmd)
 *     try:
 *         return await asyncio.wait_for(proc.wait(), timeout)
 *     except TimeoutError:
 *         proc.kill()
 *         await proc.wait()
 *         raise                                                           */
static asy_status run_body(asy_coro *co)
{
    run_frame *f = (run_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_create_subprocess_shell(f->cmd, NULL));
    f->proc = asy_value_process(asy_value_incref(ASY_SENT(co)));
    ASY_AWAIT_TRY(co, asy_wait_for(asy_process_wait(f->proc), f->timeout));
    if (!asy_exc_is(ASY_EXC(co), &asy_TimeoutError)) {
        if (ASY_EXC(co) != NULL)
            ASY_RERAISE(co);
        ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    }
    f->exc = ASY_CATCH(co);
    asy_decref(asy_process_kill(f->proc)); /* it may have exited just now: ignore that */
    ASY_AWAIT(co, asy_process_wait(f->proc));
    {
        asy_exc *e = f->exc;
        f->exc = NULL;
        ASY_RAISE(co, e);
    }
    ASY_END(co);
}

static void run_clear(asy_gen *g)
{
    run_frame *f = (run_frame *)g;
    asy_decref(f->proc);
    asy_decref(f->exc);
    f->proc = NULL;
    f->exc = NULL;
}

asy_coro *run_with_timeout(const char *cmd, double timeout)
{
    run_frame *f = ASY_CORO_NEW(run_frame, run_body, "run_with_timeout");
    asy_gen_set_clear(&f->co, run_clear);
    f->cmd = cmd;
    f->timeout = timeout;
    return &f->co;
}
