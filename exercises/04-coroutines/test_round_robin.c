/*
 * test_round_robin.c - tests for exercise 04/round_robin (see round_robin.h).
 *
 * The coroutines append to a shared trace as they run, so the tests check
 * the ORDER of the interleaving, not only the results.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "round_robin.h"

#define CHECK_NO_LEAKS() CHECK_INT_EQ(asy_obj_live(), 0)

static char trace[512];

static void note(const char *name, const char *what)
{
    size_t len = strlen(trace);
    snprintf(trace + len, sizeof trace - len, "%s%s%s", len > 0 ? " " : "", name, what);
}

/* async def counter(name, n, fail):
 *     for i in range(n):
 *         note(f"{name}{i}")
 *         await sleep(0)          # a bare yield: give the others a turn
 *     note(f"{name}!")
 *     if fail: raise ValueError(f"{name} failed")
 *     return f"{name} done"                                           */
typedef struct {
    asy_coro co;
    const char *name;
    int n, i;
    bool fail;
    bool yield_str; /* yield a str instead of None (must be released too) */
} counter_frame;

static asy_status counter_body(asy_coro *co)
{
    counter_frame *f = (counter_frame *)co;
    ASY_BEGIN(co);
    for (f->i = 0; f->i < f->n; f->i++) {
        char step[16];
        snprintf(step, sizeof step, "%d", f->i);
        note(f->name, step);
        ASY_YIELD(co, f->yield_str ? asy_str("turn over") : asy_none());
    }
    note(f->name, "!");
    if (f->fail)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "%s failed", f->name));
    ASY_RETURN(co, asy_strf("%s done", f->name));
    ASY_END(co);
}

static asy_coro *counter(const char *name, int n, bool fail)
{
    counter_frame *f = ASY_CORO_NEW(counter_frame, counter_body, "counter");
    f->name = name;
    f->n = n;
    f->fail = fail;
    return &f->co;
}

static void clear_results(asy_value *results, int n)
{
    for (int i = 0; i < n; i++)
        asy_value_clear(&results[i]);
}

static void test_interleaving_order(void)
{
    trace[0] = '\0';
    asy_coro *coros[3] = {counter("a", 3, false), counter("b", 1, false), counter("c", 2, false)};
    asy_value results[3] = {asy_none(), asy_none(), asy_none()};
    round_robin(coros, 3, results);
    CHECK_STR_EQ(trace, "a0 b0 c0 a1 b! c1 a2 c! a!");
    clear_results(results, 3);
    CHECK_NO_LEAKS();
}

static void test_results_in_order_of_coros(void)
{
    trace[0] = '\0';
    asy_coro *coros[3] = {counter("a", 3, false), counter("b", 1, false), counter("c", 2, false)};
    asy_value results[3] = {asy_none(), asy_none(), asy_none()};
    round_robin(coros, 3, results);
    /* b finishes first, then c, then a: the slots still follow coros[] */
    CHECK_STR_EQ(ASY_REPR(results[0]), "'a done'");
    CHECK_STR_EQ(ASY_REPR(results[1]), "'b done'");
    CHECK_STR_EQ(ASY_REPR(results[2]), "'c done'");
    clear_results(results, 3);
    CHECK_NO_LEAKS();
}

static void test_counts_sends(void)
{
    trace[0] = '\0';
    asy_coro *coros[3] = {counter("a", 3, false), counter("b", 1, false), counter("c", 2, false)};
    asy_value results[3] = {asy_none(), asy_none(), asy_none()};
    int sends = round_robin(coros, 3, results);
    CHECK_MSG(sends == 9, "n yields take n + 1 sends: 4 + 2 + 3 = 9, got %d", sends);
    clear_results(results, 3);
    CHECK_NO_LEAKS();
}

static void test_finished_at_once(void)
{
    trace[0] = '\0';
    asy_coro *coros[2] = {counter("x", 0, false), counter("y", 0, false)};
    asy_value results[2] = {asy_none(), asy_none()};
    int sends = round_robin(coros, 2, results);
    /* a finished coroutine is never sent into again (that would be
     * RuntimeError: cannot reuse already awaited coroutine) */
    CHECK_INT_EQ(sends, 2);
    CHECK_STR_EQ(trace, "x! y!");
    CHECK_STR_EQ(ASY_REPR(results[0]), "'x done'");
    CHECK_STR_EQ(ASY_REPR(results[1]), "'y done'");
    clear_results(results, 2);
    CHECK_NO_LEAKS();
}

static void test_raising_does_not_stop_others(void)
{
    trace[0] = '\0';
    asy_coro *coros[3] = {counter("a", 2, false), counter("bad", 1, true), counter("c", 2, false)};
    asy_value results[3] = {asy_none(), asy_none(), asy_none()};
    int sends = round_robin(coros, 3, results);
    CHECK_STR_EQ(trace, "a0 bad0 c0 a1 bad! c1 a! c!");
    CHECK_INT_EQ(sends, 8);
    CHECK_STR_EQ(ASY_REPR(results[0]), "'a done'");
    asy_exc *e = asy_value_exc(results[1]);
    CHECK_MSG(e != NULL, "results[1] should hold the exception, got %s", ASY_REPR(results[1]));
    if (e != NULL)
        CHECK_STR_EQ(ASY_EXC_STR(e), "ValueError: bad failed");
    CHECK_STR_EQ(ASY_REPR(results[2]), "'c done'");
    clear_results(results, 3);
    CHECK_NO_LEAKS();
}

static void test_yielded_values_released(void)
{
    trace[0] = '\0';
    asy_coro *coros[2] = {counter("p", 2, false), counter("q", 1, false)};
    ((counter_frame *)coros[0])->yield_str = true;
    ((counter_frame *)coros[1])->yield_str = true;
    asy_value results[2] = {asy_none(), asy_none()};
    round_robin(coros, 2, results);
    CHECK_STR_EQ(trace, "p0 q0 p1 q! p!");
    clear_results(results, 2);
    CHECK_MSG(asy_obj_live() == 0, "%ld objects leaked: is every result of a send cleared, "
              "every finished coroutine released?", asy_obj_live());
}

static void test_nothing_to_do(void)
{
    asy_value results[1] = {asy_none()};
    CHECK_INT_EQ(round_robin(NULL, 0, results), 0);
    CHECK_NO_LEAKS();
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"a(3 yields), b(1), c(2) interleave: a0 b0 c0 a1 b! c1 a2 c! a!", test_interleaving_order},
        {"results[i] is coros[i]'s return value, whatever the finishing order", test_results_in_order_of_coros},
        {"round_robin returns the number of sends: 9 for 3 + 1 + 2 yields", test_counts_sends},
        {"coroutines that finish at once get exactly one send each", test_finished_at_once},
        {"a raising coroutine does not stop the others; its slot holds the exception", test_raising_does_not_stop_others},
        {"yielded values and finished coroutines are released (nothing leaked)", test_yielded_values_released},
        {"no coroutines: 0 sends", test_nothing_to_do},
        {NULL, NULL},
    };
    return check_main("round_robin", tests, argc, argv);
}
