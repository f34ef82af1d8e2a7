/*
 * Chapter 15, demo 3: return_when and timeout.
 *
 * Three tasks: a finishes at 0.1 s, b fails at 0.2 s, c finishes at
 * 0.3 s. FIRST_COMPLETED returns at the first (a), FIRST_EXCEPTION at the
 * first failure (b), ALL_COMPLETED when all are done. wait() never raises
 * what the tasks raised: you find b's exception on b. With a timeout,
 * wait() returns when the time is up, with e still pending and NOT
 * cancelled; waiting for the pending set again finishes the job.
 */
#include <stdio.h>

#include "runners.h"
#include "task.h"
#include "wait.h"

static double t0;

static double elapsed(void) { return asy_loop_time(asy_get_running_loop(NULL)) - t0; }

/* async def work(delay, fail=False): sleep; raise ValueError(name) or return name */
typedef struct {
    asy_coro co;
    double delay;
    bool fail;
} work_frame;

static asy_status work_body(asy_coro *co)
{
    work_frame *f = (work_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(f->delay, asy_none()));
    if (f->fail)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "%s", asy_task_get_name(asy_current_task(NULL, NULL))));
    ASY_RETURN(co, asy_str(asy_task_get_name(asy_current_task(NULL, NULL))));
    ASY_END(co);
}

static asy_task *work(const char *name, double delay, bool fail) /* create_task(work(...), name=...) */
{
    work_frame *f = ASY_CORO_NEW(work_frame, work_body, "work");
    f->delay = delay;
    f->fail = fail;
    return asy_create_task(&f->co, name, NULL);
}

/* [t.get_name() for t in tasks if t in s]: a list of names, printed by Python's rules */
static asy_value names_in(asy_task **tasks, size_t n, asy_list *s)
{
    asy_list *names = asy_list_new();
    for (size_t i = 0; i < n; i++)
        if (asy_list_contains(s, asy_obj_value(tasks[i])))
            asy_list_append(names, asy_str(asy_task_get_name(tasks[i])));
    return asy_obj_value(names);
}

/* print(f"{label} at ... s: done=[...] pending=[...]"); `result` is wait's value */
static void show(const char *label, asy_task **tasks, size_t n, asy_value result)
{
    asy_value done = names_in(tasks, n, asy_wait_done(result));
    asy_value pending = names_in(tasks, n, asy_wait_pending(result));
    printf("%s at %.1f s: done=%s pending=%s\n", label, elapsed(), ASY_STR(done), ASY_STR(pending));
    asy_value_decref(done);
    asy_value_decref(pending);
}

typedef struct {
    asy_coro co;
    asy_task *abc[3], *de[2];
    asy_list *pending; /* kept across an await */
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    f->abc[0] = work("a", 0.1, false);
    f->abc[1] = work("b", 0.2, true);
    f->abc[2] = work("c", 0.3, false);

    ASY_AWAIT(co, asy_wait(3, (void **)f->abc, ASY_NO_TIMEOUT, ASY_FIRST_COMPLETED));
    show("FIRST_COMPLETED", f->abc, 3, ASY_SENT(co));
    ASY_AWAIT(co, asy_wait(3, (void **)f->abc, ASY_NO_TIMEOUT, ASY_FIRST_EXCEPTION));
    show("FIRST_EXCEPTION", f->abc, 3, ASY_SENT(co));
    {
        asy_exc *e = NULL;
        asy_decref(asy_future_exception(&f->abc[1]->fut, &e)); /* tasks[1].exception() */
        printf("b raised %s\n", ASY_REPR(asy_obj_value(e)));
        asy_decref(e);
    }
    ASY_AWAIT(co, asy_wait(3, (void **)f->abc, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    show("ALL_COMPLETED", f->abc, 3, ASY_SENT(co));

    f->de[0] = work("d", 0.1, false);
    f->de[1] = work("e", 0.5, false);
    ASY_AWAIT(co, asy_wait(2, (void **)f->de, 0.3, ASY_ALL_COMPLETED));
    show("timeout=0.3", f->de, 2, ASY_SENT(co));
    printf("e: cancelled=%s\n", asy_future_cancelled(&f->de[1]->fut) ? "True" : "False");
    /* done, pending = await asyncio.wait(pending): keep the list, the
     * result it comes from is released at the next await */
    f->pending = asy_incref(asy_wait_pending(ASY_SENT(co)));
    ASY_AWAIT(co, asy_wait_list(f->pending, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    show("then", f->de, 2, ASY_SENT(co));
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    for (int i = 0; i < 3; i++)
        asy_decref(f->abc[i]);
    for (int i = 0; i < 2; i++)
        asy_decref(f->de[i]);
    asy_decref(f->pending);
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
