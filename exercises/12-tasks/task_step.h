/*
 * task_step.h - exercise 12.1: the step of a small task.
 *
 * A mini_task drives one coroutine, the way lib/task.c's asy_task does,
 * without being a future itself: it only records how the coroutine ended.
 * You write mini_task_step(): one send(None) or throw(exc) into the
 * coroutine, then one case per way the step can end:
 *
 *   returned v         -> done, result = v
 *   raised e           -> done, exc = e
 *   yielded a future f -> wait: t->waiting = f, and a done callback on f
 *                         (mini_task_wakeup) runs the next step
 *   yielded None       -> a bare yield: step again at the next turn
 *   yielded other      -> RuntimeError "Task got bad yield: REPR" thrown in
 *                         at the next step
 *
 * mini_task_start, mini_task_schedule, mini_task_wakeup and mini_task_clear
 * are given in task_step.c; only mini_task_step is yours.
 */
#ifndef TASK_STEP_H
#define TASK_STEP_H

#include <stdbool.h>

#include "future.h"
#include "task.h"

typedef struct mini_task {
    asy_coro *coro;        /* owned until the coroutine has finished, then NULL */
    asy_loop *loop;        /* borrowed: the loop outlives the task */
    bool done;
    asy_value result;      /* when done and returned (owned) */
    asy_exc *exc;          /* when done and raised (owned), else NULL */
    asy_future *waiting;   /* the future it waits for (owned), or NULL */
    asy_exc *throw_next;   /* thrown in at the next step (owned), or NULL */
    int steps;             /* how many steps ran */
} mini_task;

/* Given. Set t up to drive coro (stolen) on loop and schedule its first step. */
void mini_task_start(mini_task *t, asy_loop *loop, asy_coro *coro);
/* Given. Run mini_task_step(t) at the next turn of the loop; exc (stolen,
 * may be NULL) goes into t->throw_next, to be thrown in by that step. */
void mini_task_schedule(mini_task *t, asy_exc *exc);
/* Given. The done callback for the future the task waits for: arg is
 * asy_ptr(t). Puts the future's exception (if any) in t->throw_next and
 * runs the step at once, as CPython's task wakeup does. */
asy_exc *mini_task_wakeup(asy_future *fut, asy_value arg);
/* Given. Release everything t holds. */
void mini_task_clear(mini_task *t);

/* YOURS. One step: take t->throw_next (throw it in) or send None; count
 * the step in t->steps; let go of t->waiting (the wait is over); then
 * handle the outcome as the table above says. */
void mini_task_step(mini_task *t);

#endif /* TASK_STEP_H */
