/*
 * Chapter 12 benchmark: what a task costs. `make bench CH=12` builds this
 * with -O2 and runs it next to bench_asyncio.py (the same workloads in
 * CPython's asyncio); bench.sh prints both and the ratios.
 *
 *   spawn     N tasks whose coroutine returns at once, created in a row,
 *             then awaited one by one: ns per task (create + run + await)
 *   eager     the same with the eager task factory (Python 3.12): every
 *             task finishes inside create_task
 *   switch    two tasks ping-ponging through futures: each creates a
 *             future, resolves the other's, awaits its own: ns per switch
 *   yield     two tasks taking turns with a bare yield (what sleep(0)
 *             does): ns per switch, and objects made per step (0)
 *   sleepers  N tasks all suspended in sleep(10) at once: heap bytes per
 *             task (glibc's mallinfo2, malloc's own overhead included)
 *   timers    N call_later timers spread over 1 ms, run to the last: ns
 *             per timer (schedule + fire)
 *
 * Every line is "name value unit", one figure each, so bench.sh can join
 * them with Python's. "objects" counts asy_obj_new calls
 * (asy_obj_allocations): it is how the benchmark shows what allocates.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runners.h"
#include "task.h"

/* The CPU time of the process, not the wall clock: the course machine is
 * shared, and a run's wall time counts every moment another job held the
 * CPU (±30 % from run to run). These workloads never wait (the virtual
 * clock, or timers due at once), so on an idle machine the two are equal.
 * bench_asyncio.py measures CPython the same way (time.process_time). */
static double cpu_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t heap_in_use(void) { return mallinfo2().uordblks; }

static void report(const char *name, double value, const char *unit)
{
    printf("%-24s %12.2f %s\n", name, value, unit);
}

/* ---- spawn: create N tasks that return at once, await them all ---- */

static asy_status nop_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RETURN(co, asy_int(1));
    ASY_END(co);
}

typedef struct {
    asy_coro co;
    long n, i, sum;
    bool eager;
    asy_task **tasks;
} spawn_frame;

static asy_status spawn_body(asy_coro *co)
{
    asy_exc *err;
    spawn_frame *f = (spawn_frame *)co;
    ASY_BEGIN(co);
    if (f->eager)
        asy_loop_set_task_factory(asy_get_running_loop(NULL), asy_eager_task_factory);
    for (f->i = 0; f->i < f->n; f->i++) {
        f->tasks[f->i] = asy_create_task(asy_coro_new(sizeof(asy_coro), nop_body, "nop"), NULL, &err);
        if (f->tasks[f->i] == NULL)
            ASY_RAISE(co, err);
    }
    for (f->i = 0; f->i < f->n; f->i++) {
        asy_task *t = f->tasks[f->i];
        f->tasks[f->i] = NULL;
        ASY_AWAIT(co, t); /* steals our reference */
        f->sum += ASY_SENT(co).u.i;
    }
    ASY_RETURN(co, asy_int(f->sum));
    ASY_END(co);
}

static void spawn_clear(asy_gen *g)
{
    spawn_frame *f = (spawn_frame *)g;
    for (long i = 0; i < f->n; i++)
        asy_decref(f->tasks[i]);
    free(f->tasks);
}

static double bench_spawn_once(long n, bool eager)
{
    spawn_frame *f = ASY_CORO_NEW(spawn_frame, spawn_body, "spawn");
    f->n = n;
    f->eager = eager;
    f->tasks = calloc((size_t)n, sizeof *f->tasks);
    if (f->tasks == NULL)
        asy_out_of_memory("the benchmark's tasks");
    asy_gen_set_clear(&f->co, spawn_clear);
    long objects = asy_obj_allocations();
    double t0 = cpu_time();
    asy_result r = asy_run(&f->co, NULL);
    double dt = cpu_time() - t0;
    if (r.status != ASY_RETURNED || r.value.u.i != n)
        fprintf(stderr, "spawn: wrong result\n");
    asy_result_clear(&r);
    static bool once;
    if (!once && !eager)
        report("spawn_objects_per_task", (double)(asy_obj_allocations() - objects) / (double)n, "objects");
    once = once || !eager;
    return dt / (double)n * 1e9;
}

/* The first run pays for touching fresh memory (page faults: the kernel
 * zeroes ~350 MB); the best of three is the cost of the work itself. */
