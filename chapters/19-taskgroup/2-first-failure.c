/*
 * Chapter 19, demo 2: the first failure cancels the rest.
 *
 * A child of a TaskGroup raises: the group cancels its other children AND
 * the body (the parent task gets cancel(); the group takes it back with
 * uncancel() when it exits). Leaving the block waits until every child has
 * finished, then raises the errors -- not the cancellations -- together:
 *     ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('boom')])
 * Python takes such a group apart with `except* ValueError`; in C that is
 * asy_exc_group_split (exceptiongroup.h): the matching part is handled, the
 * rest is raised on. Two children failing in the same turn give one group
 * with both errors.
 * 2-first-failure.py is the same program in Python.
 */
#include <stdio.h>

#include "runners.h"
#include "taskgroup.h"

static double t0;

static double elapsed(void) { return asy_loop_time(asy_get_running_loop(NULL)) - t0; }

/* async def worker(name, delay): sleep; "cancelled" or "done"; return name */
typedef struct {
    asy_coro co;
    const char *name;
    double delay;
    const asy_exc_type *raises; /* fail_after(name, delay, exc): raise one of these */
} child_frame;

static asy_status worker_body(asy_coro *co)
{
    child_frame *f = (child_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(f->delay, asy_none()));
    if (ASY_EXC(co) != NULL) {
        printf("%s: cancelled at %.1f s\n", f->name, elapsed());
        ASY_RERAISE(co);
    }
    printf("%s: done at %.1f s\n", f->name, elapsed());
    ASY_RETURN(co, asy_str(f->name));
    ASY_END(co);
}

/* async def fail_after(name, delay, exc):
 *     await asyncio.sleep(delay)
 *     print(f"{name}: raising {exc!r} at {elapsed()}")
 *     raise exc                                                            */
static asy_status fail_after_body(asy_coro *co)
{
    child_frame *f = (child_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(f->delay, asy_none()));
    {
        asy_exc *e = asy_exc_new(f->raises, "%s", f->name);
        printf("%s: raising %s at %.1f s\n", f->name, ASY_EXC_GROUP_REPR(e), elapsed());
        ASY_RAISE(co, e);
    }
    ASY_END(co);
}

static asy_coro *child(asy_gen_body body, const char *name, double delay, const asy_exc_type *raises)
{
    child_frame *f = ASY_CORO_NEW(child_frame, body, body == worker_body ? "worker" : "fail_after");
    f->name = name;
    f->delay = delay;
    f->raises = raises;
    return &f->co;
}

/* print(f"{label}: {eg.exceptions}"), a tuple: "(ValueError('a'),)" */
static void print_exceptions(const char *label, const asy_exc *eg)
{
    size_t n = asy_exc_group_count(eg);
    printf("%s: (", label);
    for (size_t i = 0; i < n; i++)
        printf("%s%s", i > 0 ? ", " : "", ASY_EXC_GROUP_REPR(asy_exc_group_get(eg, i)));
    printf(n == 1 ? ",)\n" : ")\n");
}

/* except* TYPE as eg: run handle(eg) on the part of *egp that matches;
 * *egp becomes the rest (NULL when nothing is left). */
static void except_star(asy_exc **egp, const asy_exc_type *type, void (*handle)(const asy_exc *eg))
{
    asy_exc *rest = NULL;
    asy_exc *match = asy_exc_group_split(*egp, type, &rest);
    if (match != NULL)
        handle(match);
    asy_decref(match);
    asy_decref(*egp);
    *egp = rest;
}

static void handle_first(const asy_exc *eg)
{
    printf("except* ValueError at %.1f s:\n", elapsed());
    printf("  %s\n", ASY_EXC_STR(eg));
    printf("  %s\n", ASY_EXC_GROUP_REPR(eg));
}

static void handle_value_errors(const asy_exc *eg) { print_exceptions("except* ValueError", eg); }
static void handle_key_errors(const asy_exc *eg) { print_exceptions("except* KeyError", eg); }

typedef struct {
    asy_coro co;
    asy_taskgroup *tg; /* owned */
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_exc *err;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));

    printf("--- one child fails: the others and the body are cancelled ---\n");
    f->tg = asy_taskgroup_new();
    if ((err = asy_taskgroup_enter(f->tg)) != NULL)
        ASY_RAISE(co, err);
    asy_decref(asy_taskgroup_create_task(f->tg, child(worker_body, "quick", 0.5, NULL), NULL, NULL));
    asy_decref(asy_taskgroup_create_task(f->tg, child(fail_after_body, "boom", 1, &asy_ValueError), NULL, NULL));
    asy_decref(asy_taskgroup_create_task(f->tg, child(worker_body, "slow", 3, NULL), NULL, NULL));
    printf("body: waiting at %.1f s\n", elapsed());
    ASY_AWAIT_TRY(co, asy_sleep(10, asy_none()));
    if (ASY_EXC(co) != NULL)
        printf("body: cancelled at %.1f s\n", elapsed());
    ASY_AWAIT_TRY(co, asy_taskgroup_exit(f->tg, ASY_CATCH(co))); /* end of the block */
    if (asy_exc_is_group(ASY_EXC(co))) {
        err = ASY_CATCH(co);
        except_star(&err, &asy_ValueError, handle_first);
        if (err != NULL)
            ASY_RAISE(co, err); /* what no except* clause matched goes on */
    }
    if (ASY_EXC(co) != NULL)
        ASY_RERAISE(co); /* not a group (a CancelledError from outside): on it goes */
    printf("main: goes on at %.1f s, cancelling() = %d\n", elapsed(), asy_task_cancelling(asy_current_task(NULL, NULL)));

    printf("--- two children fail at the same time: one group, both errors ---\n");
    asy_decref(f->tg);
    f->tg = asy_taskgroup_new();
    if ((err = asy_taskgroup_enter(f->tg)) != NULL)
        ASY_RAISE(co, err);
    asy_decref(asy_taskgroup_create_task(f->tg, child(fail_after_body, "a", 0.5, &asy_ValueError), NULL, NULL));
    asy_decref(asy_taskgroup_create_task(f->tg, child(fail_after_body, "b", 0.5, &asy_KeyError), NULL, NULL));
    asy_decref(asy_taskgroup_create_task(f->tg, child(worker_body, "c", 2, NULL), NULL, NULL));
    printf("body: waiting at %.1f s\n", elapsed());
    ASY_AWAIT_TRY(co, asy_sleep(10, asy_none()));
    if (ASY_EXC(co) != NULL)
        printf("body: cancelled at %.1f s\n", elapsed());
    ASY_AWAIT_TRY(co, asy_taskgroup_exit(f->tg, ASY_CATCH(co)));
    if (asy_exc_is_group(ASY_EXC(co))) {
        err = ASY_CATCH(co);
        except_star(&err, &asy_ValueError, handle_value_errors); /* except* ValueError */
        except_star(&err, &asy_KeyError, handle_key_errors);     /* except* KeyError */
        if (err != NULL)
            ASY_RAISE(co, err);
    }
    if (ASY_EXC(co) != NULL)
        ASY_RERAISE(co);
    printf("main: finished at %.1f s\n", elapsed());
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->tg);
    f->tg = NULL;
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, &opts);
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stdout);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? 0 : 1;
}
