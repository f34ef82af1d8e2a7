/*
 * Chapter 14, demo 1: the notes' factorial example (seed 003 "并发运行任务").
 *
 * Three factorial() coroutines run concurrently under gather(); each
 * prints a line per step and sleeps 1 s. The result list is in argument
 * order: [2, 6, 24]. The whole run takes 3 s of loop time (virtual clock:
 * no real waiting), not 1 + 2 + 3 = 6 s.
 */
#include <stdio.h>

#include "gather.h"
#include "runners.h"

/* async def factorial(name, number):
 *     f = 1
 *     for i in range(2, number + 1):
 *         print(f"Task {name}: Compute factorial({number}), currently i={i}...")
 *         await asyncio.sleep(1)
 *         f *= i
 *     print(f"Task {name}: factorial({number}) = {f}")
 *     return f
 * Every local that lives across the await is a frame field. */
typedef struct {
    asy_coro co;
    const char *name;
    long long number, f, i;
} factorial_frame;

static asy_status factorial_body(asy_coro *co)
{
    factorial_frame *f = (factorial_frame *)co;
    ASY_BEGIN(co);
    f->f = 1;
    for (f->i = 2; f->i <= f->number; f->i++) {
        printf("Task %s: Compute factorial(%lld), currently i=%lld...\n", f->name, f->number, f->i);
        ASY_AWAIT(co, asy_sleep(1, asy_none()));
        f->f *= f->i;
    }
    printf("Task %s: factorial(%lld) = %lld\n", f->name, f->number, f->f);
    ASY_RETURN(co, asy_int(f->f));
    ASY_END(co);
}

static asy_coro *factorial(const char *name, long long number)
{
    factorial_frame *f = ASY_CORO_NEW(factorial_frame, factorial_body, "factorial");
    f->name = name;
    f->number = number;
    return &f->co;
}

/* async def main():
 *     L = await asyncio.gather(factorial("A", 2), factorial("B", 3), factorial("C", 4))
 *     print(L) */
static asy_status main_body(asy_coro *co)
{
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_gather_of(false, factorial("A", 2), factorial("B", 3), factorial("C", 4)));
    printf("%s\n", ASY_STR(ASY_SENT(co))); /* the list: [2, 6, 24] */
    ASY_END(co);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    asy_result r = asy_run(asy_coro_new(sizeof(asy_coro), main_body, "main"), &opts);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
