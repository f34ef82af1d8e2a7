/*
 * run.c - exercise 04/run, the reference solution. See run.h.
 *
 * The notes' run() sends once; this one keeps sending None until the
 * coroutine stops. It is lib/coro.c asy_coro_drive() with a different
 * answer shape: a value plus an error pointer instead of an asy_result.
 */
#include "run.h"

asy_value run(asy_coro *co, asy_exc **error)
{
    asy_value value = asy_none();
    *error = NULL;
    asy_result r = asy_gen_send(co, asy_none());
    while (r.status == ASY_YIELDED) {
        /* A driver by hand cannot wait for anything: drop what it yielded
         * and give it the next turn at once. */
        asy_result_clear(&r);
        r = asy_gen_send(co, asy_none());
    }
    if (r.status == ASY_RETURNED) {
        value = r.value; /* StopIteration.value: move it out of r */
        r.value = asy_none();
    } else {
        *error = r.exc; /* move the exception out of r */
        r.exc = NULL;
    }
    asy_result_clear(&r);
    asy_decref(co);
    return value;
}
