/*
 * taskgroup.c - TaskGroup (chapter 19), after CPython 3.11's taskgroups.py.
 *
 * Three pieces: create_task() adds a child and a done callback on it;
 * on_task_done() is that callback (it records errors and, at the first one,
 * aborts: cancels the children and the parent); exit_body() is __aexit__,
 * which waits for the children and decides what the block raises.
 *
 * The children (Python's _tasks set) are kept in an array in creation
 * order, so that _abort cancels them in a predictable order. Each child's
 * done callback holds a small "member" object that knows the group and
 * the child's slot in that array, so a finished child empties its slot in
 * O(1), whatever the group's size (Python's set.discard; searching the
 * array would cost O(n) per child). (Not an intrusive list: asy_task has
 * no link field to spare, its all_link belongs to the loop.) When the
 * array is full and at least half of it is empty slots, it is compacted
 * instead of grown; each compaction moves at most as many children as
 * have left since the last one.
 */
#include "taskgroup.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

#include <stdint.h>

typedef struct member member;

struct asy_taskgroup {
    asy_obj ob;
    bool entered;
    bool exiting;                 /* exit has started */
    bool aborting;                /* the children are being cancelled */
    bool parent_cancel_requested; /* we cancelled the parent: uncancel at exit */
    asy_loop *loop;               /* owned, from enter on */
    asy_task *parent;             /* owned while entered, until exit ends */
    member **tasks;               /* the children not finished, by creation
                                     (borrowed: their callbacks own them); NULL: left */
    size_t ntasks;                /* children not finished: the non-NULL slots */
    size_t nslots, captasks;      /* slots used, slots allocated */
    asy_exc **errors;             /* the children's errors, in order (owned) */
    size_t nerrors, caperrors;
    asy_exc *base_error;          /* a KeyboardInterrupt seen (owned) */
    asy_future *on_completed;     /* exit waits on it; the last child completes it (owned) */
};

static void tg_dealloc(asy_obj *self)
{
    asy_taskgroup *tg = (asy_taskgroup *)self;
    for (size_t i = 0; i < tg->nerrors; i++)
        asy_decref(tg->errors[i]);
    free(tg->errors);
    free(tg->tasks);
    asy_decref(tg->base_error);
    asy_decref(tg->on_completed);
    asy_decref(tg->parent);
    asy_decref(tg->loop);
    asy_obj_free(tg);
}

/* <TaskGroup tasks=2 errors=1 cancelling>, as taskgroups.py's __repr__. */
static int tg_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_taskgroup *tg = (asy_taskgroup *)self;
    char tasks[32] = "", errors[32] = "";
    if (tg->ntasks > 0)
        snprintf(tasks, sizeof tasks, " tasks=%zu", tg->ntasks);
    if (tg->nerrors > 0)
        snprintf(errors, sizeof errors, " errors=%zu", tg->nerrors);
    const char *state = tg->aborting ? " cancelling" : tg->entered ? " entered" : "";
    return snprintf(buf, size, "<TaskGroup%s%s%s>", tasks, errors, state);
}

static const asy_type taskgroup_type = {.name = "TaskGroup", .dealloc = tg_dealloc, .format = tg_format};

#define TG_REPR(tg) ASY_REPR(asy_obj_value(tg)) /* borrows: asy_obj_value does not incref */

asy_taskgroup *asy_taskgroup_new(void) { return asy_obj_new(&taskgroup_type, sizeof(asy_taskgroup)); }

size_t asy_taskgroup_size(const asy_taskgroup *tg) { return tg != NULL ? tg->ntasks : 0; }

