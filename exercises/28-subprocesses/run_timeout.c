/*
 * run_timeout.c - exercise (chapter 28): run a command, kill it if it
 * takes too long.
 *
 * subprocess.run(cmd, timeout=...) in Python kills the child when the
 * timeout expires and then waits for it: a child that was only told to
 * stop, or not waited for, stays behind as a running process or a zombie.
 *
 * The goal:
 *   - start the shell with asy_create_subprocess_shell;
 *   - wait for it under a time limit: asy_wait_for (chapter 16) around
 *     asy_process_wait; wait_for cancels only the waiting, not the child;
 *   - on TimeoutError: asy_process_kill, then await asy_process_wait so
 *     the loop reaps the child, then raise the TimeoutError;
 *   - otherwise return the returncode.
 *
 * What is here waits with no limit at all.
 */
#include "run_timeout.h"

#include "wait_for.h"

typedef struct {
    asy_coro co;
    const char *cmd;
    double timeout;
    asy_process *proc; /* owned */
    asy_exc *exc;      /* owned */
} run_frame;

static asy_status run_body(asy_coro *co)
{
    run_frame *f = (run_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_create_subprocess_shell(f->cmd, NULL));
    f->proc = asy_value_process(asy_value_incref(ASY_SENT(co)));
    /* TODO: a time limit, and a killed, reaped child when it runs out. */
    ASY_AWAIT(co, asy_process_wait(f->proc));
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
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
