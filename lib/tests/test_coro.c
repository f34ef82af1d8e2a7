/*
 * test_coro.c - coroutines, await, driving by hand, the intrusive list and
 * the round-robin trampoline (chapter 04).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "trace.h"
#include "coro.h"
#include "ilist.h"
#include "trampoline.h"


#define CHECK_NO_LEAKS() CHECK_INT_EQ(asy_obj_live(), 0)

/* async def async_function(): return 1 */
static asy_status async_function_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_RETURN(co, asy_int(1));
    ASY_END(co);
}
static asy_coro *async_function(void) { return asy_coro_new(sizeof(asy_coro), async_function_body, "async_function"); }

/* async def await_coroutine(): result = await async_function(); return result + 1 */
static asy_status await_coroutine_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, async_function());
    note("result=%s", ASY_STR(ASY_SENT(co)));
    ASY_RETURN(co, asy_int(ASY_SENT(co).u.i + 1));
    ASY_END(co);
}
static asy_coro *await_coroutine(void) { return asy_coro_new(sizeof(asy_coro), await_coroutine_body, "await_coroutine"); }

/* async def counter(name, n): for i in range(n): note; await sleep(0) */
typedef struct {
    asy_coro co;
    const char *name;
    int n, i;
} counter_frame;

static asy_status counter_body(asy_coro *co)
{
    counter_frame *f = (counter_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 0; f->i < f->n; f->i++) {
        note("%s%d", f->name, f->i);
        ASY_YIELD(co, asy_none()); /* sleep(0): give the others a turn */
    }
    ASY_RETURN(co, asy_strf("%s done", f->name));
    ASY_END(co);
}
static asy_coro *counter(const char *name, int n)
{
    counter_frame *f = ASY_CORO_NEW(counter_frame, counter_body, "counter");
    f->name = name;
    f->n = n;
    return &f->co;
}

/* async def awaits(x): return await x  -- x handed over in the frame */
typedef struct {
    asy_coro co;
    asy_obj *x;
} awaits_frame;

static asy_status awaits_body(asy_coro *co)
{
    awaits_frame *f = (awaits_frame *)co;
    ASY_BEGIN(co);
    {
        asy_obj *x = f->x;
        f->x = NULL;
        ASY_AWAIT(co, x);
    }
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}
static void awaits_clear(asy_gen *g) { asy_decref(((awaits_frame *)g)->x); }
static asy_coro *awaits(void *x) /* steals x */
{
    awaits_frame *f = ASY_CORO_NEW(awaits_frame, awaits_body, "awaits");
    f->x = x;
    asy_gen_set_clear(&f->co, awaits_clear);
    return &f->co;
}

static asy_status plain_gen_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_int(1));
    ASY_END(g);
}

/* async def fails(): await sleep(0); raise ValueError("bad") */
static asy_status fails_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_YIELD(co, asy_none());
    ASY_RAISE(co, asy_exc_new(&asy_ValueError, "bad"));
    ASY_END(co);
}

/* async def catcher(): try: await fails() except ValueError: return "handled" */
static asy_status catcher_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_coro_new(sizeof(asy_coro), fails_body, "fails"));
    if (asy_exc_is(ASY_EXC(co), &asy_ValueError)) {
        asy_decref(ASY_CATCH(co));
        ASY_RETURN(co, asy_str("handled"));
    }
    ASY_END(co);
}

/* yields a value a by-hand driver cannot wait for, then reports what came back */
static asy_status bad_yield_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_YIELD_TRY(co, asy_int(42));
    {
        asy_exc *e = ASY_CATCH(co);
        note("%s", e != NULL ? ASY_EXC_STR(e) : "nothing");
        asy_decref(e);
    }
    ASY_RETURN(co, asy_int(0));
    ASY_END(co);
}

/* ---- coroutines ---- */

static void test_calling_builds_a_frame_and_runs_nothing(void)
{
    trace_reset();
    asy_coro *co = await_coroutine();
    CHECK(asy_iscoroutine(co));
    CHECK(!asy_isgenerator(co));
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(co)), "GEN_CREATED");
    CHECK_STR_EQ(trace, "");
    CHECK_NULL(asy_gen_close(co)); /* closed unstarted: no warning */
    asy_decref(co);
    CHECK_NO_LEAKS();
}

