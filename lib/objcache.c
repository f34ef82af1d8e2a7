/*
 * objcache.c - the allocator under asy_obj_new (chapter 01): a per-thread
 * object cache, the live and allocation counters, the thread-exit
 * hand-back, the release path (asy__obj_release_last) with its deferred
 * release of deep chains, the dead-object diagnostic, asy_out_of_memory.
 * objcache.h says why it exists.
 */
#define _GNU_SOURCE /* dladdr, for naming where a dead object was released */
#include "objcache.h"

#include "internal.h"
#include "value.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What this thread knows about objects (internal.h): its live count, the
 * objects it made so far (asy_obj_allocations(): per thread, so counting
 * costs no atomic instruction on the hot path), its object cache. */
_Thread_local asy__thread_objs asy__objs;

/* ---- counting live objects ----
 * The tests' "nothing leaked" needs the number of objects alive in the
 * whole process, and chapter 29 makes and frees objects on other threads
 * too. One atomic counter would do, but every object would pay two locked
 * instructions for it. Instead each thread counts in its own counter, which
 * only that thread writes (a plain load and store, no lock prefix), and
 * asy_obj_live() adds up the counters of all threads under a mutex. A
 * thread that frees an object another made counts -1, so only the sum
 * means anything. When a thread ends, its count moves to `retired`. */
static void counter_register(void);
static void counter_retire(void);
static void cache_drain(void);

/* What a thread keeps here (its live count, its object cache) is handed
 * back when the thread ends, by one pthread key destructor. */
static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;

static void thread_exit(void *arg)
{
    (void)arg;
    cache_drain();
    counter_retire();
    asy__objs.registered = false;
}

static void thread_key_make(void) { pthread_key_create(&thread_key, thread_exit); }

static void __attribute__((noinline)) thread_state_register_first(void)
{
    pthread_once(&thread_key_once, thread_key_make);
    pthread_setspecific(thread_key, &asy__objs); /* any non-NULL value */
    counter_register();
    asy__objs.registered = true;
}

/* Every object made or freed passes here: a test of a flag, and the rest
 * once per thread. */
static inline void thread_state_register(void)
{
    if (!asy__objs.registered)
        thread_state_register_first();
}

/* The threads' counters (asy__objs.live), linked through asy__objs.next
 * while the thread is registered. */
static pthread_mutex_t counters_lock = PTHREAD_MUTEX_INITIALIZER;
static asy__thread_objs *counters;
static long retired;

static void counter_register(void)
{
    pthread_mutex_lock(&counters_lock);
    asy__objs.next = counters;
    counters = &asy__objs;
    pthread_mutex_unlock(&counters_lock);
}

static inline void count_live(long delta)
{
    thread_state_register(); /* once per thread: a test of a flag after that */
    asy__count_live(delta);
}

/* At thread exit: keep the thread's count, forget its counter. */
static void counter_retire(void)
{
    pthread_mutex_lock(&counters_lock);
    for (asy__thread_objs **p = &counters; *p != NULL; p = &(*p)->next)
        if (*p == &asy__objs) {
            *p = asy__objs.next;
            break;
        }
    retired += __atomic_load_n(&asy__objs.live, __ATOMIC_RELAXED);
    __atomic_store_n(&asy__objs.live, 0, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&counters_lock);
}

long asy_obj_live(void)
{
    pthread_mutex_lock(&counters_lock);
    long n = retired;
    for (asy__thread_objs *c = counters; c != NULL; c = c->next)
        n += __atomic_load_n(&c->live, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&counters_lock);
    return n;
}


