/*
 * internal.h - what the library's modules tell each other.
 * Chapter: 01 (no chapter teaches it: it grows with the modules of every
 * chapter, and includes only chapter 01's headers, so that any module may
 * include it)
 *
 * NOT PART OF THE COURSE'S API. Library modules and the library's own
 * tests (lib/tests) include it; demos, exercises and solutions never do,
 * and nothing here is promised to stay. Every name is asy__ (two
 * underscores). The asy__ helpers that the public macros and inline
 * functions expand to (asy__yield, asy__delegate, asy__reraise in gen.h,
 * asy__loop_call_soon in loop.h, asy__obj_release_last in objcache.h ...)
 * stay in the public headers, because a program that uses the macro must
 * see the declaration; they are not for direct use either.
 *
 * Types of later chapters appear here only as incomplete struct types
 * (pointers to them), so including this header adds no dependency on a
 * later chapter's header.
 */
#ifndef ASY_INTERNAL_H
#define ASY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h> /* memset for the object cache's fast path; it defines __GLIBC__ */

#include "exc.h"
#include "gen.h"
#include "value.h"

/* Types of later chapters, as incomplete types (their headers define them). */
typedef struct asy_gen asy_coro;        /* coro.h (chapter 04) */
typedef struct asy_ilist asy_ilist;     /* ilist.h (chapter 04) */
typedef struct asy_loop asy_loop;       /* loop.h (chapter 10) */
typedef struct asy_ready asy_ready;     /* loop.h */
typedef struct asy_timer asy_timer;     /* loop.h */
typedef struct asy_future asy_future;   /* future.h (chapter 11) */
typedef struct asy_ptrmap asy_ptrmap;   /* ptrmap.h (chapter 14) */
typedef struct asy_transport asy_transport; /* transport.h (chapter 26) */
typedef struct asy_protocol asy_protocol;   /* transport.h */

/* ---- objects (objcache.c) ---- */

/* The object cache's fast path. objcache.c keeps the objects freed on a
 * thread, up to 512 bytes, in one LIFO list per malloc chunk size, and
 * asy_obj_new hands them out again (objcache.h tells why, objcache.c how).
 * A future is made and freed at every await that waits, so for objects of
 * a fixed size the common case of each ("pop one off the list", "push it
 * back") is inline here, as CPython's freelists are: with `size` a
 * constant, the size class and the zeroing are worked out by the
 * compiler. Everything else (an empty list, a full one,
 * the first object of a thread) goes to the functions in objcache.c. Only
 * the library uses these, compiled with the library's own flags (the cache
 * is off under AddressSanitizer, and then these are plain calls). */
#if defined(__SANITIZE_ADDRESS__)
#define ASY__OBJ_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASY__OBJ_CACHE 0
#endif
#endif
#if !defined(ASY__OBJ_CACHE) && defined(__GLIBC__)
#define ASY__OBJ_CACHE 1
#endif
#ifndef ASY__OBJ_CACHE
#define ASY__OBJ_CACHE 0
#endif

enum { ASY__CACHE_MAX_SIZE = 512, ASY__CACHE_CLASSES = ASY__CACHE_MAX_SIZE / 16 + 1,
       ASY__CACHE_MAX_PER_CLASS = 1 << 20 };

/* What objcache.c keeps per thread about objects. */
typedef struct asy__thread_objs {
    long live;        /* made minus freed by this thread (atomic loads and
                         stores: asy_obj_live reads it from other threads) */
    long made;        /* asy_obj_allocations() */
    bool registered;  /* objcache.c knows this thread (its counter is listed) */
    const void *releasing_from; /* see asy__obj_release_last */
    struct asy__thread_objs *next;          /* objcache.c's list of threads */
    asy_obj *cache_head[ASY__CACHE_CLASSES]; /* linked through asy__dead_obj.next */
    long cache_count[ASY__CACHE_CLASSES];
} asy__thread_objs;
extern _Thread_local asy__thread_objs asy__objs;

/* A cached object: refcnt 0 and the type it had (so that a reference given
 * back twice is named), the link, and (from 40 bytes on) the release site. */
typedef struct asy__dead_obj {
    asy_obj ob;
    asy_obj *next;
    const void *released_at;
} asy__dead_obj;

