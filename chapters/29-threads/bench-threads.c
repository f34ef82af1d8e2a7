/*
 * Chapter 29 benchmark, C side (run by `make bench CH=29`, -O2).
 *
 *   to_thread    await asyncio.to_thread(empty) N times in a row: submit to
 *                the default executor, run an empty function in a worker,
 *                hand the result back through call_soon_threadsafe, resume
 *                the coroutine. Prints the mean round trip.
 *   wakeup       the loop is asleep in epoll_wait (it awaits a future);
 *                another thread notes the time and calls
 *                call_soon_threadsafe(cb); cb, on the loop's thread, notes
 *                the time again. Prints the median latency over N wakeups
 *                (the sender waits 50 us before each one, so that the loop
 *                is really asleep).
 *   pingpong     no library at all: two threads hand a turn back and forth
 *                through a mutex and a condition variable. One round trip
 *                is two thread wakeups, the kernel's floor under both
 *                workloads above (to_thread needs two wakeups: the worker,
 *                then the loop; wakeup needs one).
 *
 *     bench-threads [N_TO_THREAD [N_WAKEUP]]     (defaults 20000 2000)
 * Each line is "name value unit", as bench_threads.py prints.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "executor.h"
#include "runners.h"
#include "task.h"

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void report(const char *name, double value, const char *unit) { printf("%-24s %12.2f %s\n", name, value, unit); }

/* ---- to_thread round trip ---- */

static asy_exc *empty(asy_value arg, asy_value *result)
{
    (void)arg;
    (void)result;
    return NULL;
}

typedef struct {
    asy_coro co;
    long n, i;
    long long t0;
} to_thread_frame;

static asy_status to_thread_body(asy_coro *co)
{
    to_thread_frame *f = (to_thread_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_to_thread(empty, asy_none())); /* warm-up: the worker starts */
    f->t0 = now_ns();
    for (f->i = 0; f->i < f->n; f->i++)
        ASY_AWAIT(co, asy_to_thread(empty, asy_none()));
    report("to_thread_ns", (double)(now_ns() - f->t0) / (double)f->n, "ns");
    ASY_END(co);
}

/* ---- wakeup latency ---- */

typedef struct {
    asy_loop *loop;
    long n;
    atomic_llong sent_at;
    long got;
    long long *lat;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool go;             /* the loop took the last one: send the next */
    asy_future *done;    /* loop thread only */
} wakeup_bench;

static asy_exc *on_wakeup(asy_value arg)
{
    wakeup_bench *b = arg.u.p;
    b->lat[b->got++] = now_ns() - atomic_load(&b->sent_at);
    if (b->got == b->n)
        return asy_future_set_result(b->done, asy_none());
    pthread_mutex_lock(&b->lock);
    b->go = true;
    pthread_cond_signal(&b->cond);
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

static void *sender(void *arg)
{
    wakeup_bench *b = arg;
    for (long i = 0; i < b->n; i++) {
        usleep(50);
        atomic_store(&b->sent_at, now_ns());
        asy_exc *e = asy_loop_call_soon_threadsafe(b->loop, on_wakeup, asy_ptr(b));
        if (e != NULL)
            abort();
        if (i + 1 == b->n)
            break;
        pthread_mutex_lock(&b->lock);
        while (!b->go)
            pthread_cond_wait(&b->cond, &b->lock);
        b->go = false;
        pthread_mutex_unlock(&b->lock);
    }
    return NULL;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

typedef struct {
    asy_coro co;
    wakeup_bench *b;
    pthread_t thread;
} wakeup_frame;

static asy_status wakeup_body(asy_coro *co)
{
    wakeup_frame *f = (wakeup_frame *)co;
    ASY_BEGIN(co);
    f->b->loop = asy_get_running_loop(NULL);
    f->b->done = asy_future_new(f->b->loop);
    if (pthread_create(&f->thread, NULL, sender, f->b) != 0)
        abort();
    ASY_AWAIT(co, asy_incref(f->b->done));
    pthread_join(f->thread, NULL);
    qsort(f->b->lat, (size_t)f->b->n, sizeof *f->b->lat, cmp_ll);
    report("wakeup_ns", (double)f->b->lat[f->b->n / 2], "ns");
    ASY_END(co);
}

/* ---- the floor: two threads, no library ---- */

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int turn; /* 0: main's turn, 1: the other's */
    long n;
} pingpong;

static void *pong(void *arg)
{
    pingpong *p = arg;
    pthread_mutex_lock(&p->lock);
    for (long i = 0; i < p->n; i++) {
        while (p->turn != 1)
            pthread_cond_wait(&p->cond, &p->lock);
        p->turn = 0;
        pthread_cond_signal(&p->cond);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static void bench_pingpong(long n)
{
    pingpong p = {.n = n};
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.cond, NULL);
    pthread_t th;
    if (pthread_create(&th, NULL, pong, &p) != 0)
        abort();
    long long t0 = now_ns();
    pthread_mutex_lock(&p.lock);
    for (long i = 0; i < n; i++) {
        p.turn = 1;
        pthread_cond_signal(&p.cond);
        while (p.turn != 0)
            pthread_cond_wait(&p.cond, &p.lock);
    }
    pthread_mutex_unlock(&p.lock);
    report("pingpong_ns", (double)(now_ns() - t0) / (double)n, "ns");
    pthread_join(th, NULL);
    pthread_mutex_destroy(&p.lock);
    pthread_cond_destroy(&p.cond);
}

int main(int argc, char **argv)
{
    long n1 = argc > 1 ? atol(argv[1]) : 20000;
    long n2 = argc > 2 ? atol(argv[2]) : 2000;
    to_thread_frame *t = ASY_CORO_NEW(to_thread_frame, to_thread_body, "to_thread_bench");
    t->n = n1;
    asy_result r = asy_run(&t->co, NULL);
    asy_result_clear(&r);

    wakeup_bench b = {.n = n2};
    b.lat = calloc((size_t)n2, sizeof *b.lat);
    pthread_mutex_init(&b.lock, NULL);
    pthread_cond_init(&b.cond, NULL);
    wakeup_frame *w = ASY_CORO_NEW(wakeup_frame, wakeup_body, "wakeup_bench");
    w->b = &b;
    r = asy_run(&w->co, NULL);
    asy_result_clear(&r);
    asy_decref(b.done);
    free(b.lat);
    bench_pingpong(n1);
    return asy_obj_live() == 0 ? 0 : 1;
}
