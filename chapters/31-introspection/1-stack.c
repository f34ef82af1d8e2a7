/*
 * Chapter 31, demo 1: where is each task stuck? current_task, all_tasks,
 * names, get_coro, and print_stack.
 *
 * Two workers are started and left waiting: "fetcher" three coroutines
 * deep (fetch -> read_body -> sleep), "idler" on a future nobody will ever
 * complete. main then looks at every task and prints its stack: each
 * coroutine of the await chain with the file and line of the await it is
 * suspended at, and the line of source there.
 *
 * No CPython twin: CPython 3.11-3.13's print_stack shows only the
 * outermost frame of each task (introspect.h says why), and its paths and
 * line numbers are those of a .py file. 1-stack.sed hides addresses and
 * the line numbers inside lib/, which move when the library changes.
 */
#include <stdio.h>

#include "introspect.h"
#include "runners.h"
#include "task.h"

/* async def read_body(): await asyncio.sleep(5) */
static asy_status read_body_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(5, asy_none()));
    ASY_END(co);
}
static asy_coro *read_body(void) { return ASY_CORO_NEW(asy_coro, read_body_body, "read_body"); }

/* async def fetch(): await read_body() */
static asy_status fetch_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, read_body());
    ASY_END(co);
}

/* async def idle(fut): await fut */
typedef struct {
    asy_coro co;
    asy_future *fut;
} idle_frame;
static asy_status idle_body(asy_coro *co)
{
    idle_frame *f = (idle_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_incref(f->fut));
    ASY_END(co);
}
static void idle_clear(asy_gen *g) { asy_decref(((idle_frame *)g)->fut); }

/* async def main():
 *     fetcher = asyncio.create_task(fetch(), name="fetcher")
 *     idler = asyncio.create_task(idle(loop.create_future()), name="idler")
 *     await asyncio.sleep(0)             # let them start
 *     me = asyncio.current_task()
 *     print("I am", me.get_name(), "running", me.get_coro().__name__)
 *     for t in asyncio.all_tasks(): t.print_stack(file=sys.stdout)
 *     fetcher.cancel(); idler.cancel() */
typedef struct {
    asy_coro co;
    asy_task *fetcher, *idler;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_exc *err;
    ASY_BEGIN(co);
    f->fetcher = asy_create_task(ASY_CORO_NEW(asy_coro, fetch_body, "fetch"), "fetcher", &err);
    if (f->fetcher == NULL)
        ASY_RAISE(co, err);
    {
        idle_frame *i = ASY_CORO_NEW(idle_frame, idle_body, "idle");
        asy_gen_set_clear(&i->co, idle_clear);
        i->fut = asy_future_new(asy_get_running_loop(NULL));
        f->idler = asy_create_task(&i->co, "idler", &err);
        if (f->idler == NULL)
            ASY_RAISE(co, err);
    }
    ASY_AWAIT(co, asy_sleep(0, asy_none()));
    {
        asy_task *me = asy_current_task(NULL, NULL);
        printf("I am %s, running %s\n", asy_task_get_name(me), asy_task_get_coro(me)->name);
        asy_task *all[8];
        size_t n = asy_all_tasks(NULL, all, 8, NULL);
        printf("%zu tasks are alive\n", n);
        for (size_t k = 0; k < n && k < 8; k++) {
            printf("\n");
            asy_exc *e = asy_task_print_stack(all[k], -1, stdout);
            if (e != NULL)
                ASY_RAISE(co, e);
        }
    }
    asy_task_cancel(f->fetcher, NULL);
    asy_task_cancel(f->idler, NULL);
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->fetcher);
    asy_decref(f->idler);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *m = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&m->co, main_clear);
    asy_result r = asy_run(&m->co, &opts);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