/* ---- the object cache ----
 * A program that makes a million tasks makes and frees millions of small
 * objects, and glibc's malloc spends most of that time merging and
 * splitting free chunks. Freed objects of up to ASY__CACHE_MAX_SIZE bytes
 * are kept instead, in one LIFO list per size (per thread, in asy__objs),
 * and handed out again by asy_obj_new: CPython's pymalloc does the same
 * for its objects. A size class is a malloc chunk size (a multiple of 16),
 * so an object costs exactly what malloc would have given it;
 * malloc_usable_size finds the class of an object being freed.
 *
 * Under AddressSanitizer the cache is off (ASY__OBJ_CACHE, internal.h), so
 * that every object is a malloc of its own and every use after free or
 * leak is still reported. A cached object keeps refcnt 0 and its type, so
 * that a reference given back twice is caught and named ("asy_decref on a
 * dead Future object"); it links to the next through the word after its
 * header, and (in chunks with room for it) remembers the code that
 * released its last reference (asy__objs.releasing_from, set by
 * asy__obj_release_last). At most ASY__CACHE_MAX_PER_CLASS objects per
 * class are kept; a thread's cache is freed when the thread ends. The
 * common cases for objects of a fixed size are inline in internal.h
 * (asy__obj_new_sized, asy__obj_free_sized); these are the general ones. */
#if ASY__OBJ_CACHE
#include <malloc.h>

static void cache_drain(void)
{
    asy__thread_objs *c = &asy__objs;
    for (size_t k = 0; k < ASY__CACHE_CLASSES; k++) {
        while (c->cache_head[k] != NULL) {
            asy_obj *o = c->cache_head[k];
            c->cache_head[k] = ((asy__dead_obj *)o)->next;
            free(o);
        }
        c->cache_count[k] = 0;
    }
}

/* An object of class k from the cache, its first `size` bytes zeroed (the
 * rest of the chunk is never read by whoever asked for `size`), or NULL. */
static inline asy_obj *cache_take(size_t k, size_t size)
{
    asy_obj *o = asy__objs.cache_head[k];
    if (o == NULL)
        return NULL;
    asy__objs.cache_head[k] = ((asy__dead_obj *)o)->next;
    asy__objs.cache_count[k]--;
    memset(o, 0, size);
    return o;
}

/* Keep o for its class k. The thread's state is registered already: the
 * caller counted o out with count_live. */
static inline bool cache_give(asy_obj *o, size_t k)
{
    if (k >= ASY__CACHE_CLASSES || asy__objs.cache_count[k] >= ASY__CACHE_MAX_PER_CLASS)
        return false;
    asy__dead_obj *d = (asy__dead_obj *)o;
    d->ob.refcnt = 0;
    d->next = asy__objs.cache_head[k];
    if (k * 16 - 8 >= sizeof(asy__dead_obj))
        d->released_at = __atomic_load_n(&asy__objs.releasing_from, __ATOMIC_RELAXED); /* see internal.h */
    asy__objs.cache_head[k] = o;
    asy__objs.cache_count[k]++;
    return true;
}
#else
static void cache_drain(void) {}
#endif

void *asy_obj_new(const asy_type *type, size_t size)
{
    if (type == NULL)
        return NULL; /* no type, no object: its release would have nothing to call */
    if (size < sizeof(asy_obj))
        size = sizeof(asy_obj);
    asy_obj *o = NULL;
#if ASY__OBJ_CACHE
    size_t k = asy__size_class(size);
    if (k < ASY__CACHE_CLASSES) {
        o = cache_take(k, size);
        size = k * 16 - 8; /* the whole chunk, so it can serve its class again */
    }
#endif
    if (o == NULL)
        o = calloc(1, size);
    if (o == NULL) {
        char what[128];
        snprintf(what, sizeof what, "a %s", type->name);
        asy_out_of_memory(what);
    }
    o->refcnt = 1;
    o->type = type;
    count_live(+1);
    asy__objs.made++;
    return o;
}

void asy_out_of_memory(const char *what)
{
    fprintf(stderr, "asy: out of memory allocating %s\n", what != NULL ? what : "memory");
    abort();
}

void asy_obj_free(void *obj)
{
    if (obj == NULL)
        return;
    count_live(-1);
#if ASY__OBJ_CACHE
    if (cache_give(obj, (malloc_usable_size(obj) + 8) / 16))
        return;
#endif
    free(obj);
}

/* What asy__obj_free_sized (internal.h) does when its inline case does not
 * apply: the thread is not registered yet, or the class is full. */
