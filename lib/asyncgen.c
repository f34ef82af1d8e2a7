/*
 * asyncgen.c - async generators, their operations, and the loop's side
 * (chapter 25).
 *
 * Read op_body() first: every operation (anext, asend, athrow, aclose) is
 * one small coroutine that steps the generator's frame until the body
 * reaches a value yield, and passes everything else (the futures its awaits
 * yield) up to the task and back down again. It is CPython's
 * async_gen_asend_send / async_gen_athrow_send written as a coroutine body.
 * Then agen_dealloc() (the finalizer hook) and shutdown_body()
 * (loop.shutdown_asyncgens).
 */
#include "asyncgen.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "gather.h"
#include "list.h"
#include "task.h"

static void agen_dealloc(asy_obj *self);
static int agen_format(asy_obj *self, char *buf, size_t size, bool repr);

/* No asy_iter_ops: an async generator is not itself awaitable ("object
 * async_generator can't be used in 'await' expression"); its operations are. */
static asy_coro *agen_anext(asy_obj *self);
const asy_type asy_asyncgen_type = {.name = "async_generator", .dealloc = agen_dealloc, .format = agen_format,
                                    .anext = agen_anext};

asy_asyncgen *asy_asyncgen_new(size_t frame_size, asy_gen_body body, const char *name)
{
    if (frame_size < sizeof(asy_asyncgen))
        frame_size = sizeof(asy_asyncgen);
    asy_asyncgen *ag = (asy_asyncgen *)asy_gen_new(frame_size, body, name);
    ag->gen.ob.type = &asy_asyncgen_type;
    asy_ilist_init(&ag->link);
    return ag;
}

bool asy_isasyncgen(const void *obj) { return obj != NULL && ((const asy_obj *)obj)->type == &asy_asyncgen_type; }

asy_asyncgen *asy_value_asyncgen(asy_value v)
{
    return v.kind == ASY_OBJ && asy_isasyncgen(v.u.o) ? (asy_asyncgen *)v.u.o : NULL;
}

void asy__agen_mark(asy_gen *g) { ((asy_asyncgen *)g)->yielded_value = true; }

bool asy__async_for_stop(asy_gen *co)
{
    if (co->pending == NULL || !asy_exc_is(co->pending, &asy_StopAsyncIteration))
        return false;
    asy_decref(asy__catch(co)); /* the loop's normal end: handled */
    return true;
}

/* ---- the hooks: registering on the running loop ---- */

/* CPython calls sys.get_asyncgen_hooks().firstiter the first time any
 * operation is called; asyncio's loop installs a hook that adds the
 * generator to loop._asyncgens, and a finalizer that holds the loop. */
static void init_hooks(asy_asyncgen *ag)
{
    if (ag->hooks_inited)
        return;
    ag->hooks_inited = true;
    asy_loop *loop = asy_get_running_loop(NULL);
    if (loop == NULL)
        return; /* iterated by hand: no finalizer, closed like a generator */
    ag->loop = asy_incref(loop);
    asy_ilist_push_back(asy__loop_asyncgens(loop), &ag->link);
    asy__loop_set_asyncgen_shutdown(loop, asy_loop_shutdown_asyncgens);
}

size_t asy_loop_asyncgen_count(asy_loop *loop)
{
    return loop != NULL ? asy_ilist_length(asy__loop_asyncgens(loop)) : 0;
}

/* ---- the operations ---- */

enum { OP_ASEND, OP_ATHROW, OP_ACLOSE };
static const char *const op_names[] = {"anext", "athrow", "aclose"};

typedef struct {
    asy_coro co;
    asy_asyncgen *ag; /* owned */
    int kind;         /* OP_* */
    asy_value sent;   /* what goes into the next step (owned) ... */
    asy_exc *thrown;  /* ... or this, thrown in (owned) */
    asy_result r;     /* the outcome of the last step of the generator */
} op_frame;

/* One step of the generator's frame with what the operation holds. */
static void step_generator(op_frame *f)
{
    asy_asyncgen *ag = f->ag;
    ag->yielded_value = false;
    asy_result_clear(&f->r);
    if (f->thrown != NULL) {
        asy_exc *e = f->thrown;
        f->thrown = NULL;
        f->r = asy_gen_throw(&ag->gen, e);
        asy_decref(e);
    } else {
        asy_value v = f->sent;
        f->sent = asy_none();
        f->r = asy_gen_send(&ag->gen, v);
        asy_value_decref(v);
    }
}

