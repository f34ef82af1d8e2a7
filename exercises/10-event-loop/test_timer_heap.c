/*
 * test_timer_heap.c - tests for exercise 10/timer_heap (see timer_heap.h).
 *
 * After every operation the tests check the heap itself (heap_ok): each
 * node's index is its place in the array, and no node comes before its
 * parent. They compare with their OWN ordering (ref_before), so a wrong
 * timer_node_before cannot make a wrong heap look right.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "timer_heap.h"

/* (when, seq) order, the test's own copy. */
static bool ref_before(const timer_node *a, const timer_node *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

/* Is h a valid heap? On failure, say why in `why`. */
static bool heap_ok(const timer_heap *h, char *why, size_t size)
{
    for (size_t i = 0; i < h->len; i++) {
        if (h->items[i] == NULL) {
            snprintf(why, size, "items[%zu] is NULL", i);
            return false;
        }
        if (h->items[i]->index != i) {
            snprintf(why, size, "items[%zu]->index is %zu (stale index)", i, h->items[i]->index);
            return false;
        }
        if (i > 0 && ref_before(h->items[i], h->items[(i - 1) / 2])) {
            snprintf(why, size, "items[%zu] (when %g, seq %llu) comes before its parent items[%zu] (when %g, seq %llu)",
                     i, h->items[i]->when, h->items[i]->seq, (i - 1) / 2, h->items[(i - 1) / 2]->when,
                     h->items[(i - 1) / 2]->seq);
            return false;
        }
    }
    return true;
}

/* The tests' heap. It is global so that a test stopped half-way (a
 * CHECK_FATAL) leaves its array reachable, not leaked: the next test,
 * or the end of the program, frees it. */
static timer_heap the_heap;

static timer_heap *fresh_heap(void)
{
    timer_heap_free(&the_heap); /* free(NULL) the first time: fine */
    timer_heap_init(&the_heap);
    return &the_heap;
}

#define CHECK_HEAP(h)                                                   \
    do {                                                                \
        char why_[200] = "";                                            \
        CHECK_MSG(heap_ok((h), why_, sizeof why_), "not a heap: %s", why_); \
    } while (0)

static void test_before_orders_by_when_then_seq(void)
{
    timer_node a = {1.0, 5, 0}, b = {2.0, 0, 0}, c = {1.0, 6, 0};
    CHECK(timer_node_before(&a, &b));  /* earlier deadline */
    CHECK(!timer_node_before(&b, &a));
    CHECK(timer_node_before(&a, &c));  /* same deadline: pushed earlier */
    CHECK(!timer_node_before(&c, &a));
    CHECK(!timer_node_before(&a, &a)); /* nothing comes before itself */
}

static void test_empty_heap(void)
{
    timer_heap *h = fresh_heap();
    CHECK_NULL(timer_heap_peek(h));
    CHECK_NULL(timer_heap_pop(h));
    CHECK_INT_EQ(h->len, 0);
}

static void test_push_numbers_nodes_in_push_order(void)
{
    timer_heap *h = fresh_heap();
    timer_node n[5];
    const double when[5] = {3.0, 1.0, 2.0, 1.0, 0.5};
    for (int i = 0; i < 5; i++) {
        n[i].when = when[i];
        n[i].seq = 999;
        timer_heap_push(h, &n[i]);
        CHECK_INT_EQ(h->len, i + 1);
        CHECK_HEAP(h);
    }
    for (int i = 0; i < 5; i++)
        CHECK_MSG(n[i].seq == (unsigned long long)i, "node pushed #%d got seq %llu", i, n[i].seq);
    CHECK(timer_heap_peek(h) == &n[4]); /* 0.5 is the earliest */
}

static void test_pop_returns_the_earliest_first(void)
{
    timer_heap *h = fresh_heap();
    const double when[8] = {5, 3, 8, 1, 9, 2, 7, 4};
    timer_node n[8];
    for (int i = 0; i < 8; i++) {
        n[i].when = when[i];
        timer_heap_push(h, &n[i]);
    }
    CHECK_HEAP(h);
    const double sorted[8] = {1, 2, 3, 4, 5, 7, 8, 9};
    for (int i = 0; i < 8; i++) {
        timer_node *peek = timer_heap_peek(h);
        timer_node *t = timer_heap_pop(h);
        CHECK_FATAL(t != NULL);
        CHECK(peek == t); /* peek shows what pop will return */
        CHECK_MSG(t->when == sorted[i], "pop #%d returned when %g, expected %g", i + 1, t->when, sorted[i]);
        CHECK_INT_EQ(h->len, 7 - i);
        CHECK_HEAP(h);
    }
    CHECK_NULL(timer_heap_pop(h));
}

static void test_equal_deadlines_pop_in_push_order(void)
{
    /* call_at(1.0, t0) ... call_at(1.0, t11), with earlier and later
     * timers mixed in: the twelve must come out t0, t1, ... t11. */
    timer_heap *h = fresh_heap();
    timer_node same[12], other[6];
    for (int i = 0; i < 12; i++) {
        same[i].when = 1.0;
        timer_heap_push(h, &same[i]);
        if (i % 2 == 0) {
            other[i / 2].when = i % 4 == 0 ? 0.5 : 2.0;
            timer_heap_push(h, &other[i / 2]);
        }
    }
    CHECK_HEAP(h);
    char got[200] = "";
    int k = 0;
    timer_node *t;
    while ((t = timer_heap_pop(h)) != NULL && k < 18) {
        k++;
        if (t->when != 1.0)
            continue;
        size_t len = strlen(got);
        snprintf(got + len, sizeof got - len, "%st%d", len ? " " : "", (int)(t - same));
    }
    CHECK_STR_EQ(got, "t0 t1 t2 t3 t4 t5 t6 t7 t8 t9 t10 t11");
    CHECK_INT_EQ(k, 18);
}

static void test_the_array_grows(void)
{
    enum { N = 1000 };
    static timer_node n[N];
    timer_heap *h = fresh_heap();
    for (int i = 0; i < N; i++) { /* latest first: every push sifts to the top */
        n[i].when = (double)(N - i);
        timer_heap_push(h, &n[i]);
    }
    CHECK_INT_EQ(h->len, N);
    CHECK_HEAP(h);
    for (int i = 1; i <= N; i++) {
        timer_node *t = timer_heap_pop(h);
        CHECK_FATAL(t != NULL);
        if (t->when != (double)i) {
            CHECK_MSG(0, "pop #%d returned when %g", i, t->when);
            break;
        }
    }
    CHECK_INT_EQ(h->len, 0);
}

/* A small, seeded random generator (the same numbers on every machine). */
static unsigned long rng_state;
static unsigned long rng(void)
{
    rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned long)(rng_state >> 33);
}

