/*
 * value.h - the tagged value and the reference-counted object.
 * Chapter: 01
 *
 * Python's generators yield any object and futures hold any object. C has no
 * such thing, so the course carries a tiny tagged value, asy_value: None, a
 * bool, an integer, a float, a raw pointer, or a reference to a counted
 * object (a string, an exception, a generator, later a future or a list).
 * It is 16 bytes and passed by value, like an int; only an ASY_OBJ value owns
 * something.
 *
 * Every heap object of the library starts with the header asy_obj: a
 * reference count and a pointer to its type. The type says how to print the
 * object and how to free it, and (for generators, coroutines and futures)
 * how to send into it; see asy_iter_ops in gen.h.
 *
 * Ownership, in CPython's words:
 *   - a "new reference" is yours: release it with asy_decref() or
 *     asy_value_decref() when you are done;
 *   - a "borrowed" reference is valid while its owner keeps it: take your
 *     own with asy_incref() if you store it;
 *   - a function that "steals" a reference takes over the one you give it.
 * Every function below says which.
 *
 * Printing follows Python: ASY_STR(v) is str(v), ASY_REPR(v) is repr(v)
 * ("None", "True", "2", "0.5", "'finish'").
 */
#ifndef ASY_VALUE_H
#define ASY_VALUE_H

#include <stdbool.h>
#include <stddef.h>

#include "objcache.h"

typedef struct asy_obj asy_obj;
typedef struct asy_type asy_type;
struct asy_iter_ops; /* gen.h: send / throw / close, for objects you can await */

/* What every object's type provides. */
struct asy_type {
    const char *name; /* Python's name for the type: "str", "generator" */
    /* Release what the object owns and free it; called when the count hits 0. */
    void (*dealloc)(asy_obj *self);
    /* Write str(self) (repr == false) or repr(self) into buf, snprintf-style:
     * returns the length it wanted. NULL means "<NAME object at 0x...>". */
    int (*format)(asy_obj *self, char *buf, size_t size, bool repr);
    /* Non-NULL for objects that can be resumed with send/throw/close. */
    const struct asy_iter_ops *iter;
    /* The type this one extends, or NULL (a Task is a Future, chapter 12). */
    const asy_type *base;
    /* What objects of this kind do beyond the above, or NULL: a table of
     * methods kept once per type instead of once per object (a future's
     * cancel, future.h asy_future_methods). CPython's type slots. */
    const void *methods;
    /* __anext__ (chapter 25): a new awaitable for the next value of an
     * async iterator, or NULL for objects that are not one. `async for`
     * (asyncgen.h) calls it. */
    struct asy_gen *(*anext)(asy_obj *self);
    /* Python's == between two objects of this type, or NULL: identity.
     * (bytes compares by content, chapter 27.) */
    bool (*eq)(asy_obj *a, asy_obj *b);
};

/* The header that starts every object. */
struct asy_obj {
    long refcnt;
    const asy_type *type;
};

/* isinstance(obj, type): obj's type is `type` or extends it. Inline, as
 * every await asks it of what the coroutine yielded. */
static inline bool asy_isinstance(const void *obj, const asy_type *type)
{
    if (obj == NULL)
        return false;
    for (const asy_type *t = ((const asy_obj *)obj)->type; t != NULL; t = t->base)
        if (t == type)
            return true;
    return false;
}

typedef enum {
    ASY_NONE,  /* Python's None */
    ASY_BOOL,  /* True / False */
    ASY_INT,   /* int (64-bit here, not arbitrary precision) */
    ASY_FLOAT, /* float */
    ASY_PTR,   /* a raw pointer the library never frees (user data) */
    ASY_OBJ,   /* a counted object: the value owns one reference */
} asy_kind;

typedef struct asy_value {
    asy_kind kind;
    union {
        bool b;
        long long i;
        double f;
        void *p;
        asy_obj *o;
    } u;
} asy_value;

/* ---- making values (none of these but asy_str/asy_strf allocate) ---- */
static inline asy_value asy_none(void) { asy_value v = {ASY_NONE, {.i = 0}}; return v; }
static inline asy_value asy_bool(bool b) { asy_value v = {ASY_BOOL, {.b = b}}; return v; }
static inline asy_value asy_int(long long i) { asy_value v = {ASY_INT, {.i = i}}; return v; }
static inline asy_value asy_float(double f) { asy_value v = {ASY_FLOAT, {.f = f}}; return v; }
static inline asy_value asy_ptr(void *p) { asy_value v = {ASY_PTR, {.p = p}}; return v; }