static void bench_spawn(long n)
{
    double cold = bench_spawn_once(n, false), best = cold;
    for (int i = 0; i < 2; i++) {
        double t = bench_spawn_once(n, false);
        best = t < best ? t : best;
    }
    report("spawn_cold_ns_per_task", cold, "ns");
    report("spawn_ns_per_task", best, "ns");
}

/* The same with the eager task factory (Python 3.12): each task finishes
 * inside create_task, and never goes through the ready queue. */
static void bench_spawn_eager(long n)
{
    double best = bench_spawn_once(n, true);
    for (int i = 0; i < 2; i++) {
        double t = bench_spawn_once(n, true);
        best = t < best ? t : best;
    }
    report("spawn_eager_ns_per_task", best, "ns");
}

/* ---- switch: ping-pong through futures ---- */

typedef struct {
    asy_future *waiting[2]; /* the future each player awaits, or NULL */
    long switches;
} court;

typedef struct {
    asy_coro co;
    court *c;
    int me;
    long rounds, i;
    asy_loop *loop; /* borrowed: the running loop, looked up once as the Python twin does */
} player_frame;

/* Resolve the other player's future, if it is waiting. */
static void wake_other(court *c, int me)
{
    asy_future *other = c->waiting[1 - me];
    if (other != NULL) {
        c->waiting[1 - me] = NULL;
        asy_decref(asy_future_set_result(other, asy_none()));
        asy_decref(other);
    }
}

static asy_status player_body(asy_coro *co)
{
    player_frame *f = (player_frame *)co;
    ASY_BEGIN(co);
    f->loop = asy_get_running_loop(NULL); /* loop = asyncio.get_running_loop() */
    for (f->i = 0; f->i < f->rounds; f->i++) {
        {
            asy_future *mine = asy_future_new(f->loop); /* loop.create_future() */
            f->c->waiting[f->me] = asy_incref(mine);
            wake_other(f->c, f->me);
            ASY_AWAIT(co, mine);
        }
        f->c->switches++;
    }
    wake_other(f->c, f->me);
    ASY_END(co);
}

static asy_coro *player(court *c, int me, long rounds)
{
    player_frame *f = ASY_CORO_NEW(player_frame, player_body, "player");
    f->c = c;
    f->me = me;
    f->rounds = rounds;
    return &f->co;
}

/* ---- yield: two tasks taking turns with a bare yield ---- */

static asy_status yielder_body(asy_coro *co)
{
    player_frame *f = (player_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 0; f->i < f->rounds; f->i++) {
        ASY_YIELD(co, asy_none());
        f->c->switches++;
    }
    ASY_END(co);
}

static asy_coro *yielder(court *c, long rounds)
{
    player_frame *f = ASY_CORO_NEW(player_frame, yielder_body, "yielder");
    f->c = c;
    f->rounds = rounds;
    return &f->co;
}

static void bench_pair(const char *name, asy_coro *a, asy_coro *b, court *c)
{
    asy_exc *err;
    asy_loop *loop = asy_loop_new(NULL, &err);
    if (loop == NULL) {
        asy_exc_print(err, stderr);
        exit(1);
    }
    asy_task *ta = asy_loop_create_task(loop, a, "a", &err);
    if (ta == NULL) {
        asy_exc_print(err, stderr);
        exit(1);
    }
    asy_task *tb = asy_loop_create_task(loop, b, "b", &err);
    if (tb == NULL) {
        asy_exc_print(err, stderr);
        exit(1);
    }
    asy_decref(asy_loop_run_once(loop)); /* both started: from here on, only switches */
    long objects = asy_obj_allocations();
    long s0 = c->switches;
    double t0 = cpu_time();
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(tb));
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, asy_incref(ta));
    asy_result_clear(&r);
    double dt = cpu_time() - t0;
    long switches = c->switches - s0;
    long made = asy_obj_allocations() - objects;
    char key[64];
    snprintf(key, sizeof key, "%s_ns_per_switch", name);
    report(key, dt / (double)switches * 1e9, "ns");
    snprintf(key, sizeof key, "%s_objects_per_switch", name);
    report(key, (double)made / (double)switches, "objects");
    asy_decref(ta);
    asy_decref(tb);
    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
}

/* ---- sleepers: N tasks suspended in sleep at once ---- */

