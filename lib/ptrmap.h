/*
 * ptrmap.h - a map from object addresses to indices: "have I seen this
 * object, and where did I put it?" in O(1).
 * Chapter: 14
 *
 * gather, wait and as_completed take any number of children, and the
 * same object passed twice counts once. Python finds the repeats with a
 * dict or a set keyed by the object (gather's arg_to_fut, the set(fs) of
 * wait and as_completed). Comparing each argument with all the ones
 * before it costs O(n^2): a gather of a million tasks took minutes. This
 * is the C version of that dict, reduced to what they need: the key is an
 * address (compared by identity, as Python compares objects without
 * __eq__), the value an index into the caller's own array.
 *
 * Open addressing with linear probing: one array of (key, index) slots,
 * at most half full, so a lookup looks at about two slots. A key's home
 * slot comes from its address multiplied by 2^64/phi (Fibonacci hashing:
 * the high bits of the product are well mixed even though addresses are
 * aligned). The table doubles when it gets half full: O(1) amortized per
 * add. gather, wait and as_completed never remove a key: they build a map,
 * ask it, and drop it. Chapter 31's debug mode keeps one map for the life
 * of a loop (task -> where it was created) and removes each task when it
 * is freed: removal shifts the following slots of the run back, so that a
 * lookup never stops early at a hole.
 *
 * NULL is a key like any other (kept aside, since an empty slot is NULL):
 * wait() is given NULLs to refuse, and refuses them once.
 *
 * The map holds no references: the keys are borrowed addresses, which
 * must stay alive while the map is used (a new object may get the address
 * of a dead one).
 */
#ifndef ASY_PTRMAP_H
#define ASY_PTRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const void *key; /* NULL: an empty slot */
    size_t index;
} asy_ptrmap_slot;

typedef struct asy_ptrmap {
    asy_ptrmap_slot *slots; /* NULL until the first add */
    size_t cap;             /* a power of two (or 0) */
    size_t len;             /* keys in the map */
    unsigned shift;         /* 64 - log2(cap): the hash's top bits pick the slot */
    bool has_null;          /* the NULL key is in the map, at null_index */
    size_t null_index;
} asy_ptrmap;

/* An empty map with room for `n` keys before it grows (n may be 0). */
void asy_ptrmap_init(asy_ptrmap *m, size_t n);

/* Free the table; the map is empty again and may be reused. */
void asy_ptrmap_clear(asy_ptrmap *m);

/* Map `key` to `index` if it is not there yet, and answer the
 * index it maps to: `index` for a new key, the old index for a key already
 * present (which keeps it). So `asy_ptrmap_add(m, p, i) != i` means "p
 * came before, at that index". A NULL m remembers nothing: index. */
size_t asy_ptrmap_add(asy_ptrmap *m, const void *key, size_t index);

/* Find `key`: true and *index set (index may be NULL), or false. */
bool asy_ptrmap_get(const asy_ptrmap *m, const void *key, size_t *index);

/* Remove `key`: true if it was there (a NULL m holds nothing: false). */
bool asy_ptrmap_remove(asy_ptrmap *m, const void *key);

#endif /* ASY_PTRMAP_H */
