/*
 * 1-by-hand.c - the notes' gen_func, written as a state machine by hand.
 *
 *     def gen_func():
 *         yield 1
 *         yield 2
 *         yield 3
 *
 *     gen = gen_func()
 *     for i in gen:
 *         print(i)
 *
 * No library and no macros: this is what a generator IS. A generator is a
 * function that can stop in the middle (at a yield) and later carry on from
 * that point. C functions cannot do that: when they return, their locals
 * and their position are gone. So we keep the position ourselves, in a
 * struct, and make next() a function that jumps to it with a switch.
 */
#include <stdio.h>

/*
 * The frame: everything gen_func has to remember between two calls of
 * next(). gen_func has no local variables, so all it needs is where it
 * stopped (the resume point):
 *
 *   state 0     created: the body has not started yet (GEN_CREATED)
 *   state 1..3  suspended at `yield 1`, `yield 2`, `yield 3` (GEN_SUSPENDED)
 *   state 4     finished: the body ran off its end (GEN_CLOSED)
 */
struct gen_func {
    int state;
};

/* gen = gen_func(): calling a generator function runs none of its body;
 * it only builds the frame, positioned before the first line. */
static void gen_func_init(struct gen_func *gen)
{
    gen->state = 0;
}

/*
 * next(gen): run the body from where it stopped to the next yield.
 * Returns 1 and stores the yielded value in *out, or returns 0 when the
 * body has finished: that 0 is Python's StopIteration.
 *
 * Each case is "the code between one yield and the next". Before
 * returning, a case writes down where the body will carry on next time:
 * that assignment IS the yield.
 */
static int gen_func_next(struct gen_func *gen, int *out)
{
    switch (gen->state) {
    case 0:                /* first next(): start at the top ...         */
        gen->state = 1;    /* ... remember "resume after yield 1" ...    */
        *out = 1;          /* ... and hand out 1: `yield 1`              */
        return 1;
    case 1:                /* resumed after yield 1: run on to yield 2   */
        gen->state = 2;
        *out = 2;
        return 1;
    case 2:                /* resumed after yield 2: run on to yield 3   */
        gen->state = 3;
        *out = 3;
        return 1;
    case 3:                /* resumed after yield 3: the body ends here, */
        gen->state = 4;    /* so the generator is finished               */
        return 0;          /* StopIteration                              */
    default:               /* finished already: every further next()     */
        return 0;          /* answers StopIteration again                */
    }
}

int main(void)
{
    struct gen_func gen;                /* gen = gen_func()                 */
    gen_func_init(&gen);

    /* Python's `for i in gen:` is exactly this loop: call next() until it
     * says StopIteration, then leave quietly. */
    int i;
    while (gen_func_next(&gen, &i))     /* for i in gen:                    */
        printf("%d\n", i);              /*     print(i)                     */
    return 0;
}
