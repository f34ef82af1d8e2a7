/*
 * mini_group.h - exercise 19/mini_group: a TaskGroup in miniature, built
 * from tasks, one done callback and one future (lib/taskgroup.c is the
 * full one; this one does not cancel the parent task).
 *
 * The Python it stands for:
 *
 *     class MiniGroup:
 *         def __init__(self):
 *             self.tasks, self.errors, self.pending, self.waiter = [], [], 0, None
 *         def spawn(self, coro):
 *             t = asyncio.create_task(coro)
 *             t.add_done_callback(self._on_done)
 *             self.tasks.append(t); self.pending += 1
 *             return t
 *         def _on_done(self, t):
 *             self.pending -= 1
 *             if not t.cancelled() and t.exception() is not None:
 *                 self.errors.append(t.exception())
 *                 if len(self.errors) == 1:          # the first failure
 *                     for other in self.tasks:
 *                         if not other.done():
 *                             other.cancel()
 *             if self.pending == 0 and self.waiter is not None and not self.waiter.done():
 *                 self.waiter.set_result(None)
 *         async def wait(self):
 *             if self.pending > 0:
 *                 self.waiter = asyncio.get_running_loop().create_future()
 *                 await self.waiter
 *             if self.errors:
 *                 raise BaseExceptionGroup("unhandled errors in a mini group", self.errors)
 */
#ifndef EX19_MINI_GROUP_H
#define EX19_MINI_GROUP_H

#include "exceptiongroup.h"
#include "task.h"

typedef struct mini_group mini_group;

/* A new, empty group (not a counted object: free it with mini_group_free,
 * after its wait has finished). */
mini_group *mini_group_new(void);

/* spawn(coro): run coro (stolen) as a task of the group, on the running
 * loop. Returns the task (borrowed: the group keeps a reference until
 * mini_group_free), or NULL outside a loop. */
asy_task *mini_group_spawn(mini_group *g, asy_coro *coro);

/* wait(): a new coroutine that finishes when every task of the group has
 * finished. The first task to fail (an exception other than
 * CancelledError) makes the group cancel every task still running. If any
 * failed, it raises asy_exc_group_new("unhandled errors in a mini group",
 * errors...) with the errors in the order they happened; cancelled tasks
 * are not errors. Otherwise it returns None. */
asy_coro *mini_group_wait(mini_group *g);

/* How many of the group's tasks have not finished yet. */
int mini_group_pending(const mini_group *g);

/* Release the tasks, the errors and the group. */
void mini_group_free(mini_group *g);

#endif /* EX19_MINI_GROUP_H */
