/*
 * stack_walk.c - exercise 31/stack_walk, the reference solution: follow
 * the delegates from the task's coroutine, one line per frame.
 */
#include "stack_walk.h"

#include <stdio.h>

size_t stack_walk(const asy_task *t, char *buf, size_t size)
{
    if (size > 0)
        buf[0] = '\0';
    if (t == NULL || asy_future_done(&t->fut))
        return 0;
    size_t count = 0, used = 0;
    const asy_gen *g = t->coro;
    while (g != NULL) {
        if (used < size) {
            int k = snprintf(buf + used, size - used, "%s %s:%d\n", g->name, g->file != NULL ? g->file : "?",
                             g->resume);
            used += k > 0 ? (size_t)k : 0;
        }
        count++;
        const asy_obj *d = g->delegate;
        g = d != NULL && (asy_iscoroutine(d) || asy_isgenerator(d)) ? (const asy_gen *)d : NULL;
    }
    return count;
}
