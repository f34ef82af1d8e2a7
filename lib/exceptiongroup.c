/*
 * exceptiongroup.c - exception groups (chapter 19).
 *
 * A group is an asy_exc whose `value` holds an excs_obj: the bare message
 * and an array of owned references to the sub-exceptions. exc.c releases
 * `value` when the exception goes, and with it the list.
 */
#include "exceptiongroup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const asy_exc_type asy_BaseExceptionGroup = {"BaseExceptionGroup", &asy_BaseException};
const asy_exc_type asy_ExceptionGroup = {"ExceptionGroup", &asy_Exception};

/* What a group holds: eg.message and eg.exceptions. */
typedef struct {
    asy_obj ob;
    char *message;
    size_t n;
    asy_exc **excs; /* n owned references */
} excs_obj;

static void excs_dealloc(asy_obj *self)
{
    excs_obj *x = (excs_obj *)self;
    for (size_t i = 0; i < x->n; i++)
        asy_decref(x->excs[i]);
    free(x->excs);
    free(x->message);
    asy_obj_free(x);
}

static void args_into(const excs_obj *x, char *buf, size_t size, size_t *len);

/* The group's arguments, 'msg', [ValueError(1), ...]: exc.c prints repr(eg)
 * as Type(<this>). */
static int excs_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    size_t len = 0;
    if (size > 0)
        buf[0] = '\0';
    args_into((excs_obj *)self, buf, size, &len);
    return (int)len;
}

static const asy_type excs_type = {.name = "exceptions", .dealloc = excs_dealloc, .format = excs_format};

/* The list of a group, or NULL if e is not one (borrowed). */
static excs_obj *excs_of(const asy_exc *e)
{
    if (e == NULL || (e->type != &asy_ExceptionGroup && e->type != &asy_BaseExceptionGroup))
        return NULL;
    if (e->value.kind != ASY_OBJ || e->value.u.o->type != &excs_type)
        return NULL;
    return (excs_obj *)e->value.u.o;
}

asy_exc *asy_exc_group_new(const char *msg, asy_exc *const *excs, size_t n)
{
    bool all_exceptions = true;
    if (excs == NULL)
        n = 0; /* no sequence at all: the ValueError below */
    for (size_t i = 0; i < n; i++) {
        if (excs[i] == NULL)
            n = 0; /* treated as an empty sequence: the ValueError below */
        else if (!asy_exc_is(excs[i], &asy_Exception))
            all_exceptions = false;
    }
    if (n == 0)
        return asy_exc_new(&asy_ValueError, "second argument (exceptions) must be a non-empty sequence");
    if (msg == NULL)
        msg = "";

    excs_obj *x = asy_obj_new(&excs_type, sizeof(excs_obj));
    x->message = strdup(msg);
    x->excs = calloc(n, sizeof *x->excs);
    if (x->message == NULL || x->excs == NULL)
        asy_out_of_memory("an ExceptionGroup");
    for (size_t i = 0; i < n; i++)
        x->excs[i] = asy_incref(excs[i]);
    x->n = n;

    /* str(eg) is "msg (N sub-exceptions)": that is the asy_exc's str; its
     * arguments (msg, excs) are x, printed by excs_format. */
    asy_exc *eg = asy_exc_new(all_exceptions ? &asy_ExceptionGroup : &asy_BaseExceptionGroup, NULL);
    size_t cap = strlen(msg) + 40; /* " (N sub-exceptions)" fits in 40 */
    char *str = malloc(cap);
    if (str == NULL)
        asy_out_of_memory("an exception group message");
    snprintf(str, cap, "%s (%zu sub-exception%s)", msg, n, n == 1 ? "" : "s");
    free(eg->msg);
    eg->msg = str;
    eg->value = asy_obj_value(x); /* None before: nothing to release */
    return eg;
}

bool asy_exc_is_group(const asy_exc *e) { return excs_of(e) != NULL; }

bool asy_exc_group_isinstance(const asy_exc *e, const asy_exc_type *type)
{
    if (type == &asy_BaseExceptionGroup)
        return asy_exc_is_group(e);
    return asy_exc_is(e, type);
}