/* The malloc chunk size class of a request: glibc rounds size + 8 up to a
 * multiple of 16, with a minimum of 32. */
static inline size_t asy__size_class(size_t size)
{
    size_t chunk = (size + 8 + 15) & ~(size_t)15;
    return (chunk < 32 ? 32 : chunk) / 16;
}

/* The per-thread count of live objects moves by delta. Relaxed atomic load
 * and store, not an atomic add: only this thread writes it. */
static inline void asy__count_live(long delta)
{
    __atomic_store_n(&asy__objs.live, __atomic_load_n(&asy__objs.live, __ATOMIC_RELAXED) + delta,
                     __ATOMIC_RELAXED);
}

/* memset(o, 0, size) for a constant size, in pieces of at most 64 bytes:
 * GCC turns one constant memset of more than 64 bytes into `rep stosq`,
 * which costs about 20 ns on the course machine (more than all the rest
 * of an allocation); each piece becomes a few 16-byte stores instead. */
static inline void asy__zero(void *o, size_t size)
{
    for (size_t i = 0; i < size; i += 64)
        memset((char *)o + i, 0, size - i < 64 ? size - i : 64);
}

/* asy_obj_new for a constant size. New reference. */
static inline void *asy__obj_new_sized(const asy_type *type, size_t size)
{
#if ASY__OBJ_CACHE
    size_t k = asy__size_class(size);
    asy_obj *o = k < ASY__CACHE_CLASSES ? asy__objs.cache_head[k] : NULL;
    if (__builtin_expect(o != NULL, 1)) { /* a list is non-empty only on a registered thread */
        asy__objs.cache_head[k] = ((asy__dead_obj *)o)->next;
        asy__objs.cache_count[k]--;
        asy__zero(o, size); /* a constant size: a few vector stores, no call */
        o->refcnt = 1;
        o->type = type;
        asy__count_live(+1);
        asy__objs.made++;
        return o;
    }
#endif
    return asy_obj_new(type, size);
}

/* Free an object of a type whose size is fixed: `size` is the size it was
 * made with (sizeof its struct), which spares looking it up. Only for a
 * type's own dealloc (obj not NULL); a wrong size corrupts the object
 * cache. */
void asy__obj_free_slow(void *obj, size_t size);
static inline void asy__obj_free_sized(void *obj, size_t size)
{
#if ASY__OBJ_CACHE
    size_t k = asy__size_class(size);
    if (__builtin_expect(k < ASY__CACHE_CLASSES && asy__objs.registered &&
                         asy__objs.cache_count[k] < ASY__CACHE_MAX_PER_CLASS, 1)) {
        asy__dead_obj *d = obj;
        d->ob.refcnt = 0;
        d->next = asy__objs.cache_head[k];
        /* (A relaxed atomic load is a plain load that the compiler never
         * merges with its neighbours into one 16-byte load: that one would
         * wait for the 8-byte store asy__obj_release_last has just made
         * here, as store forwarding fails, about 15 cycles.) */
        if (k * 16 - 8 >= sizeof(asy__dead_obj)) /* constant: the chunk has room for it */
            d->released_at = __atomic_load_n(&asy__objs.releasing_from, __ATOMIC_RELAXED);
        asy__objs.cache_head[k] = obj;
        asy__objs.cache_count[k]++;
        asy__count_live(-1);
        return;
    }
#endif
    asy__obj_free_slow(obj, size);
}


/* ---- errors (exc.c) ---- */

/* The one answer to a NULL where an object or a callback
 * is required, TypeError "<what> was expected, got NULL" (what: "a
 * Future", "an event loop"). New reference. asy__null_fail is the same in
 * shape 3: *error gets it (or it is released when error is NULL), and the
 * result is NULL. */
asy_exc *asy__null_error(const char *what);
void *asy__null_fail(const char *what, asy_exc **error);

/* ---- generators (gen.c) ---- */

/* Chapter 31, debug mode: Python's sys.set_coroutine_origin_tracking_depth.
 * While a hook is set (per thread; the loop sets it while it runs in debug
 * mode), each new coroutine asks it where it is being created: a str value
 * (new reference; None for "unknown") kept in the frame's `received` slot,
 * which a coroutine does not use before its first step and which that step
 * clears. A coroutine freed without ever starting prints it under its
 * "never awaited" warning. No field is added to the frame for it. Returns
 * the hook that was set before. */
