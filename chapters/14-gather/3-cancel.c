/*
 * Chapter 14, demo 3: cancelling a gather, and a child cancelled on its own.
 *
 * g.cancel() cancels every child that is not done yet (a is done already,
 * b and c are cancelled) and the await raises CancelledError. Note
 * g.cancelled() is False afterwards: in 3.11 the gathering future ends
 * FINISHED with a CancelledError, not CANCELLED.
 * A child cancelled on its own (d.cancel()) makes the gather raise
 * CancelledError, but nothing else is cancelled: e runs to its end. With
 * return_exceptions=True the CancelledError goes into the list instead.
 */
#include <stdio.h>

#include "gather.h"
#include "runners.h"

static double t0;

static double elapsed(void) { return asy_loop_time(asy_get_running_loop(NULL)) - t0; }

static const char *py_bool(bool b) { return b ? "True" : "False"; }

/* async def work(name, delay):
 *     try: await asyncio.sleep(delay)
 *     except asyncio.CancelledError: print(...); raise
 *     print(...); return name */
typedef struct {
    asy_coro co;
    const char *name;
    double delay;
} work_frame;

static asy_status work_body(asy_coro *co)
{
    work_frame *f = (work_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_sleep(f->delay, asy_none()));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        printf("  %s cancelled at %.1f s\n", f->name, elapsed());
        ASY_RERAISE(co);
    }
    printf("  %s finishes at %.1f s\n", f->name, elapsed());
    ASY_RETURN(co, asy_str(f->name));
    ASY_END(co);
}

static asy_task *work(const char *name, double delay) /* create_task(work(...)) */
{
    work_frame *f = ASY_CORO_NEW(work_frame, work_body, "work");
    f->name = name;
    f->delay = delay;
    return asy_create_task(&f->co, NULL, NULL);
}

typedef struct {
    asy_coro co;
    asy_task *a, *b, *c, *d, *e;
    asy_future *g;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));

    printf("cancelling the gather:\n");
    f->a = work("a", 0.1);
    f->b = work("b", 0.5);
    f->c = work("c", 0.5);
    f->g = asy_gather_of(false, asy_incref(f->a), asy_incref(f->b), asy_incref(f->c));
    ASY_AWAIT(co, asy_sleep(0.2, asy_none()));
    printf("g.cancel() -> %s\n", py_bool(asy_future_cancel(f->g, NULL)));
    ASY_AWAIT_TRY(co, asy_incref(f->g)); /* try: await g */
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) { /* except CancelledError: */
        asy_decref(ASY_CATCH(co));
        printf("await g raised CancelledError at %.1f s\n", elapsed());
    }
    printf("cancelled: a=%s b=%s c=%s g=%s\n", py_bool(asy_future_cancelled(&f->a->fut)),
           py_bool(asy_future_cancelled(&f->b->fut)), py_bool(asy_future_cancelled(&f->c->fut)),
           py_bool(asy_future_cancelled(f->g)));
    asy_decref(f->g);
    f->g = NULL;

    printf("a child cancelled on its own:\n");
    f->d = work("d", 0.5);
    f->e = work("e", 0.3);
    f->g = asy_gather_of(false, asy_incref(f->d), asy_incref(f->e));
    ASY_AWAIT(co, asy_sleep(0.1, asy_none()));
    printf("d.cancel() -> %s\n", py_bool(asy_task_cancel(f->d, NULL)));
    ASY_AWAIT_TRY(co, asy_incref(f->g)); /* try: await g */
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) { /* except CancelledError: */
        asy_decref(ASY_CATCH(co));
        printf("await g raised CancelledError at %.1f s\n", elapsed());
    }
    ASY_AWAIT(co, asy_incref(f->e));
    printf("e: cancelled=%s, await e -> %s at %.1f s\n", py_bool(asy_future_cancelled(&f->e->fut)),
           ASY_REPR(ASY_SENT(co)), elapsed());
    asy_decref(f->g);
    f->g = NULL;
    asy_decref(f->d);
    f->d = NULL;
    asy_decref(f->e);
    f->e = NULL;

    printf("the same with return_exceptions=True:\n");
    f->d = work("d", 0.5);
    f->e = work("e", 0.3);
    f->g = asy_gather_of(true, asy_incref(f->d), asy_incref(f->e));
    ASY_AWAIT(co, asy_sleep(0.1, asy_none()));
    printf("d.cancel() -> %s\n", py_bool(asy_task_cancel(f->d, NULL)));
    ASY_AWAIT(co, asy_incref(f->g));
    {
        asy_list *results = asy_value_list(ASY_SENT(co));
        printf("results: [%s, %s] at %.1f s\n", asy_value_type_name(asy_list_get(results, 0)),
               ASY_REPR(asy_list_get(results, 1)), elapsed());
    }
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->a);
    asy_decref(f->b);
    asy_decref(f->c);
    asy_decref(f->d);
    asy_decref(f->e);
    asy_decref(f->g);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, &opts);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