static void test_send_none_stops_with_return_value(void)
{
    /* async_function().send(None) -> StopIteration: 1 */
    asy_coro *co = async_function();
    asy_result r = asy_gen_send(co, asy_none());
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_STR(r.value), "1");
    asy_result_clear(&r);
    asy_decref(co);
    CHECK_NO_LEAKS();
}

static void test_await_delegates_and_returns_value(void)
{
    trace_reset();
    asy_result r = asy_coro_drive(await_coroutine());
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_STR(r.value), "2");
    CHECK_STR_EQ(trace, "result=1");
    asy_result_clear(&r);
    CHECK_NO_LEAKS();
}

static void test_await_passes_bare_yields_up_to_the_driver(void)
{
    trace_reset();
    asy_coro *co = awaits(counter("c", 2));
    asy_result r = asy_gen_send(co, asy_none());
    CHECK_INT_EQ(r.status, ASY_YIELDED); /* the innermost yield reaches us */
    asy_result_clear(&r);
    r = asy_gen_send(co, asy_none());
    CHECK_INT_EQ(r.status, ASY_YIELDED);
    asy_result_clear(&r);
    r = asy_gen_send(co, asy_none());
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_STR(r.value), "c done");
    CHECK_STR_EQ(trace, "c0 c1");
    asy_result_clear(&r);
    asy_decref(co);
    CHECK_NO_LEAKS();
}

static void test_await_exception_can_be_caught(void)
{
    asy_result r = asy_coro_drive(asy_coro_new(sizeof(asy_coro), catcher_body, "catcher"));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_STR(r.value), "handled");
    asy_result_clear(&r);
    r = asy_coro_drive(asy_coro_new(sizeof(asy_coro), fails_body, "fails"));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "ValueError: bad");
    asy_result_clear(&r);
    CHECK_NO_LEAKS();
}

static void test_awaiting_a_plain_generator_is_type_error(void)
{
    asy_result r = asy_coro_drive(awaits(asy_gen_new(sizeof(asy_gen), plain_gen_body, "plain")));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "TypeError: object generator can't be used in 'await' expression");
    asy_result_clear(&r);
    asy_value s = asy_str("text");
    r = asy_coro_drive(awaits(asy_incref(s.u.o)));
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "TypeError: object str can't be used in 'await' expression");
    asy_result_clear(&r);
    asy_value_decref(s);
    CHECK_NO_LEAKS();
}

static void test_awaiting_a_finished_coroutine_is_runtime_error(void)
{
    asy_coro *once = async_function();
    asy_result r = asy_gen_send(once, asy_none());
    asy_result_clear(&r);
    r = asy_coro_drive(awaits(asy_incref(once)));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "RuntimeError: cannot reuse already awaited coroutine");
    asy_result_clear(&r);
    /* and resuming it directly says the same */
    r = asy_gen_send(once, asy_none());
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "RuntimeError: cannot reuse already awaited coroutine");
    asy_result_clear(&r);
    asy_decref(once);
    CHECK_NO_LEAKS();
}

static void test_awaiting_a_coroutine_being_awaited_is_runtime_error(void)
{
    asy_coro *shared = awaits(counter("s", 3));
    asy_coro *first = awaits(asy_incref(shared));
    asy_result r = asy_gen_send(first, asy_none()); /* first now awaits shared, which awaits counter */
    CHECK_INT_EQ(r.status, ASY_YIELDED);
    asy_result_clear(&r);
    r = asy_coro_drive(awaits(asy_incref(shared)));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "RuntimeError: coroutine is being awaited already");
    asy_result_clear(&r);
    asy_decref(first);
    asy_decref(shared);
    CHECK_NO_LEAKS();
}

static void test_driver_throws_back_what_it_cannot_wait_for(void)
{
    trace_reset();
    asy_result r = asy_coro_drive(asy_coro_new(sizeof(asy_coro), bad_yield_body, "bad_yield"));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(trace, "RuntimeError: a coroutine driven by hand yielded 42, which it cannot wait for");
    asy_result_clear(&r);
    CHECK_NO_LEAKS();
}

/* ---- the intrusive list ---- */

typedef struct {
    int id;
    asy_ilist link;
} item;