void asy__obj_free_slow(void *obj, size_t size)
{
    if (obj == NULL)
        return;
    count_live(-1);
#if ASY__OBJ_CACHE
    /* the class asy_obj_new used for this size (its chunk is that class's) */
    if (cache_give(obj, asy__size_class(size < sizeof(asy_obj) ? sizeof(asy_obj) : size)))
        return;
#else
    (void)size;
#endif
    free(obj);
}

long asy_obj_allocations(void)
{
    return asy__objs.made;
}

#if ASY__OBJ_CACHE
/* Say where code at `pc` is, as "FILE+0xOFFSET" (what `addr2line -i -e FILE
 * 0xOFFSET` reads), or "0xADDRESS" when that is unknown. */
static void describe_code(const void *pc, char *buf, size_t size)
{
    Dl_info info;
    if (pc != NULL && dladdr(pc, &info) != 0 && info.dli_fname != NULL)
        snprintf(buf, size, "%s+0x%lx", info.dli_fname,
                 (unsigned long)((const char *)pc - (const char *)info.dli_fbase));
    else
        snprintf(buf, size, "%p", pc);
}
#endif

/* A reference given back twice (the object is dead: refcnt 0, kept in
 * the cache): say which kind of object, and which release freed it when
 * the cache remembers. Then stop, as CPython's debug build does. */
static void dead_object(asy_obj *o)
{
    fprintf(stderr, "asy: asy_decref on a dead %s object (refcnt %ld)\n",
            o->type != NULL ? o->type->name : "?", o->refcnt);
#if ASY__OBJ_CACHE
    size_t k = (malloc_usable_size(o) + 8) / 16;
    if (k * 16 - 8 >= sizeof(asy__dead_obj) && ((asy__dead_obj *)o)->released_at != NULL) {
        char where[512];
        describe_code(((asy__dead_obj *)o)->released_at, where, sizeof where);
        fprintf(stderr, "asy: it was freed by the release at %s\n", where);
    }
#endif
    abort();
}

/* ---- the release path, and the deferred release of deep chains ----
 * release_depth counts the deallocs running on this thread's stack, one
 * inside another. Past ASY_RELEASE_DEPTH_MAX an object whose last
 * reference goes is not freed there: it is pushed on `deferred` (count 0,
 * its dealloc not run yet), and the outermost release, once its own
 * dealloc has returned, pops and frees them one by one, each again with
 * room for ASY_RELEASE_DEPTH_MAX levels below it. The hot path pays an
 * increment, a compare and a decrement. The stack of deferred objects
 * grows by doubling and is freed when it is empty again, so it costs
 * nothing outside deep chains. */
static _Thread_local int release_depth;
static _Thread_local struct {
    asy_obj **items;
    size_t n, cap;
} deferred;

static void defer_release(asy_obj *o)
{
    if (deferred.n == deferred.cap) {
        size_t cap = deferred.cap != 0 ? deferred.cap * 2 : 256;
        asy_obj **items = realloc(deferred.items, cap * sizeof *items);
        if (items == NULL)
            asy_out_of_memory("the deferred-release stack");
        deferred.items = items;
        deferred.cap = cap;
    }
    deferred.items[deferred.n++] = o;
}

static inline void dealloc(asy_obj *o)
{
    if (o->type->dealloc != NULL)
        o->type->dealloc(o);
    else
        asy_obj_free(o);
}

/* The last reference is going (refcnt 1), or one too many (0 or less). */
void asy__obj_release_last(asy_obj *o)
{
    if (o->refcnt <= 0)
        dead_object(o);
    o->refcnt = 0;
    if (release_depth >= ASY_RELEASE_DEPTH_MAX) {
        defer_release(o);
        return;
    }
    const void *outer = asy__objs.releasing_from;
    asy__objs.releasing_from = __builtin_return_address(0);
    release_depth++;
    dealloc(o);
    if (release_depth == 1 && deferred.n > 0) {
        while (deferred.n > 0)
            dealloc(deferred.items[--deferred.n]);
        free(deferred.items);
        deferred.items = NULL;
        deferred.cap = 0;
    }
    release_depth--;
    asy__objs.releasing_from = outer;
}

