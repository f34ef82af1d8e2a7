/*
 * 2-start-gate.c - one set() releases every waiter, at the same moment.
 *
 * Three runners wait at a gate (an Event). The gate opens at 1.0 s: all
 * three start together and finish together, where a Lock would have let
 * them through one at a time. A runner arriving after the gate opened
 * does not wait at all; clear() closes the gate for the next race.
 * 2-start-gate.py is the same program in Python. Virtual clock.
 */
#include <stdio.h>

#include "event.h"
#include "runners.h"
#include "task.h"

static double t0;

static const char *now(char *buf, size_t size)
{
    snprintf(buf, size, "%.1f", asy_loop_time(asy_get_running_loop(NULL)) - t0);
    return buf;
}
#define NOW() now((char[32]){0}, 32)

static const char *py_bool(bool b) { return b ? "True" : "False"; }

/* async def runner(name, gate):
 *     print(f"{name} at the gate at {now()} s")
 *     await gate.wait()
 *     print(f"{name} off at {now()} s")
 *     await asyncio.sleep(1)
 *     print(f"{name} finished at {now()} s")                              */
typedef struct {
    asy_coro co;
    const char *name;
    asy_event *gate; /* owned */
} runner_frame;

static asy_status runner_body(asy_coro *co)
{
    runner_frame *f = (runner_frame *)co;
    ASY_BEGIN(co);
    printf("%s at the gate at %s s\n", f->name, NOW());
    ASY_AWAIT(co, asy_event_wait(f->gate));
    printf("%s off at %s s\n", f->name, NOW());
    ASY_AWAIT(co, asy_sleep(1, asy_none()));
    printf("%s finished at %s s\n", f->name, NOW());
    ASY_END(co);
}

static void runner_clear(asy_gen *g) { asy_decref(((runner_frame *)g)->gate); }

static asy_task *runner(const char *name, asy_event *gate)
{
    runner_frame *f = ASY_CORO_NEW(runner_frame, runner_body, "runner");
    f->name = name;
    f->gate = asy_incref(gate);
    asy_gen_set_clear(&f->co, runner_clear);
    return asy_create_task(&f->co, NULL, NULL);
}

typedef struct {
    asy_coro co;
    asy_event *gate;     /* owned */
    asy_task *tasks[4];  /* owned: r1, r2, r3, late */
    int i;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    static const char *const names[] = {"r1", "r2", "r3"};
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    f->gate = asy_event_new();
    for (f->i = 0; f->i < 3; f->i++)
        f->tasks[f->i] = runner(names[f->i], f->gate);
    ASY_AWAIT(co, asy_sleep(1, asy_none()));
    printf("waiters: %zu, the gate opens at %s s\n", asy_event_waiter_count(f->gate), NOW());
    asy_event_set(f->gate);
    f->tasks[3] = runner("late", f->gate);
    for (f->i = 0; f->i < 4; f->i++)
        ASY_AWAIT(co, asy_incref(f->tasks[f->i]));
    printf("waiters: %zu, is_set() = %s\n", asy_event_waiter_count(f->gate), py_bool(asy_event_is_set(f->gate)));
    asy_event_clear(f->gate);
    printf("after clear(): is_set() = %s\n", py_bool(asy_event_is_set(f->gate)));
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    for (int i = 0; i < 4; i++)
        asy_decref(f->tasks[i]);
    asy_decref(f->gate);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, &opts);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    if (r.exc != NULL)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
