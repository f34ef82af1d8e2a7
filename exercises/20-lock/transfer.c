/*
 * transfer.c - exercise 20/transfer. See transfer.h.
 *
 * Tools (lib/lock.h, lib/task.h):
 *   ASY_AWAIT(co, asy_lock_acquire(lock));          async with lock:  (enter)
 *   ASY_RAISE_IF(co, asy_lock_release(lock));       (exit: on every path)
 *   ASY_AWAIT_TRY(co, asy_sleep(delay, asy_none())); an await whose
 *                       exception stays in ASY_EXC(co) for you to look at
 *   asy_exc_is(ASY_EXC(co), &asy_CancelledError)    "except CancelledError"
 *   goto label;         skip the rest of a body to its release
 * An exception left pending (not ASY_CATCHed) propagates at the next
 * await, return or ASY_END: your cleanup runs first, then it goes on.
 * A bare ASY_RAISE leaves the body AT ONCE: release what you hold first.
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
    /* TODO: move the amount from src to dst while holding BOTH accounts'
     * locks (transfer.h), with the slow ledger (a sleep of f->delay) in
     * the middle. It must hold whatever the others do:
     *   - two transfers in opposite directions never deadlock;
     *   - not enough money: ValueError "insufficient funds", nothing moved;
     *   - cancelled at any await: no money created or lost;
     *   - on every path, every lock taken is released (inner first).
     * `make hint`: the steps. */
    (void)f;
    ASY_END(co);
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
