/*
 * gen.c - the generator protocol: send, throw, close and yield from
 * (chapters 01-03).
 *
 * Everything a generator does goes through one function, gen_step(). It is
 * the C counterpart of CPython's gen_send_ex() and reads as the protocol
 * does:
 *
 *   1. refuse what Python refuses (a running generator, a value sent into a
 *      just-started one, anything sent into a finished one);
 *   2. if a yield from is in progress, hand the value or the exception to
 *      the delegate; while the delegate keeps yielding, our body does not
 *      run at all: its yields pass straight out;
 *   3. otherwise (or once the delegate has finished) run the body from its
 *      resume point until it yields, returns or raises;
 *   4. a body that asks for a yield from (status ASY__DELEGATE) has its
 *      delegate started here, in the same loop, so the body itself never
 *      calls into the delegate.
 */
#include "gen.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

static asy_result gen_iter_send(asy_obj *self, asy_value v) { return asy_gen_send((asy_gen *)self, v); }
static asy_result gen_iter_throw(asy_obj *self, asy_exc *e) { return asy_gen_throw((asy_gen *)self, e); }
static asy_exc *gen_iter_close(asy_obj *self) { return asy_gen_close((asy_gen *)self); }

static const asy_iter_ops gen_iter_ops = {gen_iter_send, gen_iter_throw, gen_iter_close};

static void gen_dealloc(asy_obj *self);
void asy__gen_dealloc(asy_obj *self) { gen_dealloc(self); }
static int gen_format(asy_obj *self, char *buf, size_t size, bool repr);

static const asy_type gen_type = {
    .name = "generator", .dealloc = gen_dealloc, .format = gen_format, .iter = &gen_iter_ops};
/* Chapter 04's coroutines are generators with another name and two
 * stricter rules (see coro.h); asy__gen_make_coroutine switches a frame. */
static const asy_type coro_type = {
    .name = "coroutine", .dealloc = gen_dealloc, .format = gen_format, .iter = &gen_iter_ops};

/* "generator" or "coroutine", for the messages Python prints. */
static const char *kind(const asy_gen *g) { return g->is_coroutine ? "coroutine" : "generator"; }

static asy_result raised(asy_exc *e) /* steals e */
{
    asy_result r = {ASY_RAISED, asy_none(), e};
    return r;
}

static asy_result returned(asy_value v) /* steals v */
{
    asy_result r = {ASY_RETURNED, v, NULL};
    return r;
}

void asy_result_clear(asy_result *r)
{
    if (r == NULL)
        return;
    asy_value_clear(&r->value);
    asy_decref(r->exc);
    r->exc = NULL;
    r->status = ASY_RETURNED;
}

/* The body of a generator made without one: it raises at the first step. */
static asy_status null_body(asy_gen *g)
{
    return asy__raise(g, asy__null_error(g->is_coroutine ? "a coroutine body" : "a generator body"));
}

asy_gen *asy_gen_new(size_t frame_size, asy_gen_body body, const char *name)
{
    if (body == NULL)
        body = null_body;
    if (frame_size < sizeof(asy_gen))
        frame_size = sizeof(asy_gen);
    asy_gen *g = asy_obj_new(&gen_type, frame_size);
    g->body = body;
    g->name = name != NULL ? name : "<generator>";
    g->state = ASY_GEN_CREATED;
    g->received = asy_none();
    return g;
}

/* Chapter 31: where new coroutines come from, while debug mode asks. */
static _Thread_local asy__coro_origin_fn origin_hook;

asy__coro_origin_fn asy__gen_set_origin_hook(asy__coro_origin_fn hook)
{
    asy__coro_origin_fn old = origin_hook;
    origin_hook = hook;
    return old;
}

void asy__gen_make_coroutine(asy_gen *g)
{
    g->ob.type = &coro_type;
    g->is_coroutine = true;
    if (origin_hook != NULL) /* `received` is None and unused until the first step */
        g->received = origin_hook();
}

bool asy__is_type(const void *obj, bool coroutine)
{
    return obj != NULL && ((const asy_obj *)obj)->type == (coroutine ? &coro_type : &gen_type);
}

void asy_gen_set_clear(asy_gen *g, void (*clear)(asy_gen *g))
{
    if (g != NULL)
        g->clear = clear;
}

/* Drop the delegate, the last input and the frame's own fields: the
 * generator will not run again. */
