/*
 * 2-gen-func.c - the same gen_func, built with the library (gen.h).
 *
 *     def gen_func():
 *         yield 1
 *         yield 2
 *         yield 3
 *
 *     print("for loop:")
 *     gen = gen_func()
 *     for i in gen:
 *         print(i)
 *
 *     print("next():")
 *     gen = gen_func()
 *     print(next(gen))
 *     print(next(gen))
 *     print(next(gen))
 *
 * The frame is now a heap object that starts with an asy_gen header (which
 * holds the resume point), and the switch of 1-by-hand.c is written by the
 * macros ASY_BEGIN / ASY_YIELD / ASY_END. The README shows what they expand
 * to.
 */
#include <stdio.h>

#include "gen.h"

/* gen_func's frame. It has no locals that must survive a yield, so the
 * frame is only the header; a generator with locals adds fields here. */
typedef struct {
    asy_gen gen; /* first: the frame IS an asy_gen */
} gen_func_frame;

/* The body: called by asy_gen_next() each time; runs from the resume point
 * to the next yield. */
static asy_status gen_func_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_int(1));
    ASY_YIELD(g, asy_int(2));
    ASY_YIELD(g, asy_int(3));
    ASY_END(g);
}

/* gen_func(): builds the frame and runs nothing. New reference. */
static asy_gen *gen_func(void)
{
    gen_func_frame *f = ASY_GEN_NEW(gen_func_frame, gen_func_body, "gen_func");
    return &f->gen;
}

/* print(next(gen)) */
static void print_next(asy_gen *gen)
{
    asy_result r = asy_gen_next(gen); /* r owns what it holds */
    if (r.status == ASY_YIELDED)
        printf("%s\n", ASY_STR(r.value));
    else if (r.status == ASY_RETURNED)
        printf("StopIteration\n"); /* not reached here: see 3-exhausted.c */
    else
        printf("%s\n", ASY_EXC_STR(r.exc));
    asy_result_clear(&r);
}

int main(void)
{
    printf("for loop:\n");
    asy_gen *gen = gen_func();
    /* for i in gen: print(i) -- next() until the generator says it stopped */
    for (;;) {
        asy_result r = asy_gen_next(gen);
        if (r.status == ASY_RETURNED) { /* StopIteration: the loop ends quietly */
            asy_result_clear(&r);
            break;
        }
        if (r.status == ASY_RAISED) {   /* an exception leaves the loop too */
            printf("%s\n", ASY_EXC_STR(r.exc));
            asy_result_clear(&r);
            break;
        }
        printf("%s\n", ASY_STR(r.value)); /* ASY_YIELDED: i = r.value */
        asy_result_clear(&r);
    }
    asy_decref(gen); /* our reference: the frame is freed */

    printf("next():\n");
    gen = gen_func();
    print_next(gen);
    print_next(gen);
    print_next(gen);
    asy_decref(gen); /* still suspended at `yield 3`: it is closed, then freed */
    return 0;
}