/* Hand the yielded future (or bare yield) to whoever awaits us. */
static asy_value take_yielded(op_frame *f)
{
    asy_value v = f->r.value;
    f->r.value = asy_none();
    return v;
}

/* What the awaiting task sent or threw in comes back down to the frame. */
static void take_input(op_frame *f, asy_coro *co)
{
    if (ASY_EXC(co) != NULL)
        f->thrown = ASY_CATCH(co);
    else
        f->sent = asy_value_incref(ASY_SENT(co));
}

static asy_status op_body(asy_coro *co)
{
    op_frame *f = (op_frame *)co;
    asy_asyncgen *ag = f->ag;
    ASY_BEGIN(co);
    if (ag == NULL)
        ASY_RAISE(co, asy_exc_new(&asy_TypeError, "'NoneType' object is not an async iterator"));
    if (ag->running_async)
        ASY_RAISE(co, asy_exc_new(&asy_RuntimeError, "%s(): asynchronous generator is already running",
                                  op_names[f->kind]));
    if (ag->closed) { /* finished, or being closed */
        if (f->kind == OP_ASEND)
            ASY_RAISE(co, asy_exc_new(&asy_StopAsyncIteration, NULL));
        ASY_RETURN(co, asy_none());
    }
    if (f->kind == OP_ASEND && asy_gen_getstate(&ag->gen) == ASY_GEN_CREATED && !asy_is_none(f->sent))
        ASY_RAISE(co, asy_exc_new(&asy_TypeError, "can't send non-None value to a just-started async generator"));
    if (f->kind == OP_ACLOSE) {
        ag->closed = true; /* from now on, anext stops at once */
        f->thrown = asy_exc_new(&asy_GeneratorExit, NULL);
    }
    ag->running_async = true;
    for (;;) {
        step_generator(f);
        if (f->r.status != ASY_YIELDED || ag->yielded_value)
            break; /* the body reached a value yield, returned or raised */
        /* The body awaits: its future goes up to the task, and what the
         * task sends or throws back goes down to the body. */
        ASY_YIELD_TRY(co, take_yielded(f));
        if (ASY_EXC(co) != NULL && asy_exc_is(ASY_EXC(co), &asy_GeneratorExit)) {
            /* This operation is being closed (its awaiter was dropped):
             * as in CPython, that ends the operation, not the generator. */
            ag->running_async = false;
            ASY_RERAISE(co);
        }
        take_input(f, co);
    }
    ag->running_async = false;

    if (f->r.status == ASY_YIELDED) { /* a value for the `async for` */
        if (f->kind == OP_ACLOSE)
            ASY_RAISE(co, asy_exc_new(&asy_RuntimeError, "async generator ignored GeneratorExit"));
        ASY_RETURN(co, take_yielded(f));
    }
    ag->closed = true;
    if (f->r.status == ASY_RETURNED) { /* fell off the end */
        if (f->kind == OP_ACLOSE)
            ASY_RETURN(co, asy_none());
        ASY_RAISE(co, asy_exc_new(&asy_StopAsyncIteration, NULL));
    }
    {
        asy_exc *e = f->r.exc;
        f->r.exc = NULL;
        if (asy_exc_is(e, &asy_StopAsyncIteration)) { /* would end `async for` silently */
            asy_exc *rt = asy_exc_new(&asy_RuntimeError, "async generator raised StopAsyncIteration");
            asy_exc_set_cause(rt, e);
            asy_decref(e);
            e = rt;
        }
        if (f->kind == OP_ACLOSE && asy_exc_is(e, &asy_GeneratorExit)) {
            asy_decref(e); /* the cleanup ran and let GeneratorExit out: closed */
            ASY_RETURN(co, asy_none());
        }
        ASY_RAISE(co, e);
    }
    ASY_END(co);
}

static void op_clear(asy_gen *g)
{
    op_frame *f = (op_frame *)g;
    asy_value_clear(&f->sent);
    asy_decref(f->thrown);
    f->thrown = NULL;
    asy_result_clear(&f->r);
    asy_asyncgen *ag = f->ag;
    f->ag = NULL;
    asy_decref(ag);
}

