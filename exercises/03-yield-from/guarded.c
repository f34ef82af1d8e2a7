/*
 * guarded.c - exercise 03/guarded (the file you edit). Chapter: 03
 *
 *     def guarded(n, open_count):
 *         open_count[0] += 1          # open the resource
 *         try:
 *             for i in range(1, n + 1):
 *                 yield i
 *         finally:
 *             open_count[0] -= 1      # release it, whatever happens
 *
 * Run the tests with:  make exercises CH=03
 */
#include "guarded.h"

typedef struct {
    asy_gen gen;
    int n;           /* yield 1..n */
    int i;           /* the loop counter lives in the frame: it crosses yields */
    int *open_count; /* borrowed */
} guarded_frame;

static asy_status guarded_body(asy_gen *g)
{
    guarded_frame *f = (guarded_frame *)g;
    (void)f;
    ASY_BEGIN(g);
    /* TODO 1: "open": increment *f->open_count.
     * TODO 2: yield f->i for f->i = 1..f->n (asy_int(f->i)), with a yield
     *         that lets the body see an exception thrown in (close() throws
     *         GeneratorExit) instead of leaving at once.
     * TODO 3: on every way out (the loop ended, or an exception arrived),
     *         decrement *f->open_count once, and let the exception go on. */
    ASY_END(g);
}

asy_gen *guarded(int n, int *open_count)
{
    guarded_frame *f = ASY_GEN_NEW(guarded_frame, guarded_body, "guarded");
    f->n = n;
    f->open_count = open_count;
    return &f->gen;
}