const char *asy_exc_group_message(const asy_exc *e)
{
    excs_obj *x = excs_of(e);
    return x != NULL ? x->message : NULL;
}

size_t asy_exc_group_count(const asy_exc *e)
{
    excs_obj *x = excs_of(e);
    return x != NULL ? x->n : 0;
}

asy_exc *asy_exc_group_get(const asy_exc *e, size_t i)
{
    excs_obj *x = excs_of(e);
    return x != NULL && i < x->n ? x->excs[i] : NULL;
}

/* eg.derive(excs) followed by the copy of __cause__/__context__ that
 * split() does: a new group with eg's message around `excs`. */
static asy_exc *derive(const asy_exc *eg, asy_exc **excs, size_t n)
{
    if (n == 0)
        return NULL;
    asy_exc *d = asy_exc_group_new(asy_exc_group_message(eg), excs, n);
    asy_exc_set_cause(d, eg->cause);
    asy_exc_set_context(d, eg->context);
    return d;
}

asy_exc *asy_exc_group_split(asy_exc *eg, const asy_exc_type *type, asy_exc **rest)
{
    if (rest != NULL)
        *rest = NULL;
    if (eg == NULL)
        return NULL;
    if (asy_exc_group_isinstance(eg, type))
        return asy_incref(eg); /* the whole group matches */
    excs_obj *x = excs_of(eg);
    if (x == NULL) { /* a plain exception that does not match */
        if (rest != NULL)
            *rest = asy_incref(eg);
        return NULL;
    }
    /* Split each sub-exception; nested groups keep their nesting. */
    asy_exc **match = calloc(x->n, sizeof *match), **other = calloc(x->n, sizeof *other);
    if (match == NULL || other == NULL)
        asy_out_of_memory("the parts of an ExceptionGroup split");
    size_t nm = 0, no = 0;
    for (size_t i = 0; i < x->n; i++) {
        asy_exc *r = NULL;
        asy_exc *m = asy_exc_group_split(x->excs[i], type, &r);
        if (m != NULL)
            match[nm++] = m;
        if (r != NULL)
            other[no++] = r;
    }
    asy_exc *result = derive(eg, match, nm);
    if (rest != NULL)
        *rest = derive(eg, other, no);
    for (size_t i = 0; i < nm; i++)
        asy_decref(match[i]);
    for (size_t i = 0; i < no; i++)
        asy_decref(other[i]);
    free(match);
    free(other);
    return result;
}

/* Append to buf at *len, never past size; *len counts what was wanted. */
static void put(char *buf, size_t size, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len < size)
        snprintf(buf + *len, size - *len, "%s", s);
    *len += n;
}

static void repr_into(const asy_exc *e, char *buf, size_t size, size_t *len)
{
    excs_obj *x = excs_of(e);
    if (x == NULL) {
        asy_value v = asy_exc_value((asy_exc *)e);
        put(buf, size, len, ASY_REPR(v));
        asy_value_decref(v);
        return;
    }
    put(buf, size, len, e->type->name);
    put(buf, size, len, "(");
    args_into(x, buf, size, len);
    put(buf, size, len, ")");
}

static void args_into(const excs_obj *x, char *buf, size_t size, size_t *len)
{
    asy_value m = asy_str(x->message);
    put(buf, size, len, ASY_REPR(m));
    put(buf, size, len, ", [");
    asy_value_decref(m);
    for (size_t i = 0; i < x->n; i++) {
        if (i > 0)
            put(buf, size, len, ", ");
        repr_into(x->excs[i], buf, size, len);
    }
    put(buf, size, len, "]");
}

char *asy_exc_group_repr(const asy_exc *e, char *buf, size_t size)
{
    if (size == 0 || buf == NULL)
        return buf;
    size_t len = 0;
    buf[0] = '\0';
    if (e == NULL)
        put(buf, size, &len, "None");
    else
        repr_into(e, buf, size, &len);
    if (len >= size && size > 4)
        memcpy(buf + size - 4, "...", 4); /* cut: say so */
    return buf;
}
