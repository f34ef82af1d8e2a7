/*
 * 3-rules.c - chapter 11, demo 3: the rules of a future, made visible.
 *
 * States and Python's errors (1-4), done callbacks that are scheduled and
 * never called inline (5), remove_done_callback by function and by closure
 * (6), and the report for an exception nobody retrieved (7). The loop is
 * turned by hand, one turn at a time, with asy_loop_run_once(); the Python
 * twin does loop.stop() + loop.run_forever(), which also runs exactly one
 * turn.
 */
#include <stdio.h>
#include <string.h>

#include "future.h"
#include "loop.h"

static int turn_no;

static void run_once(asy_loop *loop)
{
    turn_no++;
    printf("turn %d\n", turn_no);
    asy_decref(asy_loop_run_once(loop));
}

static const char *py_bool(bool b) { return b ? "True" : "False"; }

/* print(" ", fut): asy_obj_value wraps our reference without taking one,
 * so the value must not be released. */
static void show(asy_future *fut) { printf("  %s\n", ASY_REPR(asy_obj_value(fut))); }

/* print(label, err(e)) and drop e (a new reference). */
static void show_error(const char *label, asy_exc *e)
{
    printf("  %s: %s\n", label, e != NULL ? ASY_EXC_STR(e) : "no error");
    asy_decref(e);
}

static void states_and_errors(asy_loop *loop)
{
    asy_value v;
    asy_exc *x;

    printf("1. result() of a pending future\n");
    asy_future *fut = asy_future_new(loop);
    show(fut);
    show_error("result()", asy_future_result(fut, &v));

    printf("2. set_result twice\n");
    asy_exc *e = asy_future_set_result(fut, asy_int(1));
    printf("  set_result(1): %s\n", e == NULL ? "ok" : ASY_EXC_STR(e));
    show_error("set_result(2)", asy_future_set_result(fut, asy_int(2)));
    asy_decref(asy_future_result(fut, &v));
    printf("  result(): %s\n", ASY_STR(v));
    asy_value_decref(v);
    asy_decref(asy_future_exception(fut, &x));
    printf("  exception(): %s\n", x == NULL ? "None" : ASY_REPR(asy_obj_value(x)));
    asy_decref(x);
    printf("  cancel(): %s\n", py_bool(asy_future_cancel(fut, NULL)));
    show(fut);
    asy_decref(fut);

    printf("3. cancel\n");
    fut = asy_future_new(loop);
    printf("  cancel('no longer needed'): %s\n", py_bool(asy_future_cancel(fut, "no longer needed")));
    printf("  cancel(): %s\n", py_bool(asy_future_cancel(fut, NULL)));
    printf("  cancelled(): %s done(): %s\n", py_bool(asy_future_cancelled(fut)), py_bool(asy_future_done(fut)));
    show_error("result()", asy_future_result(fut, &v));
    show(fut);
    asy_decref(fut);

    printf("4. set_exception\n");
    fut = asy_future_new(loop);
    asy_decref(asy_future_set_exception(fut, asy_exc_new(&asy_ValueError, "bad"))); /* steals it */
    show(fut);
    show_error("result()", asy_future_result(fut, &v));
    asy_decref(asy_future_exception(fut, &x));
    printf("  exception(): %s\n", x == NULL ? "None" : ASY_REPR(asy_obj_value(x)));
    asy_decref(x);
    asy_decref(fut);
}

/* A done callback with its name as the extra argument:
 * functools.partial(report, "A"). */
static asy_exc *report(asy_future *fut, asy_value name)
{
    asy_value v;
    asy_exc *e = asy_future_result(fut, &v);
    if (e != NULL)
        return e;
    printf("  %s sees %s (turn %d)\n", ASY_STR(name), ASY_REPR(v), turn_no);
    asy_value_decref(v);
    if (strcmp(asy_str_cstr(name), "A") == 0) {
        asy_decref(asy_future_add_done_callback(fut, report, asy_str("C"))); /* the future is done already */
        printf("  A added C to the done future\n");
    }
    return NULL;
}

static void callbacks_are_scheduled(asy_loop *loop)
{
    printf("5. done callbacks are scheduled, never called inline\n");
    asy_future *fut = asy_future_new(loop);
    asy_decref(asy_future_add_done_callback(fut, report, asy_str("A")));
    asy_decref(asy_future_add_done_callback(fut, report, asy_str("B")));
    asy_decref(asy_future_set_result(fut, asy_str("done")));
    printf("  set_result returned; no callback has run yet\n");
    run_once(loop); /* A (which adds C) and B */
    run_once(loop); /* C */
    asy_decref(asy_future_add_done_callback(fut, report, asy_str("D")));
    printf("  add_done_callback(D) returned; D has not run\n");
    run_once(loop); /* D */
    asy_decref(fut);
}

static asy_exc *shout(asy_future *fut, asy_value arg)
{
    (void)fut;
    (void)arg;
    printf("  shout\n");
    return NULL;
}

static asy_exc *whisper(asy_future *fut, asy_value arg)
{
    (void)fut;
    (void)arg;
    printf("  whisper\n");
    return NULL;
}

static void removing_callbacks(asy_loop *loop)
{
    printf("6. remove_done_callback\n");
    asy_future *fut = asy_future_new(loop);
    asy_decref(asy_future_add_done_callback(fut, shout, asy_none()));
    asy_decref(asy_future_add_done_callback(fut, whisper, asy_none()));
    asy_decref(asy_future_add_done_callback(fut, shout, asy_none()));
    printf("  removed: %zu\n", asy_future_remove_done_callback(fut, shout));
    asy_decref(asy_future_set_result(fut, asy_none()));
    run_once(loop);
    asy_decref(fut);

    /* One closure, not every use of the function: first_e = partial(report,
     * "E") is a function and an argument, and the argument object is what
     * tells it from another partial(report, "E"). */
    fut = asy_future_new(loop);
    asy_value first_e = asy_str("E"); /* kept, to name the registration later */
    asy_decref(asy_future_add_done_callback(fut, report, asy_value_incref(first_e)));
    asy_decref(asy_future_add_done_callback(fut, report, asy_str("F")));
    asy_decref(asy_future_add_done_callback(fut, report, asy_str("E"))); /* equal, but another object */
    printf("  removed first_e: %zu\n", asy_future_remove_done_callback_arg(fut, report, first_e));
    asy_value_decref(first_e);
    asy_decref(asy_future_set_result(fut, asy_str("done")));
    run_once(loop);
    asy_decref(fut);
}

/* loop.set_exception_handler(handler) */
static void handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    printf("  handler: %s: %s\n", ctx->message, ctx->exception != NULL ? ASY_EXC_STR(ctx->exception) : "-");
}

static void never_retrieved(asy_loop *loop)
{
    printf("7. an exception nobody retrieved\n");
    asy_loop_set_exception_handler(loop, handler, NULL);
    asy_future *fut = asy_future_new(loop);
    asy_decref(asy_future_set_exception(fut, asy_exc_new(&asy_ValueError, "lost")));
    printf("  del fut\n");
    asy_decref(fut); /* the last reference: the future is freed now */
    printf("  end\n");
}

int main(void)
{
    asy_exc *err;
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    asy_loop *loop = asy_loop_new(&opts, &err);
    if (loop == NULL) {
        asy_exc_print(err, stderr);
        return 1;
    }
    states_and_errors(loop);
    callbacks_are_scheduled(loop);
    removing_callbacks(loop);
    never_retrieved(loop);
    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
    return asy_obj_live() == 0 ? 0 : 1;
}
