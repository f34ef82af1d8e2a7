/*
 * barrier.h - exercise 21/barrier: a cyclic barrier from one Event.
 *
 * A barrier for N parties: each party calls wait() and is held there
 * until N parties have arrived; then all N go on together, and the
 * barrier is ready for the next round. (asyncio.Barrier, new in 3.11, is
 * built on a Condition; this one needs only an Event.)
 *
 *     async def wait(self):
 *         index = self.count; self.count += 1
 *         if self.count == self.parties:       # the last one trips it
 *             self.count = 0; self.round += 1
 *             self.ev.set(); self.ev.clear()   # wake this round, close the gate
 *             return index                     # (no suspension)
 *         my_round = self.round
 *         try:
 *             await self.ev.wait()
 *         except asyncio.CancelledError:
 *             if self.round == my_round:       # not tripped yet: leave
 *                 self.count -= 1
 *             raise
 *         return index
 *
 * Why set() and then clear() at once works: set() completes the futures of
 * everyone queued NOW; clear() does not take that back (chapter 21), it
 * only makes the NEXT round's wait() calls block.
 *
 * Why the round number: a party can be cancelled after the barrier
 * tripped but before its task ran again. Its arrival was already used up;
 * taking it back would corrupt the next round's count.
 */
#ifndef EX21_BARRIER_H
#define EX21_BARRIER_H

#include "event.h"
#include "task.h"

typedef struct barrier {
    int parties;            /* N */
    int count;              /* arrived in this round */
    unsigned long round;    /* rounds completed so far */
    asy_event *ev;          /* owned */
} barrier;

/* A barrier for `parties` (>= 1) parties, round 0, nobody arrived. */
void barrier_init(barrier *b, int parties);
/* Release the event. */
void barrier_free(barrier *b);

/* await b.wait(): a new coroutine returning its arrival index in this
 * round (0 .. parties-1) as an int value. `b` is borrowed. */
asy_coro *barrier_wait(barrier *b);

#endif /* EX21_BARRIER_H */