static asy_status sleeper_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(10, asy_none()));
    ASY_END(co);
}

typedef struct {
    asy_coro co;
    long n, i;
    size_t before;
    double per_task;
} sleepers_frame;

static asy_status sleepers_body(asy_coro *co)
{
    sleepers_frame *f = (sleepers_frame *)co;
    ASY_BEGIN(co);
    f->before = heap_in_use();
    for (f->i = 0; f->i < f->n; f->i++)
        asy_decref(asy_create_task(asy_coro_new(sizeof(asy_coro), sleeper_body, "sleeper"), NULL, NULL));
    ASY_AWAIT(co, asy_sleep(1, asy_none())); /* now every sleeper is suspended */
    f->per_task = (double)(heap_in_use() - f->before) / (double)f->n;
    ASY_AWAIT(co, asy_sleep(10, asy_none())); /* and now they have all finished */
    ASY_END(co);
}

static void bench_sleepers(long n)
{
    static const asy_loop_options virtual_clock = {NULL, true};
    sleepers_frame *f = ASY_CORO_NEW(sleepers_frame, sleepers_body, "sleepers");
    f->n = n;
    asy_incref(f);
    double t0 = cpu_time();
    asy_result r = asy_run(&f->co, &virtual_clock);
    double dt = cpu_time() - t0;
    asy_result_clear(&r);
    report("sleepers_bytes_per_task", f->per_task, "bytes");
    report("sleepers_ns_per_task", dt / (double)n * 1e9, "ns");
    asy_decref(f);
}

/* ---- timers: N call_later timers ---- */

static long fired;

static asy_exc *tick(asy_value arg)
{
    (void)arg;
    fired++;
    return NULL;
}

static asy_exc *stop_when_done(asy_value arg)
{
    asy_loop *loop = asy_value_loop(arg);
    if (fired < 0)
        return NULL;
    asy_loop_stop(loop);
    return NULL;
}

static void bench_timers(long n)
{
    asy_exc *err;
    asy_loop *loop = asy_loop_new(NULL, &err);
    if (loop == NULL) {
        asy_exc_print(err, stderr);
        exit(1);
    }
    fired = 0;
    double t0 = cpu_time();
    for (long i = 0; i < n; i++)
        asy_decref(asy_loop_call_later(loop, (double)(i % 1000) * 1e-6, tick, asy_none(), NULL));
    asy_decref(asy_loop_call_later(loop, 1e-3, stop_when_done, asy_loop_value(loop), NULL));
    asy_decref(asy_loop_run_forever(loop));
    double dt = cpu_time() - t0;
    if (fired != n)
        fprintf(stderr, "timers: %ld of %ld fired\n", fired, n);
    report("timers_ns_per_timer", dt / (double)n * 1e9, "ns");
    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
}

int main(int argc, char **argv)
{
    /* bench-tasks [SCALE [WORKLOAD]]: SCALE divides the counts (default 1);
     * WORKLOAD runs only that one (for perf record). */
    long scale = argc > 1 ? atol(argv[1]) : 1;
    const char *only = argc > 2 ? argv[2] : "";
    if (scale < 1)
        scale = 1;
    /* Keep freed memory in the process between runs (glibc would give the
     * top of the heap back to the kernel, and the next run would fault it
     * in again). This changes the benchmark's malloc, not the library. */
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    if (!*only || !strcmp(only, "spawn"))
        bench_spawn(1000000 / scale);
    if (!*only || !strcmp(only, "eager"))
        bench_spawn_eager(1000000 / scale);
    court c1 = {{NULL, NULL}, 0};
    if (!*only || !strcmp(only, "switch"))
        bench_pair("switch", player(&c1, 0, 500000 / scale), player(&c1, 1, 500000 / scale), &c1);
    court c2 = {{NULL, NULL}, 0};
    if (!*only || !strcmp(only, "yield"))
        bench_pair("yield", yielder(&c2, 500000 / scale), yielder(&c2, 500000 / scale), &c2);
    if (!*only || !strcmp(only, "sleepers"))
        bench_sleepers(100000 / scale);
    if (!*only || !strcmp(only, "timers"))
        bench_timers(1000000 / scale);
    if (asy_obj_live() != 0)
        fprintf(stderr, "bench: %ld objects leaked\n", asy_obj_live());
    return 0;
}
