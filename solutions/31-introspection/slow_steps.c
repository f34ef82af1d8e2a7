/*
 * slow_steps.c - exercise 31/slow_steps, the reference solution.
 */
#include "slow_steps.h"

#include <stdio.h>

void slow_steps_sink(asy_loop *loop, const asy_trace_event *ev, void *arg)
{
    (void)loop;
    step_stats *s = arg;
    switch (ev->kind) {
    case ASY_TRACE_TASK_NEW:
        s->tasks_created++;
        break;
    case ASY_TRACE_STEP:
        s->steps++;
        s->began = ev->time;
        break;
    case ASY_TRACE_STEP_END: {
        double took = ev->time - s->began;
        if (s->longest_task[0] == '\0' || took > s->longest) { /* a tie keeps the first */
            s->longest = took;
            snprintf(s->longest_task, sizeof s->longest_task, "%s", ev->name);
        }
        break;
    }
    case ASY_TRACE_WAIT:
        s->waits++;
        break;
    case ASY_TRACE_TASK_DONE:
        s->tasks_done++;
        break;
    case ASY_TRACE_TIMER:
        s->timers++;
        break;
    default:
        break;
    }
}
