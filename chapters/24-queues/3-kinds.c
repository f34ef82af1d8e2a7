/*
 * 3-kinds.c - the three kinds of queue, and the nowait errors.
 *
 * Nothing here waits, so no loop is needed: put_nowait / get_nowait are
 * plain functions. Note the PriorityQueue's (priority, value) items: as
 * Python compares tuples, the two items of priority 2 come out in the
 * order of their values, "b" before "c", whatever the order of the puts;
 * values that cannot be compared raise TypeError. 3-kinds.py is the same
 * program in Python.
 */
#include <stdio.h>
#include <string.h>

#include "queue.h"

static void drain(asy_queue *q, char *out, size_t size)
{
    out[0] = '\0';
    while (!asy_queue_empty(q)) {
        asy_value v;
        asy_decref(asy_queue_get_nowait(q, &v));
        size_t n = strlen(out);
        snprintf(out + n, size - n, "%s%s", n ? " " : "", ASY_STR(v));
        asy_value_decref(v);
    }
}

int main(void)
{
    char got[128];
    asy_queue *fifo = asy_queue_new(0), *lifo = asy_lifo_queue_new(0);
    asy_queue *kinds[2] = {fifo, lifo};
    for (int k = 0; k < 2; k++) {
        for (int x = 1; x <= 3; x++)
            asy_decref(asy_queue_put_nowait(kinds[k], asy_int(x)));
        drain(kinds[k], got, sizeof got);
        printf("%s: put 1 2 3, get %s\n", kinds[k]->ob.type->name, got);
        asy_decref(kinds[k]);
    }

    asy_queue *pq = asy_priority_queue_new(0);
    static const struct { double priority; const char *value; } items[] = {{2, "c"}, {0, "z"}, {1, "a"}, {2, "b"}};
    for (int i = 0; i < 4; i++)
        asy_decref(asy_queue_put_priority_nowait(pq, items[i].priority, asy_str(items[i].value)));
    drain(pq, got, sizeof got);
    printf("PriorityQueue: put c z a b, get %s\n", got);
    asy_decref(asy_queue_put_priority_nowait(pq, 1, asy_str("a")));
    asy_exc *e = asy_queue_put_priority_nowait(pq, 1, asy_int(2)); /* 2 < 'a'? */
    if (asy_exc_is(e, &asy_TypeError))
        printf("put_nowait((1, 2)) after (1, 'a'): %s\n", ASY_EXC_STR(e));
    asy_decref(e);
    asy_decref(pq);

    asy_queue *q = asy_queue_new(1);
    asy_decref(asy_queue_put_nowait(q, asy_str("x")));
    printf("full() = %s\n", asy_queue_full(q) ? "True" : "False");
    e = asy_queue_put_nowait(q, asy_str("y")); /* "y" is released */
    if (asy_exc_is(e, &asy_QueueFull))
        printf("put_nowait on a full queue: QueueFull\n");
    asy_decref(e);
    asy_value v;
    asy_decref(asy_queue_get_nowait(q, &v));
    asy_value_decref(v);
    e = asy_queue_get_nowait(q, &v);
    if (asy_exc_is(e, &asy_QueueEmpty))
        printf("get_nowait on an empty queue: QueueEmpty\n");
    asy_decref(e);
    asy_decref(asy_queue_task_done(q));
    e = asy_queue_task_done(q);
    if (asy_exc_is(e, &asy_ValueError))
        printf("task_done() once too often: ValueError: %s\n", asy_exc_message(e));
    asy_decref(e);
    asy_decref(q);
    return asy_obj_live() == 0 ? 0 : 1;
}
