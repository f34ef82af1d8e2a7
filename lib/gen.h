/*
 * gen.h - generators: resumable functions as heap frames plus a switch.
 * Chapter: 01 (next, iteration), 02 (send), 03 (yield from, throw, close)
 *
 * A Python generator is a function whose locals outlive a return: each
 * `yield` hands a value out and freezes the function, and the next call
 * carries on after that yield. In C the course builds one literally:
 *
 *   - the FRAME is a struct on the heap. It starts with an asy_gen header
 *     and holds every local that must survive a yield;
 *   - the BODY is an ordinary C function taking the frame. It begins with a
 *     `switch` on the frame's resume point, and each yield is
 *     "remember where I am, return; case here:", so calling the body again
 *     jumps straight back behind the last yield (Duff's device, as in Simon
 *     Tatham's "Coroutines in C" and Dunkels' protothreads).
 *
 * Chapter 01 writes that switch by hand; after that the macros below write
 * it. What they expand to (line numbers stand for __LINE__):
 *
 *   ASY_BEGIN(g);             switch ((g)->resume) { case 0: (g)->file = __FILE__;
 *   ASY_YIELD(g, v);   42:    do { (g)->resume = 42; return asy__yield((g), (v));
 *                             case 42: if ((g)->pending) return asy__reraise(g); } while (0);
 *   ASY_END(g);               } return asy__return((g), asy_none());
 *
 * The library side (gen.c) owns the protocol of Python's generator object:
 *   next(g) / g.send(v)      asy_gen_next / asy_gen_send
 *   g.throw(e)               asy_gen_throw
 *   g.close()                asy_gen_close
 *   return x (StopIteration) a step whose status is ASY_RETURNED, value x
 *   yield from sub           ASY_YIELD_FROM: send/throw/close go straight to
 *                            sub, and its return value becomes ASY_SENT(g)
 *
 * GROUND RULES for bodies (break one and the compiler will not tell you):
 *   1. C locals do not survive a yield. Anything needed after a yield lives
 *      in the frame (f->i, not i).
 *   2. No yield inside a `switch` statement of your own: its `case` labels
 *      would collide with the body's. Use if/else around yields.
 *   3. One yield per source line: __LINE__ is the resume point.
 *   4. Code between ASY_BEGIN and the first yield runs once; nothing "above"
 *      ASY_BEGIN may have side effects, because it runs on every resume.
 *   5. Leave the body only through the macros (ASY_YIELD*, ASY_RETURN,
 *      ASY_RAISE, ASY_END): a bare `return` skips the bookkeeping.
 *   6. An abandoned generator still gets close(): GeneratorExit arrives at
 *      its current yield, so cleanup written for exceptions runs then too.
 *
 * EXCEPTIONS. A value thrown in with asy_gen_throw (or GeneratorExit from
 * close) arrives at the yield where the body is suspended:
 *   - at ASY_YIELD / ASY_YIELD_FROM it propagates at once: the body stops
 *     there and the generator raises it (Python without try);
 *   - at ASY_YIELD_TRY / ASY_YIELD_FROM_TRY the body carries on and finds it
 *     in ASY_EXC(g). It may handle it (ASY_CATCH(g) takes it, which is
 *     Python's except), or run cleanup and let it go on: an exception still
 *     pending when the body next yields, returns or ends propagates (which
 *     is Python's finally). `goto cleanup;` is the C idiom for both.
 * To yield or await inside cleanup, first ASY_CATCH the exception into the
 * frame and ASY_RAISE it afterwards.
 *
 * OWNERSHIP. asy_gen_new and the generator functions built on it return a
 * new reference. A step's asy_result holds new references to its value or
 * exception: release them with asy_result_clear(). Values given to
 * asy_gen_send and exceptions given to asy_gen_throw are borrowed.
 * ASY_YIELD and ASY_RETURN steal the value they are given; ASY_YIELD_FROM
 * steals the generator it delegates to; ASY_RAISE steals the exception.
 * Inside the body, ASY_SENT(g) and ASY_EXC(g) are borrowed until the next
 * yield: asy_value_incref() what you keep in the frame, and release frame
 * fields in the frame's clear function (asy_gen_set_clear).
 */
