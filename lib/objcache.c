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
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Objects made so far by this thread, for asy_obj_allocations(). Per
 * thread, so counting costs no atomic instruction on the hot path. */
static _Thread_local long made_objects;

/* ---- counting live objects ----
 * The tests' "nothing leaked" needs the number of objects alive in the
 * whole process, and chapter 27 makes and frees objects on other threads
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
static _Thread_local bool thread_registered;

static void thread_exit(void *arg)
{
    (void)arg;
    cache_drain();
    counter_retire();
    thread_registered = false;
}

static void thread_key_make(void) { pthread_key_create(&thread_key, thread_exit); }

static void __attribute__((noinline)) thread_state_register_first(void)
{
    pthread_once(&thread_key_once, thread_key_make);
    pthread_setspecific(thread_key, &thread_registered); /* any non-NULL value */
    counter_register();
    thread_registered = true;
}

/* Every object made or freed passes here: a test of a flag, and the rest
 * once per thread. */
static inline void thread_state_register(void)
{
    if (!thread_registered)
        thread_state_register_first();
}

typedef struct live_counter {
    _Atomic long n;
    struct live_counter *next; /* in `counters` while the thread is registered */
} live_counter;

static pthread_mutex_t counters_lock = PTHREAD_MUTEX_INITIALIZER;
static live_counter *counters;
static long retired;
static _Thread_local live_counter my_count;

static void counter_register(void)
{
    pthread_mutex_lock(&counters_lock);
    my_count.next = counters;
    counters = &my_count;
    pthread_mutex_unlock(&counters_lock);
}

static inline void count_live(long delta)
{
    thread_state_register(); /* once per thread: a test of a flag after that */
    long n = atomic_load_explicit(&my_count.n, memory_order_relaxed);
    atomic_store_explicit(&my_count.n, n + delta, memory_order_relaxed);
}

/* At thread exit: keep the thread's count, forget its counter. */
static void counter_retire(void)
{
    pthread_mutex_lock(&counters_lock);
    for (live_counter **p = &counters; *p != NULL; p = &(*p)->next)
        if (*p == &my_count) {
            *p = my_count.next;
            break;
        }
    retired += atomic_load_explicit(&my_count.n, memory_order_relaxed);
    atomic_store_explicit(&my_count.n, 0, memory_order_relaxed);
    pthread_mutex_unlock(&counters_lock);
}

long asy_obj_live(void)
{
    pthread_mutex_lock(&counters_lock);
    long n = retired;
    for (live_counter *c = counters; c != NULL; c = c->next)
        n += atomic_load_explicit(&c->n, memory_order_relaxed);
    pthread_mutex_unlock(&counters_lock);
    return n;
}

/* The code that released the last reference of the object being freed
 * now (the caller of asy__obj_release_last), for the cache to remember. */
static _Thread_local const void *releasing_from;

/* ---- the object cache ----
 * A program that makes a million tasks makes and frees millions of small
 * objects, and glibc's malloc spends most of that time merging and
 * splitting free chunks. Freed objects of up to CACHE_MAX_SIZE bytes are
 * kept instead, in one LIFO list per size (per thread), and handed out
 * again by asy_obj_new: CPython's pymalloc does the same for its objects.
 * A size class is a malloc chunk size (a multiple of 16), so an object
 * costs exactly what malloc would have given it; malloc_usable_size finds
 * the class of an object being freed.
 *
 * Under AddressSanitizer the cache is off, so that every object is a
 * malloc of its own and every use after free or leak is still reported.
 * A cached object keeps refcnt 0 and its type, so that a reference given
 * back twice is caught and named ("asy_decref on a dead Future object");
 * it links to the next through the word after its header, and (in chunks
 * with room for it) remembers the code that released its last reference.
 * At most CACHE_MAX_PER_CLASS objects per class are kept; a thread's cache
 * is freed when the thread ends. */
