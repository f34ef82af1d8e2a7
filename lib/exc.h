/*
 * exc.h - exceptions: a type in a hierarchy, arguments, an optional cause.
 * Chapter: 01
 *
 * C has no exceptions, so the course makes them values. An asy_exc is a
 * counted object (value.h) that a generator "raises" by returning it from a
 * step (gen.h), that a future carries as its outcome (chapter 11), and that
 * a task throws into a coroutine at its suspension point (chapters 12-13).
 *
 * Exception types form Python's hierarchy, one static asy_exc_type each,
 * pointing at its base:
 *
 *   BaseException
 *    +-- GeneratorExit          (close() throws it into a generator)
 *    +-- KeyboardInterrupt
 *    +-- Exception
 *         +-- StopIteration     (a generator returned; carries .value)
 *         +-- StopAsyncIteration (an async iterator is exhausted, chapter 25)
 *         +-- ArithmeticError -- ZeroDivisionError
 *         +-- LookupError -- IndexError, KeyError
 *         +-- OSError -- TimeoutError, BlockingIOError, gaierror
 *         |    +-- ConnectionError -- ConnectionResetError,
 *         |         ConnectionRefusedError, ConnectionAbortedError,
 *         |         BrokenPipeError                     (chapter 26)
 *         +-- RuntimeError -- NotImplementedError, RecursionError
 *         +-- SystemError       (the library found a broken promise: a body
 *                                that raised without an exception)
 *         +-- TypeError
 *         +-- ValueError
 *         +-- EOFError                                  (chapter 27)
 *
 * so asy_exc_is(e, &asy_Exception) is "except Exception" and catches a
 * TypeError, while GeneratorExit (and, from chapter 13, CancelledError)
 * pass through it, as in Python 3.8+. Later modules add their own types the
 * same way (asyncio's CancelledError, InvalidStateError, ...); a program can
 * too:
 *
 *     ASY_EXC_TYPE(MyError, asy_Exception);     // at file scope
 *     asy_exc *e = asy_exc_new(&MyError, "bad thing %d", 42);
 *
 * HOW A CALLER RECEIVES AN ERROR: the library's one convention.
 *
 * Every failure is an exception object handed to the caller, who can
 * print it (asy_exc_print) or test it (asy_exc_is, asy_exc_message). The
 * library never reports an error by printing. Only Python's own reports
 * print, and only to stderr: the loop's default exception handler,
 * "RuntimeWarning: coroutine ... was never awaited", "... exception was
 * never retrieved", "Exception ignored in: ...". (The one other line on
 * stderr is the last words of a process the library stops with abort():
 * out of memory, or a dead object released again. There is no caller
 * left to hand those to.) Outside coroutine bodies a function has one of
 * four shapes:
 *
 * 1. An action returns asy_exc *: NULL when it worked, otherwise a new
 *    reference to the exception (asy_future_set_result, asy_loop_close).
 *        asy_exc *e = asy_loop_close(loop);
 *        if (e != NULL) { asy_exc_print(e, stderr); asy_decref(e); }
 *        asy_decref(asy_future_set_result(fut, v)); // "I do not care"
 *
 * 2. Running code to an outcome returns asy_result: ASY_RETURNED with the
 *    value, or ASY_RAISED with the exception (asy_gen_send, asy_run).
 *        asy_result r = asy_run(main_coro, NULL);
 *        if (r.status == ASY_RAISED) asy_exc_print(r.exc, stderr);
 *        asy_result_clear(&r);
 *
 * 3. A function that makes or finds something (an object, a count) takes
 *    asy_exc **error as its last parameter. Success: the product, and
 *    *error = NULL. Failure: NULL (or the failure value its header names)
 *    and *error = a new reference to the exception. error may be NULL
 *    when the caller does not want the exception; it is then released.
 *        asy_exc *err;
 *        asy_loop *loop = asy_loop_new(NULL, &err);
 *        if (loop == NULL) { asy_exc_print(err, stderr); exit(1); }
 *
 * 4. A pure query that cannot fail (done(), cancelled(), get_name())
 *    answers a documented neutral value (false, 0, NULL) for a NULL
 *    object instead of crashing.
 *        if (asy_future_done(fut)) ...          // false when fut is NULL
 *        const char *name = asy_task_get_name(t);  // NULL when t is NULL
 *        size_t n = asy_loop_scheduled_count(loop);  // 0 when loop is NULL
 *
 * Inside a coroutine body the error of anything awaited is raised at the
 * await, as in Python. Functions that return an awaitable (sleep, gather,
 * wait, wait_for, acquire, get...) never return NULL: bad arguments give
 * an awaitable that raises when it is awaited. (asy_ensure_future and
 * asy_shield are the two exceptions: they decide at the call what to
 * wrap, as Python's do, so they use shape 3.) A body turns
 * the error of a plain C call into a raise itself:
 *        ASY_RAISE_IF(co, asy_lock_release(f->lock));         // shape 1
 *        f->t = asy_create_task(child(), NULL, &err);          // shape 3
 *        if (f->t == NULL) ASY_RAISE(co, err);
 *
 * NULL where an object or a callback is required is an error like any
 * other, never a crash: TypeError ("a coroutine was expected, got NULL"),
 * delivered in the function's shape (an awaitable raises it when awaited;
 * a query answers its neutral value). A function that returns nothing
 * does nothing with a NULL object, and releases what it was given to keep.
 * Headers mention NULL only where the answer is not one of these.
 */
