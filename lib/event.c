/*
 * event.c - asyncio.Event (chapter 21).
 */
#include "event.h"

#include "internal.h"

#include <stdio.h>

static void event_dealloc(asy_obj *self)
{
    asy_event *ev = (asy_event *)self;
    asy_decref(ev->loop); /* waiters hold references to us: none is left */
    asy_obj_free(ev);
}

/* <asyncio.locks.Event object at 0x... [unset, waiters:2]> */
static int event_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_event *ev = (asy_event *)self;
    size_t n = asy_event_waiter_count(ev);
    char waiters[32] = "";
    if (n > 0)
        snprintf(waiters, sizeof waiters, ", waiters:%zu", n);
    return snprintf(buf, size, "<asyncio.locks.Event object at %p [%s%s]>", (void *)ev,
                    ev->value ? "set" : "unset", waiters);
}

const asy_type asy_event_type = {.name = "Event", .dealloc = event_dealloc, .format = event_format};

asy_event *asy_event_new(void)
{
    asy_event *ev = asy_obj_new(&asy_event_type, sizeof(asy_event));
    ev->value = false;
    asy_ilist_init(&ev->waiters);
    return ev;
}

bool asy_event_is_set(const asy_event *ev) { return ev != NULL && ev->value; }

asy_event *asy_value_event(asy_value v)
{
    return v.kind == ASY_OBJ && asy_isinstance(v.u.o, &asy_event_type) ? (asy_event *)v.u.o : NULL;
}

size_t asy_event_waiter_count(const asy_event *ev) { return ev != NULL ? asy_ilist_length(&ev->waiters) : 0; }

/* def set(self):
 *     if not self._value:
 *         self._value = True
 *         for fut in self._waiters:
 *             if not fut.done():
 *                 fut.set_result(True)
 * The waiters stay queued: each one removes itself when it runs. */
void asy_event_set(asy_event *ev)
{
    if (ev == NULL || ev->value)
        return;
    ev->value = true;
    for (asy_ilist *p = ev->waiters.next; p != &ev->waiters; p = p->next)
        asy_waiter_wake(ASY_WAITER_OF(p), asy_bool(true));
}

void asy_event_clear(asy_event *ev)
{
    if (ev != NULL)
        ev->value = false;
}

typedef struct {
    asy_coro co;
    asy_event *ev;  /* owned */
    asy_waiter w;   /* our node in ev->waiters while we wait */
} wait_frame;

/* async def wait(self):
 *     if self._value:
 *         return True
 *     fut = self._get_loop().create_future()
 *     self._waiters.append(fut)
 *     try:
 *         await fut
 *         return True
 *     finally:
 *         self._waiters.remove(fut)                                      */
static asy_status wait_body(asy_coro *co)
{
    wait_frame *f = (wait_frame *)co;
    ASY_BEGIN(co);
    if (f->ev->value)
        ASY_RETURN(co, asy_bool(true)); /* set already: no suspension at all */
    {
        asy_exc *err = NULL;
        asy_loop *loop = asy_primitive_get_loop(&f->ev->loop, f->ev, &err);
        if (loop == NULL)
            ASY_RAISE(co, err);
        asy_waiter_enqueue(&f->w, &f->ev->waiters, loop);
    }
    ASY_AWAIT_TRY(co, asy_incref(f->w.fut));
    asy_waiter_leave(&f->w);        /* finally */
    ASY_RETURN(co, asy_bool(true)); /* a pending exception (cancelled) wins */
    ASY_END(co);
}

static void wait_clear(asy_gen *g)
{
    wait_frame *f = (wait_frame *)g;
    asy_waiter_clear(&f->w);
    asy_decref(f->ev);
    f->ev = NULL;
}

asy_coro *asy_event_wait(asy_event *ev)
{
    if (ev == NULL)
        return asy__coro_null("wait", "an Event");
    wait_frame *f = ASY_CORO_NEW(wait_frame, wait_body, "wait");
    f->ev = asy_incref(ev);
    asy_waiter_init(&f->w);
    asy_gen_set_clear(&f->co, wait_clear);
    return &f->co;
}
