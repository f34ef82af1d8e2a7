/*
 * value.c - tagged values, counted objects, and their printing (chapter 01).
 */
#define _GNU_SOURCE /* dladdr, for naming where a dead object was released */
#include "value.h"

#include "exc.h" /* an exception's type name */

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
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

/* The last reference is going (refcnt 1), or one too many (0 or less). */
void asy__obj_release_last(asy_obj *o)
{
    if (o->refcnt <= 0)
        dead_object(o);
    o->refcnt = 0;
    const void *outer = releasing_from;
    releasing_from = __builtin_return_address(0);
    if (o->type->dealloc != NULL)
        o->type->dealloc(o);
    else
        asy_obj_free(o);
    releasing_from = outer;
}


/* ---- str: an immutable counted string ---- */

typedef struct {
    asy_obj ob;
    size_t len;
    char text[]; /* NUL-terminated */
} str_obj;

static int str_format(asy_obj *self, char *buf, size_t size, bool repr);

static const asy_type str_type = {
    .name = "str",
    .dealloc = NULL, /* nothing owned beyond the block itself */
    .format = str_format,
};

static asy_value str_from(const char *s, size_t len)
{
    str_obj *o = asy_obj_new(&str_type, sizeof(str_obj) + len + 1);
    o->len = len;
    memcpy(o->text, s, len);
    o->text[len] = '\0';
    return asy_obj_value(o);
}

asy_value asy_str(const char *s)
{
    if (s == NULL)
        s = "";
    return str_from(s, strlen(s));
}

asy_value asy_strf(const char *fmt, ...)
{
    if (fmt == NULL)
        return asy_str("");
    va_list ap;
    va_start(ap, fmt);
    char small[128];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return asy_str("");
    if ((size_t)n < sizeof small)
        return str_from(small, (size_t)n);
    char *big = malloc((size_t)n + 1);
    if (big == NULL)
        asy_out_of_memory("a str");
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    asy_value v = str_from(big, (size_t)n);
    free(big);
    return v;
}

bool asy_is_str(asy_value v)
{
    return v.kind == ASY_OBJ && v.u.o->type == &str_type;
}

const char *asy_str_cstr(asy_value v)
{
    return asy_is_str(v) ? ((str_obj *)v.u.o)->text : NULL;
}

/* A small writer that never overruns buf and remembers how much it wanted. */
typedef struct {
    char *buf;
    size_t size, len;
} writer;

static void put(writer *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, w->len++)
        if (w->len + 1 < w->size)
            w->buf[w->len] = s[i];
}

static void puts_(writer *w, const char *s) { put(w, s, strlen(s)); }

/* repr() of a string: Python picks single quotes unless the text holds a
 * single quote and no double quote; it escapes backslashes, the chosen
 * quote and control characters. */
static int str_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    str_obj *s = (str_obj *)self;
    writer w = {buf, size, 0};
    if (!repr) {
        put(&w, s->text, s->len);
    } else {
        char q = (strchr(s->text, '\'') && !strchr(s->text, '"')) ? '"' : '\'';
        put(&w, &q, 1);
        for (size_t i = 0; i < s->len; i++) {
            unsigned char c = (unsigned char)s->text[i];
            char esc[8];
            if (c == '\\' || c == (unsigned char)q) {
                esc[0] = '\\', esc[1] = (char)c, esc[2] = 0;
            } else if (c == '\n') {
                strcpy(esc, "\\n");
            } else if (c == '\t') {
                strcpy(esc, "\\t");
            } else if (c == '\r') {
                strcpy(esc, "\\r");
            } else if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof esc, "\\x%02x", c);
            } else {
                esc[0] = (char)c, esc[1] = 0;
            }
            puts_(&w, esc);
        }
        put(&w, &q, 1);
    }
    if (size > 0)
        buf[w.len < size ? w.len : size - 1] = '\0';
    return (int)w.len;
}

/* ---- comparing ---- */

static bool is_number(asy_value v)
{
    return v.kind == ASY_BOOL || v.kind == ASY_INT || v.kind == ASY_FLOAT;
}

static double as_double(asy_value v)
{
    return v.kind == ASY_FLOAT ? v.u.f : v.kind == ASY_INT ? (double)v.u.i : (double)v.u.b;
}