static void release_frame(asy_gen *g)
{
    asy_obj *d = g->delegate;
    g->delegate = NULL;
    asy_decref(d);
    asy_value_clear(&g->received);
    asy_exc *p = g->pending;
    g->pending = NULL;
    asy_decref(p);
    if (!g->cleared) {
        g->cleared = true;
        if (g->clear != NULL)
            g->clear(g);
    }
}

static void finish(asy_gen *g)
{
    g->state = ASY_GEN_CLOSED;
    release_frame(g);
}

/* Move a value into *dst field by field. A plain `*dst = v` makes GCC
 * build v in a stack slot and copy it with one 16-byte load, which stalls
 * on the two 8-byte stores just made there (store forwarding fails); the
 * await path does this several times per switch. */
static inline void move_value(asy_value *dst, asy_value v)
{
    dst->kind = v.kind;
    dst->u = v.u;
}

/* *dst = *src for a result the delegate has just written: field by field,
 * for the same reason as move_value. */
static inline void move_result(asy_result *dst, const asy_result *src)
{
    dst->status = src->status;
    dst->value.kind = src->value.kind;
    dst->value.u = src->value.u;
    dst->exc = src->exc;
}

/* Take in what a delegate's step produced (in *r). Returns true when the
 * delegate yielded: its value is then ours to yield, left in *r.
 * Otherwise the delegate is done and its return value (as ASY_SENT) or its
 * exception (as ASY_EXC) is waiting for our body at the yield from. */
static inline bool absorb_delegate_step(asy_gen *g, asy_result *r)
{
    if (r->status == ASY_YIELDED)
        return true;
    asy_obj *d = g->delegate;
    g->delegate = NULL;
    asy_decref(d);
    if (r->status == ASY_RAISED) {
        g->pending = r->exc;
    } else {
        asy_value_decref(g->received);
        move_value(&g->received, r->value);
    }
    return false;
}

/* How many steps are running on this thread, one inside the other: a
 * generator delegating to another sends into it from inside its own step,
 * so an await chain N coroutines deep is N nested gen_step calls on the C
 * stack. Per thread, because each thread has its own stack; a plain
 * integer, because only its own thread touches it. */
static _Thread_local unsigned step_depth;

/* For the loop's recovery after a longjmp (internal.h): a jump out of
 * nested steps skips their step_depth--. */
unsigned asy__gen_step_depth(void) { return step_depth; }
void asy__gen_set_step_depth(unsigned depth) { step_depth = depth; }

/* The SystemError for a body that broke the contract of gen.h: it said
 * "raised" and left no exception, or returned a status that is none of
 * the three. CPython says the same of a C function that returns NULL
 * without setting an exception. */
static asy_exc *broken_body(asy_gen *g, asy_status st)
{
    if (st == ASY_RAISED)
        return asy_exc_new(&asy_SystemError, "%s '%s' raised without setting an exception", kind(g),
                           g->name);
    return asy_exc_new(&asy_SystemError, "%s '%s' returned an unknown status %d", kind(g), g->name,
                       (int)st);
}

/* What Python refuses before a step runs (a running generator, a value
 * sent into a just-started one, anything sent into a finished one, a step
 * past the recursion limit): true with the answer in *out. */
static bool gen_refuses(asy_gen *g, asy_value sent, asy_exc *thrown, asy_result *out)
{
    switch ((asy_gen_state)g->state) {
    case ASY_GEN_RUNNING:
        *out = raised(asy_exc_new(&asy_ValueError, "%s already executing", kind(g)));
        return true;
    case ASY_GEN_CLOSED:
        if (thrown != NULL)
            *out = raised(asy_incref(thrown));
        else if (g->is_coroutine)
            *out = raised(asy_exc_new(&asy_RuntimeError, "cannot reuse already awaited coroutine"));
        else
            *out = returned(asy_none()); /* exhausted: StopIteration, every time */
        return true;
    case ASY_GEN_CREATED:
        if (thrown != NULL) { /* raised "before the first line": no handler can see it */
            finish(g);
            *out = raised(asy_incref(thrown));
            return true;
        }
        if (!asy_is_none(sent)) {
            *out = raised(asy_exc_new(&asy_TypeError, "can't send non-None value to a just-started %s",
                                      kind(g)));
            return true;
        }
        break;
    case ASY_GEN_SUSPENDED:
        break;
    }
    if (step_depth >= ASY_RECURSION_LIMIT) {
        /* As CPython when a frame would pass the recursion limit: the
         * frame is not entered, and the generator is finished with the
         * error (its body, cleanup included, does not run). */
        finish(g);
        *out = raised(asy_exc_new(&asy_RecursionError, "maximum recursion depth exceeded"));
        return true;
    }
    return false;
}

