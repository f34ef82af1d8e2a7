/*
 * take.c - exercise 25/take, solved: an `async for` that stops early and
 * closes the generator on every way out (Python's try/finally around the
 * loop, with an await in the finally).
 */
#include "take.h"

typedef struct {
    asy_coro co;
    asy_asyncgen *ag; /* owned */
    size_t n, count;
    asy_value *out;   /* borrowed: the caller's */
    asy_exc *saved;   /* what the loop raised, held across the aclose */
} take_frame;

static asy_status take_body(asy_coro *co)
{
    take_frame *f = (take_frame *)co;
    ASY_BEGIN(co);
    if (f->n > 0) {
        for (;;) { /* ASY_ASYNC_FOR, written out to keep its exception */
            ASY_AWAIT_TRY(co, asy_anext(f->ag));
            if (ASY_EXC(co) != NULL) {
                if (asy_exc_is(ASY_EXC(co), &asy_StopAsyncIteration))
                    asy_decref(ASY_CATCH(co)); /* the end: not an error */
                break;                         /* else: closed, then raised */
            }
            asy_value_decref(f->out[f->count]);
            f->out[f->count++] = asy_value_incref(ASY_SENT(co));
            if (f->count == f->n)
                break;
        }
    }
    /* finally: await ag.aclose() */
    f->saved = ASY_CATCH(co);
    ASY_AWAIT(co, asy_aclose(f->ag));
    if (f->saved != NULL) {
        asy_exc *e = f->saved;
        f->saved = NULL;
        ASY_RAISE(co, e);
    }
    ASY_RETURN(co, asy_int((long long)f->count));
    ASY_END(co);
}

static void take_clear(asy_gen *g)
{
    take_frame *f = (take_frame *)g;
    asy_decref(f->saved);
    f->saved = NULL;
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