#ifndef ASY_EXC_H
#define ASY_EXC_H

#include <stdio.h>

#include "value.h"

typedef struct asy_exc_type {
    const char *name;                 /* "TypeError" */
    const struct asy_exc_type *base;  /* NULL only for BaseException */
} asy_exc_type;

/* Define a new exception type NAME derived from BASE (both identifiers). */
#define ASY_EXC_TYPE(NAME, BASE) const asy_exc_type NAME = {#NAME, &(BASE)}

extern const asy_exc_type asy_BaseException;
extern const asy_exc_type asy_GeneratorExit;
extern const asy_exc_type asy_KeyboardInterrupt;
extern const asy_exc_type asy_Exception;
extern const asy_exc_type asy_StopIteration;
extern const asy_exc_type asy_StopAsyncIteration;
extern const asy_exc_type asy_ArithmeticError;
extern const asy_exc_type asy_ZeroDivisionError;
extern const asy_exc_type asy_LookupError;
extern const asy_exc_type asy_IndexError;
extern const asy_exc_type asy_KeyError;
extern const asy_exc_type asy_OSError;
extern const asy_exc_type asy_TimeoutError;
extern const asy_exc_type asy_ConnectionError;
/* Chapter 26: what a socket call can fail with. */
extern const asy_exc_type asy_ConnectionResetError;
extern const asy_exc_type asy_ConnectionRefusedError;
extern const asy_exc_type asy_ConnectionAbortedError;
extern const asy_exc_type asy_BrokenPipeError;
extern const asy_exc_type asy_BlockingIOError;
extern const asy_exc_type asy_gaierror; /* socket.gaierror: name resolution */
extern const asy_exc_type asy_RuntimeError;
extern const asy_exc_type asy_NotImplementedError;
extern const asy_exc_type asy_RecursionError;
extern const asy_exc_type asy_SystemError;
extern const asy_exc_type asy_TypeError;
extern const asy_exc_type asy_ValueError;
extern const asy_exc_type asy_EOFError;

/* An exception holds Python's e.args, with at most one argument (the
 * course never needs more; see "Arguments" below), the text of str(e)
 * worked out once from them, and its chain. */
typedef struct asy_exc {
    asy_obj ob;
    const asy_exc_type *type;
    int nargs;               /* len(e.args): 0 or 1 */
    asy_value arg;           /* e.args[0] when nargs == 1, else None (owned) */
    char *msg;               /* str(e), made from args at creation: owned, never NULL */
    asy_value value;         /* StopIteration.value; see below for groups; else None */
    struct asy_exc *cause;   /* __cause__: "raise X from Y" sets Y here */
    struct asy_exc *context; /* __context__: what was being handled when X was raised */
    int errnum;              /* OSError.errno (chapter 26); 0 for None */
    long long num;           /* one number an asyncio type carries (chapter 27):
                              * LimitOverrunError.consumed, IncompleteReadError.expected */
} asy_exc;

/* Arguments, str and repr, as Python's BaseException has them:
 *
 *   Python                   args      str(e)   repr(e)             traceback's last line
 *   ValueError()             ()        ''       ValueError()        ValueError
 *   ValueError('bad')        ('bad',)  'bad'    ValueError('bad')   ValueError: bad
 *   CancelledError('')       ('',)     ''       CancelledError('')  CancelledError
 *   KeyError('k')            ('k',)    "'k'"    KeyError('k')       KeyError: 'k'
 *   StopIteration(5)         (5,)      '5'      StopIteration(5)    StopIteration: 5
 *
 * str(e) is '' with no argument and str(args[0]) with one, except that a
 * KeyError (and its subclasses) shows repr(args[0]), as Python's does. A
 * StopIteration's `value` is args[0], or None without arguments.
 * Where this differs from Python: an exception holds 0 or 1 argument, not
 * any tuple (OSError(2, 'No such file') is made here as one message,
 * "[Errno 2] No such file"), and a str(e) longer than a page is cut (it is
 * worked out once, with the value formatter's "..." marker). An exception
 * group keeps its message and its exceptions in `value`, an object whose
 * repr is the argument list ('msg', [ValueError(1)]); repr(e) then prints
 * Type(repr(value)) (exceptiongroup.h). */

