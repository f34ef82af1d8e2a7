/*
 * my_shield.c - exercise 17/my_shield: protect a task from its caller's
 * cancellation.
 *
 * As it stands, my_shield hands back the task itself: awaiting it is a
 * plain await, and cancelling the caller cancels the task too. Read
 * my_shield.h, then:
 *
 *   TODO: the contract (my_shield.h, and chapter 17's section 4): a
 *           done task comes back as it is; otherwise the caller gets a NEW
 *           future that follows the task: the task's result, exception or
 *           cancellation is copied to it when the task finishes. Cancelling
 *           that outer future (what happens when the caller is cancelled)
 *           must not touch the task; and if the outer is cancelled first,
 *           the task's later error is still marked retrieved, so no "never
 *           retrieved" report appears. `make hint`: the steps.
 *
 * make exercises CH=17 runs the tests.
 */
#include "my_shield.h"

asy_future *my_shield(asy_task *inner)
{
    return asy_incref(&inner->fut); /* TODO: no protection at all */
}