/* One step. Exactly one of the inputs is used: `thrown` when not NULL
 * (borrowed), else `sent` (borrowed). */
static asy_result gen_step(asy_gen *g, asy_value sent, asy_exc *thrown)
{
    /* Every exit returns this one variable, so the compiler builds it in
     * the caller's result (no copy on the way out, which would stall). */
    asy_result res;
    asy_result *out = &res;
    /* 1. What Python refuses. */
    if (gen_refuses(g, sent, thrown, out))
        return res;

    step_depth++;
    g->state = ASY_GEN_RUNNING;
    asy_incref(g); /* whatever the body does, g outlives this step */
    asy_value_clear(&g->received);

    /* 2. A yield from in progress gets the input first. */
    if (g->delegate != NULL) {
        if (thrown != NULL && asy_exc_is(thrown, &asy_GeneratorExit)) {
            /* close(): the delegate is closed first, then GeneratorExit
             * (or what closing the delegate raised) arrives in our body. */
            asy_exc *err = asy_iter_close(g->delegate);
            asy_obj *d = g->delegate;
            g->delegate = NULL;
            asy_decref(d);
            g->pending = err != NULL ? err : asy_incref(thrown);
        } else {
            /* asy__delegate checked that the delegate has iter ops */
            asy_result r = thrown != NULL ? g->delegate->type->iter->throw_(g->delegate, thrown)
                                          : g->delegate->type->iter->send(g->delegate, sent);
            if (absorb_delegate_step(g, &r)) {
                move_result(out, &r);
                goto suspended; /* the delegate yielded: so do we */
            }
        }
    } else if (thrown != NULL) {
        g->pending = asy_incref(thrown);
    } else {
        move_value(&g->received, asy_value_incref(sent));
    }

    /* 3 and 4. Run the body; start each yield from it asks for. */
    asy_status st;
    for (;;) {
        st = g->body(g);
        if (st != ASY__DELEGATE)
            break;
        if (g->delegate == NULL) {
            if (g->pending == NULL) { /* ASY__DELEGATE not made by asy__delegate */
                st = ASY_RAISED;
                g->pending = broken_body(g, ASY__DELEGATE);
                break;
            }
            continue; /* refused (the error is in ASY_EXC): resume behind it */
        }
        asy_result r = g->delegate->type->iter->send(g->delegate, asy_none());
        if (absorb_delegate_step(g, &r)) {
            move_result(out, &r);
            goto suspended;
        }
    }

    /* The body left its output where its input was: a yielded or returned
     * value in `received`, a raised exception in `pending`. */
    if ((st == ASY_RAISED && g->pending == NULL) ||
        (st != ASY_RAISED && st != ASY_RETURNED && st != ASY_YIELDED)) {
        asy_exc *e = broken_body(g, st);
        asy_exc_set_context(e, g->pending);
        asy_decref(g->pending);
        g->pending = e;
        st = ASY_RAISED;
    }
    out->status = st;
    if (st == ASY_RAISED) {
        out->value.kind = ASY_NONE;
        out->value.u.i = 0;
        out->exc = g->pending;
        g->pending = NULL;
    } else {
        move_value(&out->value, g->received);
        out->exc = NULL;
        g->received.kind = ASY_NONE;
        if (st == ASY_YIELDED)
            goto suspended;
    }
    if (st == ASY_RAISED && asy_exc_is(out->exc, &asy_StopIteration)) {
        /* PEP 479: a StopIteration escaping the body would look like a
         * normal return to the caller, so it becomes a RuntimeError. */
        asy_exc *e = asy_exc_new(&asy_RuntimeError, "%s raised StopIteration", kind(g));
        asy_exc_set_cause(e, out->exc);
        asy_decref(out->exc);
        out->exc = e;
    }
    finish(g);
    step_depth--;
    asy_decref(g);
    return res;

suspended:
    g->state = ASY_GEN_SUSPENDED;
    step_depth--;
    asy_decref(g);
    return res;
}

