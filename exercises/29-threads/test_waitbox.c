/*
 * test_waitbox.c - tests for exercise 29/waitbox (see waitbox.h). Real
 * threads, real clock, delays of a few tens of milliseconds. Only the main
 * thread checks; the others leave what they saw in their struct.
 */
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "waitbox.h"

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_timeout_on_an_empty_box(void)
{
    waitbox b;
    waitbox_init(&b);
    long long v = -1;
    double t0 = mono();
    asy_exc *e = waitbox_get(&b, 0.05, &v);
    double took = mono() - t0;
    CHECK(asy_exc_is(e, &asy_TimeoutError));
    asy_decref(e);
    CHECK_MSG(took >= 0.045 && took < 1.0, "returned after %.3f s, not about 0.05 s", took);
    t0 = mono();
    e = waitbox_get(&b, 0, &v); /* 0: no wait at all */
    CHECK(asy_exc_is(e, &asy_TimeoutError));
    asy_decref(e);
    CHECK(mono() - t0 < 0.02);
    waitbox_destroy(&b);
}

static void test_a_set_box_answers_at_once_and_refuses_a_second_set(void)
{
    waitbox b;
    waitbox_init(&b);
    CHECK_NULL(waitbox_set(&b, 42));
    long long v = -1;
    CHECK_NULL(waitbox_get(&b, 0, &v));
    CHECK_INT_EQ(v, 42);
    asy_exc *e = waitbox_set(&b, 7);
    CHECK(asy_exc_is(e, &asy_InvalidStateError));
    asy_decref(e);
    CHECK_NULL(waitbox_get(&b, 0, &v));
    CHECK_INT_EQ(v, 42);
    waitbox_destroy(&b);
}

typedef struct {
    waitbox *b;
    double timeout;
    asy_exc *err;
    long long value;
    double woke_at;
} waiter;

static void *wait_in_thread(void *arg)
{
    waiter *w = arg;
    w->err = waitbox_get(w->b, w->timeout, &w->value);
    w->woke_at = mono();
    return NULL;
}

/* Three threads wait (5 s timeout); one set() 50 ms later wakes them all,
 * at once. */
static void test_set_wakes_every_waiter(void)
{
    waitbox b;
    waitbox_init(&b);
    waiter w[3];
    pthread_t th[3];
    for (int i = 0; i < 3; i++) {
        w[i] = (waiter){&b, 5.0, NULL, -1, 0};
        CHECK_FATAL(pthread_create(&th[i], NULL, wait_in_thread, &w[i]) == 0);
    }
    usleep(50 * 1000);
    double set_at = mono();
    CHECK_NULL(waitbox_set(&b, 9));
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        CHECK_NULL(w[i].err);
        CHECK_INT_EQ(w[i].value, 9);
        CHECK_MSG(w[i].woke_at - set_at < 1.0, "waiter %d woke %.3f s after set()", i, w[i].woke_at - set_at);
    }
    waitbox_destroy(&b);
}

/* A waiter whose timeout passes while another thread is still working gets
 * TimeoutError, and the set that comes later is not lost for the next get. */
static void test_timeout_then_late_set(void)
{
    waitbox b;
    waitbox_init(&b);
    waiter w = {&b, 0.03, NULL, -1, 0};
    pthread_t th;
    double t0 = mono();
    CHECK_FATAL(pthread_create(&th, NULL, wait_in_thread, &w) == 0);
    pthread_join(th, NULL);
    CHECK(asy_exc_is(w.err, &asy_TimeoutError));
    asy_decref(w.err);
    CHECK(w.woke_at - t0 >= 0.025);
    CHECK_NULL(waitbox_set(&b, 5));
    long long v = -1;
    CHECK_NULL(waitbox_get(&b, 1.0, &v));
    CHECK_INT_EQ(v, 5);
    waitbox_destroy(&b);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"get on an empty box: TimeoutError after the timeout (0: at once)", test_timeout_on_an_empty_box},
        {"a set box answers at once and refuses a second set", test_a_set_box_answers_at_once_and_refuses_a_second_set},
        {"one set() wakes every waiting thread", test_set_wakes_every_waiter},
        {"a timed-out get, then a late set, then get", test_timeout_then_late_set},
        {NULL, NULL},
    };
    return check_main("waitbox", tests, argc, argv);
}
