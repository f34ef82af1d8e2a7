/*
 * Chapter 15, demo 1: the notes' work_1 / work_2 under wait(), and a
 * blocking call that freezes every task.
 *
 * work_1 calls time.sleep(1): a BLOCKING sleep. The event loop runs in
 * this one thread, so for that second nothing else runs: work_2 does not
 * even start until 1.0 s, and its first "running" line comes at 2.0 s
 * instead of 1.0 s. Each line shows the loop time at which it printed.
 *
 * The demo runs on the virtual clock (its output must not depend on the
 * machine), and a virtual clock only moves when the loop jumps it to the
 * next timer. A blocking call is exactly what the loop cannot see, so
 * blocking_sleep() does what a real clock would show: it really blocks
 * the thread for the time asked (nothing else can run meanwhile, which is
 * the point), and it moves the virtual clock forward by the same amount,
 * as the real clock would have moved. The Python twin uses real time and
 * prints the same lines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "runners.h"
#include "task.h"
#include "wait.h"

static double t0;

/* print(f"[{elapsed:.1f} s] " + text): every line says when it ran. */
static void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void log_line(const char *fmt, ...)
{
    printf("[%.1f s] ", asy_loop_time(asy_get_running_loop(NULL)) - t0);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* time.sleep(seconds): block the thread, so the loop, and every task. */
static void blocking_sleep(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL); /* really blocks: no other task can run now */
    asy_clock *clock = asy_loop_clock(asy_get_running_loop(NULL));
    if (clock->is_virtual) /* what a real clock would have shown */
        asy_clock_advance_to(clock, asy_clock_now(clock) + seconds);
}

/* async def work_1(x):
 *     print(f"Starting {x}")
 *     time.sleep(1)
 *     print(f"Starting {x}")
 *     for _ in range(3):
 *         print(f"Work {x} is running ..")
 *         await asyncio.sleep(2)
 *     return f"Work {x} is finished" */
typedef struct {
    asy_coro co;
    int x, round;
} work_frame;

static asy_status work_1_body(asy_coro *co)
{
    work_frame *f = (work_frame *)co;
    ASY_BEGIN(co);
    log_line("Starting %d", f->x);
    blocking_sleep(1);
    log_line("Starting %d", f->x);
    for (f->round = 0; f->round < 3; f->round++) {
        log_line("Work %d is running ..", f->x);
        ASY_AWAIT(co, asy_sleep(2, asy_none()));
    }
    ASY_RETURN(co, asy_strf("Work %d is finished", f->x));
    ASY_END(co);
}

/* async def work_2(x):
 *     print(f"Starting {x}")
 *     for _ in range(3):
 *         await asyncio.sleep(1)
 *         print(f"Work {x} is running ..")
 *     return f"Work {x} is finished" */
static asy_status work_2_body(asy_coro *co)
{
    work_frame *f = (work_frame *)co;
    ASY_BEGIN(co);
    log_line("Starting %d", f->x);
    for (f->round = 0; f->round < 3; f->round++) {
        ASY_AWAIT(co, asy_sleep(1, asy_none()));
        log_line("Work %d is running ..", f->x);
    }
    ASY_RETURN(co, asy_strf("Work %d is finished", f->x));
    ASY_END(co);
}

static asy_coro *work(asy_gen_body body, const char *name, int x)
{
    work_frame *f = ASY_CORO_NEW(work_frame, body, name);
    f->x = x;
    return &f->co;
}

typedef struct {
    asy_coro co;
    asy_task *tasks[2];
} main_frame;

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    t0 = asy_loop_time(asy_get_running_loop(NULL));
    f->tasks[0] = asy_create_task(work(work_1_body, "work_1", 1), NULL, &err);
    if (f->tasks[0] == NULL)
        ASY_RAISE(co, err);
    f->tasks[1] = asy_create_task(work(work_2_body, "work_2", 2), NULL, &err);
    if (f->tasks[1] == NULL)
        ASY_RAISE(co, err);
    /* dones, pendings = await asyncio.wait(tasks): the array is borrowed */
    ASY_AWAIT(co, asy_wait(2, (void **)f->tasks, ASY_NO_TIMEOUT, ASY_ALL_COMPLETED));
    {
        asy_list *dones = asy_wait_done(ASY_SENT(co)), *pendings = asy_wait_pending(ASY_SENT(co));
        for (int i = 0; i < 2; i++) {
            if (asy_list_contains(dones, asy_obj_value(f->tasks[i]))) { /* if task in dones */
                asy_value result;
                asy_decref(asy_future_result(&f->tasks[i]->fut, &result));
                printf("%s\n", ASY_STR(result));
                asy_value_decref(result);
            }
        }
        printf("pending: %zu\n", asy_list_len(pendings));
    }
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->tasks[0]);
    asy_decref(f->tasks[1]);
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