asy_result asy_gen_send(asy_gen *g, asy_value v)
{
    if (g == NULL)
        return raised(asy__null_error("a generator"));
    return gen_step(g, v, NULL);
}

asy_result asy_gen_next(asy_gen *g) { return asy_gen_send(g, asy_none()); }

asy_result asy_gen_throw(asy_gen *g, asy_exc *e)
{
    if (g == NULL)
        return raised(asy__null_error("a generator"));
    if (e == NULL)
        return raised(asy__null_error("an exception"));
    return gen_step(g, asy_none(), e);
}

asy_exc *asy_gen_close(asy_gen *g)
{
    if (g == NULL)
        return asy__null_error("a generator");
    switch ((asy_gen_state)g->state) {
    case ASY_GEN_CREATED: /* the body never ran: nothing to clean up in it */
        finish(g);
        return NULL;
    case ASY_GEN_CLOSED:
        return NULL;
    case ASY_GEN_RUNNING:
        return asy_exc_new(&asy_ValueError, "%s already executing", kind(g));
    case ASY_GEN_SUSPENDED:
        break;
    }
    asy_exc *exit = asy_exc_new(&asy_GeneratorExit, NULL);
    asy_result r = gen_step(g, asy_none(), exit);
    asy_decref(exit);
    asy_exc *err = NULL;
    if (r.status == ASY_YIELDED) {
        err = asy_exc_new(&asy_RuntimeError, "%s ignored GeneratorExit", kind(g));
    } else if (r.status == ASY_RAISED && !asy_exc_is(r.exc, &asy_GeneratorExit)) {
        err = r.exc; /* cleanup raised something else: that is the answer */
        r.exc = NULL;
    }
    asy_result_clear(&r);
    return err;
}

asy_gen_state asy_gen_getstate(const asy_gen *g) { return g != NULL ? (asy_gen_state)g->state : ASY_GEN_CLOSED; }

const char *asy_gen_state_name(asy_gen_state s)
{
    static const char *const names[] = {"GEN_CREATED", "GEN_RUNNING", "GEN_SUSPENDED", "GEN_CLOSED"};
    return (unsigned)s < 4 ? names[s] : "?";
}

/* ---- the macros' helpers ---- */

asy_status asy__yield(asy_gen *g, asy_value v)
{
    if (g->pending != NULL) { /* an unhandled exception goes on instead */
        asy_value_decref(v);
        return ASY_RAISED;
    }
    asy_value_decref(g->received);
    g->received = v;
    return ASY_YIELDED;
}

asy_status asy__return(asy_gen *g, asy_value v)
{
    if (g->pending != NULL) {
        asy_value_decref(v);
        return ASY_RAISED;
    }
    asy_value_decref(g->received);
    g->received = v;
    return ASY_RETURNED;
}

asy_status asy__raise(asy_gen *g, asy_exc *e)
{
    if (e == NULL)
        e = asy_exc_new(&asy_TypeError, "exceptions must derive from BaseException");
    if (g->pending != NULL) { /* raised while handling: chain it as __context__ */
        asy_exc_set_context(e, g->pending);
        asy_decref(g->pending);
    }
    g->pending = e;
    return ASY_RAISED;
}

asy_status asy__reraise(asy_gen *g)
{
    if (g->pending == NULL)
        g->pending = asy_exc_new(&asy_RuntimeError, "No active exception to reraise");
    return ASY_RAISED;
}

asy_exc *asy__catch(asy_gen *g)
{
    asy_exc *e = g->pending;
    g->pending = NULL;
    return e;
}

/* The checks Python makes on the operand of `yield from` and `await`.
 * Returns the error to raise at that point, or NULL. */
