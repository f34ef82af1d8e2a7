/*
 * test_take.c - tests for exercise 25/take (see take.h), on the
 * virtual clock.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "take.h"
#include "check.h"
#include "task.h"

static char trace[512];

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    size_t n = strlen(trace);
    if (n > 0 && n < sizeof trace - 1)
        trace[n++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(trace + n, sizeof trace - n, fmt, ap);
    va_end(ap);
}

static double now(void)
{
    asy_loop *loop = asy_get_running_loop(NULL);
    return loop != NULL ? asy_loop_time(loop) : -1.0;
}

static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    note("[%s]", ctx->message);
}

static asy_loop *vloop(void)
{
    trace[0] = '\0';
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    return loop;
}

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}


/* async def numbers(k, fail_at):
 *     note start
 *     try:
 *         for i in range(k):
 *             if i == fail_at: raise ValueError
 *             yield i
 *             await asyncio.sleep(1)
 *     finally:
 *         note cleanup                                                     */
typedef struct {
    asy_asyncgen ag;
    int k, i, fail_at;
} numbers_frame;

static asy_status numbers_body(asy_gen *g)
{
    numbers_frame *f = (numbers_frame *)g;
    ASY_BEGIN(g);
    note("start@%g", now());
    for (f->i = 0; f->i < f->k; f->i++) {
        if (f->i == f->fail_at) {
            note("cleanup@%g", now());
            ASY_RAISE(g, asy_exc_new(&asy_ValueError, "bad number"));
        }
        ASY_AGEN_YIELD_TRY(g, asy_int(f->i));
        if (ASY_EXC(g) != NULL)
            break;
        ASY_AWAIT_TRY(g, asy_sleep(1.0, asy_none()));
        if (ASY_EXC(g) != NULL)
            break;
    }
    note("cleanup@%g", now());
    ASY_END(g);
}

static asy_asyncgen *numbers(int k, int fail_at)
{
    numbers_frame *f = ASY_ASYNCGEN_NEW(numbers_frame, numbers_body, "numbers");
    f->k = k;
    f->fail_at = fail_at;
    return &f->ag;
}

/* async def call_take(ag, n, out): r = await take(ag, n, out); note; return r */
typedef struct {
    asy_coro co;
    asy_asyncgen *ag; /* owned */
    size_t n;
    asy_value *out;
} call_frame;

static asy_status call_body(asy_coro *co)
{
    call_frame *f = (call_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, take(f->ag, f->n, f->out));
    if (ASY_EXC(co) != NULL) {
        note("take raised %s@%g", ASY_EXC(co)->type->name, now());
        ASY_RERAISE(co);
    }
    note("take=%s@%g", ASY_STR(ASY_SENT(co)), now());
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void call_clear(asy_gen *g) { asy_decref(((call_frame *)g)->ag); }

static asy_result run_take(asy_loop *loop, asy_asyncgen *ag, size_t n, asy_value *out)
{
    call_frame *f = ASY_CORO_NEW(call_frame, call_body, "call_take");
    f->ag = asy_incref(ag);
    f->n = n;
    f->out = out;
    asy_gen_set_clear(&f->co, call_clear);
    asy_task *t = asy_loop_create_task(loop, &f->co, "call_take", NULL);
    CHECK_FATAL(t != NULL);
    return asy_loop_run_until_complete(loop, t);
}

static bool closed(asy_asyncgen *ag) { return asy_gen_getstate(&ag->gen) == ASY_GEN_CLOSED; }

static void test_stops_early_and_closes(void)
{
    asy_loop *loop = vloop();
    asy_asyncgen *ag = numbers(10, -1);
    asy_value out[3] = {asy_none(), asy_none(), asy_none()};
    asy_result r = run_take(loop, ag, 3, out);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "3");
    CHECK_STR_EQ(ASY_REPR(out[0]), "0");
    CHECK_STR_EQ(ASY_REPR(out[2]), "2");
    /* the cleanup ran inside take, before it returned */
    CHECK_STR_EQ(trace, "start@0 cleanup@2 take=3@2");
    CHECK(closed(ag));
    asy_result_clear(&r);
    asy_decref(ag);
    done_with(loop);
}

static void test_generator_ends_first(void)
{
    asy_loop *loop = vloop();
    asy_asyncgen *ag = numbers(2, -1);
    asy_value out[5] = {asy_none(), asy_none(), asy_none(), asy_none(), asy_none()};
    asy_result r = run_take(loop, ag, 5, out);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "2");
    CHECK_STR_EQ(ASY_REPR(out[1]), "1");
    CHECK(asy_is_none(out[2]));
    CHECK_STR_EQ(trace, "start@0 cleanup@2 take=2@2");
    CHECK(closed(ag));
    asy_result_clear(&r);
    for (int i = 0; i < 5; i++)
        asy_value_clear(&out[i]);
    asy_decref(ag);
    done_with(loop);
}

static void test_zero_never_starts_the_generator(void)
{
    asy_loop *loop = vloop();
    asy_asyncgen *ag = numbers(3, -1);
    asy_result r = run_take(loop, ag, 0, NULL);
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "0");
    CHECK_STR_EQ(trace, "take=0@0"); /* no "start": its body never ran */
    CHECK(closed(ag));
    asy_result_clear(&r);
    asy_decref(ag);
    done_with(loop);
}

static void test_generator_error_propagates(void)
{
    asy_loop *loop = vloop();
    asy_asyncgen *ag = numbers(5, 2);
    asy_value out[4] = {asy_none(), asy_none(), asy_none(), asy_none()};
    asy_result r = run_take(loop, ag, 4, out);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(r.exc != NULL ? ASY_EXC_STR(r.exc) : "", "ValueError: bad number");
    CHECK_STR_EQ(trace, "start@0 cleanup@2 take raised ValueError@2");
    CHECK(closed(ag));
    asy_result_clear(&r);
    for (int i = 0; i < 4; i++)
        asy_value_clear(&out[i]);
    asy_decref(ag);
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"take(3) of 10: three values, the generator closed before it returns", test_stops_early_and_closes},
        {"take(5) of 2: two values, the generator finished", test_generator_ends_first},
        {"take(0) never starts the generator, and closes it", test_zero_never_starts_the_generator},
        {"an error from the generator propagates out of take", test_generator_error_propagates},
        {NULL, NULL},
    };
    return check_main("take", tests, argc, argv);
}
