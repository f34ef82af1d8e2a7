/*
 * shield.c - shield (chapter 17): an outer future that mirrors an inner one
 * but can be cancelled on its own.
 */
#include "shield.h"

/* The two callbacks are CPython's two closures, and each needs the other
 * side: inner_done the outer (to copy the outcome into), outer_done the
 * inner (to take inner_done off it). Owning both ways would be a cycle,
 * outer -> inner -> outer, that nothing frees when neither ever completes
 * (Python's garbage collector would; reference counts cannot). So:
 *
 *   - inner_done's argument is a TICKET, owned only by that registration
 *     on the inner: it lives exactly as long as the registration (until
 *     inner_done has run, or was removed, or the inner was freed). It owns
 *     the outer, so the outcome always has somewhere to go.
 *   - outer_done's argument is a LINK that owns nothing: the inner and the
 *     ticket, borrowed. The ticket's dealloc cuts the link, so a link with
 *     a ticket still points at a live inner that still holds it (the same
 *     trick as gather's and as_completed's links, gather.h).
 *
 * The ticket is also the argument that identifies "this shield's
 * registration" for asy_future_remove_done_callback_arg: a second shield
 * of the same inner has a ticket of its own, which stays. */
typedef struct shield_link {
    asy_obj ob;
    asy_future *inner; /* borrowed; NULL once the ticket is gone */
    asy_obj *ticket;   /* borrowed; NULL once the ticket is gone */
} shield_link;

typedef struct {
    asy_obj ob;
    asy_future *outer; /* owned */
    shield_link *link; /* owned */
} shield_ticket;

static const asy_type link_type = {.name = "shield link"};

static void ticket_dealloc(asy_obj *self)
{
    shield_ticket *t = (shield_ticket *)self;
    t->link->inner = NULL; /* the registration on the inner is gone */
    t->link->ticket = NULL;
    asy_decref(t->link);
    asy_decref(t->outer);
    asy_obj_free(t);
}

static const asy_type ticket_type = {.name = "shield ticket", .dealloc = ticket_dealloc};

/* The inner finished: pass its outcome to the outer, unless the outer was
 * cancelled meanwhile (the caller has gone; nobody wants the result). */
static asy_exc *inner_done(asy_future *inner, asy_value arg)
{
    asy_future *outer = ((shield_ticket *)arg.u.o)->outer;
    if (asy_future_cancelled(outer)) {
        if (!asy_future_cancelled(inner)) {
            /* inner.exception(): mark an error as retrieved, so that it is
             * not reported as "never retrieved" -- the shield saw it. (Only
             * when both finished in the same turn: otherwise outer_done has
             * already taken this callback off the inner.) */
            asy_exc *e = NULL;
            asy_decref(asy_future_exception(inner, &e));
            asy_decref(e);
        }
        return NULL;
    }
    if (asy_future_cancelled(inner)) {
        /* cancelled by other means: the shield is cancelled too */
        asy_future_cancel(outer, NULL);
        return NULL;
    }
    asy_exc *e = NULL;
    asy_decref(asy_future_exception(inner, &e));
    if (e != NULL) {
        asy_decref(asy_future_set_exception(outer, e));
    } else {
        asy_value v;
        asy_decref(asy_future_result(inner, &v));
        asy_decref(asy_future_set_result(outer, v));
    }
    return NULL;
}

/* _outer_done_callback: the outer is done (cancelled, usually: otherwise
 * the inner finished first). If the inner still runs, nobody wants its
 * outcome any more: take this shield's inner_done off it,
 *     inner.remove_done_callback(_inner_done_callback)      (Python)
 *     asy_future_remove_done_callback_arg(inner, inner_done, ticket)  (C)
 * which releases the ticket, and with it the outer. */
static asy_exc *outer_done(asy_future *outer, asy_value arg)
{
    (void)outer;
    shield_link *link = (shield_link *)arg.u.o;
    if (link->ticket != NULL && !asy_future_done(link->inner))
        asy_future_remove_done_callback_arg(link->inner, inner_done, asy_obj_value(link->ticket));
    return NULL;
}

asy_future *asy_shield(void *aw, asy_exc **error)
{
    if (error != NULL)
        *error = NULL;
    asy_future *inner = asy_ensure_future(aw, NULL, error);
    if (inner == NULL)
        return NULL;
    if (asy_future_done(inner))
        return inner; /* shortcut: nothing to protect */
    asy_future *outer = asy_future_new(inner->loop);
    shield_link *link = asy_obj_new(&link_type, sizeof(shield_link));
    shield_ticket *ticket = asy_obj_new(&ticket_type, sizeof(shield_ticket));
    ticket->outer = asy_incref(outer);
    ticket->link = link; /* our reference moves to the ticket */
    link->inner = inner;
    link->ticket = &ticket->ob;
    asy_decref(asy_future_add_done_callback(inner, inner_done, asy_obj_value(ticket))); /* the ticket is its */
    asy_decref(asy_future_add_done_callback(outer, outer_done, asy_obj_value(asy_incref(link))));
    asy_decref(inner); /* the loop keeps a pending task alive; a plain
                          future is kept by whoever will complete it */
    return outer;
}
