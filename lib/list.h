/*
 * list.h - a Python list: a growable array of values.
 * Chapter: 14
 *
 * gather() hands back "a list of results", wait() two collections of
 * tasks, and the demos print them the way Python does: [2, 6, 24],
 * ['a', None], [1, ValueError('boom'), 3]. So the course needs the
 * smallest list that can do that: a counted object (value.h) holding
 * asy_values in order. It can grow (append), be read (get, len), be
 * overwritten in place (set), and be searched by identity or equality
 * (contains). No slicing, no sorting, no removal: nothing here needs them.
 *
 *     Python                      C
 *     l = []                      asy_list *l = asy_list_new();
 *     l.append(x)                 asy_list_append(l, x);       (steals x)
 *     l[i]                        asy_list_get(l, i)           (borrowed)
 *     l[i] = x                    asy_list_set(l, i, x);       (steals x)
 *     len(l)                      asy_list_len(l)
 *     x in l                      asy_list_contains(l, x)
 *     print(l)                    printf("%s\n", ASY_STR(asy_list_value(l)))  -- see below
 *
 * str(l) and repr(l) are the same, as in Python: "[" + the repr of each
 * item joined by ", " + "]". A list met again inside itself prints as
 * [...], as in Python (l = [1]; l.append(l) prints [1, [...]]). Printing a list you hold as asy_list *:
 *     asy_value v = asy_list_value(l); printf("%s\n", ASY_STR(v)); asy_value_decref(v);
 * or, when you hold it as a value already (gather's result): ASY_STR(v).
 *
 * OWNERSHIP. asy_list_new returns a new reference. The list owns one
 * reference to each item: append and set steal the value you give;
 * get returns a borrowed one (asy_value_incref it to keep it after the
 * list changes or dies). Freeing the list releases every item.
 */
#ifndef ASY_LIST_H
#define ASY_LIST_H

#include <stddef.h>

#include "exc.h"
#include "value.h"

typedef struct asy_list {
    asy_obj ob;
    asy_value *items; /* owned references, items[0 .. len-1] */
    size_t len, cap;
} asy_list;

extern const asy_type asy_list_type;

/* [] : an empty list. New reference. */
asy_list *asy_list_new(void);

/* l.append(v): steals v (a NULL l only releases it). */
void asy_list_append(asy_list *l, asy_value v);

/* len(l). */
static inline size_t asy_list_len(const asy_list *l) { return l != NULL ? l->len : 0; }

/* l[i] for 0 <= i < len (borrowed). An index out of range gives None: C
 * has no exception to raise here, so check asy_list_len first. */
asy_value asy_list_get(const asy_list *l, size_t i);

/* l[i] = v: steals v and releases the item it replaces. IndexError
 * "list assignment index out of range" (a new reference; v is released)
 * when i >= len, else NULL. */
asy_exc *asy_list_set(asy_list *l, size_t i, asy_value v);

/* v in l: true when an item == v (asy_value_eq: numbers and strings by
 * value, other objects, such as tasks, by identity). v is borrowed. */
bool asy_list_contains(const asy_list *l, asy_value v);

/* isinstance(x, list). */
bool asy_islist(const void *obj);
/* The list as a value (new reference), and back (borrowed, or NULL). */
static inline asy_value asy_list_value(asy_list *l) { return asy_obj_value(asy_incref(l)); }
asy_list *asy_value_list(asy_value v);

#endif /* ASY_LIST_H */