static void test_ilist_fifo_and_safe_removal(void)
{
    asy_ilist q;
    asy_ilist_init(&q);
    CHECK(asy_ilist_empty(&q));
    CHECK_NULL(asy_ilist_pop_front(&q));
    item it[4];
    for (int i = 0; i < 4; i++) {
        it[i].id = i;
        asy_ilist_init(&it[i].link);
        CHECK(!asy_ilist_linked(&it[i].link));
        asy_ilist_push_back(&q, &it[i].link);
    }
    CHECK_INT_EQ(asy_ilist_length(&q), 4);
    asy_ilist_remove(&it[2].link);
    asy_ilist_remove(&it[2].link); /* removing twice is harmless */
    CHECK(!asy_ilist_linked(&it[2].link));
    asy_ilist_push_front(&q, &it[2].link);
    int order[4], n = 0;
    asy_ilist *p, *tmp;
    ASY_ILIST_FOREACH_SAFE(p, tmp, &q)
    {
        order[n++] = ASY_CONTAINER_OF(p, item, link)->id;
        asy_ilist_remove(p);
    }
    CHECK_INT_EQ(n, 4);
    CHECK_INT_EQ(order[0], 2);
    CHECK_INT_EQ(order[1], 0);
    CHECK_INT_EQ(order[2], 1);
    CHECK_INT_EQ(order[3], 3);
    CHECK(asy_ilist_empty(&q));
}

/* ---- the trampoline ---- */

static void on_done(asy_coro *co, const asy_result *r, void *arg)
{
    (void)co;
    (void)arg;
    note("[%s]", r->status == ASY_RAISED ? ASY_EXC_STR(r->exc) : ASY_STR(r->value));
}

static void test_trampoline_round_robin(void)
{
    trace_reset();
    asy_trampoline t;
    asy_trampoline_init(&t, on_done, NULL);
    asy_trampoline_spawn(&t, counter("a", 3));
    asy_trampoline_spawn(&t, counter("b", 1));
    asy_trampoline_spawn(&t, counter("c", 2));
    size_t steps = asy_trampoline_run(&t, NULL);
    CHECK_STR_EQ(trace, "a0 b0 c0 a1 [b done] c1 a2 [c done] [a done]");
    CHECK_INT_EQ(steps, 3 + 1 + 2 + 3); /* one send per yield, plus one to finish each */
    CHECK_INT_EQ(asy_trampoline_run(&t, NULL), 0);
    CHECK_NO_LEAKS();
}

static void test_trampoline_reports_failures_and_bad_yields(void)
{
    trace_reset();
    asy_trampoline t;
    asy_trampoline_init(&t, on_done, NULL);
    asy_trampoline_spawn(&t, asy_coro_new(sizeof(asy_coro), fails_body, "fails"));
    asy_trampoline_spawn(&t, asy_coro_new(sizeof(asy_coro), bad_yield_body, "bad_yield"));
    asy_trampoline_run(&t, NULL);
    CHECK_STR_EQ(trace, "[ValueError: bad] RuntimeError: the trampoline cannot wait for 42: "
                        "yield None to give up a turn [0]");
    CHECK_NO_LEAKS();
}

/* With no on_done, the first exception stops the run and goes to the
 * caller; the others stay queued until the next run or clear. */
static void test_trampoline_without_on_done_returns_the_error(void)
{
    trace_reset();
    asy_trampoline t;
    asy_trampoline_init(&t, NULL, NULL);
    asy_trampoline_spawn(&t, counter("a", 2));
    asy_trampoline_spawn(&t, asy_coro_new(sizeof(asy_coro), fails_body, "fails"));
    asy_trampoline_spawn(&t, counter("b", 1));
    asy_exc *e = NULL;
    size_t steps = asy_trampoline_run(&t, &e);
    CHECK(asy_exc_is(e, &asy_ValueError));
    CHECK_STR_EQ(e ? asy_exc_message(e) : "", "bad");
    asy_decref(e);
    CHECK_INT_EQ(steps, 5); /* a0, fails yields, b0, a1, fails raises */
    CHECK_STR_EQ(trace, "a0 b0 a1");
    CHECK(!asy_ilist_empty(&t.ready)); /* a and b are still queued */
    e = asy_exc_new(&asy_ValueError, "stale");
    asy_exc *stale = e;
    steps = asy_trampoline_run(&t, &e); /* the rest finishes */
    CHECK_NULL(e);
    asy_decref(stale);
    CHECK_INT_EQ(steps, 2); /* b returns, a returns */
    CHECK(asy_ilist_empty(&t.ready));
    CHECK_NO_LEAKS();
}

