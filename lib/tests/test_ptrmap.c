/*
 * test_ptrmap.c - the address -> index map behind gather, wait and
 * as_completed: add keeps the first index, NULL is a key, growth with
 * many aligned addresses, and a random workload checked against a plain
 * array.
 */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "ptrmap.h"

static void test_add_keeps_the_first_index(void)
{
    asy_ptrmap m;
    asy_ptrmap_init(&m, 0);
    int a, b;
    size_t i = 99;
    CHECK(!asy_ptrmap_get(&m, &a, &i)); /* empty: no table yet */
    CHECK_INT_EQ(i, 99);
    CHECK_INT_EQ(asy_ptrmap_add(&m, &a, 0), 0);
    CHECK_INT_EQ(asy_ptrmap_add(&m, &b, 1), 1);
    CHECK_INT_EQ(asy_ptrmap_add(&m, &a, 2), 0); /* a repeat answers where it came first */
    CHECK_INT_EQ(m.len, 2);
    CHECK(asy_ptrmap_get(&m, &b, &i));
    CHECK_INT_EQ(i, 1);
    CHECK(asy_ptrmap_get(&m, &a, &i));
    CHECK_INT_EQ(i, 0);
    CHECK(!asy_ptrmap_get(&m, &i, &i));
    asy_ptrmap_clear(&m);
    CHECK_INT_EQ(m.len, 0);
    CHECK(!asy_ptrmap_get(&m, &b, &i));
    CHECK_INT_EQ(asy_ptrmap_add(&m, &b, 5), 5); /* cleared, usable again */
    asy_ptrmap_clear(&m);
}

/* NULL is a key too (kept beside the table). */
static void test_null_is_a_key(void)
{
    asy_ptrmap m;
    asy_ptrmap_init(&m, 0);
    size_t i = 99;
    CHECK(!asy_ptrmap_get(&m, NULL, &i));
    CHECK_INT_EQ(asy_ptrmap_add(&m, NULL, 3), 3);
    CHECK_INT_EQ(asy_ptrmap_add(&m, NULL, 4), 3);
    CHECK_INT_EQ(m.len, 1);
    int a;
    CHECK(!asy_ptrmap_get(&m, &a, &i)); /* no table yet: still answers */
    CHECK_INT_EQ(asy_ptrmap_add(&m, &a, 5), 5);
    CHECK(asy_ptrmap_get(&m, NULL, &i));
    CHECK_INT_EQ(i, 3);
    CHECK(asy_ptrmap_get(&m, &a, &i));
    CHECK_INT_EQ(i, 5);
    CHECK_INT_EQ(m.len, 2);
    asy_ptrmap_clear(&m);
}

/* Addresses 8 bytes apart, as aligned objects are: many keys through
 * several doublings, every one found at its index, repeats answered with
 * the first index, and addresses never added not found. */
static void test_many_aligned_keys(void)
{
    enum { N = 100000 };
    uint64_t *keys = calloc(2 * N, sizeof *keys);
    CHECK_FATAL(keys != NULL);
    asy_ptrmap m;
    asy_ptrmap_init(&m, 16); /* grows several times */
    for (size_t i = 0; i < N; i++)
        CHECK_INT_EQ(asy_ptrmap_add(&m, &keys[i], i), i);
    CHECK_INT_EQ(m.len, N);
    CHECK(m.cap >= 2 * N);
    size_t bad = 0, idx;
    for (size_t i = 0; i < N; i++) {
        if (!asy_ptrmap_get(&m, &keys[i], &idx) || idx != i)
            bad++;
        if (asy_ptrmap_add(&m, &keys[i], N + i) != i)
            bad++;
        if (asy_ptrmap_get(&m, &keys[N + i], &idx))
            bad++;
    }
    CHECK_INT_EQ(bad, 0);
    CHECK_INT_EQ(m.len, N);
    asy_ptrmap_clear(&m);
    free(keys);
}

/* Random adds and gets over a pool of addresses (so probe runs collide and
 * wrap around the table), checked against an array that says which are in
 * and at what index. */