typedef asy_value (*asy__coro_origin_fn)(void);
asy__coro_origin_fn asy__gen_set_origin_hook(asy__coro_origin_fn hook);

/* For the loop's recovery after a longjmp (loop.h, asy_loop_recover): a
 * generator left RUNNING because its body jumped out of the step is
 * finished without running anything more (its clear function releases its
 * frame's fields), and so is every running generator it delegates to. The
 * reference each step holds on its generator is given back. g is borrowed;
 * nothing happens unless g is running. */
void asy__gen_abandon(asy_gen *g);
/* How many generator steps are running on this thread, one inside the
 * other (the count behind gen.h's RecursionError), and setting it back:
 * the loop remembers it when it starts running, and asy_loop_recover
 * restores it, since a longjmp out of nested steps skips their ends. */
unsigned asy__gen_step_depth(void);
void asy__gen_set_step_depth(unsigned depth);
/* Turns a fresh frame into a coroutine (coro.h uses it). */
void asy__gen_make_coroutine(asy_gen *g);
/* The generator's dealloc, for types built on a generator frame (chapter
 * 25's async generator): it closes a suspended frame, then frees it. */
void asy__gen_dealloc(asy_obj *self);

/* ---- coroutines (coro.c) ---- */

/* For the library's functions that return an awaitable: a new coroutine
 * named `name` that raises e (stolen) when it is awaited, so that a bad
 * argument is raised at the await; asy__coro_null raises
 * asy__null_error(what). Dropped unawaited, it warns as any coroutine. */
asy_coro *asy__coro_raise(const char *name, asy_exc *e);
asy_coro *asy__coro_null(const char *name, const char *what);

/* ---- futures (future.c) ---- */

/* For chapter 12's Task, which is a Future: initialise the future part of
 * a freshly allocated (so zeroed, by asy_obj_new) object of a type that
 * extends the future's. */
extern const asy_iter_ops asy__future_iter_ops; /* awaiting: yield self while pending */
void asy__future_init(asy_future *fut, asy_loop *loop);
void asy__future_release(asy_future *fut); /* what the future's dealloc frees */
/* The repr text of the future's state, "pending", "finished result=1". */
int asy__future_format_state(asy_future *fut, char *buf, size_t size);
/* Future.set_result / set_exception themselves, which a task's step uses
 * to record what its coroutine returned or raised. */
asy_exc *asy__future_set_result_base(asy_future *fut, asy_value v);
asy_exc *asy__future_set_exception_base(asy_future *fut, asy_exc *e);
/* Future.cancel itself, whatever the object: mark it cancelled and
 * schedule its callbacks (a task's cancel calls it when the coroutine has
 * let the CancelledError out: super().cancel()). */
bool asy__future_cancel_base(asy_future *fut, const char *msg);

/* ---- gather and as_completed (gather.c) ---- */

/* For gather and as_completed (chapter 18): check that every aws[i] is a
 * future, a task or a coroutine, and that they can all live on one loop
 * (the first future's, or the running loop for a coroutine). Returns NULL
 * and sets *loop (borrowed; NULL when n == 0 and no loop runs), or the
 * error (a new reference). The aws are borrowed. */
asy_exc *asy__check_awaitables(size_t n, void *const *aws, asy_loop **loop);

/* Release aws[0..n-1] after a failed check: coroutines are closed first,
 * so that dropping them prints no "never awaited" warning. Steals them. */
void asy__drop_awaitables(size_t n, void **aws);

/* For gather and as_completed: which aws[i] repeat an earlier one
 * (Python: gather's arg_to_fut dict, as_completed's set(fs)), in O(n).
 * Both steal one reference per occurrence, so an awaitable passed k times
 * holds at least k references, and one holding a single reference is
 * passed once. Only the others go into the address map `seen` (which
 * find_repeats initializes; the caller frees it with asy_ptrmap_clear):
 * the usual gather of fresh coroutines never touches a map. Call it
 * before any child is made (making a task changes counts).
 * asy__first_index() is then the index of aws[i]'s first occurrence (i
 * itself for the first). The aws are borrowed. */
