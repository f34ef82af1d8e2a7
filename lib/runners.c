/*
 * runners.c - asyncio.run (chapter 12; CPython runners.py).
 *
 * asy_run makes a loop, runs main with run_until_complete, then does what
 * CPython's Runner.close does: cancel the tasks left and let them finish
 * (cancel_all_tasks), shut down the async generators (chapter 25), give
 * what is ready a few more turns, and close the loop.
 */
#include "runners.h"

#include "internal.h"

#include <stdlib.h>

/* asyncio.run's ending: cancel every task still alive, run the loop until
 * they have all finished, and report those that failed instead. */
static void cancel_all_tasks(asy_loop *loop)
{
    size_t n = asy_all_tasks(loop, NULL, 0, NULL);
    if (n == 0)
        return;
    asy_task **tasks = calloc(n, sizeof *tasks);
    if (tasks == NULL)
        asy_out_of_memory("run()'s list of tasks");
    n = asy_all_tasks(loop, tasks, n, NULL);
    for (size_t i = 0; i < n; i++) {
        asy_incref(tasks[i]);
        asy_task_cancel(tasks[i], NULL);
    }
    /* A task that goes on waiting for something that never comes (it
     * catches the CancelledError and sleeps again) blocks CPython's run()
     * forever; on a virtual clock the turn reports that deadlock instead,
     * and the task is left pending (close() abandons it). */
    asy_exc *stuck = NULL;
    for (size_t i = 0; i < n && stuck == NULL; i++)
        while (!asy_future_done(&tasks[i]->fut) && (stuck = asy_loop_run_once(loop)) == NULL)
            continue;
    asy_decref(stuck);
    for (size_t i = 0; i < n; i++) {
        if (!asy_future_cancelled(&tasks[i]->fut)) {
            asy_exc *e = NULL;
            asy_decref(asy_future_exception(&tasks[i]->fut, &e));
            if (e != NULL) {
                asy_error_context ctx = {"unhandled exception during asyncio.run() shutdown", e,
                                         asy_obj_value(tasks[i])};
                asy_loop_call_exception_handler(loop, &ctx);
                asy_decref(e);
            }
        }
        asy_decref(tasks[i]);
    }
    free(tasks);
}

asy_result asy_run(asy_coro *main, const asy_loop_options *opts)
{
    asy_result r = {ASY_RAISED, asy_none(), NULL};
    if (asy_get_running_loop(NULL) != NULL) {
        asy_decref(asy_gen_close(main)); /* a NULL main's TypeError too */
        asy_decref(main);
        r.exc = asy_exc_new(&asy_RuntimeError, "asyncio.run() cannot be called from a running event loop");
        return r;
    }
    if (!asy_iscoroutine(main)) {
        r.exc = asy_exc_new(&asy_ValueError, "a coroutine was expected, got %s",
                            main != NULL ? ASY_REPR(asy_obj_value(main)) : "None");
        asy_decref(main);
        return r;
    }
    asy_exc *err;
    asy_loop *loop = asy_loop_new(opts, &err);
    if (loop == NULL) {
        asy_decref(main);
        r.exc = err;
        return r;
    }
    r = asy_loop_run_until_complete(loop, main);
    cancel_all_tasks(loop);
    /* CPython's run() then runs two more coroutines on the loop,
     * shutdown_asyncgens() and shutdown_default_executor(): two turns each
     * at least, in which whatever is ready runs too (the done callbacks of
     * the tasks just cancelled, a call_soon from their cleanup). */
    /* -- chapter 25: loop.shutdown_asyncgens(), when an async generator was
     * ever iterated on this loop (else: its two turns, below). -- */
    int turns = 4;
    asy_coro *shutdown = asy__loop_shutdown_asyncgens(loop);
    if (shutdown != NULL) {
        asy_result sr = asy_loop_run_until_complete(loop, shutdown);
        asy_result_clear(&sr); /* its failures went to the exception handler */
        turns = 2;
    }
    /* -- end of chapter 25's part -- */
    /* Then it gives what is ready the turns CPython's two shutdown
     * coroutines would take. A turn runs only when something is ready:
     * with only timers left, a turn would wait for them, and Python's turns
     * never do (their own task step is always ready). */
    for (int turn = 0; turn < turns && asy__loop_has_ready(loop); turn++)
        asy_decref(asy_loop_run_once(loop));
    /* -- chapter 29: loop.shutdown_default_executor(). When run_in_executor
     * or to_thread made the loop's default executor, wait for its threads,
     * the loop turning meanwhile (the results they hand back through
     * call_soon_threadsafe are delivered). Without one, nothing happens. -- */
    asy_decref(asy__loop_shutdown_default_executor(loop));
    /* -- end of chapter 29's part -- */
    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
    return r;
}
