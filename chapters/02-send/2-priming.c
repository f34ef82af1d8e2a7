/*
 * 2-priming.c - the priming rule: the first send must be None.
 *
 *     gen = gen_func()
 *     try:
 *         gen.send(1)            # too early: no yield is waiting yet
 *     except TypeError as e:
 *         print(f"{type(e).__name__}: {e}")
 *     print(inspect.getgeneratorstate(gen))
 *     print(gen.send(None))      # priming: runs to the first yield
 *     print(inspect.getgeneratorstate(gen))
 *     print(next(gen))           # next(gen) is gen.send(None)
 */
#include <stdio.h>

#include "gen.h"

static asy_status gen_func_body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_int(1));
    printf("a:  %s\n", ASY_STR(ASY_SENT(g)));
    ASY_YIELD(g, asy_int(2));
    printf("b:  %s\n", ASY_STR(ASY_SENT(g)));
    ASY_YIELD(g, asy_int(3));
    printf("c:  %s\n", ASY_STR(ASY_SENT(g)));
    ASY_RETURN(g, asy_str("finish"));
    ASY_END(g);
}

static asy_gen *gen_func(void) { return asy_gen_new(sizeof(asy_gen), gen_func_body, "gen_func"); }

/* Print a step's yielded value or its exception, then release it. */
static void print_result(asy_result r)
{
    if (r.status == ASY_RAISED)
        printf("%s\n", ASY_EXC_STR(r.exc)); /* "TypeError: message" */
    else
        printf("%s\n", ASY_STR(r.value));
    asy_result_clear(&r);
}

static void print_state(asy_gen *g) { printf("%s\n", asy_gen_state_name(asy_gen_getstate(g))); }

int main(void)
{
    asy_gen *gen = gen_func();
    print_result(asy_gen_send(gen, asy_int(1))); /* refused: the body did not run */
    print_state(gen);
    print_result(asy_gen_send(gen, asy_none())); /* priming */
    print_state(gen);
    print_result(asy_gen_next(gen)); /* the same as asy_gen_send(gen, asy_none()) */
    /* Dropping a suspended generator closes it (GeneratorExit at yield 2),
     * as Python does when the last reference goes. */
    asy_decref(gen);
    return 0;
}
