/*
 * transfer.c - exercise 20/transfer, the reference solution. See transfer.h.
 */
#include "transfer.h"

typedef struct {
    asy_coro co;
    account *src, *dst;   /* borrowed */
    account *first, *second;
    long long amount;
    double delay;
} transfer_frame;

static asy_status transfer_body(asy_coro *co)
{
    transfer_frame *f = (transfer_frame *)co;
    ASY_BEGIN(co);
    /* One global order for the locks: no two transfers can each hold the
     * lock the other one waits for. */
    f->first = f->src->id < f->dst->id ? f->src : f->dst;
    f->second = f->first == f->src ? f->dst : f->src;

    ASY_AWAIT(co, asy_lock_acquire(f->first->lock));       /* async with first.lock: */
    ASY_AWAIT_TRY(co, asy_lock_acquire(f->second->lock));  /*   async with second.lock: */
    if (ASY_EXC(co) != NULL)
        goto release_first; /* cancelled while waiting for the second: only the first is ours */

    if (f->src->balance < f->amount) {
        asy_decref(asy_lock_release(f->second->lock));
        asy_decref(asy_lock_release(f->first->lock));
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "insufficient funds"));
    }
    f->src->balance -= f->amount;
    ASY_AWAIT_TRY(co, asy_sleep(f->delay, asy_none()));     /* the slow ledger */
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError))
        f->src->balance += f->amount;                       /* roll back; it goes on */
    else if (ASY_EXC(co) == NULL)
        f->dst->balance += f->amount;

    ASY_RAISE_IF(co, asy_lock_release(f->second->lock));   /* inner exit */
release_first:
    ASY_RAISE_IF(co, asy_lock_release(f->first->lock));    /* outer exit */
    ASY_END(co); /* a pending CancelledError propagates here */
}

asy_coro *transfer(account *src, account *dst, long long amount, double delay)
{
    transfer_frame *f = ASY_CORO_NEW(transfer_frame, transfer_body, "transfer");
    f->src = src;
    f->dst = dst;
    f->amount = amount;
    f->delay = delay;
    return &f->co;
}
