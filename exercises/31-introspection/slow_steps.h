/*
 * slow_steps.h - exercise 31/slow_steps: a trace sink that counts what the
 * loop does and finds the slowest task step (lib/loop.h, "tracing a run").
 *
 * Debug mode reports every step over a threshold; a trace can answer the
 * question afterwards for a whole run: how many tasks, steps and waits,
 * and which step kept the loop longest. A step is the span between a
 * STEP event and the STEP_END event of the same task (steps do not nest
 * here: each one ends before the next begins).
 */
#ifndef EX31_SLOW_STEPS_H
#define EX31_SLOW_STEPS_H

#include <stddef.h>

#include "loop.h"

typedef struct step_stats {
    size_t tasks_created; /* TASK_NEW events */
    size_t steps;         /* STEP events */
    size_t waits;         /* WAIT events */
    size_t tasks_done;    /* TASK_DONE events */
    size_t timers;        /* TIMER events */
    double longest;       /* the longest step, in seconds of loop time (0 if none) */
    char longest_task[32];/* the name of the task that took it ("" if none); on a
                             tie, the first one */
    double began;         /* yours: when the step in progress began */
} step_stats;

/* An asy_trace_fn: arg is a step_stats (zeroed by the caller before the
 * run). Updates the counts for each event, and at each STEP_END measures
 * the step that ends. */
void slow_steps_sink(asy_loop *loop, const asy_trace_event *ev, void *arg);

#endif /* EX31_SLOW_STEPS_H */