bool asy_value_eq(asy_value a, asy_value b)
{
    if (is_number(a) && is_number(b)) {
        if (a.kind != ASY_FLOAT && b.kind != ASY_FLOAT) {
            long long x = a.kind == ASY_INT ? a.u.i : a.u.b;
            long long y = b.kind == ASY_INT ? b.u.i : b.u.b;
            return x == y;
        }
        return as_double(a) == as_double(b);
    }
    if (a.kind != b.kind)
        return false;
    switch (a.kind) {
    case ASY_NONE:
        return true;
    case ASY_PTR:
        return a.u.p == b.u.p;
    case ASY_OBJ:
        if (asy_is_str(a) && asy_is_str(b)) {
            str_obj *x = (str_obj *)a.u.o, *y = (str_obj *)b.u.o;
            return x->len == y->len && memcmp(x->text, y->text, x->len) == 0;
        }
        if (a.u.o->type == b.u.o->type && a.u.o->type->eq != NULL)
            return a.u.o->type->eq(a.u.o, b.u.o);
        return a.u.o == b.u.o;
    default:
        return false;
    }
}

/* ---- printing ---- */

/* Python prints a float as the shortest digits that read back as the same
 * double; in fixed notation when the decimal exponent is in [-4, 16), with
 * ".0" on whole numbers (0.5, 1.0, 1000000000000000.0), otherwise in
 * exponent notation (1e+16, 1.5e-05). */
static void format_float(double f, char *out, size_t size)
{
    if (isnan(f)) {
        snprintf(out, size, "nan");
        return;
    }
    if (isinf(f)) {
        snprintf(out, size, f > 0 ? "inf" : "-inf");
        return;
    }
    char e[40];
    for (int prec = 0; prec <= 16; prec++) {
        snprintf(e, sizeof e, "%.*e", prec, f);
        if (strtod(e, NULL) == f)
            break;
    }
    /* e is "-d.ddde+XX": split it into sign, digits and exponent. */
    bool neg = e[0] == '-';
    const char *p = e + neg;
    char digits[24];
    size_t nd = 0;
    for (; *p != 'e'; p++)
        if (*p != '.')
            digits[nd++] = *p;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--; /* 1.500e+00 -> digits "15" */
    digits[nd] = '\0';
    int exp = atoi(p + 1);
    char body[48];
    size_t n = 0;
    if (exp >= -4 && exp < 16) {
        if (exp < 0) {
            n += (size_t)snprintf(body + n, sizeof body - n, "0.");
            for (int i = -1; i > exp; i--)
                body[n++] = '0';
            n += (size_t)snprintf(body + n, sizeof body - n, "%s", digits);
        } else {
            for (int i = 0; i <= exp; i++)
                body[n++] = (size_t)i < nd ? digits[i] : '0';
            body[n++] = '.';
            if ((size_t)exp + 1 < nd)
                n += (size_t)snprintf(body + n, sizeof body - n, "%s", digits + exp + 1);
            else
                body[n++] = '0';
            body[n] = '\0';
        }
    } else {
        body[n++] = digits[0];
        if (nd > 1) {
            body[n++] = '.';
            n += (size_t)snprintf(body + n, sizeof body - n, "%s", digits + 1);
        }
        snprintf(body + n, sizeof body - n, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    }
    snprintf(out, size, "%s%s", neg ? "-" : "", body);
}

char *asy_value_format(asy_value v, char *buf, size_t size, bool repr)
{
    if (size == 0 || buf == NULL)
        return buf;
    char tmp[64];
    int want = 0;
    switch (v.kind) {
    case ASY_NONE:
        want = snprintf(buf, size, "None");
        break;
    case ASY_BOOL:
        want = snprintf(buf, size, "%s", v.u.b ? "True" : "False");
        break;
    case ASY_INT:
        want = snprintf(buf, size, "%lld", v.u.i);
        break;
    case ASY_FLOAT:
        format_float(v.u.f, tmp, sizeof tmp);
        want = snprintf(buf, size, "%s", tmp);
        break;
    case ASY_PTR:
        want = snprintf(buf, size, "<pointer %p>", v.u.p);
        break;
    case ASY_OBJ:
        if (v.u.o->type->format != NULL)
            want = v.u.o->type->format(v.u.o, buf, size, repr);
        else
            want = snprintf(buf, size, "<%s object at %p>", v.u.o->type->name, (void *)v.u.o);
        break;
    }
    /* Mark a cut with "..." rather than let it pass for the whole text. */
    if (want >= 0 && (size_t)want >= size && size > 4)
        memcpy(buf + size - 4, "...", 4);
    return buf;
}

const char *asy_value_type_name(asy_value v)
{
    switch (v.kind) {
    case ASY_NONE:
        return "NoneType";
    case ASY_BOOL:
        return "bool";
    case ASY_INT:
        return "int";
    case ASY_FLOAT:
        return "float";
    case ASY_PTR:
        return "pointer";
    case ASY_OBJ: {
        /* Exceptions share one object type; Python names the class. */
        asy_exc *e = asy_value_exc(v);
        return e != NULL ? e->type->name : v.u.o->type->name;
    }
    }
    return "?";
}
