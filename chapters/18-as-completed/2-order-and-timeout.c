/*
 * Chapter 18, demo 2: completion order, and a timeout.
 *
 * Three works taking 0.3, 0.1 and 0.2 s come out as 2, 3, 1: the order
 * they finish in, not the order they were given. With timeout=0.2 the
 * result that came in by then is handed out, and the next await raises
 * TimeoutError. Nothing is cancelled: `slow` finishes later on its own.
 */
#include <stdio.h>

#include "as_completed.h"
#include "runners.h"

static double t0;

static double elapsed(void) { return asy_loop_time(asy_get_running_loop(NULL)) - t0; }

/* async def work(x, delay): await asyncio.sleep(delay); return f"Work {x} took {delay} s" */
typedef struct {
    asy_coro co;
    int x;
    double delay;
} work_frame;

static asy_status work_body(asy_coro *co)
{
    work_frame *f = (work_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(f->delay, asy_none()));
    ASY_RETURN(co, asy_strf("Work %d took %s s", f->x, ASY_STR(asy_float(f->delay))));
    ASY_END(co);
}

static asy_coro *work(int x, double delay)
{
    work_frame *f = ASY_CORO_NEW(work_frame, work_body, "work");
    f->x = x;
    f->delay = delay;
    return &f->co;
}

typedef struct {
    asy_coro co;
    asy_as_completed *ac;
    asy_task *slow;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));

    printf("completion order:\n");
    {
        void *aws[] = {work(1, 0.3), work(2, 0.1), work(3, 0.2)};
        f->ac = asy_as_completed_new(3, aws, ASY_NO_TIMEOUT);
    }
    while (asy_as_completed_left(f->ac) > 0) {
        ASY_AWAIT(co, asy_as_completed_next(f->ac));
        printf("  %s (at %.1f s)\n", ASY_STR(ASY_SENT(co)), elapsed());
    }
    asy_decref(f->ac);
    f->ac = NULL;

    printf("timeout=0.2:\n");
    f->slow = asy_create_task(work(5, 0.5), NULL, &err);
    if (f->slow == NULL)
        ASY_RAISE(co, err);
    {
        void *aws[] = {work(4, 0.1), asy_incref(f->slow)};
        f->ac = asy_as_completed_new(2, aws, 0.2);
    }
    while (asy_as_completed_left(f->ac) > 0) {
        ASY_AWAIT_TRY(co, asy_as_completed_next(f->ac));
        if (asy_exc_is(ASY_EXC(co), &asy_TimeoutError)) { /* except asyncio.TimeoutError: */
            asy_decref(ASY_CATCH(co));
            printf("  TimeoutError (at %.1f s)\n", elapsed());
        } else if (ASY_EXC(co) == NULL) {
            printf("  %s (at %.1f s)\n", ASY_STR(ASY_SENT(co)), elapsed());
        }
    }
    ASY_AWAIT(co, asy_incref(f->slow));
    printf("slow: cancelled=%s, await slow -> %s (at %.1f s)\n",
           asy_future_cancelled(&f->slow->fut) ? "True" : "False", ASY_REPR(ASY_SENT(co)), elapsed());
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->ac);
    asy_decref(f->slow);
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
