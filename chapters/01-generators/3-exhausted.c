/*
 * 3-exhausted.c - what happens after the last yield.
 *
 *     import inspect
 *
 *     gen = gen_func()
 *     print(inspect.getgeneratorstate(gen))
 *     for _ in range(5):
 *         try:
 *             i = next(gen)
 *             print(i, inspect.getgeneratorstate(gen))
 *         except StopIteration:
 *             print("StopIteration", inspect.getgeneratorstate(gen))
 *
 * gen_func yields three values, so the fourth next() finds the body at its
 * end: the generator finishes and says StopIteration (ASY_RETURNED here).
 * A finished generator never runs again: the fifth next(), and every one
 * after it, answers StopIteration at once.
 */
#include <stdio.h>

#include "gen.h"

typedef struct {
    asy_gen gen;
} gen_func_frame;

static asy_status gen_func_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_int(1));
    ASY_YIELD(g, asy_int(2));
    ASY_YIELD(g, asy_int(3));
    ASY_END(g);
}

/* New reference. */
static asy_gen *gen_func(void)
{
    gen_func_frame *f = ASY_GEN_NEW(gen_func_frame, gen_func_body, "gen_func");
    return &f->gen;
}

/* inspect.getgeneratorstate(gen) as Python prints it. */
static const char *state_of(const asy_gen *gen)
{
    return asy_gen_state_name(asy_gen_getstate(gen));
}

int main(void)
{
    asy_gen *gen = gen_func();
    printf("%s\n", state_of(gen)); /* GEN_CREATED: nothing has run yet */
    for (int k = 0; k < 5; k++) {
        asy_result r = asy_gen_next(gen);
        switch (r.status) {
        case ASY_YIELDED: /* i = next(gen) */
            printf("%s %s\n", ASY_STR(r.value), state_of(gen));
            break;
        case ASY_RETURNED: /* except StopIteration: */
            printf("StopIteration %s\n", state_of(gen));
            break;
        case ASY_RAISED: /* any other exception (gen_func raises none) */
            printf("%s\n", ASY_EXC_STR(r.exc));
            break;
        default:
            break;
        }
        asy_result_clear(&r);
    }
    asy_decref(gen);
    return 0;
}