void asy__find_repeats(size_t n, void *const *aws, asy_ptrmap *seen);
size_t asy__first_index(const asy_ptrmap *seen, const void *aw, size_t i);

/* ---- the event loop (loop.c) ---- */

/* For futures and tasks (chapters 11-12): queue an item they embed.
 * The caller has already taken the reference that item->release gives
 * back. */
void asy__loop_schedule(asy_loop *loop, asy_ready *item);
/* The same on a loop that may be closed (or NULL): queues the item and
 * returns true, or queues nothing and returns false. One call where a
 * future would make two (is it closed? then queue). */
bool asy__loop_schedule_open(asy_loop *loop, asy_ready *item);
/* For tasks (chapter 12): the task whose step runs now, the list of live
 * tasks (linked through asy_task.all_link; the loop does not own them),
 * and the counter behind the names "Task-1", "Task-2"... (asyncio counts
 * per process; this library keeps no global state, so it counts per loop). */
void *asy__loop_current_task(const asy_loop *loop);
void asy__loop_set_current_task(asy_loop *loop, void *task);
asy_ilist *asy__loop_tasks(asy_loop *loop);
unsigned long asy__loop_next_task_number(asy_loop *loop);
/* What chapter 12 adds to the loop (task.c fills it in): refuse_turn makes
 * the RuntimeError of a turn run from inside a task's step (CPython's
 * _enter_task: "Cannot enter into task ... while another task ... is being
 * executed."); recover does the task part of asy_loop_recover (exc
 * stolen). run_until_complete hands the loop its reference to the future
 * while the loop runs (set steals it; take gives it back; until borrows),
 * so that recover can release it. */
typedef struct asy_loop_task_hooks {
    asy_exc *(*refuse_turn)(asy_loop *loop);
    void (*recover)(asy_loop *loop, asy_exc *exc);
    /* chapter 31: where a coroutine is being created (the origin hook
     * below), set while the loop runs in debug mode */
    asy_value (*coro_origin)(void);
} asy_loop_task_hooks;
void asy__loop_set_task_hooks(asy_loop *loop, const asy_loop_task_hooks *hooks);
void asy__loop_set_until(asy_loop *loop, asy_obj *fut);
asy_obj *asy__loop_until(const asy_loop *loop);
asy_obj *asy__loop_take_until(asy_loop *loop);
/* Run by close() before it drops what is scheduled: chapter 12 uses it to
 * abandon the tasks still pending (see task.c, abandon_tasks). */
void asy__loop_set_close_hook(asy_loop *loop, void (*hook)(asy_loop *loop));
/* For library modules (chapter 12's sleep): a timer embedded in an object
 * of theirs, so that waking up at a time costs no TimerHandle. When
 * node.when is due, the loop queues `ready` like any other ready item
 * (its run and release are the owner's, and its reference is the one the
 * caller took before asy__loop_timer_start). asy__loop_timer_stop takes a
 * timer that is not yet due out of the heap at once, O(log n), calling
 * ready.release; it returns false when the timer was not in the heap
 * (already due, or never started). Such a timer is never "cancelled in
 * place", so it counts in asy_loop_scheduled_count until it is stopped. */
void asy__loop_timer_start(asy_loop *loop, asy_timer *t, double when);
bool asy__loop_timer_stop(asy_loop *loop, asy_timer *t);
/* For async generators (chapter 25). The loop's weak registry of the async
 * generators first iterated while it ran (CPython's loop._asyncgens): a
 * list linked through the generators, which the loop does not own; each
 * one unlinks itself when freed. asyncgen.c also hands the loop the
 * function behind loop.shutdown_asyncgens() when the first one registers:
 * asy__loop_shutdown_asyncgens returns that coroutine (new reference), or
 * NULL when no async generator was ever iterated on this loop. */
asy_ilist *asy__loop_asyncgens(asy_loop *loop);
void asy__loop_set_asyncgen_shutdown(asy_loop *loop, struct asy_gen *(*fn)(asy_loop *loop));
struct asy_gen *asy__loop_shutdown_asyncgens(asy_loop *loop);
/* For asyncio.run (chapter 12): is anything in the ready queue? */
bool asy__loop_has_ready(const asy_loop *loop);