#if defined(__SANITIZE_ADDRESS__)
#define OBJ_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OBJ_CACHE 0
#endif
#endif
#if !defined(OBJ_CACHE) && defined(__GLIBC__)
#define OBJ_CACHE 1
#endif
#ifndef OBJ_CACHE
#define OBJ_CACHE 0
#endif

#if OBJ_CACHE
#include <malloc.h>

enum { CACHE_MAX_SIZE = 512, CACHE_CLASSES = CACHE_MAX_SIZE / 16 + 1, CACHE_MAX_PER_CLASS = 1 << 20 };

typedef struct obj_cache {
    asy_obj *head[CACHE_CLASSES]; /* linked through dead_obj.next */
    long count[CACHE_CLASSES];
} obj_cache;

/* A cached object. The smallest chunk holds 24 bytes: the header and the
 * link; from 40 bytes on it also holds the release site. */
typedef struct dead_obj {
    asy_obj ob;      /* refcnt 0, the type it had */
    asy_obj *next;   /* the next object of the size class */
    const void *released_at; /* see asy__obj_release_last, or NULL */
} dead_obj;

static _Thread_local obj_cache cache;

/* The malloc chunk size class of a request: glibc rounds size + 8 up to a
 * multiple of 16, with a minimum of 32. */
static size_t size_class(size_t size)
{
    size_t chunk = (size + 8 + 15) & ~(size_t)15;
    return (chunk < 32 ? 32 : chunk) / 16;
}

static void cache_drain(void)
{
    obj_cache *c = &cache;
    for (size_t k = 0; k < CACHE_CLASSES; k++) {
        while (c->head[k] != NULL) {
            asy_obj *o = c->head[k];
            c->head[k] = ((dead_obj *)o)->next;
            free(o);
        }
        c->count[k] = 0;
    }
}

/* An object of class k from the cache, its first `size` bytes zeroed (the
 * rest of the chunk is never read by whoever asked for `size`), or NULL. */
static inline asy_obj *cache_take(size_t k, size_t size)
{
    asy_obj *o = cache.head[k];
    if (o == NULL)
        return NULL;
    cache.head[k] = ((dead_obj *)o)->next;
    cache.count[k]--;
    memset(o, 0, size);
    return o;
}

/* Keep o for its class k. The thread's state is registered already: the
 * caller counted o out with count_live. */
static inline bool cache_give(asy_obj *o, size_t k)
{
    if (k >= CACHE_CLASSES || cache.count[k] >= CACHE_MAX_PER_CLASS)
        return false;
    dead_obj *d = (dead_obj *)o;
    d->ob.refcnt = 0;
    d->next = cache.head[k];
    if (k * 16 - 8 >= sizeof(dead_obj))
        d->released_at = releasing_from;
    cache.head[k] = o;
    cache.count[k]++;
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
#if OBJ_CACHE
    size_t k = size_class(size);
    if (k < CACHE_CLASSES) {
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
    made_objects++;
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
#if OBJ_CACHE
    if (cache_give(obj, (malloc_usable_size(obj) + 8) / 16))
        return;
#endif
    free(obj);
}

void asy__obj_free_sized(void *obj, size_t size)
{
    if (obj == NULL)
        return;
    count_live(-1);
#if OBJ_CACHE
    /* the class asy_obj_new used for this size (its chunk is that class's) */
    if (cache_give(obj, size_class(size < sizeof(asy_obj) ? sizeof(asy_obj) : size)))
        return;
#else
    (void)size;
#endif
    free(obj);
}



long asy_obj_allocations(void)
{
    return made_objects;
}

#if OBJ_CACHE
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
#if OBJ_CACHE
    size_t k = (malloc_usable_size(o) + 8) / 16;
    if (k * 16 - 8 >= sizeof(dead_obj) && ((dead_obj *)o)->released_at != NULL) {
        char where[512];
        describe_code(((dead_obj *)o)->released_at, where, sizeof where);
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
    const void *outer = releasing_from;
    releasing_from = __builtin_return_address(0);
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
    releasing_from = outer;
}

