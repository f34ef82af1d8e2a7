/*
 * Chapter 29, demo 5: loop.run_in_executor with a pool of two threads.
 *
 * to_thread (demo 2) always uses the loop's default executor. With
 * run_in_executor you choose: here a ThreadPoolExecutor(max_workers=2),
 * and three jobs of 0.2, 0.4 and 0.6 s. Two run at once; the third waits
 * in the pool's queue for the first free worker (at 0.2 s), so it ends at
 * 0.8 s, not 0.6. Leaving the `with` block shuts the pool down and waits
 * for its threads. Then one more job in the default executor (None).
 * Only the loop's thread prints. 5-run-in-executor.py is the Python.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "executor.h"
#include "runners.h"
#include "task.h"

static double t0;

static double elapsed(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - t0;
}

/* def work(n):
 *     time.sleep(0.2 * n)
 *     return n * n                                                        */
static asy_exc *work(asy_value arg, asy_value *result)
{
    usleep((useconds_t)(200 * 1000 * arg.u.i));
    *result = asy_int(arg.u.i * arg.u.i);
    return NULL;
}

/* async def main():
 *     loop = asyncio.get_running_loop()
 *     with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
 *         futs = [loop.run_in_executor(pool, work, n) for n in (1, 2, 3)]
 *         for n, fut in zip((1, 2, 3), futs):
 *             print(f"work({n}) = {await fut} at {elapsed():.1f} s")
 *     print(f"pool shut down at {elapsed():.1f} s")
 *     r = await loop.run_in_executor(None, work, 1)
 *     print(f"default executor: work(1) = {r} at {elapsed():.1f} s")    */
typedef struct {
    asy_coro co;
    asy_executor *pool;
    asy_future *futs[3];
    int i;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_loop *loop = asy_get_running_loop(NULL);
    asy_exc *err;
    ASY_BEGIN(co);
    f->pool = asy_executor_new(2, &err); /* with ThreadPoolExecutor(max_workers=2) as pool: */
    if (f->pool == NULL)
        ASY_RAISE(co, err);
    for (int n = 1; n <= 3; n++)
        f->futs[n - 1] = asy_loop_run_in_executor(loop, f->pool, work, asy_int(n));
    for (f->i = 0; f->i < 3; f->i++) {
        ASY_AWAIT(co, asy_incref(f->futs[f->i]));
        printf("work(%d) = %s at %.1f s\n", f->i + 1, ASY_REPR(ASY_SENT(co)), elapsed());
    }
    asy_executor_free(f->pool); /* the end of the with block: shutdown(wait=True) */
    f->pool = NULL;
    printf("pool shut down at %.1f s\n", elapsed());
    ASY_AWAIT(co, asy_loop_run_in_executor(loop, NULL, work, asy_int(1)));
    printf("default executor: work(1) = %s at %.1f s\n", ASY_REPR(ASY_SENT(co)), elapsed());
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_executor_free(f->pool);
    for (int i = 0; i < 3; i++)
        asy_decref(f->futs[i]);
}

int main(void)
{
    t0 = elapsed();
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, NULL);
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stdout);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? 0 : 1;
}