asy_exc *asy_taskgroup_enter(asy_taskgroup *tg)
{
    if (tg == NULL)
        return asy__null_error("a TaskGroup");
    if (tg->entered)
        return asy_exc_new(&asy_RuntimeError, "TaskGroup %s has already been entered", TG_REPR(tg));
    asy_exc *err = NULL;
    asy_loop *loop = asy_get_running_loop(&err);
    if (loop == NULL)
        return err;
    asy_task *parent = asy_current_task(loop, NULL); /* loop is not NULL: cannot fail */
    if (parent == NULL)
        return asy_exc_new(&asy_RuntimeError, "TaskGroup %s cannot determine the parent task", TG_REPR(tg));
    tg->loop = asy_incref(loop);
    tg->parent = asy_incref(parent);
    tg->entered = true;
    return NULL;
}

/* ---- the children ---- */

static void *grow(void *array, size_t *cap, size_t elem)
{
    size_t n = *cap ? *cap * 2 : 4;
    void *p = realloc(array, n * elem);
    if (p == NULL)
        asy_out_of_memory("a TaskGroup's array");
    *cap = n;
    return p;
}

static void add_error(asy_taskgroup *tg, asy_exc *e) /* steals e */
{
    if (tg->nerrors == tg->caperrors)
        tg->errors = grow(tg->errors, &tg->caperrors, sizeof *tg->errors);
    tg->errors[tg->nerrors++] = e;
}

/* A child's membership: the argument of its done callback, which owns it. */
struct member {
    asy_obj ob;
    asy_taskgroup *tg; /* owned: the callback keeps the group alive, as in Python */
    asy_task *task;    /* borrowed: alive while its callback is registered or scheduled */
    size_t slot;       /* tg->tasks[slot] is this member; SIZE_MAX once it left */
};

static void member_dealloc(asy_obj *self)
{
    member *m = (member *)self;
    /* The callback went without running (its task was dropped with a
     * closed loop): leave no dangling pointer in the array. */
    if (m->slot != SIZE_MAX)
        m->tg->tasks[m->slot] = NULL;
    asy_decref(m->tg);
    asy_obj_free(m);
}

static const asy_type member_type = {.name = "TaskGroup member", .dealloc = member_dealloc};

/* self._tasks.add(t): a new reference to its member, for the callback. */
static member *add_task(asy_taskgroup *tg, asy_task *t)
{
    if (tg->nslots == tg->captasks) {
        if (tg->ntasks <= tg->nslots / 2 && tg->ntasks < tg->nslots) {
            /* Half the slots are empty: close the gaps, keeping the order. */
            size_t k = 0;
            for (size_t i = 0; i < tg->nslots; i++) {
                if (tg->tasks[i] == NULL)
                    continue;
                tg->tasks[k] = tg->tasks[i];
                tg->tasks[k]->slot = k;
                k++;
            }
            tg->nslots = k;
        } else {
            tg->tasks = grow(tg->tasks, &tg->captasks, sizeof *tg->tasks);
        }
    }
    member *m = asy_obj_new(&member_type, sizeof(member));
    m->tg = asy_incref(tg);
    m->task = t;
    m->slot = tg->nslots;
    tg->tasks[tg->nslots++] = m;
    tg->ntasks++;
    return m;
}

/* self._tasks.discard(t): its slot is emptied, the others stay put. */
static void remove_task(asy_taskgroup *tg, member *m)
{
    if (m->slot == SIZE_MAX)
        return;
    tg->tasks[m->slot] = NULL;
    m->slot = SIZE_MAX;
    if (--tg->ntasks == 0)
        tg->nslots = 0; /* every slot is empty: start again at the front */
}

/* Python treats KeyboardInterrupt and SystemExit as "base errors": they
 * end the group on their own, never inside an ExceptionGroup. */
static bool is_base_error(const asy_exc *e) { return asy_exc_is(e, &asy_KeyboardInterrupt); }

/* _abort(): cancel every child that is still running. */
static void tg_abort(asy_taskgroup *tg)
{
    tg->aborting = true;
    for (size_t i = 0; i < tg->nslots; i++)
        if (tg->tasks[i] != NULL && !asy_future_done(&tg->tasks[i]->task->fut))
            asy_task_cancel(tg->tasks[i]->task, NULL);
}

