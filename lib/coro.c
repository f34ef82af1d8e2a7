/*
 * coro.c - coroutines on top of generators (chapter 04).
 */
#include "coro.h"

#include "internal.h"

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
    if (co == NULL) {
        asy_result r = {ASY_RAISED, asy_none(), asy__null_error("a coroutine")};
        return r;
    }
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

/* ---- an awaitable that raises (for the library) ---- */

typedef struct {
    asy_coro co;
    asy_exc *exc; /* owned until raised */
} raise_frame;

static asy_status raise_body(asy_coro *co)
{
    raise_frame *f = (raise_frame *)co;
    ASY_BEGIN(co);
    {
        asy_exc *e = f->exc;
        f->exc = NULL;
        ASY_RAISE(co, e);
    }
    ASY_END(co);
}

static void raise_clear(asy_gen *g) { asy_decref(((raise_frame *)g)->exc); }

asy_coro *asy__coro_raise(const char *name, asy_exc *e)
{
    raise_frame *f = ASY_CORO_NEW(raise_frame, raise_body, name);
    f->exc = e;
    asy_gen_set_clear(&f->co, raise_clear);
    return &f->co;
}

asy_coro *asy__coro_null(const char *name, const char *what)
{
    return asy__coro_raise(name, asy__null_error(what));
}
