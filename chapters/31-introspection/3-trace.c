/*
 * Chapter 31, demo 3: tracing a run with a sink of our own.
 *
 * The notes' say_after, as two tasks (chapter 12, demo 1): "hello" after
 * 1 s and "world" after 2 s, both done after 2 s. A trace sink set on the
 * loop (asy_loop_set_trace) receives every event with the loop's time;
 * this one prints them, indented, between the program's own lines. On the
 * virtual clock the times are exact and the same at every run.
 *
 * ASY_TRACE=file does the same without touching the program (it writes
 * the events to the file), and `make trace CH=12 DEMO=1-say-after` draws
 * them. No CPython twin: asyncio has no trace of its own.
 */
#include <stdio.h>

#include "task.h"

/* One line per event: time, who (a task, or the loop), what, and the
 * field of the event that says the most about it (the table in loop.h). */
static void print_event(asy_loop *loop, const asy_trace_event *ev, void *arg)
{
    (void)loop;
    (void)arg;
    const char *who = ev->task != NULL ? asy_task_get_name(ev->task) : "loop";
    char what[64];
    switch (ev->kind) {
    case ASY_TRACE_TASK_NEW:  snprintf(what, sizeof what, "coro %s", ev->detail); break;
    case ASY_TRACE_WAIT:      snprintf(what, sizeof what, "on %s", ev->name); break;
    case ASY_TRACE_IO_WAIT:   snprintf(what, sizeof what, "%s %g s", ev->detail, ev->value); break;
    case ASY_TRACE_IO_DONE:   snprintf(what, sizeof what, "%g ready", ev->value); break;
    case ASY_TRACE_TIMER:     snprintf(what, sizeof what, "%s due at %g", ev->name, ev->value); break;
    default:                  snprintf(what, sizeof what, "%s", ev->detail); break;
    }
    if (what[0] != '\0')
        printf("    %4.1f  %-7s %-10s %s\n", ev->time, who, asy_trace_kind_name(ev->kind), what);
    else
        printf("    %4.1f  %-7s %s\n", ev->time, who, asy_trace_kind_name(ev->kind));
}

/* async def say_after(delay, what): await asyncio.sleep(delay); print(what) */
typedef struct {
    asy_coro co;
    double delay;
    const char *what;
} say_after_frame;

static asy_status say_after_body(asy_coro *co)
{
    say_after_frame *f = (say_after_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(f->delay, asy_none()));
    printf("%s\n", f->what);
    ASY_END(co);
}

static asy_coro *say_after(double delay, const char *what)
{
    say_after_frame *f = ASY_CORO_NEW(say_after_frame, say_after_body, "say_after");
    f->delay = delay;
    f->what = what;
    return &f->co;
}

/* async def main():
 *     task1 = asyncio.create_task(say_after(1, 'hello'))
 *     task2 = asyncio.create_task(say_after(2, 'world'))
 *     await task1
 *     await task2 */
typedef struct {
    asy_coro co;
    asy_task *t1, *t2;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_exc *err;
    ASY_BEGIN(co);
    printf("main starts\n");
    f->t1 = asy_create_task(say_after(1, "hello"), NULL, &err);
    if (f->t1 == NULL)
        ASY_RAISE(co, err);
    f->t2 = asy_create_task(say_after(2, "world"), NULL, &err);
    if (f->t2 == NULL)
        ASY_RAISE(co, err);
    ASY_AWAIT(co, asy_incref(f->t1));
    ASY_AWAIT(co, asy_incref(f->t2));
    printf("main ends\n");
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->t1);
    asy_decref(f->t2);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    asy_loop *loop = asy_loop_new(&opts, NULL);
    if (loop == NULL)
        return 1;
    asy_loop_set_trace(loop, print_event, NULL);
    main_frame *m = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&m->co, main_clear);
    asy_result r = asy_loop_run_until_complete(loop, &m->co);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    asy_result_clear(&r);
    asy_loop_set_trace(loop, NULL, NULL);
    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
    return asy_obj_live() == 0 ? status : 1;
}
