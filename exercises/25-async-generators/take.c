/*
 * take.c - exercise 25/take: an `async for` that stops early.
 *
 * As it stands, take() gets the values right, but it breaks out of its
 * `async for` and returns with the generator still suspended at a yield:
 * the generator's cleanup has not run (in a long program, a connection
 * left open). Read take.h, then:
 *
 *   TODO 1: when n is 0, do not start the generator at all.
 *   TODO 2: on every way out of the loop (break, the end, an exception
 *           from the generator), await asy_aclose(f->ag) before returning
 *           or raising. To await while an exception is pending, first take
 *           it into the frame with ASY_CATCH, and ASY_RAISE it afterwards.
 *
 * make exercises CH=25 runs the tests.
 */
#include "take.h"

typedef struct {
    asy_coro co;
    asy_asyncgen *ag; /* owned */
    size_t n, count;
    asy_value *out;   /* borrowed: the caller's */
} take_frame;

static asy_status take_body(asy_coro *co)
{
    take_frame *f = (take_frame *)co;
    ASY_BEGIN(co);
    ASY_ASYNC_FOR(co, f->ag) {
        if (f->count >= f->n)
            break;
        asy_value_decref(f->out[f->count]);
        f->out[f->count++] = asy_value_incref(ASY_SENT(co));
    } ASY_ASYNC_FOR_END(co);
    /* TODO 1, 2 */
    ASY_RETURN(co, asy_int((long long)f->count));
    ASY_END(co);
}

static void take_clear(asy_gen *g)
{
    take_frame *f = (take_frame *)g;
    asy_decref(f->ag);
    f->ag = NULL;
}

asy_coro *take(asy_asyncgen *ag, size_t n, asy_value *out)
{
    take_frame *f = ASY_CORO_NEW(take_frame, take_body, "take");
    f->ag = asy_incref(ag);
    f->n = n;
    f->out = out;
    asy_gen_set_clear(&f->co, take_clear);
    return &f->co;
}