static void test_random_operations_agree_with_an_array(void)
{
    enum { POOL = 4096, OPS = 200000 };
    static char pool[POOL];
    long in[POOL]; /* -1: absent, else its index */
    for (int i = 0; i < POOL; i++)
        in[i] = -1;
    asy_ptrmap m;
    asy_ptrmap_init(&m, 0);
    unsigned long long x = 88172645463325252ull; /* xorshift64 */
    size_t bad = 0, count = 0;
    for (long op = 0; op < OPS; op++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int k = (int)(x % POOL);
        size_t idx;
        if ((x >> 20) % 2 == 0) {
            if (asy_ptrmap_add(&m, &pool[k], (size_t)op) != (in[k] < 0 ? (size_t)op : (size_t)in[k]))
                bad++;
            if (in[k] < 0)
                in[k] = op, count++;
        } else if (asy_ptrmap_get(&m, &pool[k], &idx) != (in[k] >= 0) || (in[k] >= 0 && idx != (size_t)in[k])) {
            bad++;
        }
        if (m.len != count)
            bad++;
    }
    CHECK_INT_EQ(bad, 0);
    CHECK_INT_EQ(count, POOL); /* every address went in at some point */
    asy_ptrmap_clear(&m);
}

/* Adds, gets and removes in random order on a small pool of addresses (so
 * that runs form, wrap around and are cut by removals), checked against an
 * array; then NULL, and removing what is not there. */
static void test_random_removals_agree_with_an_array(void)
{
    enum { POOL = 512, OPS = 200000 };
    static char pool[POOL];
    long in[POOL]; /* -1: absent, else its index */
    for (int i = 0; i < POOL; i++)
        in[i] = -1;
    asy_ptrmap m;
    asy_ptrmap_init(&m, 0);
    unsigned long long x = 2463534242ull; /* xorshift64 */
    size_t bad = 0, count = 0, removed = 0;
    for (long op = 0; op < OPS; op++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        int k = (int)(x % POOL);
        size_t idx;
        switch ((x >> 20) % 3) {
        case 0:
            if (asy_ptrmap_add(&m, &pool[k], (size_t)op) != (in[k] < 0 ? (size_t)op : (size_t)in[k]))
                bad++;
            if (in[k] < 0)
                in[k] = op, count++;
            break;
        case 1:
            if (asy_ptrmap_remove(&m, &pool[k]) != (in[k] >= 0))
                bad++;
            if (in[k] >= 0)
                in[k] = -1, count--, removed++;
            break;
        default:
            if (asy_ptrmap_get(&m, &pool[k], &idx) != (in[k] >= 0) || (in[k] >= 0 && idx != (size_t)in[k]))
                bad++;
        }
        if (m.len != count)
            bad++;
    }
    CHECK_INT_EQ(bad, 0);
    CHECK(removed > OPS / 10);
    for (int k = 0; k < POOL; k++) /* every key still in is found, the others not */
        if (asy_ptrmap_get(&m, &pool[k], NULL) != (in[k] >= 0))
            bad++;
    CHECK_INT_EQ(bad, 0);
    CHECK(!asy_ptrmap_remove(&m, NULL));
    asy_ptrmap_add(&m, NULL, 5);
    CHECK(asy_ptrmap_remove(&m, NULL));
    CHECK(!asy_ptrmap_get(&m, NULL, NULL));
    CHECK(!asy_ptrmap_remove(NULL, &pool[0]));
    asy_ptrmap_clear(&m);
    CHECK(!asy_ptrmap_remove(&m, &pool[0])); /* no table */
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"add keeps the first index; get; clear", test_add_keeps_the_first_index},
        {"NULL is a key like the others", test_null_is_a_key},
        {"100k aligned keys: all found, repeats give the first index, others not found",
         test_many_aligned_keys},
        {"200k random adds and gets agree with a plain array", test_random_operations_agree_with_an_array},
        {"200k random adds, removes and gets agree with a plain array", test_random_removals_agree_with_an_array},
        {NULL, NULL},
    };
    return check_main("ptrmap", tests, argc, argv);
}