#ifndef ASY_GEN_H
#define ASY_GEN_H

#include "exc.h"
#include "value.h"

/* How one step of a generator ended. */
typedef enum {
    ASY_YIELDED,  /* it yielded result.value and is suspended */
    ASY_RETURNED, /* it returned result.value: Python's StopIteration(value) */
    ASY_RAISED,   /* it raised result.exc and is finished */
} asy_status;
/* Internal, never seen in a result: a body asking gen.c to start a yield
 * from. Kept out of the enum so that a switch on the three outcomes above
 * is complete. */
#define ASY__DELEGATE ((asy_status)3)

/* How deep steps may nest in one thread: a generator that delegates
 * (yield from, await) runs its delegate inside its own step, so a chain of
 * N coroutines awaiting one another is N nested steps on the C stack. The
 * step that would be number ASY_RECURSION_LIMIT + 1 is not entered: that
 * generator is finished with RecursionError "maximum recursion depth
 * exceeded" (its body and cleanup do not run, as CPython clears a frame
 * that passes sys.getrecursionlimit()), and the error travels up the
 * chain like any other. CPython's limit is 1000 Python frames, so the
 * deepest chain that works is about the same in both. The count is one
 * integer per thread. */
#define ASY_RECURSION_LIMIT 1000

/* The outcome of next / send / throw. Owns value and exc (new references). */
typedef struct asy_result {
    asy_status status;
    asy_value value; /* yielded or returned value; None when raised */
    asy_exc *exc;    /* the exception when raised, else NULL */
} asy_result;

/* Release what a result holds and reset it to "returned None". */
void asy_result_clear(asy_result *r);

/* The three operations of anything that can be delegated to (yield from,
 * await): generators and coroutines here, futures from chapter 11. They
 * follow the rules of asy_gen_send / asy_gen_throw / asy_gen_close. */
typedef struct asy_iter_ops {
    asy_result (*send)(asy_obj *self, asy_value v);
    asy_result (*throw_)(asy_obj *self, asy_exc *e);
    asy_exc *(*close)(asy_obj *self);
} asy_iter_ops;

/* inspect.getgeneratorstate(): where a generator is in its life. */
typedef enum {
    ASY_GEN_CREATED,   /* built, body not started */
    ASY_GEN_RUNNING,   /* inside its body right now */
    ASY_GEN_SUSPENDED, /* stopped at a yield */
    ASY_GEN_CLOSED,    /* returned, raised or closed: every send now stops */
} asy_gen_state;

typedef struct asy_gen asy_gen;

/* A body: runs from the resume point to the next yield, return or raise. */
typedef asy_status (*asy_gen_body)(asy_gen *g);

/* The header of every frame. The fields are read by the macros below;
 * only gen.c writes them. */
struct asy_gen {
    asy_obj ob;
    asy_gen_body body;
    void (*clear)(asy_gen *g); /* releases the frame's own fields, or NULL */
    const char *name;          /* the function's name, for repr and errors */
    const char *file;          /* chapter 31: the body's __FILE__, stored by
                                  ASY_BEGIN at the first step (NULL before,
                                  or for a body written without ASY_BEGIN).
                                  With `resume` it says where the frame is
                                  suspended: one pointer per frame. */
    int resume;                /* 0 before the first step, then a __LINE__ */
    unsigned char state;       /* an asy_gen_state (a byte: frames stay small) */
    bool is_coroutine;         /* made by asy_coro_new (chapter 04) */
    bool cleared;              /* clear() has run */
    asy_value received;        /* in: the value sent, or the return value of a
                                  finished yield from; out: what the body
                                  yields or returns */
    asy_exc *pending;          /* in: an exception thrown in at the resume
                                  point, not yet handled (see EXCEPTIONS
                                  above); out: what the body raises */
    asy_obj *delegate;         /* the target of a yield from in progress */
};

