/*
 * coro.c - coroutines on top of generators (chapter 04).
 */
#include "coro.h"

asy_coro *asy_coro_new(size_t frame_size, asy_gen_body body, const char *name)
{
    asy_gen *g = asy_gen_new(frame_size, body, name);
    asy__gen_make_coroutine(g);
    return g;
}

bool asy_iscoroutine(const void *obj)
{
    return asy__is_type(obj, true);
}

asy_result asy_coro_drive(asy_coro *co)
{
    asy_result r = asy_gen_send(co, asy_none());
    while (r.status == ASY_YIELDED) {
        if (asy_is_none(r.value)) {
            r = asy_gen_send(co, asy_none());
        } else {
            asy_exc *e = asy_exc_new(&asy_RuntimeError,
                                     "a coroutine driven by hand yielded %s, which it cannot wait for",
                                     ASY_REPR(r.value));
            asy_result_clear(&r);
            r = asy_gen_throw(co, e);
            asy_decref(e);
        }
    }
    asy_decref(co);
    return r;
}