/* The reference: the live nodes in an array; the earliest by linear scan. */
enum { POOL = 400 };
static timer_node pool[POOL];
static timer_node *live[POOL];
static size_t nlive;
static unsigned long long ref_seq[POOL]; /* the seq each node should have */

static size_t ref_earliest(void)
{
    size_t best = 0;
    for (size_t i = 1; i < nlive; i++) {
        const timer_node *a = live[i], *b = live[best];
        size_t ia = (size_t)(a - pool), ib = (size_t)(b - pool);
        if (a->when < b->when || (a->when == b->when && ref_seq[ia] < ref_seq[ib]))
            best = i;
    }
    return best;
}

/* ops random operations; with_remove: some of them remove a random node. */
static void random_run(unsigned long seed, int ops, bool with_remove)
{
    rng_state = seed;
    nlive = 0;
    size_t next_free = 0;
    unsigned long long pushes = 0;
    timer_heap *h = fresh_heap();
    for (int op = 0; op < ops; op++) {
        unsigned long r = rng() % 10;
        if ((r < 5 || nlive == 0) && next_free < POOL) {
            timer_node *n = &pool[next_free];
            n->when = (double)(rng() % 40) / 4.0; /* few distinct values: many ties */
            ref_seq[next_free++] = pushes++;
            timer_heap_push(h, n);
            live[nlive++] = n;
        } else if (nlive == 0) {
            break; /* the pool is used up and the heap is empty */
        } else if (with_remove && r >= 8) {
            size_t i = rng() % nlive;
            timer_heap_remove(h, live[i]);
            live[i] = live[--nlive];
        } else {
            size_t i = ref_earliest();
            timer_node *t = timer_heap_pop(h);
            CHECK_FATAL(t != NULL);
            if (t != live[i]) {
                CHECK_MSG(0, "op %d: pop returned (when %g, node %d), the reference says (when %g, node %d)",
                          op, t->when, (int)(t - pool), live[i]->when, (int)(live[i] - pool));
                break;
            }
            live[i] = live[--nlive];
        }
        char why[200] = "wrong length";
        if (!heap_ok(h, why, sizeof why) || h->len != nlive) {
            CHECK_MSG(0, "after op %d: %s (len %zu, expected %zu)", op, why, h->len, nlive);
            break;
        }
    }
    /* Drain what is left, in order. */
    while (nlive > 0) {
        size_t i = ref_earliest();
        timer_node *t = timer_heap_pop(h);
        CHECK_FATAL(t != NULL);
        if (t != live[i]) {
            CHECK_MSG(0, "drain: pop returned when %g, the reference says when %g", t->when, live[i]->when);
            break;
        }
        live[i] = live[--nlive];
    }
    CHECK_NULL(timer_heap_pop(h));
}