/* Wrap an object in a value. Steals the reference `obj` (NULL gives None). */
static inline asy_value asy_obj_value(void *obj)
{
    asy_value v = {ASY_NONE, {.i = 0}};
    if (obj != NULL) {
        v.kind = ASY_OBJ;
        v.u.o = (asy_obj *)obj;
    }
    return v;
}

/* A new str object holding a copy of s (NULL is taken as ""). New reference. */
asy_value asy_str(const char *s);
/* Like asy_str, formatted with printf rules (NULL fmt: ""). New reference. */
asy_value asy_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline bool asy_is_none(asy_value v) { return v.kind == ASY_NONE; }
bool asy_is_str(asy_value v);
/* The characters of a str value (borrowed, lives as long as the value);
 * NULL if v is not a str. */
const char *asy_str_cstr(asy_value v);

/* ---- reference counting ----
 * Every task step takes and gives back a handful of references, so the two
 * common cases are inline, as CPython's Py_INCREF and Py_DECREF are: add
 * one, or take one away from a count that stays above zero. Everything
 * else (freeing the object when the last reference goes, and refusing a
 * reference given back twice) is asy__obj_release_last() in objcache.c.
 * Objects are made with asy_obj_new and freed with asy_obj_free
 * (objcache.h, included here). */

/* Take a reference to an object (NULL is allowed). Returns obj. */
static inline void *asy_incref(void *obj)
{
    if (obj != NULL)
        ((asy_obj *)obj)->refcnt++;
    return obj;
}
/* Give one back; the object is freed when none are left (NULL allowed).
 * Giving back a reference to an object already freed is a bug the library
 * stops at: in the default build it prints
 *     asy: asy_decref on a dead Future object (refcnt 0)
 *     asy: it was freed by the release at ./prog+0x1a2b
 * (the second line, for `addr2line -i -e ./prog 0x1a2b`, when the object's
 * memory had room to remember it) and aborts. This works for objects of
 * up to 512 bytes, which the per-thread cache keeps (objcache.h); a larger
 * one went back to malloc, and only the ASan build (CFG=asan), which
 * reports every use after free itself, catches it. */
static inline void asy_decref(void *obj)
{
    asy_obj *o = obj;
    if (o == NULL)
        return;
    if (o->refcnt > 1)
        o->refcnt--;
    else
        asy__obj_release_last(o);
}
/* The same for values: only ASY_OBJ values hold a reference. */
static inline asy_value asy_value_incref(asy_value v)
{
    if (v.kind == ASY_OBJ)
        asy_incref(v.u.o);
    return v;
}
static inline void asy_value_decref(asy_value v)
{
    if (v.kind == ASY_OBJ)
        asy_decref(v.u.o);
}
/* Release *v and set it to None, so it can never be released twice. */
static inline void asy_value_clear(asy_value *v)
{
    if (v == NULL)
        return;
    asy_value old = *v;
    *v = asy_none(); /* first, so a dealloc that looks at *v sees None */
    asy_value_decref(old);
}

/* ---- comparing and printing ---- */
/* Python's ==, for the kinds here: numbers compare by value (1 == 1.0 ==
 * True), strings by content, objects whose type has an eq slot with it
 * (bytes by content), other objects by identity. */
bool asy_value_eq(asy_value a, asy_value b);

/* Write str(v) or repr(v) into buf (always NUL-terminated when size > 0;
 * nothing is written when buf is NULL). Returns buf. Output that does not fit ends in "...". */
char *asy_value_format(asy_value v, char *buf, size_t size, bool repr);

#define ASY_FMT_MAX 256
/* str(v) and repr(v) as a char * that lives until the end of the enclosing
 * block (it is a compound literal), for printf: printf("%s\n", ASY_STR(v)); */
#define ASY_STR(v) asy_value_format((v), (char[ASY_FMT_MAX]){0}, ASY_FMT_MAX, false)
#define ASY_REPR(v) asy_value_format((v), (char[ASY_FMT_MAX]){0}, ASY_FMT_MAX, true)

/* The type name of a value as Python's type(v).__name__ says it:
 * "NoneType", "int", "str", "list", "coroutine", "Future", "Task", and the
 * exception's class for an exception ("ValueError", "CancelledError"). A
 * raw pointer, which Python does not have, is "pointer". Borrowed, static. */
const char *asy_value_type_name(asy_value v);

#endif /* ASY_VALUE_H */
