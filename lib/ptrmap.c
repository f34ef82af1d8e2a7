/*
 * ptrmap.c - the address -> index map of ptrmap.h (chapter 14).
 */
#include "ptrmap.h"
#include "value.h" /* asy_out_of_memory */

#include <stdint.h>
#include <stdlib.h>

/* The home slot of `key`: Fibonacci hashing, the top bits of addr * 2^64/phi. */
static size_t home(const asy_ptrmap *m, const void *key)
{
    uint64_t h = (uint64_t)(uintptr_t)key * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> m->shift);
}

/* The slot holding `key`, or the empty slot where it would go. */
static asy_ptrmap_slot *find(const asy_ptrmap *m, const void *key)
{
    size_t mask = m->cap - 1;
    size_t i = home(m, key);
    while (m->slots[i].key != NULL && m->slots[i].key != key)
        i = (i + 1) & mask;
    return &m->slots[i];
}

static void resize(asy_ptrmap *m, size_t cap)
{
    asy_ptrmap_slot *old = m->slots;
    size_t oldcap = m->cap;
    unsigned bits = 0;
    while (((size_t)1 << bits) < cap)
        bits++;
    m->cap = (size_t)1 << bits;
    m->shift = 64 - bits;
    m->slots = calloc(m->cap, sizeof *m->slots);
    if (m->slots == NULL)
        asy_out_of_memory("an address map");
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key != NULL)
            *find(m, old[i].key) = old[i];
    free(old);
}

void asy_ptrmap_init(asy_ptrmap *m, size_t n)
{
    if (m == NULL)
        return;
    m->slots = NULL;
    m->cap = m->len = 0;
    m->shift = 64;
    m->has_null = false;
    m->null_index = 0;
    if (n > 0)
        resize(m, 2 * n); /* at most half full */
}

void asy_ptrmap_clear(asy_ptrmap *m)
{
    if (m == NULL)
        return;
    free(m->slots);
    asy_ptrmap_init(m, 0);
}

size_t asy_ptrmap_add(asy_ptrmap *m, const void *key, size_t index)
{
    if (m == NULL)
        return index; /* no map remembers nothing: every key is new */
    if (key == NULL) {
        if (!m->has_null) {
            m->has_null = true;
            m->null_index = index;
            m->len++;
        }
        return m->null_index;
    }
    if (2 * (m->len + 1) > m->cap)
        resize(m, m->cap ? 2 * m->cap : 8);
    asy_ptrmap_slot *s = find(m, key);
    if (s->key != NULL)
        return s->index; /* seen before: keep the first index */
    s->key = key;
    s->index = index;
    m->len++;
    return index;
}

bool asy_ptrmap_get(const asy_ptrmap *m, const void *key, size_t *index)
{
    size_t ignored;
    if (index == NULL)
        index = &ignored;
    if (m == NULL)
        return false;
    if (key == NULL) {
        if (m->has_null)
            *index = m->null_index;
        return m->has_null;
    }
    if (m->cap == 0)
        return false;
    const asy_ptrmap_slot *s = find(m, key);
    if (s->key == NULL)
        return false;
    *index = s->index;
    return true;
}

bool asy_ptrmap_remove(asy_ptrmap *m, const void *key)
{
    if (m == NULL)
        return false;
    if (key == NULL) {
        if (!m->has_null)
            return false;
        m->has_null = false;
        m->len--;
        return true;
    }
    if (m->cap == 0)
        return false;
    asy_ptrmap_slot *s = find(m, key);
    if (s->key == NULL)
        return false;
    /* Backward shift: walk the rest of the run; a key whose home is at or
     * before the hole (cyclically) may fill it, and leaves a hole behind. */
    size_t mask = m->cap - 1, hole = (size_t)(s - m->slots);
    for (size_t i = (hole + 1) & mask; m->slots[i].key != NULL; i = (i + 1) & mask) {
        size_t h = home(m, m->slots[i].key);
        if (((i - h) & mask) >= ((i - hole) & mask)) {
            m->slots[hole] = m->slots[i];
            hole = i;
        }
    }
    m->slots[hole].key = NULL;
    m->len--;
    return true;
}
