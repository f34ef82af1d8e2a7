/*
 * take.c - exercise 01/take, the reference solution.
 *
 *     out = list(islice(gen, n))
 */
#include "take.h"

int take(asy_gen *gen, int n, asy_value out[], asy_exc **exc)
{
    int count = 0;
    *exc = NULL;
    while (count < n) { /* checked first: never one next() too many */
        asy_result r = asy_gen_next(gen);
        if (r.status == ASY_YIELDED) {
            out[count++] = r.value; /* the result's reference moves to out[] */
            continue;               /* so no asy_result_clear() here */
        }
        if (r.status == ASY_RAISED) {
            *exc = r.exc;           /* moves to the caller */
            r.exc = NULL;
        }
        asy_result_clear(&r);       /* ASY_RETURNED: drop the return value */
        break;
    }
    return count;
}