/* A new exception of `type` with one str argument, printf(fmt, ...); a NULL
 * fmt gives no argument at all: asy_exc_new(&asy_ValueError, NULL) is
 * ValueError(), asy_exc_new(&asy_ValueError, "%s", "") is ValueError('')
 * (the compiler refuses a format of ""). New reference. (A NULL type gives
 * the TypeError "an exception type was expected, got NULL" instead.) */
asy_exc *asy_exc_new(const asy_exc_type *type, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* type(arg): a new exception whose one argument is any value, so
 * KeyError(3) or StopIteration(5) keep their int. Steals `arg`. New
 * reference. */
asy_exc *asy_exc_new_value(const asy_exc_type *type, asy_value arg);

/* StopIteration(value): how Python reports a generator's return value.
 * Steals `value`. A generator that returns None raises StopIteration()
 * with no argument, as Python's does, so None gives no argument here; any
 * other value is args[0] and `value`. New reference. */
asy_exc *asy_exc_stop_iteration(asy_value value);

/* len(e.args): 0 or 1; 0 for NULL. */
int asy_exc_nargs(const asy_exc *e);
/* e.args[0] (borrowed), or None when e has no argument or is NULL. */
asy_value asy_exc_arg(const asy_exc *e);

/* OSError(errnum, strerror) as Python builds it from a failed system call
 * (chapter 26): the type follows errno the way Python's OSError
 * constructor picks a subclass (ECONNRESET -> ConnectionResetError,
 * ECONNREFUSED -> ConnectionRefusedError, ECONNABORTED ->
 * ConnectionAbortedError, EPIPE and ESHUTDOWN -> BrokenPipeError,
 * ETIMEDOUT -> TimeoutError, EAGAIN and EINPROGRESS -> BlockingIOError,
 * anything else OSError), the message is Python's "[Errno 111] Connection
 * refused", and e->errnum is errnum. With fmt non-NULL, the text after
 * "[Errno N] " is printf(fmt, ...) instead of strerror(errnum), as in
 * asyncio's OSError(err, f'Connect call failed {address}'). New reference. */
asy_exc *asy_exc_oserror(int errnum, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The type asy_exc_oserror picks for errnum. */
const asy_exc_type *asy_exc_oserror_type(int errnum);
/* e.errno: the error number of an OSError, 0 when it has none (NULL too). */
int asy_exc_errno(const asy_exc *e);

/* isinstance(e, type): true when e's type is `type` or derives from it. */
bool asy_exc_is(const asy_exc *e, const asy_exc_type *type);
/* issubclass(sub, base). */
bool asy_exc_type_is(const asy_exc_type *sub, const asy_exc_type *base);

/* "raise e from cause": sets e->cause, taking a new reference to cause
 * (borrowed from you); NULL clears it. */
void asy_exc_set_cause(asy_exc *e, asy_exc *cause);
/* Sets e->context the same way (Python does it implicitly when an
 * exception is raised while another one is being handled). */
void asy_exc_set_context(asy_exc *e, asy_exc *context);

/* str(e) (borrowed, lives as long as e): '' without arguments; NULL for
 * a NULL e. */
const char *asy_exc_message(const asy_exc *e);
/* The last line of a traceback, "TypeError: str(e)" (or "TypeError" when
 * str(e) is empty; "None" for a NULL e), written into buf; returns buf. */
char *asy_exc_format(const asy_exc *e, char *buf, size_t size);
#define ASY_EXC_STR(e) asy_exc_format((e), (char[ASY_FMT_MAX]){0}, ASY_FMT_MAX)
/* repr(e), "KeyError('k')" or "CancelledError()", written into buf (cut
 * with "..." when it does not fit); returns buf. */
char *asy_exc_repr(const asy_exc *e, char *buf, size_t size);
#define ASY_EXC_REPR(e) asy_exc_repr((e), (char[ASY_FMT_MAX]){0}, ASY_FMT_MAX)

/* Print e as Python ends a traceback, the chained exceptions first:
 *   ValueError: inner
 *
 *   The above exception was the direct cause of the following exception:
 *
 *   RuntimeError: outer                                                   */
void asy_exc_print(const asy_exc *e, FILE *out);

/* An exception as a value, so a future or a list can hold it. Takes a new
 * reference; returns an ASY_OBJ value. */
asy_value asy_exc_value(asy_exc *e);
/* The exception held by a value, or NULL if it holds none (borrowed). */
asy_exc *asy_value_exc(asy_value v);


#endif /* ASY_EXC_H */
