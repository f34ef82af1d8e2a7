/*
 * Chapter 14, demo 2: return_exceptions, both ways.
 *
 * return_exceptions=False: the first exception reaches the awaiter at
 * once, and the other children are NOT cancelled: `slow` finishes later
 * and can still be awaited. return_exceptions=True: the exception takes
 * its place in the result list, and gather waits for everyone.
 */
#include <stdio.h>

#include "gather.h"
#include "runners.h"

static double t0; /* loop time when main started */

static double elapsed(void) { return asy_loop_time(asy_get_running_loop(NULL)) - t0; }

/* async def work(name, delay, fail=False):
 *     await asyncio.sleep(delay)
 *     if fail: print(...); raise ValueError(name)
 *     print(...); return name */
typedef struct {
    asy_coro co;
    const char *name;
    double delay;
    bool fail;
} work_frame;

static asy_status work_body(asy_coro *co)
{
    work_frame *f = (work_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(f->delay, asy_none()));
    if (f->fail) {
        printf("  %s fails at %.1f s\n", f->name, elapsed());
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "%s", f->name));
    }
    printf("  %s finishes at %.1f s\n", f->name, elapsed());
    ASY_RETURN(co, asy_str(f->name));
    ASY_END(co);
}

static asy_coro *work(const char *name, double delay, bool fail)
{
    work_frame *f = ASY_CORO_NEW(work_frame, work_body, "work");
    f->name = name;
    f->delay = delay;
    f->fail = fail;
    return &f->co;
}

typedef struct {
    asy_coro co;
    asy_task *slow;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));

    printf("return_exceptions=False:\n");
    f->slow = asy_create_task(work("slow", 0.3, false), NULL, &err);
    if (f->slow == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT_TRY(co, asy_gather_of(false, work("quick", 0.1, false), work("bad", 0.2, true),
                                    asy_incref(f->slow)));
    if (asy_exc_is(ASY_EXC(co), &asy_ValueError)) { /* except ValueError as e: */
        asy_exc *e = ASY_CATCH(co);
        printf("gather raised %s at %.1f s\n", ASY_REPR(asy_obj_value(e)), elapsed());
        asy_decref(e);
    } else if (ASY_EXC(co) == NULL) {
        printf("%s\n", ASY_STR(ASY_SENT(co)));
    }
    printf("slow: done=%s cancelled=%s\n", asy_future_done(&f->slow->fut) ? "True" : "False",
           asy_future_cancelled(&f->slow->fut) ? "True" : "False");
    ASY_AWAIT(co, asy_incref(f->slow));
    printf("await slow -> %s at %.1f s\n", ASY_REPR(ASY_SENT(co)), elapsed());

    printf("return_exceptions=True:\n");
    ASY_AWAIT(co, asy_gather_of(true, work("quick", 0.1, false), work("bad", 0.2, true), work("slow", 0.3, false)));
    printf("%s at %.1f s\n", ASY_STR(ASY_SENT(co)), elapsed());
    ASY_END(co);
}

static void main_clear(asy_gen *g) { asy_decref(((main_frame *)g)->slow); }

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
