/*
 * test_tiny_pool.c - tests for exercise 29/tiny_pool (see tiny_pool.h).
 * Real threads and the real clock; the work sleeps a few milliseconds.
 */
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "tiny_pool.h"

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static asy_exc *square(asy_value arg, asy_value *result)
{
    *result = asy_int(arg.u.i * arg.u.i);
    return NULL;
}

static asy_exc *refuse(asy_value arg, asy_value *result)
{
    (void)result;
    return asy_exc_new(&asy_ValueError, "no %lld", arg.u.i);
}

static atomic_int finished;

static asy_exc *nap(asy_value arg, asy_value *result)
{
    usleep((useconds_t)arg.u.i * 1000);
    atomic_fetch_add(&finished, 1);
    *result = asy_int(arg.u.i);
    return NULL;
}

static void test_results_and_exceptions_come_back(void)
{
    tiny_pool p;
    CHECK_FATAL(tiny_pool_init(&p, 3) == 0);
    asy_cfuture *cf[50];
    asy_exc *e = NULL;
    for (int i = 0; i < 50; i++) {
        cf[i] = tiny_pool_submit(&p, i % 10 == 9 ? refuse : square, asy_int(i), &e);
        CHECK_FATAL(cf[i] != NULL);
    }
    for (int i = 0; i < 50; i++) {
        asy_value v;
        e = asy_cfuture_result(cf[i], 5.0, &v);
        if (i % 10 == 9) {
            CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "", i == 9 ? "ValueError: no 9" : ASY_EXC_STR(e));
            CHECK(asy_exc_is(e, &asy_ValueError));
        } else {
            CHECK_NULL(e);
            CHECK_INT_EQ(v.u.i, (long long)i * i);
        }
        asy_decref(e);
        asy_cfuture_decref(cf[i]);
    }
    tiny_pool_shutdown(&p, true);
    tiny_pool_destroy(&p);
}

/* Four 100 ms naps on four threads take about 100 ms, not 400. */
static void test_the_threads_work_side_by_side(void)
{
    tiny_pool p;
    CHECK_FATAL(tiny_pool_init(&p, 4) == 0);
    asy_cfuture *cf[4];
    double t0 = mono();
    for (int i = 0; i < 4; i++) {
        cf[i] = tiny_pool_submit(&p, nap, asy_int(100), NULL);
        CHECK_FATAL(cf[i] != NULL);
    }
    for (int i = 0; i < 4; i++) {
        asy_value v;
        CHECK_NULL(asy_cfuture_result(cf[i], 5.0, &v));
        asy_cfuture_decref(cf[i]);
    }
    double took = mono() - t0;
    CHECK_MSG(took < 0.3, "4 naps of 0.1 s on 4 threads took %.3f s", took);
    tiny_pool_shutdown(&p, true);
    tiny_pool_destroy(&p);
}

/* shutdown(wait) lets the workers finish what is queued, and waits. */
static void test_shutdown_waits_for_the_queue(void)
{
    tiny_pool p;
    CHECK_FATAL(tiny_pool_init(&p, 2) == 0);
    atomic_store(&finished, 0);
    for (int i = 0; i < 6; i++) {
        asy_cfuture *cf = tiny_pool_submit(&p, nap, asy_int(20), NULL);
        CHECK_FATAL(cf != NULL);
        asy_cfuture_decref(cf); /* nobody waits: the pool keeps its own */
    }
    tiny_pool_shutdown(&p, true);
    CHECK_INT_EQ(atomic_load(&finished), 6);
    asy_exc *e = NULL;
    CHECK_NULL(tiny_pool_submit(&p, square, asy_int(2), &e));
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "", "RuntimeError: cannot schedule new futures after shutdown");
    asy_decref(e);
    tiny_pool_destroy(&p);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* A job cancelled before a worker takes it is skipped. */
static void test_a_cancelled_job_does_not_run(void)
{
    tiny_pool p;
    CHECK_FATAL(tiny_pool_init(&p, 1) == 0);
    atomic_store(&finished, 0);
    asy_cfuture *busy = tiny_pool_submit(&p, nap, asy_int(50), NULL);
    asy_cfuture *later = tiny_pool_submit(&p, nap, asy_int(1), NULL);
    CHECK_FATAL(busy != NULL && later != NULL);
    CHECK(asy_cfuture_cancel(later));
    tiny_pool_shutdown(&p, true);
    CHECK_INT_EQ(atomic_load(&finished), 1);
    CHECK(asy_cfuture_cancelled(later));
    asy_cfuture_decref(busy);
    asy_cfuture_decref(later);
    tiny_pool_destroy(&p);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"50 jobs on 3 threads: every result and exception comes back", test_results_and_exceptions_come_back},
        {"4 naps on 4 threads run side by side", test_the_threads_work_side_by_side},
        {"shutdown(wait) finishes the queue first; then submit is refused", test_shutdown_waits_for_the_queue},
        {"a job cancelled before it starts does not run", test_a_cancelled_job_does_not_run},
        {NULL, NULL},
    };
    return check_main("tiny_pool", tests, argc, argv);
}
