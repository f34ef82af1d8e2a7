/*
 * transfer.h - exercise 20/transfer: async with, twice, on every path.
 *
 * Two accounts, each with its own lock. A transfer must hold BOTH locks
 * while it moves the money, and the ledger is slow (an await sits between
 * the debit and the credit):
 *
 *     async def transfer(src, dst, amount, delay):
 *         first, second = sorted((src, dst), key=lambda a: a.id)
 *         async with first.lock:
 *             async with second.lock:
 *                 if src.balance < amount:
 *                     raise ValueError("insufficient funds")
 *                 src.balance -= amount
 *                 try:
 *                     await asyncio.sleep(delay)   # the slow ledger
 *                 except asyncio.CancelledError:
 *                     src.balance += amount        # roll back, then go on
 *                     raise
 *                 dst.balance += amount
 *
 * Three rules hide in there:
 *   - both locks are released on EVERY path out: success, the ValueError,
 *     and a cancellation during the sleep (the `async with` idiom of
 *     lib/lock.h, twice, inner released first);
 *   - the locks are taken in a fixed order (lower id first), whatever the
 *     direction of the transfer: a->b and b->a at the same time would
 *     otherwise each hold one lock and wait for the other forever;
 *   - a cancelled transfer puts the money back before it lets the
 *     CancelledError go on: no money is created or lost.
 */
#ifndef EX20_TRANSFER_H
#define EX20_TRANSFER_H

#include "lock.h"
#include "task.h"

typedef struct account {
    int id;             /* the lock order: lower id first */
    long long balance;
    asy_lock *lock;     /* owned by whoever made the account */
} account;

/* A new coroutine moving `amount` from src to dst as above (src != dst).
 * The accounts are borrowed: they must outlive the coroutine. It returns
 * None, or raises ValueError "insufficient funds" (nothing moved) or
 * CancelledError (nothing moved). */
asy_coro *transfer(account *src, account *dst, long long amount, double delay);

#endif /* EX20_TRANSFER_H */