/* _on_task_done: the done callback on every child. */
static asy_exc *on_task_done(asy_future *fut, asy_value arg)
{
    member *m = (member *)arg.u.o;
    asy_taskgroup *tg = m->tg;
    asy_task *t = (asy_task *)fut;
    remove_task(tg, m);
    if (tg->on_completed != NULL && tg->ntasks == 0 && !asy_future_done(tg->on_completed))
        asy_decref(asy_future_set_result(tg->on_completed, asy_bool(true)));

    if (asy_future_cancelled(fut))
        return NULL; /* a cancellation is not an error */
    asy_exc *exc = NULL;
    asy_decref(asy_future_exception(fut, &exc)); /* retrieved: no "never retrieved" report */
    if (exc == NULL)
        return NULL;
    add_error(tg, exc);
    if (is_base_error(exc) && tg->base_error == NULL)
        tg->base_error = asy_incref(exc);

    if (tg->parent == NULL || asy_future_done(&tg->parent->fut)) {
        char msg[2 * ASY_FMT_MAX];
        snprintf(msg, sizeof msg, "Task %s has errored out but its parent task %s is already completed",
                 ASY_REPR(asy_obj_value(t)),
                 tg->parent != NULL ? ASY_REPR(asy_obj_value(tg->parent)) : "None");
        asy_error_context ctx = {msg, exc, asy_obj_value(t)};
        asy_loop_call_exception_handler(tg->loop, &ctx);
        return NULL;
    }
    if (!tg->aborting && !tg->parent_cancel_requested) {
        /* The first failure: stop the other children, and interrupt the
         * body (whatever the parent awaits right now). exit will take the
         * parent's cancel back with uncancel(). */
        tg_abort(tg);
        tg->parent_cancel_requested = true;
        asy_task_cancel(tg->parent, NULL);
    }
    return NULL;
}

static asy_exc *refuse(asy_coro *coro, asy_exc *err, asy_exc **error)
{
    asy_decref(asy_gen_close(coro)); /* never started: no "never awaited" warning */
    asy_decref(coro);
    if (error != NULL)
        *error = err;
    else
        asy_decref(err);
    return NULL;
}

asy_task *asy_taskgroup_create_task(asy_taskgroup *tg, asy_coro *coro, const char *name, asy_exc **error)
{
    if (error != NULL)
        *error = NULL;
    if (tg == NULL)
        return (asy_task *)refuse(coro, asy__null_error("a TaskGroup"), error);
    if (!tg->entered)
        return (asy_task *)refuse(coro, asy_exc_new(&asy_RuntimeError, "TaskGroup %s has not been entered", TG_REPR(tg)), error);
    if (tg->exiting && tg->ntasks == 0)
        return (asy_task *)refuse(coro, asy_exc_new(&asy_RuntimeError, "TaskGroup %s is finished", TG_REPR(tg)), error);
    if (tg->aborting)
        return (asy_task *)refuse(coro, asy_exc_new(&asy_RuntimeError, "TaskGroup %s is shutting down", TG_REPR(tg)), error);
    asy_task *t = asy_loop_create_task(tg->loop, coro, name, error);
    if (t == NULL)
        return NULL;
    asy_decref(asy_future_add_done_callback(&t->fut, on_task_done, asy_obj_value(add_task(tg, t))));
    return t;
}

/* ---- __aexit__ ---- */

typedef struct {
    asy_coro co;
    asy_taskgroup *tg;     /* owned */
    asy_exc *exc;          /* what the body raised, or NULL (owned) */
    asy_exc *propagate;    /* a CancelledError to let out at the end (owned) */
} exit_frame;

/* Raise the errors as one group, and forget them (Python sets _errors to
 * None: exceptions hold heavy references). */
static asy_exc *errors_as_group(asy_taskgroup *tg)
{
    asy_exc *eg = asy_exc_group_new("unhandled errors in a TaskGroup", tg->errors, tg->nerrors);
    for (size_t i = 0; i < tg->nerrors; i++)
        asy_decref(tg->errors[i]);
    tg->nerrors = 0;
    return eg;
}

