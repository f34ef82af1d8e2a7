/*
 * introspect.h - a task's stack: where each coroutine of its await chain
 * is suspended.
 * Chapter: 31
 *
 * Python's task.get_stack() / task.print_stack() answer "where is this
 * task stuck?". A suspended task is a chain of coroutine frames, each one
 * delegating to the next (its `delegate`, gen.h), down to the future the
 * innermost one waits for. Every frame already knows the line it is
 * suspended at: its resume point is the __LINE__ of its last await. The
 * file is the one thing a frame did not know; chapter 31 adds it: ASY_BEGIN
 * stores the body's __FILE__ in the frame at the first step (gen.h, the
 * `file` field: one pointer, 8 bytes per frame, and no cost per resume).
 *
 *     main()  --await-->  fetch()  --await-->  sleep()  --waits on-->  Future
 *     task.c:...            demo.c:31            lib/task.c:...
 *
 * asy_task_print_stack prints it as Python's print_stack does:
 *
 *     Stack for <Task pending name='Task-2' coro=<...>> (most recent call last):
 *       File "chapters/31-introspection/1-stack.c", line 40, in main
 *         ASY_AWAIT(co, fetch(1));
 *       File "chapters/31-introspection/1-stack.c", line 28, in fetch
 *         ASY_AWAIT(co, asy_sleep(1.0, asy_none()));
 *
 * WHERE THIS DIFFERS FROM CPYTHON. CPython 3.11-3.13 show only the task's
 * outermost coroutine frame (a suspended frame has no f_back: the frames
 * below it are reached through cr_await, which print_stack does not
 * follow). This library follows the whole await chain, as Python 3.14's
 * asyncio.print_call_graph() and tools like awaitwhat do, because the
 * innermost frame is the one that says what the task waits for. A task
 * that is done has no frames (Python would show its exception's
 * traceback, which C exceptions do not record): print_stack then prints
 * the exception itself under "Traceback for <Task ...>".
 */
#ifndef ASY_INTROSPECT_H
#define ASY_INTROSPECT_H

#include <stdio.h>

#include "coro.h"
#include "task.h"

/* One frame of a stack: the function, and where it is suspended. The
 * strings are static (the body's name and __FILE__); file is "?" for a body
 * that never ran or was written without ASY_BEGIN. */
typedef struct asy_frame_info {
    const char *name;
    const char *file;
    int line;         /* the resume point; 0 when it has not started */
} asy_frame_info;

/* The await chain of a generator or coroutine: the frames from `g` down
 * through its delegates, outermost first (Python's "most recent call
 * last"). At most `max` are written to out; with limit >= 0 only the
 * `limit` innermost frames count (Python's limit=N; a negative limit is
 * None, all of them). Returns how many frames there are to show (which may
 * be more than max). A pure query: 0 for NULL or a finished generator.
 * g is borrowed. */
size_t asy_coro_get_stack(const asy_gen *g, int limit, asy_frame_info *out, size_t max);

/* task.get_stack(limit=limit): the same for the task's coroutine; 0 for a
 * NULL task or a task that is done. */
size_t asy_task_get_stack(const asy_task *t, int limit, asy_frame_info *out, size_t max);

/* task.print_stack(limit=limit, file=file): "Stack for <repr> (most recent
 * call last):", then one `  File "F", line N, in NAME` per frame, each
 * followed by its source line when the file can be read (Python's
 * linecache); "No stack for <repr>" when there is none; for a task that
 * failed, "Traceback for <repr> (most recent call last):" and the
 * exception. file NULL is stderr. Returns NULL, or TypeError for a NULL
 * task (new reference). */
asy_exc *asy_task_print_stack(const asy_task *t, int limit, FILE *file);

/* task._source_traceback, in debug mode: where the task was created, as
 * the lines of a traceback (`  File "F", line N, in NAME`, one per frame
 * of the creating task's await chain, outermost first), or NULL (the task
 * was not created by a task while its loop was in debug mode, or NULL t).
 * Borrowed: the text lives until the task is freed. The default exception
 * handler prints it under "source_traceback: Object created at (most
 * recent call last):"; a handler of your own can ask for it here. The
 * loop keeps it in a side table, not in the task (loop.h, debug mode). */
const char *asy_task_get_source_traceback(const asy_task *t);

#endif /* ASY_INTROSPECT_H */
