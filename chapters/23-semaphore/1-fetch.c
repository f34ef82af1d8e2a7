/*
 * 1-fetch.c - the notes' Semaphore example (seed 001 §4.3(1)), with a
 * simulated fetch: twelve "requests", never more than three at once.
 *
 * Each fetch sleeps a fixed time and returns str(a) (chapter 28 does real
 * HTTP). The demo counts how many fetches are inside the semaphore and
 * prints it at every start. 1-fetch.py is the same program in Python.
 * Runs on the virtual clock.
 */
#include <stdio.h>

#include "runners.h"
#include "semaphore.h"
#include "task.h"

#define NUMBERS 12
static const double DELAYS[NUMBERS] = {0.15, 0.35, 0.2, 0.25, 0.3, 0.3, 0.4, 0.25, 0.3, 0.15, 0.35, 0.3};
static asy_semaphore *sema; /* sema = asyncio.Semaphore(3), made in main() */
static int running, peak;

/* async def fetch_async(a):
 *     await asyncio.sleep(DELAYS[a])  # the simulated request
 *     return str(a)
 * asyncio.sleep(delay, result) returns its result: exactly that. */
static asy_coro *fetch_async(int a) { return asy_sleep(DELAYS[a], asy_strf("%d", a)); }

/* async def print_result(a):
 *     async with sema:
 *         running += 1; peak = max(peak, running)
 *         print('fetch({}) starts, {} running'.format(a, running))
 *         r = await fetch_async(a)
 *         running -= 1
 *         print('fetch({}) = {}'.format(a, r))                            */
typedef struct {
    asy_coro co;
    int a;
} print_result_frame;

static asy_status print_result_body(asy_coro *co)
{
    print_result_frame *f = (print_result_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_semaphore_acquire(sema));        /* async with sema: */
    running++;
    if (running > peak)
        peak = running;
    printf("fetch(%d) starts, %d running\n", f->a, running);
    ASY_AWAIT_TRY(co, fetch_async(f->a));
    running--;
    if (ASY_EXC(co) == NULL)
        printf("fetch(%d) = %s\n", f->a, ASY_STR(ASY_SENT(co)));
    ASY_RAISE_IF(co, asy_semaphore_release(sema));     /* end of async with */
    ASY_END(co);
}

static asy_coro *print_result(int a)
{
    print_result_frame *f = ASY_CORO_NEW(print_result_frame, print_result_body, "print_result");
    f->a = a;
    return &f->co;
}

typedef struct {
    asy_coro co;
    double t0;
    asy_task *tasks[NUMBERS]; /* owned */
    int i;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    f->t0 = asy_loop_time(asy_get_running_loop(NULL));
    for (f->i = 0; f->i < NUMBERS; f->i++) {
        f->tasks[f->i] = asy_create_task(print_result(f->i), NULL, &err);
        if (f->tasks[f->i] == NULL)
            ASY_RAISE(co, err);
    }
    for (f->i = 0; f->i < NUMBERS; f->i++)
        ASY_AWAIT(co, asy_incref(f->tasks[f->i]));
    printf("%d fetches, at most %d at once, done at %.1f s\n", NUMBERS, peak,
           asy_loop_time(asy_get_running_loop(NULL)) - f->t0);
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    for (int i = 0; i < NUMBERS; i++)
        asy_decref(f->tasks[i]);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    sema = asy_semaphore_new(3, NULL); /* binds to a loop only when someone waits */
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, &opts);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    if (r.exc != NULL)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    asy_decref(sema);
    return asy_obj_live() == 0 ? status : 1;
}
