/*
 * timeout.c - asyncio.timeout / timeout_at (chapter 16; CPython timeouts.py).
 *
 * The Timeout object is timeouts.py's state machine
 *     CREATED --enter--> ENTERED --timer fires--> EXPIRING --exit--> EXPIRED
 *                           \------------------exit------------------> EXITED
 * Read asy_timeout_enter, then on_timeout (the timer), then asy_timeout_exit.
 */
#include "timeout.h"

#include "internal.h"

#include <math.h>
#include <stdio.h>

#include "task.h"

typedef enum {
    TIMEOUT_CREATED,  /* made, not entered */
    TIMEOUT_ENTERED,  /* "active": the timer is armed */
    TIMEOUT_EXPIRING, /* the timer fired: the task was cancelled */
    TIMEOUT_EXPIRED,  /* exited after expiring */
    TIMEOUT_EXITED,   /* "finished": exited before the deadline */
} timeout_state;

static const char *const state_names[] = {"created", "active", "expiring", "expired", "finished"};

struct asy_timeout {
    asy_obj ob;
    timeout_state state;
    double when;         /* the deadline in loop time, or ASY_NO_TIMEOUT */
    asy_handle *handler; /* the armed timer (owned), or NULL */
    asy_task *task;      /* the task it cancels, while entered (owned) */
    int cancelling;      /* task.cancelling() when entered */
    asy_exc *error;      /* made outside a loop: what enter reports (owned) */
};

static void timeout_dealloc(asy_obj *self)
{
    asy_timeout *cm = (asy_timeout *)self;
    asy_decref(cm->handler); /* its timer holds a reference to us: it has run or was dropped */
    asy_decref(cm->task);
    asy_decref(cm->error);
    asy_obj_free(cm);
}

/* <Timeout [active] when=1.0>, as timeouts.py's __repr__. */
static int timeout_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_timeout *cm = (asy_timeout *)self;
    if (cm->state != TIMEOUT_ENTERED)
        return snprintf(buf, size, "<Timeout [%s]>", state_names[cm->state]);
    if (asy_is_no_timeout(cm->when))
        return snprintf(buf, size, "<Timeout [active] when=None>");
    return snprintf(buf, size, "<Timeout [active] when=%s>",
                    ASY_STR(asy_float(round(cm->when * 1000) / 1000)));
}

static const asy_type timeout_type = {.name = "Timeout", .dealloc = timeout_dealloc, .format = timeout_format};

asy_timeout *asy_timeout_at(double when)
{
    asy_timeout *cm = asy_obj_new(&timeout_type, sizeof(asy_timeout));
    cm->state = TIMEOUT_CREATED;
    cm->when = asy_is_no_timeout(when) ? ASY_NO_TIMEOUT : when;
    return cm;
}

asy_timeout *asy_timeout_new(double delay)
{
    if (asy_is_no_timeout(delay))
        return asy_timeout_at(ASY_NO_TIMEOUT);
    asy_exc *err = NULL;
    asy_loop *loop = asy_get_running_loop(&err);
    asy_timeout *cm = asy_timeout_at(loop != NULL ? asy_loop_time(loop) + delay : ASY_NO_TIMEOUT);
    cm->error = err;
    return cm;
}

double asy_timeout_when(const asy_timeout *cm) { return cm != NULL ? cm->when : ASY_NO_TIMEOUT; }

bool asy_timeout_expired(const asy_timeout *cm)
{
    return cm != NULL && (cm->state == TIMEOUT_EXPIRING || cm->state == TIMEOUT_EXPIRED);
}

/* The timer: cancel the task the scope guards. Its CancelledError arrives
 * at whatever await the body is in; exit will recognise it. */
static asy_exc *on_timeout(asy_value arg)
{
    asy_timeout *cm = (asy_timeout *)arg.u.o;
    if (cm->state != TIMEOUT_ENTERED)
        return NULL; /* cannot happen: exit cancels the timer */
    asy_task_cancel(cm->task, NULL);
    cm->state = TIMEOUT_EXPIRING;
    asy_decref(cm->handler); /* the loop drops its own reference after we return */
    cm->handler = NULL;
    return NULL;
}

static void disarm(asy_timeout *cm)
{
    if (cm->handler != NULL) {
        asy_handle_cancel(cm->handler);
        asy_decref(cm->handler);
        cm->handler = NULL;
    }
}

asy_exc *asy_timeout_reschedule(asy_timeout *cm, double when)
{
    if (cm == NULL)
        return asy__null_error("a Timeout");
    if (cm->state != TIMEOUT_ENTERED) {
        if (cm->state == TIMEOUT_CREATED)
            return asy_exc_new(&asy_RuntimeError, "Timeout has not been entered");
        return asy_exc_new(&asy_RuntimeError, "Cannot change state of %s Timeout", state_names[cm->state]);
    }
    cm->when = asy_is_no_timeout(when) ? ASY_NO_TIMEOUT : when;
    disarm(cm);
    if (asy_is_no_timeout(when))
        return NULL;
    asy_loop *loop = cm->task->fut.loop;
    asy_value self = asy_obj_value(asy_incref(cm)); /* the timer holds the scope */
    if (when <= asy_loop_time(loop))
        cm->handler = asy_loop_call_soon(loop, on_timeout, self, NULL);
    else
        cm->handler = asy_loop_call_at(loop, when, on_timeout, self, NULL);
    return NULL;
}

asy_exc *asy_timeout_enter(asy_timeout *cm)
{
    if (cm == NULL)
        return asy__null_error("a Timeout");
    if (cm->state != TIMEOUT_CREATED)
        return asy_exc_new(&asy_RuntimeError, "Timeout has already been entered");
    if (cm->error != NULL)
        return asy_incref(cm->error);
    asy_exc *err;
    asy_task *task = asy_current_task(NULL, &err);
    if (err != NULL) /* no running loop */
        return err;
    if (task == NULL)
        return asy_exc_new(&asy_RuntimeError, "Timeout should be used inside a task");
    cm->state = TIMEOUT_ENTERED;
    cm->task = asy_incref(task);
    cm->cancelling = asy_task_cancelling(task);
    return asy_timeout_reschedule(cm, cm->when);
}

asy_exc *asy_timeout_exit(asy_timeout *cm, asy_exc *exc)
{
    if (cm == NULL) { /* raised while exc was being handled */
        asy_exc *e = asy__null_error("a Timeout");
        asy_exc_set_context(e, exc);
        asy_decref(exc);
        return e;
    }
    if (cm->state != TIMEOUT_ENTERED && cm->state != TIMEOUT_EXPIRING)
        return exc; /* not entered (enter failed): nothing to undo */
    disarm(cm);
    if (cm->state == TIMEOUT_EXPIRING) {
        cm->state = TIMEOUT_EXPIRED;
        /* Our cancel() raised the count by one; take it back. If no other
         * request is left on top of the ones we found at enter, the
         * CancelledError is ours: it becomes TimeoutError. */
        if (asy_task_uncancel(cm->task) <= cm->cancelling && exc != NULL && exc->type == &asy_CancelledError) {
            asy_exc *timeout = asy_exc_new(&asy_TimeoutError, NULL);
            asy_exc_set_cause(timeout, exc);
            asy_exc_set_context(timeout, exc);
            asy_decref(exc);
            exc = timeout;
        }
    } else {
        cm->state = TIMEOUT_EXITED;
    }
    asy_task *task = cm->task; /* let the task go: it holds us through its frame */
    cm->task = NULL;
    asy_decref(task);
    return exc;
}
