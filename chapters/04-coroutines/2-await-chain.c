/*
 * Chapter 04, demo 2: await is delegation, several levels deep.
 *
 * The notes' print_sum/compute (seed 001 §4.1) without asyncio: compute
 * awaits an add coroutine instead of sleeping, and add gives the driver a
 * turn the way asyncio.sleep(0) does. The chain is
 *
 *     driver -> print_sum -> compute -> add -> sleep0 -> (bare yield)
 *
 * First asy_coro_drive (the notes' run(), completed) drives it; then a loop
 * of asy_gen_send shows the bare yield arriving at the driver through every
 * level. 2-await-chain.py is the same program in Python.
 */
#include <stdio.h>

#include "coro.h"

/* @types.coroutine
 * def sleep0():
 *     yield
 * The innermost awaitable: yields a bare None up the chain, once. */
static asy_status sleep0_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_YIELD(co, asy_none());
    ASY_END(co);
}

static asy_coro *sleep0(void)
{
    return asy_coro_new(sizeof(asy_coro), sleep0_body, "sleep0");
}

/* Every level keeps its arguments in its frame: they must survive the
 * yield that passes through it (ground rule 1 of gen.h). */
typedef struct {
    asy_coro co;
    long long x, y;
} xy_frame;

static asy_coro *new_xy(asy_gen_body body, const char *name, long long x, long long y)
{
    xy_frame *f = ASY_CORO_NEW(xy_frame, body, name);
    f->x = x;
    f->y = y;
    return &f->co;
}

/* async def add(x, y):
 *     print(f"  add({x}, {y}): yield to the driver")
 *     await sleep0()
 *     print(f"  add({x}, {y}): resumed, return {x + y}")
 *     return x + y                                                        */
static asy_status add_body(asy_coro *co)
{
    xy_frame *f = (xy_frame *)co;
    ASY_BEGIN(co);
    printf("  add(%lld, %lld): yield to the driver\n", f->x, f->y);
    ASY_AWAIT(co, sleep0());
    printf("  add(%lld, %lld): resumed, return %lld\n", f->x, f->y, f->x + f->y);
    ASY_RETURN(co, asy_int(f->x + f->y));
    ASY_END(co);
}

/* async def compute(x, y):
 *     print('  Compute {} + {} ...'.format(x, y))
 *     result = await add(x, y)
 *     print(f"  compute: await add({x}, {y}) gave {result}")
 *     return result                                                       */
static asy_status compute_body(asy_coro *co)
{
    xy_frame *f = (xy_frame *)co;
    ASY_BEGIN(co);
    printf("  Compute %lld + %lld ...\n", f->x, f->y);
    ASY_AWAIT(co, new_xy(add_body, "add", f->x, f->y));
    printf("  compute: await add(%lld, %lld) gave %s\n", f->x, f->y, ASY_STR(ASY_SENT(co)));
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co))); /* ASY_SENT is borrowed */
    ASY_END(co);
}

/* async def print_sum(x, y):
 *     result = await compute(x, y)
 *     print('  {} + {} = {}'.format(x, y, result))
 *     return result                                                       */
static asy_status print_sum_body(asy_coro *co)
{
    xy_frame *f = (xy_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, new_xy(compute_body, "compute", f->x, f->y));
    printf("  %lld + %lld = %s\n", f->x, f->y, ASY_STR(ASY_SENT(co)));
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static asy_coro *print_sum(long long x, long long y)
{
    return new_xy(print_sum_body, "print_sum", x, y);
}

int main(void)
{
    /* run(print_sum(1, 2)): asy_coro_drive sends None until it finishes. */
    printf("run(print_sum(1, 2)):\n");
    asy_result r = asy_coro_drive(print_sum(1, 2)); /* steals the coroutine */
    if (r.status == ASY_RETURNED)
        printf("run returned %s\n", ASY_STR(r.value));
    asy_result_clear(&r);

    /* The same chain by hand: every send goes into print_sum, and passes
     * straight through compute and add to sleep0 while they are awaiting. */
    printf("by hand, print_sum(3, 4):\n");
    asy_coro *co = print_sum(3, 4);
    for (int sends = 1;; sends++) {
        printf("driver: send(None) #%d\n", sends);
        r = asy_gen_send(co, asy_none());
        if (r.status != ASY_YIELDED)
            break;
        printf("driver: the chain yielded %s\n", ASY_REPR(r.value));
        asy_result_clear(&r);
    }
    if (r.status == ASY_RETURNED)
        printf("driver: StopIteration, value %s\n", ASY_STR(r.value));
    else
        printf("driver: %s\n", ASY_EXC_STR(r.exc));
    asy_result_clear(&r);
    asy_decref(co);
    return asy_obj_live() == 0 ? 0 : 1;
}