static asy_coro *op_new(asy_asyncgen *ag, int kind, const char *name)
{
    op_frame *f = ASY_CORO_NEW(op_frame, op_body, name);
    asy_gen_set_clear(&f->co, op_clear);
    f->kind = kind;
    f->sent = asy_none();
    f->r.value = asy_none();
    f->r.status = ASY_RETURNED;
    if (ag != NULL && asy_isasyncgen(ag)) {
        f->ag = asy_incref(ag);
        init_hooks(ag);
    }
    return &f->co;
}

static asy_coro *agen_anext(asy_obj *self) { return op_new((asy_asyncgen *)self, OP_ASEND, "anext"); }

/* A coroutine that raises e (stolen) when awaited: how a function that
 * returns an awaitable reports bad arguments. */
static asy_status raise_body(asy_coro *co)
{
    op_frame *f = (op_frame *)co;
    ASY_BEGIN(co);
    {
        asy_exc *e = f->thrown;
        f->thrown = NULL;
        ASY_RAISE(co, e);
    }
    ASY_END(co);
}

asy_coro *asy_anext(void *aiter)
{
    asy_obj *it = aiter;
    if (it != NULL && it->type->anext != NULL)
        return it->type->anext(it);
    op_frame *f = ASY_CORO_NEW(op_frame, raise_body, "anext");
    asy_gen_set_clear(&f->co, op_clear);
    f->thrown = asy_exc_new(&asy_TypeError, "'%s' object is not an async iterator",
                            it != NULL ? it->type->name : "NoneType");
    return &f->co;
}

asy_coro *asy_asend(asy_asyncgen *ag, asy_value v)
{
    asy_coro *co = op_new(ag, OP_ASEND, "asend");
    ((op_frame *)co)->sent = asy_value_incref(v);
    return co;
}

asy_coro *asy_athrow(asy_asyncgen *ag, asy_exc *e)
{
    asy_coro *co = op_new(ag, OP_ATHROW, "athrow");
    ((op_frame *)co)->thrown = e != NULL ? asy_incref(e)
                                         : asy_exc_new(&asy_TypeError, "exceptions must derive from BaseException");
    return co;
}

asy_coro *asy_aclose(asy_asyncgen *ag) { return op_new(ag, OP_ACLOSE, "aclose"); }

/* ---- the object ---- */

static int agen_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_asyncgen *ag = (asy_asyncgen *)self;
    return snprintf(buf, size, "<async_generator object %s at %p>", ag->gen.name, (void *)ag);
}

/* call_soon callback of the finalizer: loop.create_task(agen.aclose()). */
static asy_exc *finalize_later(asy_value arg)
{
    asy_asyncgen *ag = asy_value_asyncgen(arg);
    asy_exc *err = NULL;
    asy_decref(asy_loop_create_task(ag->loop, asy_aclose(ag), NULL, &err));
    return err; /* reported by the loop, as a failing callback */
}

/* The last reference is gone. A generator suspended at a yield still has
 * cleanup to run:
 *   - first iterated under a loop that is still open: CPython's finalizer
 *     hook, loop._asyncgen_finalizer_hook: it leaves the registry and its
 *     aclose() becomes a task at the loop's next turn. The callback's
 *     argument keeps the generator alive until then;
 *   - under a loop that is closed: the finalizer can do nothing, and the
 *     cleanup never runs (the leak asyncio.run's shutdown_asyncgens avoids);
 *   - never under a loop, or already aclosed (its cleanup yielded): closed
 *     here and now, like a plain generator. */
