/*
 * slow_steps.c - exercise 31/slow_steps: count events and find the
 * slowest step, from the trace alone.
 *
 * Read slow_steps.h and the table of events in lib/loop.h, then:
 *
 *   TODO 1: switch on ev->kind and count TASK_NEW, STEP, WAIT, TASK_DONE
 *           and TIMER events.
 *   TODO 2: at STEP remember ev->time; at STEP_END the step lasted
 *           ev->time minus that. Keep the longest, and the task's name
 *           (ev->name), copied: the string is only lent for the call.
 *
 * make exercises CH=31 runs the tests.
 */
#include "slow_steps.h"

void slow_steps_sink(asy_loop *loop, const asy_trace_event *ev, void *arg)
{
    (void)loop;
    (void)ev;
    (void)arg; /* TODO 1-2 */
}