static void test_trampoline_clear_closes_what_is_left(void)
{
    trace_reset();
    asy_trampoline t;
    asy_trampoline_init(&t, on_done, NULL);
    asy_trampoline_spawn(&t, counter("x", 5));
    asy_trampoline_clear(&t);
    CHECK(asy_ilist_empty(&t.ready));
    CHECK_NO_LEAKS();
}

/* The same as test_gen's long chain, with coroutines: each frame holds the
 * next, never awaited. Releasing the head nests 200 000 deallocs, which
 * the release path defers past a depth (objcache.h, DEEP CHAINS). Each
 * coroutine says it was never awaited, as Python's would: stderr goes to a
 * file meanwhile, and the test counts the lines. */
typedef struct {
    asy_coro co;
    asy_coro *next; /* owned, or NULL */
} chain_frame;

static asy_status chain_body(asy_coro *co)
{
    chain_frame *f = (chain_frame *)co;
    ASY_BEGIN(co);
    if (f->next != NULL) {
        asy_coro *next = f->next;
        f->next = NULL;
        ASY_AWAIT(co, next);
    }
    ASY_END(co);
}

static void chain_clear(asy_gen *g)
{
    chain_frame *f = (chain_frame *)g;
    asy_coro *next = f->next;
    f->next = NULL;
    asy_decref(next);
}

static asy_coro *chain(asy_coro *next)
{
    chain_frame *f = ASY_CORO_NEW(chain_frame, chain_body, "chain");
    f->next = next;
    asy_gen_set_clear(&f->co, chain_clear);
    return &f->co;
}

static void test_releasing_a_long_chain_of_coroutines(void)
{
    enum { N = 200000 };
    asy_coro *c = NULL;
    for (int i = 0; i < N; i++)
        c = chain(c);
    CHECK_INT_EQ(asy_obj_live(), N);
    FILE *log = tmpfile();
    CHECK_FATAL(log != NULL);
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(fileno(log), STDERR_FILENO);
    asy_decref(c);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    CHECK_NO_LEAKS();
    rewind(log);
    char line[128];
    long warned = 0;
    while (fgets(line, sizeof line, log) != NULL)
        warned += strcmp(line, "RuntimeWarning: coroutine 'chain' was never awaited\n") == 0;
    fclose(log);
    CHECK_INT_EQ(warned, N);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"calling builds a frame and runs nothing", test_calling_builds_a_frame_and_runs_nothing},
        {"send(None) stops with the return value", test_send_none_stops_with_return_value},
        {"await delegates and returns the value", test_await_delegates_and_returns_value},
        {"await passes bare yields up to the driver", test_await_passes_bare_yields_up_to_the_driver},
        {"an exception from await can be caught", test_await_exception_can_be_caught},
        {"awaiting a plain generator is TypeError", test_awaiting_a_plain_generator_is_type_error},
        {"awaiting a finished coroutine is RuntimeError", test_awaiting_a_finished_coroutine_is_runtime_error},
        {"awaiting a coroutine being awaited is RuntimeError", test_awaiting_a_coroutine_being_awaited_is_runtime_error},
        {"the driver throws back what it cannot wait for", test_driver_throws_back_what_it_cannot_wait_for},
        {"ilist: FIFO and safe removal", test_ilist_fifo_and_safe_removal},
        {"trampoline: round robin", test_trampoline_round_robin},
        {"trampoline: failures and bad yields", test_trampoline_reports_failures_and_bad_yields},
        {"trampoline: clear closes what is left", test_trampoline_clear_closes_what_is_left},
        {"trampoline: without on_done the error reaches the caller", test_trampoline_without_on_done_returns_the_error},
        {"releasing a 200k-long chain of unstarted coroutines does not overflow", test_releasing_a_long_chain_of_coroutines},
        {NULL, NULL},
    };
    return check_main("coro", tests, argc, argv);
}
