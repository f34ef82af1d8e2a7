/*
 * guarded.c - exercise 03/guarded, the reference solution. Chapter: 03
 *
 *     def guarded(n, open_count):
 *         open_count[0] += 1          # open the resource
 *         try:
 *             for i in range(1, n + 1):
 *                 yield i
 *         finally:
 *             open_count[0] -= 1      # release it, whatever happens
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
    ASY_BEGIN(g);
    ++*f->open_count; /* in the body, not in guarded(): it runs at the first next */
    for (f->i = 1; f->i <= f->n; f->i++) {
        /* _TRY: a thrown exception (GeneratorExit from close, or anything
         * from throw) is left in ASY_EXC(g) and the body goes on here. */
        ASY_YIELD_TRY(g, asy_int(f->i));
        if (ASY_EXC(g) != NULL)
            goto cleanup;
    }
cleanup:
    --*f->open_count;
    /* No ASY_CATCH: an exception still pending propagates from ASY_END,
     * which is what `finally` does. Dropping the generator unfinished is
     * close() (gen_dealloc), so that path comes through here as well. */
    ASY_END(g);
}

asy_gen *guarded(int n, int *open_count)
{
    guarded_frame *f = ASY_GEN_NEW(guarded_frame, guarded_body, "guarded");
    f->n = n;
    f->open_count = open_count;
    return &f->gen;
}