/* The end of exit: the group is finished; let the parent go. */
static void release_parent(asy_taskgroup *tg)
{
    asy_task *parent = tg->parent;
    tg->parent = NULL;
    asy_decref(parent);
}

static asy_status exit_body(asy_coro *co)
{
    exit_frame *f = (exit_frame *)co;
    asy_taskgroup *tg = f->tg; /* above ASY_BEGIN: set again on every resume */
    ASY_BEGIN(co);
    if (!tg->entered)
        ASY_RAISE(co, asy_exc_new(&asy_RuntimeError, "TaskGroup %s has not been entered", TG_REPR(tg)));
    tg->exiting = true;
    if (f->exc != NULL && is_base_error(f->exc) && tg->base_error == NULL)
        tg->base_error = asy_incref(f->exc);
    if (f->exc != NULL && f->exc->type == &asy_CancelledError)
        f->propagate = asy_incref(f->exc);
    if (tg->parent_cancel_requested) {
        /* We cancelled the parent ourselves: take it back. If that was the
         * only request, the CancelledError was ours, not to propagate. */
        if (asy_task_uncancel(tg->parent) == 0) {
            asy_decref(f->propagate);
            f->propagate = NULL;
        }
    }
    if (f->exc != NULL && !tg->aborting)
        tg_abort(tg); /* the body failed or was cancelled: stop the children */

    /* Wait for every child. The future can be cancelled again and again if
     * the parent is cancelled repeatedly, hence the loop. */
    while (tg->ntasks > 0) {
        if (tg->on_completed == NULL)
            tg->on_completed = asy_future_new(tg->loop);
        ASY_AWAIT_TRY(co, asy_incref(tg->on_completed));
        if (ASY_EXC(co) != NULL) {
            if (!asy_exc_is(ASY_EXC(co), &asy_CancelledError))
                ASY_RERAISE(co); /* GeneratorExit: the frame is being closed */
            asy_exc *ex = ASY_CATCH(co);
            if (!tg->aborting) {
                /* Our parent is being cancelled from outside while the
                 * children still run: cancel them, and propagate it. */
                asy_decref(f->propagate);
                f->propagate = ex;
                tg_abort(tg);
            } else {
                asy_decref(ex);
            }
        }
        asy_decref(tg->on_completed);
        tg->on_completed = NULL;
    }

    release_parent(tg);
    if (tg->base_error != NULL)
        ASY_RAISE(co, asy_incref(tg->base_error));
    /* A CancelledError goes on, unless there are errors: they win. */
    if (f->propagate != NULL && tg->nerrors == 0) {
        asy_exc *e = f->propagate;
        f->propagate = NULL;
        ASY_RAISE(co, e);
    }
    if (f->exc != NULL && f->exc->type != &asy_CancelledError) {
        add_error(tg, f->exc); /* the body's own exception counts */
        f->exc = NULL;
    }
    if (tg->nerrors > 0)
        ASY_RAISE(co, errors_as_group(tg));
    ASY_END(co);
}

static void exit_clear(asy_gen *g)
{
    exit_frame *f = (exit_frame *)g;
    asy_decref(f->exc);
    asy_decref(f->propagate);
    asy_decref(f->tg);
    f->exc = f->propagate = NULL;
    f->tg = NULL;
}

asy_coro *asy_taskgroup_exit(asy_taskgroup *tg, asy_exc *exc)
{
    if (tg == NULL) { /* raised while the body's exception was being handled */
        asy_exc *e = asy__null_error("a TaskGroup");
        asy_exc_set_context(e, exc);
        asy_decref(exc);
        return asy__coro_raise("TaskGroup.__aexit__", e);
    }
    exit_frame *f = ASY_CORO_NEW(exit_frame, exit_body, "TaskGroup.__aexit__");
    f->tg = asy_incref(tg);
    f->exc = exc;
    asy_gen_set_clear(&f->co, exit_clear);
    return &f->co;
}