static void agen_dealloc(asy_obj *self)
{
    asy_asyncgen *ag = (asy_asyncgen *)self;
    asy_ilist_remove(&ag->link); /* self._asyncgens.discard(agen) */
    if (asy_gen_getstate(&ag->gen) == ASY_GEN_SUSPENDED) {
        if (ag->loop != NULL && !ag->closed && !asy_loop_is_closed(ag->loop)) {
            self->refcnt = 1; /* alive again: the callback's reference (the
                                 loop is open, so call_soon takes it) */
            asy_decref(asy_loop_call_soon(ag->loop, finalize_later, asy_obj_value(ag), NULL));
            return;
        }
        if (ag->loop == NULL || ag->closed) {
            self->refcnt = 1;
            ag->yielded_value = false;
            asy_exc *exit = asy_exc_new(&asy_GeneratorExit, NULL);
            asy_result r = asy_gen_throw(&ag->gen, exit);
            asy_decref(exit);
            asy_exc *err = NULL;
            if (r.status == ASY_YIELDED)
                err = asy_exc_new(&asy_RuntimeError, "async generator ignored GeneratorExit");
            else if (r.status == ASY_RAISED && !asy_exc_is(r.exc, &asy_GeneratorExit))
                err = asy_incref(r.exc);
            asy_result_clear(&r);
            if (err != NULL) {
                fprintf(stderr, "Exception ignored in: %s\n", ASY_REPR(asy_obj_value(ag)));
                asy_exc_print(err, stderr);
                asy_decref(err);
            }
            if (--self->refcnt > 0)
                return;
        }
        ag->gen.state = ASY_GEN_CLOSED; /* what is left is not run again */
    }
    asy_loop *loop = ag->loop;
    ag->loop = NULL;
    asy__gen_dealloc(self); /* the frame's fields, then the memory */
    asy_decref(loop);
}

/* ---- loop.shutdown_asyncgens() ---- */

typedef struct {
    asy_coro co;
    asy_loop *loop;       /* owned */
    size_t n;
    asy_asyncgen **agens; /* owned references, n of them */
    asy_future *gathered; /* owned */
} shutdown_frame;

static asy_status shutdown_body(asy_coro *co)
{
    shutdown_frame *f = (shutdown_frame *)co;
    ASY_BEGIN(co);
    if (f->loop == NULL)
        ASY_RAISE(co, asy_exc_new(&asy_TypeError, "shutdown_asyncgens: a loop was expected, got NULL"));
    {
        /* closing_agens = list(self._asyncgens); self._asyncgens.clear() */
        asy_ilist *reg = asy__loop_asyncgens(f->loop);
        f->n = asy_ilist_length(reg);
        if (f->n == 0)
            ASY_RETURN(co, asy_none());
        f->agens = calloc(f->n, sizeof *f->agens);
        void **aws = calloc(f->n, sizeof *aws);
        if (f->agens == NULL || aws == NULL)
            asy_out_of_memory("shutdown_asyncgens' list");
        for (size_t i = 0; i < f->n; i++) {
            asy_asyncgen *ag = ASY_CONTAINER_OF(asy_ilist_pop_front(reg), asy_asyncgen, link);
            f->agens[i] = asy_incref(ag);
            aws[i] = asy_aclose(ag);
        }
        f->gathered = asy_gather(true, f->n, aws);
        free(aws);
    }
    ASY_AWAIT(co, asy_incref(f->gathered));
    {
        asy_list *results = asy_value_list(ASY_SENT(co));
        for (size_t i = 0; results != NULL && i < asy_list_len(results); i++) {
            asy_exc *e = asy_value_exc(asy_list_get(results, i));
            if (e == NULL || !asy_exc_is(e, &asy_Exception))
                continue;
            char msg[ASY_FMT_MAX];
            snprintf(msg, sizeof msg, "an error occurred during closing of asynchronous generator %s",
                     ASY_REPR(asy_obj_value(f->agens[i])));
            asy_error_context ctx = {msg, e, asy_obj_value(f->agens[i])};
            asy_loop_call_exception_handler(f->loop, &ctx);
        }
    }
    ASY_END(co);
}

static void shutdown_clear(asy_gen *g)
{
    shutdown_frame *f = (shutdown_frame *)g;
    for (size_t i = 0; i < f->n && f->agens != NULL; i++)
        asy_decref(f->agens[i]);
    free(f->agens);
    f->agens = NULL;
    asy_decref(f->gathered);
    f->gathered = NULL;
    asy_loop *loop = f->loop;
    f->loop = NULL;
    asy_decref(loop);
}

asy_coro *asy_loop_shutdown_asyncgens(asy_loop *loop)
{
    shutdown_frame *f = ASY_CORO_NEW(shutdown_frame, shutdown_body, "shutdown_asyncgens");
    asy_gen_set_clear(&f->co, shutdown_clear);
    f->loop = asy_incref(loop);
    return &f->co;
}
