/*
 * taskgroup.h - TaskGroup: structured concurrency (结构化并发).
 * Chapter: 19
 *
 * create_task() starts work that nobody is obliged to wait for, and whose
 * failure nobody is obliged to notice. A TaskGroup ties the children to a
 * block of the parent's code: the block cannot end before every child has
 * ended, and a failure anywhere stops everything in the group.
 *
 *     async with asyncio.TaskGroup() as tg:          (Python 3.11)
 *         tg.create_task(say_after(1, 'hello'))
 *         tg.create_task(say_after(2, 'world'))
 *     # here both have finished
 *
 * In C, `async with` is an enter / exit pair. Exit is a coroutine (leaving
 * the block waits for the children), awaited with the exception the body
 * ended with, which it takes over; what comes out of it is what the block
 * raises:
 *
 *     f->tg = asy_taskgroup_new();                         // TaskGroup()
 *     err = asy_taskgroup_enter(f->tg);                    // async with ... as tg:
 *     if (err != NULL) ASY_RAISE(co, err);
 *     asy_decref(asy_taskgroup_create_task(f->tg, say_after(1, "hello"), NULL, NULL));
 *     asy_decref(asy_taskgroup_create_task(f->tg, say_after(2, "world"), NULL, NULL));
 *     ASY_AWAIT_TRY(co, more_work());                      //     (the rest of the body)
 *     ASY_AWAIT(co, asy_taskgroup_exit(f->tg, ASY_CATCH(co))); // end of the block
 *
 * (Use ASY_AWAIT_TRY on the exit to handle what it raises: Python's
 * `except* ValueError` is asy_exc_group_split, exceptiongroup.h.)
 *
 * The rules, as CPython 3.11's taskgroups.py:
 *   - exit waits until every child is done (a loop around a future that
 *     the last child's done callback completes);
 *   - the first child that fails (any exception but CancelledError)
 *     cancels all the other children AND the parent task, so the body is
 *     interrupted at its current await (the parent gets cancel(); exit
 *     takes it back with uncancel(), so the parent is not left cancelled);
 *   - the errors (not the cancellations) are raised together as
 *     ExceptionGroup("unhandled errors in a TaskGroup", [...]); an
 *     exception raised by the body itself joins them (and cancels the
 *     children, as a child's failure would);
 *   - a CancelledError from outside (the parent was cancelled by someone
 *     else) cancels the children, waits for them, and propagates -- unless
 *     there are errors, which take priority;
 *   - create_task on a group not entered, finished or shutting down (its
 *     children are being cancelled) is a RuntimeError "TaskGroup
 *     <TaskGroup ...> is finished" etc.;
 *   - groups nest: a child may run a group of its own; its
 *     ExceptionGroup is an error like any other for the outer group.
 *   KeyboardInterrupt in a child (or the body) is a "base error": the
 *   children are cancelled and exit raises it alone, not in a group.
 *   SystemExit is left out (exc.h has no such type).
 *
 * OWNERSHIP. asy_taskgroup_new returns a new reference. While entered the
 * group holds a reference to its parent task; exit gives it back. Each
 * child's done callback holds a reference to the group; the group borrows
 * its children (the loop keeps a pending task alive, and a finished one
 * until its callbacks have run, which is when it leaves the group).
 * Each child costs O(1) to add and to leave, however large the group.
 * create_task steals the coroutine and returns a new reference to the task.
 * exit steals the exception and returns a new coroutine.
 */
#ifndef ASY_TASKGROUP_H
#define ASY_TASKGROUP_H

#include "coro.h"
#include "exceptiongroup.h"
#include "future.h"
#include "task.h"

typedef struct asy_taskgroup asy_taskgroup;

/* asyncio.TaskGroup(). New reference. */
asy_taskgroup *asy_taskgroup_new(void);

/* async with tg: (__aenter__), inside a task. NULL or the error (new
 * reference): RuntimeError "TaskGroup <TaskGroup entered> has already been
 * entered", "... cannot determine the parent task", "no running event loop". */
asy_exc *asy_taskgroup_enter(asy_taskgroup *tg);

/* tg.create_task(coro, name=name): a child task (name may be NULL).
 * Steals coro; new reference to the task, *error set to NULL. NULL when
 * the group refuses, with *error set (error may be NULL: the exception is
 * then released) to RuntimeError "TaskGroup <TaskGroup> has not been
 * entered", "... is finished" or "... is shutting down" (the coroutine is
 * then closed, as Python's TaskGroup does; the same for a NULL tg's
 * TypeError), or to what the loop's create_task refused with (task.h). */
asy_task *asy_taskgroup_create_task(asy_taskgroup *tg, asy_coro *coro, const char *name, asy_exc **error);

/* The end of the async with block (__aexit__): a coroutine to await. exc
 * is the exception the body ended with, or NULL (stolen: pass
 * ASY_CATCH(co)). The coroutine returns None when nothing went wrong, or
 * raises: the ExceptionGroup of the errors, a base error, or the
 * CancelledError of an outside cancel. New reference. (A NULL tg: it
 * raises TypeError, with exc as its __context__.) */
asy_coro *asy_taskgroup_exit(asy_taskgroup *tg, asy_exc *exc);

/* How many children are not finished yet (len(tg._tasks)). */
size_t asy_taskgroup_size(const asy_taskgroup *tg);

#endif /* ASY_TASKGROUP_H */
