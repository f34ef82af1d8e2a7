/*
 * exceptiongroup.h - BaseExceptionGroup / ExceptionGroup: one exception
 * that carries several.
 * Chapter: 19
 *
 * A TaskGroup (taskgroup.h) runs several children at once, and more than
 * one of them can fail before the group has cancelled the rest. Raising
 * only the first error would lose the others, so Python 3.11 raises them
 * all at once, wrapped in an exception group (异常组):
 *
 *     ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('one'), ValueError('two')])
 *
 * Python mirrored here:
 *     BaseExceptionGroup(msg, excs)  asy_exc_group_new(msg, excs, n)
 *     eg.message / eg.exceptions     asy_exc_group_message / _count / _get
 *     isinstance(e, BaseExceptionGroup)  asy_exc_is_group(e)
 *     eg.split(T)  (what except* T does)  asy_exc_group_split(eg, T, &rest)
 *     repr(eg)                       asy_exc_group_repr / ASY_EXC_GROUP_REPR
 *
 * HOW IT IS BUILT. An exception group is an ordinary asy_exc (exc.h), so a
 * future can hold it, a task can raise it and asy_exc_is() sees its type.
 * exc.h's struct has no field for a list of exceptions, so the group keeps
 * its list in the one general field it has, `value` (used by StopIteration
 * for its value, None for everyone else): the value holds an object of this
 * module's own type, which owns the sub-exceptions and the bare message.
 * asy_exc's message (str(e)) is Python's str(eg), "msg (2 sub-exceptions)",
 * so ASY_EXC_STR(eg) prints the line a traceback would end with:
 *     ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)
 * The object in `value` prints the group's arguments, 'msg', [ValueError(1)],
 * so the repr of the exception (ASY_REPR of asy_exc_value(eg)) is Python's
 * ExceptionGroup('msg', [ValueError(1)]) within ASY_FMT_MAX characters;
 * asy_exc_group_repr() writes the same into a buffer of your size.
 *
 * THE HIERARCHY. In Python, ExceptionGroup derives from both
 * BaseExceptionGroup and Exception. asy_exc_type has a single base, so here
 *     BaseExceptionGroup -> BaseException
 *     ExceptionGroup     -> Exception        ("except Exception" catches it)
 * and "isinstance(e, BaseExceptionGroup)" is asy_exc_is_group(e), which is
 * true for both. As in Python, a group is an ExceptionGroup when every
 * exception in it is an Exception, and a BaseExceptionGroup otherwise
 * (e.g. when it holds a CancelledError).
 *
 * OWNERSHIP. asy_exc_group_new borrows the exceptions it is given (it takes
 * its own references) and returns a new reference. Getters return borrowed
 * pointers, valid while the group lives. split hands out new references.
 */
#ifndef ASY_EXCEPTIONGROUP_H
#define ASY_EXCEPTIONGROUP_H

#include <stddef.h>

#include "exc.h"

extern const asy_exc_type asy_BaseExceptionGroup; /* base: BaseException */
extern const asy_exc_type asy_ExceptionGroup;     /* base: Exception (see above) */

/* BaseExceptionGroup(msg, excs[0..n-1]): an ExceptionGroup if every one is
 * an Exception, else a BaseExceptionGroup. Takes its own reference to each
 * exception (borrowed from you). New reference. A NULL msg is "". With
 * n == 0 (or a NULL excs or entry) it returns, as Python raises, ValueError "second argument
 * (exceptions) must be a non-empty sequence": either way the result is an
 * exception to raise. */
asy_exc *asy_exc_group_new(const char *msg, asy_exc *const *excs, size_t n);

/* isinstance(e, BaseExceptionGroup): e is a group of either kind. */
bool asy_exc_is_group(const asy_exc *e);

/* isinstance(e, type), knowing that an ExceptionGroup is also a
 * BaseExceptionGroup (the one case asy_exc_is cannot see). */
bool asy_exc_group_isinstance(const asy_exc *e, const asy_exc_type *type);

/* eg.message: the message without the "(N sub-exceptions)" (borrowed);
 * NULL if e is not a group. */
const char *asy_exc_group_message(const asy_exc *e);
/* len(eg.exceptions), 0 if e is not a group. */
size_t asy_exc_group_count(const asy_exc *e);
/* eg.exceptions[i] (borrowed), NULL when out of range or not a group. */
asy_exc *asy_exc_group_get(const asy_exc *e, size_t i);

/* match, rest = eg.split(type): the exceptions that are instances of
 * `type` and those that are not, each as a group with eg's message and
 * nesting (a nested group is split too), or NULL when there are none.
 * If eg itself is an instance of type, match is eg and rest NULL. This is
 * what `except* type` does: it handles match and re-raises rest.
 * Returns match (new reference or NULL); *rest (may be NULL) gets the rest
 * (new reference or NULL). */
asy_exc *asy_exc_group_split(asy_exc *eg, const asy_exc_type *type, asy_exc **rest);

/* repr(e) as Python writes it, the list included:
 *     ExceptionGroup('msg', [ValueError('one'), KeyError('k')])
 * For an exception that is not a group, exc.c's repr "ValueError('one')".
 * Writes into buf (NUL-terminated, "..." when cut) and returns buf. */
char *asy_exc_group_repr(const asy_exc *e, char *buf, size_t size);
#define ASY_EXC_GROUP_REPR_MAX 1024
#define ASY_EXC_GROUP_REPR(e) \
    asy_exc_group_repr((e), (char[ASY_EXC_GROUP_REPR_MAX]){0}, ASY_EXC_GROUP_REPR_MAX)

#endif /* ASY_EXCEPTIONGROUP_H */