static asy_exc *delegate_error(asy_gen *g, asy_obj *sub, bool is_await)
{
    if (sub == NULL)
        return asy_exc_new(&asy_TypeError, is_await
                               ? "object NoneType can't be used in 'await' expression"
                               : "'NoneType' object is not iterable");
    if (sub->type->iter == NULL)
        return is_await ? asy_exc_new(&asy_TypeError, "object %s can't be used in 'await' expression",
                                      sub->type->name)
                        : asy_exc_new(&asy_TypeError, "'%s' object is not iterable", sub->type->name);
    bool sub_is_gen = sub->type == &gen_type;
    bool sub_is_coro = sub->type == &coro_type;
    if (!sub_is_gen && !sub_is_coro)
        return NULL; /* a future (chapter 11): nothing more to check */
    if (is_await && sub_is_gen)
        return asy_exc_new(&asy_TypeError, "object generator can't be used in 'await' expression");
    if (!is_await && sub_is_coro && !g->is_coroutine)
        return asy_exc_new(&asy_TypeError,
                           "cannot 'yield from' a coroutine object in a non-coroutine generator");
    if (sub_is_coro && ((asy_gen *)sub)->delegate != NULL)
        return asy_exc_new(&asy_RuntimeError, "coroutine is being awaited already");
    return NULL;
}

asy_status asy__delegate(asy_gen *g, asy_obj *sub, bool is_await)
{
    if (g->pending != NULL) { /* an unhandled exception goes on instead */
        asy_decref(sub);
        return asy__reraise(g);
    }
    asy_exc *err = delegate_error(g, sub, is_await);
    if (__builtin_expect(err != NULL, 0)) {
        asy_decref(sub);
        g->pending = err; /* gen_step re-enters the body behind the yield from */
        return ASY__DELEGATE;
    }
    g->delegate = sub;
    return ASY__DELEGATE;
}

/* ---- any object with asy_iter_ops ---- */

asy_result asy_iter_send(asy_obj *it, asy_value v)
{
    if (it == NULL)
        return raised(asy__null_error("an iterator"));
    if (it->type->iter == NULL)
        return raised(asy_exc_new(&asy_TypeError, "'%s' object is not an iterator", it->type->name));
    return it->type->iter->send(it, v);
}

asy_result asy_iter_throw(asy_obj *it, asy_exc *e)
{
    if (it == NULL || e == NULL)
        return raised(asy__null_error(it == NULL ? "an iterator" : "an exception"));
    if (it->type->iter == NULL)
        return raised(asy_incref(e));
    return it->type->iter->throw_(it, e);
}

asy_exc *asy_iter_close(asy_obj *it)
{
    if (it == NULL)
        return asy__null_error("an iterator");
    if (it->type->iter == NULL)
        return NULL;
    return it->type->iter->close(it);
}

/* ---- the object ---- */

static int gen_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_gen *g = (asy_gen *)self;
    return snprintf(buf, size, "<%s object %s at %p>", kind(g), g->name, (void *)g);
}

/* A generator dropped before it finished is closed, as Python's garbage
 * collector does, so its cleanup runs (ground rule 6). A coroutine that
 * was never started is reported: calling an async function only builds
 * its frame, and forgetting the await is a classic bug. */
static void gen_dealloc(asy_obj *self)
{
    asy_gen *g = (asy_gen *)self;
    if (g->state == ASY_GEN_SUSPENDED) {
        self->refcnt = 1; /* alive again while close() runs */
        asy_exc *err = asy_gen_close(g);
        if (err != NULL) {
            fprintf(stderr, "Exception ignored in: <%s object %s at %p>\n", kind(g), g->name,
                    (void *)g);
            asy_exc_print(err, stderr);
            asy_decref(err);
        }
        if (--self->refcnt > 0)
            return; /* its cleanup stored a new reference somewhere */
    } else if (g->state == ASY_GEN_CREATED && g->is_coroutine) {
        fprintf(stderr, "RuntimeWarning: coroutine '%s' was never awaited\n", g->name);
        if (asy_is_str(g->received)) /* chapter 31: debug mode's origin */
            fprintf(stderr, "Coroutine created at (most recent call last)\n%s", asy_str_cstr(g->received));
    }
    release_frame(g);
    asy_obj_free(g);
}

void asy__gen_abandon(asy_gen *g)
{
    if (g == NULL || g->state != ASY_GEN_RUNNING)
        return;
    asy_gen *cur = asy_incref(g);
    while (cur != NULL) {
        asy_gen *next = NULL;
        if (cur->state == ASY_GEN_RUNNING) {
            asy_obj *d = cur->delegate;
            if (d != NULL && (asy__is_type(d, true) || asy__is_type(d, false)))
                next = asy_incref((asy_gen *)d);
            finish(cur);     /* closed; drops the delegate and the frame's fields */
            asy_decref(cur); /* the reference gen_step took for the step */
        }
        asy_decref(cur);
        cur = next;
    }
}