/* For chapter 29's executor: the loop's default executor (loop thread
 * only), what the loop calls to shut it down (asyncio.run, through
 * asy__loop_shutdown_default_executor) and to stop it at close() (which
 * waits for its threads: C cannot leave them running on freed memory), and
 * the count of results other threads still owe the loop (a virtual clock
 * with nothing else to do waits for them instead of reporting a
 * deadlock). */
typedef struct asy_loop_executor_hooks {
    asy_exc *(*shutdown)(asy_loop *loop);
    void (*close)(asy_loop *loop);
} asy_loop_executor_hooks;
void *asy__loop_default_executor(const asy_loop *loop);
void asy__loop_set_default_executor(asy_loop *loop, void *executor, const asy_loop_executor_hooks *hooks);
bool asy__loop_executor_shutdown_called(const asy_loop *loop);
void asy__loop_mark_executor_shutdown(asy_loop *loop);
void asy__loop_thread_jobs_add(asy_loop *loop, int delta);
/* loop.shutdown_default_executor() as asyncio.run calls it: NULL when
 * there is no default executor; otherwise the hook's outcome. */
asy_exc *asy__loop_shutdown_default_executor(asy_loop *loop);
/* The wakeup descriptor (for tests), -1 once closed. */
int asy__loop_wakeup_fd(const asy_loop *loop);

/* ---- transport.c: the pipe transports of chapter 28 (unix_pipes.h) ---- */
/* A read or write pipe transport over fd (non-blocking; stolen, as self):
 * connection_made is scheduled, then reading (read pipe), then waiter's
 * result (waiter may be NULL). Returns the loop's reference: borrowed. */
asy_transport *asy__transport_new_pipe(asy_loop *loop, int fd, bool write, const asy_protocol *proto, void *self,
                                       asy_future *waiter);
/* close(); when the transport's loop is closed already, connection_lost
 * runs now and the descriptor is closed (nothing can be scheduled). */
void asy__transport_close_now(asy_transport *t);
/* The protocol table the transport calls (borrowed), or NULL. */
const asy_protocol *asy__transport_protocol(const asy_transport *t);

/* ---- chapter 31: debug mode and introspection (loop.c, task.c) ---- */

/* For task.c: the loop's clock reading when debug mode is on (0 when off),
 * and the slow-callback check of a step that began at t0: reports it
 * through the exception handler (source: the task, borrowed) when it took
 * slow_callback_duration or more. */
double asy__loop_debug_start(asy_loop *loop);
void asy__loop_debug_check_slow(asy_loop *loop, double t0, asy_obj *source);

/* Where each task was created, in debug mode (CPython's
 * task._source_traceback). Not a field of asy_task: one more pointer would
 * push every task into the next size class of the object cache (chapter
 * 12's spawn went from 88 to 148 ns when it was tried). The loop keeps a
 * side table instead, made on the first task created in debug mode: task
 * address -> the creation record (the creator's await chain, as
 * traceback lines). The table lives in introspect.c; the loop owns it
 * (asy__loop_origins is its slot, freed with the loop and when debug mode
 * is turned off). task.c adds a task when it makes one in debug mode and
 * removes it when it frees the task, after its last report. */
typedef struct asy__origins asy__origins;
asy__origins **asy__loop_origins(asy_loop *loop);
/* Record `text` (copied) for `task`, replacing an older record; makes the
 * table if *table is NULL. Out of memory: no record (a debugging aid). */
void asy__origins_add(asy__origins **table, const void *task, const char *text);
/* The record of `task` (borrowed until it is removed), or NULL. */
const char *asy__origins_find(const asy__origins *table, const void *task);
void asy__origins_remove(asy__origins *table, const void *task);
size_t asy__origins_count(const asy__origins *table);
void asy__origins_free(asy__origins **table);

/* Chapter 26 (sock.c): the shared start of the I/O coroutines of chapters
 * 26-28. Takes *early (raise it if set); else fills *loop with the running
 * loop (a new reference) when it is NULL. Returns the exception to raise,
 * or NULL. */
asy_exc *asy__io_start(asy_exc **early, asy_loop **loop);

#endif /* ASY_INTERNAL_H */