static void test_random_push_pop_matches_a_sorted_reference(void)
{
    random_run(42, 700, false);
    random_run(2024, 700, false);
}

static void test_remove_needs_sift_up_too(void)
{
    /* Pushed in this order the array is [1, 10, 2, 11, 12, 3, 4]:
     *              1
     *          10      2
     *        11  12   3  4
     * Removing 11 puts the last node, 4, under 10: it must move UP. */
    const double when[7] = {1, 10, 2, 11, 12, 3, 4};
    timer_node n[7];
    timer_heap *h = fresh_heap();
    for (int i = 0; i < 7; i++) {
        n[i].when = when[i];
        timer_heap_push(h, &n[i]);
    }
    CHECK_FATAL(h->len == 7);
    CHECK(h->items[3] == &n[3]);
    timer_heap_remove(h, &n[3]);
    CHECK_INT_EQ(h->len, 6);
    CHECK_HEAP(h);
    CHECK(h->items[1] == &n[6]); /* 4 moved up into 10's place */
    const double rest[6] = {1, 2, 3, 4, 10, 12};
    for (int i = 0; i < 6; i++) {
        timer_node *t = timer_heap_pop(h);
        CHECK_FATAL(t != NULL);
        CHECK_MSG(t->when == rest[i], "pop #%d returned when %g, expected %g", i + 1, t->when, rest[i]);
    }
}

static void test_remove_the_root_the_last_and_the_only(void)
{
    timer_node n[4] = {{3, 0, 0}, {1, 0, 0}, {2, 0, 0}, {4, 0, 0}};
    timer_heap *h = fresh_heap();
    for (int i = 0; i < 4; i++)
        timer_heap_push(h, &n[i]);
    CHECK_FATAL(h->len == 4);
    timer_heap_remove(h, h->items[h->len - 1]); /* the last node */
    CHECK_INT_EQ(h->len, 3);
    CHECK_HEAP(h);
    timer_heap_remove(h, &n[1]); /* the root, 1 */
    CHECK_INT_EQ(h->len, 2);
    CHECK_HEAP(h);
    CHECK(timer_heap_peek(h) != NULL && timer_heap_peek(h)->when == 2);
    timer_heap_remove(h, &n[2]);
    timer_node *only = timer_heap_peek(h);
    CHECK_FATAL(only != NULL);
    timer_heap_remove(h, only);
    CHECK_INT_EQ(h->len, 0);
    CHECK_NULL(timer_heap_peek(h));
}

static void test_random_push_pop_remove_matches_the_reference(void)
{
    random_run(7, 900, true);
    random_run(99, 900, true);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"timer_node_before: earlier deadline first, then earlier push", test_before_orders_by_when_then_seq},
        {"an empty heap: peek and pop return NULL", test_empty_heap},
        {"push numbers the nodes 0, 1, 2, ... and keeps a heap", test_push_numbers_nodes_in_push_order},
        {"pop returns the earliest deadline first", test_pop_returns_the_earliest_first},
        {"equal deadlines pop in the order they were pushed", test_equal_deadlines_pop_in_push_order},
        {"the array grows: 1000 timers pushed latest first", test_the_array_grows},
        {"random pushes and pops (seeded) match a sorted reference",
         test_random_push_pop_matches_a_sorted_reference},
        {"remove from the middle: the moved node may need to go UP", test_remove_needs_sift_up_too},
        {"remove the last node, the root, and the only node", test_remove_the_root_the_last_and_the_only},
        {"random pushes, pops and removes (seeded) match the reference",
         test_random_push_pop_remove_matches_the_reference},
        {NULL, NULL},
    };
    int rc = check_main("timer_heap", tests, argc, argv);
    timer_heap_free(&the_heap);
    return rc;
}