/* Allocate a zeroed frame of frame_size bytes (a struct that begins with an
 * asy_gen) for the generator function `name` with the given body. The
 * caller fills in the arguments. New reference. (A NULL body gives a
 * generator that raises TypeError at its first step.) */
asy_gen *asy_gen_new(size_t frame_size, asy_gen_body body, const char *name);
#define ASY_GEN_NEW(FrameType, body, name) \
    ((FrameType *)asy_gen_new(sizeof(FrameType), (body), (name)))

/* Register the function that releases the frame's own fields (values,
 * objects, memory). It runs once: when the generator finishes, or when it
 * is freed without finishing. */
void asy_gen_set_clear(asy_gen *g, void (*clear)(asy_gen *g));

/* next(g): the same as asy_gen_send(g, asy_none()). */
asy_result asy_gen_next(asy_gen *g);

/* g.send(v): resume the body with v as the value of the yield it is
 * suspended at (ASY_SENT). `v` is borrowed. Rules, as in Python:
 *   - a just-started generator only accepts None (the priming rule):
 *     TypeError "can't send non-None value to a just-started generator";
 *   - a generator that is running (it sent into itself) refuses:
 *     ValueError "generator already executing";
 *   - a finished generator answers ASY_RETURNED with None, every time
 *     (a finished coroutine raises RuntimeError instead);
 *   - a body that breaks its contract (returns ASY_RAISED with no exception
 *     in ASY_EXC, or a status that is none of the three) raises
 *     SystemError "generator 'NAME' raised without setting an exception"
 *     (or "... returned an unknown status N"), and the generator is done;
 *   - a step nested more than ASY_RECURSION_LIMIT deep raises
 *     RecursionError (above).
 * The result is yours: asy_result_clear() it. */
asy_result asy_gen_send(asy_gen *g, asy_value v);

/* g.throw(e): raise e inside the body, at the yield where it is suspended
 * (or straight out of a just-started or finished generator). `e` is
 * borrowed. While delegating, e goes to the delegate first. */
asy_result asy_gen_throw(asy_gen *g, asy_exc *e);

/* g.close(): throw GeneratorExit in so that cleanup runs, and finish the
 * generator. Returns NULL when it closed properly, or the error (a new
 * reference): RuntimeError "generator ignored GeneratorExit" when the body
 * yielded again, or whatever other exception its cleanup raised. Closing a
 * just-started or finished generator does nothing; while delegating, the
 * delegate is closed first. */
asy_exc *asy_gen_close(asy_gen *g);


/* inspect.isgenerator(obj): made by asy_gen_new (not a coroutine).
 * asy__is_type(obj, coroutine), which the inline function calls, asks
 * whether obj is a coroutine (true) / a plain generator (false). */
bool asy__is_type(const void *obj, bool coroutine);
static inline bool asy_isgenerator(const void *obj) { return asy__is_type(obj, false); }

/* inspect.getgeneratorstate(g); GEN_CLOSED for NULL. */
asy_gen_state asy_gen_getstate(const asy_gen *g);
/* "GEN_CREATED", "GEN_RUNNING", "GEN_SUSPENDED" or "GEN_CLOSED". */
const char *asy_gen_state_name(asy_gen_state s);

/* The value of a generator as an asy_value (takes a new reference). */
static inline asy_value asy_gen_value(asy_gen *g) { return asy_obj_value(asy_incref(g)); }

/* Send / throw / close on any object whose type has asy_iter_ops (a
 * generator, a coroutine, a future). Non-iterables give TypeError. */
asy_result asy_iter_send(asy_obj *it, asy_value v);
asy_result asy_iter_throw(asy_obj *it, asy_exc *e);
asy_exc *asy_iter_close(asy_obj *it);

/* ---- the body macros ---- */

