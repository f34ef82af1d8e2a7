/*
 * my_shield.c - exercise 17/my_shield: protect a task from its caller's
 * cancellation.
 *
 * As it stands, my_shield hands back the task itself: awaiting it is a
 * plain await, and cancelling the caller cancels the task too. Read
 * my_shield.h, then:
 *
 *   TODO 1: if the task is done already, return it (a new reference).
 *   TODO 2: otherwise make an outer future on the task's loop
 *           (asy_future_new(inner->fut.loop)) and return it.
 *   TODO 3: add a done callback on the task (asy_future_add_done_callback
 *           on &inner->fut, with asy_future_value(outer) as its argument)
 *           that copies the task's outcome to the outer future: its result
 *           (asy_future_result + asy_future_set_result), its exception
 *           (asy_future_exception + asy_future_set_exception), or its
 *           cancellation (asy_future_cancel(outer, NULL)).
 *   TODO 4: in that callback, if the outer is already cancelled, do not
 *           touch it; just mark the task's exception as retrieved by asking
 *           for it (asy_future_exception), unless the task was cancelled.
 *
 * make exercises CH=17 runs the tests.
 */
#include "my_shield.h"

asy_future *my_shield(asy_task *inner)
{
    return asy_incref(&inner->fut); /* TODO 1-4: no protection at all */
}
