/*
 * list.c - the Python list (chapter 14).
 */
#include "list.h"

#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void list_dealloc(asy_obj *self);
static int list_format(asy_obj *self, char *buf, size_t size, bool repr);

const asy_type asy_list_type = {.name = "list", .dealloc = list_dealloc, .format = list_format};

asy_list *asy_list_new(void) { return asy_obj_new(&asy_list_type, sizeof(asy_list)); }

bool asy_islist(const void *obj) { return asy_isinstance(obj, &asy_list_type); }

asy_list *asy_value_list(asy_value v)
{
    return v.kind == ASY_OBJ && asy_islist(v.u.o) ? (asy_list *)v.u.o : NULL;
}

void asy_list_append(asy_list *l, asy_value v)
{
    if (l == NULL) {
        asy_value_decref(v);
        return;
    }
    if (l->len == l->cap) { /* grow by doubling: append is O(1) amortised */
        size_t cap = l->cap ? l->cap * 2 : 4;
        asy_value *items = realloc(l->items, cap * sizeof *items);
        if (items == NULL)
            asy_out_of_memory("a list's items");
        l->items = items;
        l->cap = cap;
    }
    l->items[l->len++] = v;
}

asy_value asy_list_get(const asy_list *l, size_t i) { return l != NULL && i < l->len ? l->items[i] : asy_none(); }

asy_exc *asy_list_set(asy_list *l, size_t i, asy_value v)
{
    if (l == NULL) {
        asy_value_decref(v);
        return asy__null_error("a list");
    }
    if (i >= l->len) {
        asy_value_decref(v);
        return asy_exc_new(&asy_IndexError, "list assignment index out of range");
    }
    asy_value old = l->items[i];
    l->items[i] = v; /* first, so a dealloc that looks at the list sees v */
    asy_value_decref(old);
    return NULL;
}

bool asy_list_contains(const asy_list *l, asy_value v)
{
    if (l == NULL)
        return false;
    for (size_t i = 0; i < l->len; i++)
        if (asy_value_eq(l->items[i], v))
            return true;
    return false;
}

/* Append s to buf (never past size), counting what it wanted. */
static void put(char *buf, size_t size, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len < size)
        memcpy(buf + *len, s, *len + n < size ? n : size - *len);
    *len += n;
}

/* str(l) == repr(l): "[" + ", ".join(repr(x) for x in l) + "]". Each item
 * is formatted into a scratch buffer as large as the output, so an item
 * that does not fit is cut there and the caller (asy_value_format) marks
 * the whole text with "...". Returns the length it wanted, snprintf-style
 * (exact unless an item was cut). */
/* The lists being printed right now by this thread, innermost first: a
 * list that contains itself (l.append(l)) would otherwise print forever.
 * Python's repr meets such a list again and writes [...] for it
 * (Py_ReprEnter); the nodes live on the C stack of the nested calls. */
typedef struct printing {
    const asy_list *list;
    const struct printing *outer;
} printing;

static _Thread_local const printing *being_printed;

static int list_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_list *l = (asy_list *)self;
    for (const printing *p = being_printed; p != NULL; p = p->outer)
        if (p->list == l)
            return snprintf(buf, size, "[...]");
    size_t len = 0, scratch = size > 0 ? size : 1;
    char *item = malloc(scratch);
    if (item == NULL)
        asy_out_of_memory("a list's text");
    printing me = {l, being_printed};
    being_printed = &me;
    put(buf, size, &len, "[");
    for (size_t i = 0; i < l->len; i++) {
        if (i > 0)
            put(buf, size, &len, ", ");
        put(buf, size, &len, asy_value_format(l->items[i], item, scratch, true));
    }
    put(buf, size, &len, "]");
    being_printed = me.outer;
    free(item);
    if (size > 0)
        buf[len < size ? len : size - 1] = '\0';
    return (int)len;
}

static void list_dealloc(asy_obj *self)
{
    asy_list *l = (asy_list *)self;
    /* Empty the list first and release from the end, so that an item's
     * dealloc never sees a half-freed list. */
    asy_value *items = l->items;
    size_t n = l->len;
    l->items = NULL;
    l->len = l->cap = 0;
    while (n > 0)
        asy_value_decref(items[--n]);
    free(items);
    asy_obj_free(l);
}
