/*
 * 1-yield-from.c - the notes' example (001 §1(3)): middle() delegates to
 * gen_func() with `yield from`. Chapter 03.
 *
 * The caller only ever talks to middle(), yet the values it sends arrive in
 * gen_func(), and what gen_func() yields comes straight back out: middle's
 * body does not run again until gen_func() returns. gen_func's return value
 * (4) is then the value of the yield from, ASY_SENT(g) in middle's body.
 */
#include <stdio.h>

#include "gen.h"

/* def gen_func():
 *     a = yield 1
 *     print("a: ", a)
 *     b = yield 2
 *     print("b: ", b)
 *     c = yield 3
 *     print("c: ", c)
 *     return 4                                                             */
static asy_status gen_func_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_int(1));
    printf("a:  %s\n", ASY_STR(ASY_SENT(g)));
    ASY_YIELD(g, asy_int(2));
    printf("b:  %s\n", ASY_STR(ASY_SENT(g)));
    ASY_YIELD(g, asy_int(3));
    printf("c:  %s\n", ASY_STR(ASY_SENT(g)));
    ASY_RETURN(g, asy_int(4));
    ASY_END(g);
}

/* gen_func(): builds the frame, runs nothing. New reference. */
static asy_gen *gen_func(void) { return asy_gen_new(sizeof(asy_gen), gen_func_body, "gen_func"); }

/* def middle():
 *     gen = gen_func()
 *     ret = yield from gen
 *     print("ret: ", ret)
 *     return "middle Exception"                                            */
static asy_status middle_body(asy_gen *g)
{
    ASY_BEGIN(g);
    {
        /* A C local is fine here: nothing reads `gen` after the yield from,
         * and ASY_YIELD_FROM takes over (steals) its reference. */
        asy_gen *gen = gen_func();
        ASY_YIELD_FROM(g, gen);
    }
    /* gen_func returned: its return value is what this step brought in. */
    printf("ret:  %s\n", ASY_STR(ASY_SENT(g)));
    ASY_RETURN(g, asy_str("middle Exception"));
    ASY_END(g);
}

static asy_gen *middle(void) { return asy_gen_new(sizeof(asy_gen), middle_body, "middle"); }

int main(void)
{
    asy_gen *mid = middle();
    for (int i = 0; i < 4; i++) {
        /* i == 0: mid.send(None), the priming send; then mid.send(i) */
        asy_result r = asy_gen_send(mid, i == 0 ? asy_none() : asy_int(i));
        if (r.status == ASY_YIELDED) {
            printf("%s\n", ASY_STR(r.value)); /* print(mid.send(i)) */
        } else if (r.status == ASY_RETURNED) {
            /* except StopIteration as e: print("e: ", e)
             * str(StopIteration(v)) is str(v): the return value. */
            printf("e:  %s\n", ASY_STR(r.value));
        } else {
            fprintf(stderr, "%s\n", ASY_EXC_STR(r.exc));
        }
        asy_result_clear(&r);
    }
    asy_decref(mid);
    return 0;
}