/* Case 0 also notes the body's source file (chapter 31's stacks): once,
 * at the first step, so a resume costs nothing more. */
#define ASY_BEGIN(g) switch ((g)->resume) { case 0: (g)->file = __FILE__;

/* yield v (steals v); an exception thrown in here propagates. */
#define ASY_YIELD(g, v)                                      \
    do {                                                     \
        (g)->resume = __LINE__;                              \
        return asy__yield((g), (v));                         \
    case __LINE__:                                           \
        if ((g)->pending != NULL)                            \
            return asy__reraise(g);                          \
    } while (0)

/* yield v (steals v); an exception thrown in here is left in ASY_EXC(g). */
#define ASY_YIELD_TRY(g, v)                                  \
    do {                                                     \
        (g)->resume = __LINE__;                              \
        return asy__yield((g), (v));                         \
    case __LINE__:;                                          \
    } while (0)

/* yield from sub (steals sub): every send, throw and close reaches sub
 * until it finishes; then its return value is ASY_SENT(g), and if it raised,
 * the exception propagates here. */
#define ASY_YIELD_FROM(g, sub)                               \
    do {                                                     \
        (g)->resume = __LINE__;                              \
        return asy__delegate((g), (asy_obj *)(sub), false);  \
    case __LINE__:                                           \
        if ((g)->pending != NULL)                            \
            return asy__reraise(g);                          \
    } while (0)

/* yield from sub, leaving an exception from sub (or thrown in) in ASY_EXC. */
#define ASY_YIELD_FROM_TRY(g, sub)                           \
    do {                                                     \
        (g)->resume = __LINE__;                              \
        return asy__delegate((g), (asy_obj *)(sub), false);  \
    case __LINE__:;                                          \
    } while (0)

/* return v (steals v): the generator finishes; the caller sees ASY_RETURNED. */
#define ASY_RETURN(g, v) return asy__return((g), (v))
/* raise e (steals e): the generator finishes; the caller sees ASY_RAISED. */
#define ASY_RAISE(g, e) return asy__raise((g), (e))
/* `raise e` if a C call gave an exception: `call` returns asy_exc * (NULL
 * or a new reference, the library's form 1, exc.h) and a non-NULL result is
 * raised here. E.g. ASY_RAISE_IF(co, asy_lock_release(f->lock)) at the end
 * of an `async with lock:` body (chapter 20). */
#define ASY_RAISE_IF(g, call)               \
    do {                                    \
        asy_exc *raise_if_e_ = (call);      \
        if (raise_if_e_ != NULL)            \
            ASY_RAISE((g), raise_if_e_);    \
    } while (0)
/* Let the exception in ASY_EXC(g) go on (Python's bare `raise`). */
#define ASY_RERAISE(g) return asy__reraise(g)
/* Falling off the end of the body: return None. */
#define ASY_END(g) } return asy__return((g), asy_none())

/* The value this step brought in (borrowed): what send() passed, or what
 * the sub-generator of a finished ASY_YIELD_FROM returned. */
#define ASY_SENT(g) ((g)->received)
/* The exception that arrived at an ASY_*_TRY point, or NULL (borrowed). */
#define ASY_EXC(g) ((g)->pending)
/* Take the pending exception (a new reference; NULL if none): it is handled,
 * it will not propagate. Release it with asy_decref. */
#define ASY_CATCH(g) asy__catch(g)

/* Helpers the macros call; not for direct use. They are declared here,
 * not in internal.h, because every body that uses a macro compiles a call
 * to them. */
asy_status asy__yield(asy_gen *g, asy_value v);
asy_status asy__return(asy_gen *g, asy_value v);
asy_status asy__raise(asy_gen *g, asy_exc *e);
asy_status asy__reraise(asy_gen *g);
asy_status asy__delegate(asy_gen *g, asy_obj *sub, bool await);
asy_exc *asy__catch(asy_gen *g);

#endif /* ASY_GEN_H */
