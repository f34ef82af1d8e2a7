/*
 * test_walk.c - tests for exercise 03/walk. Chapter: 03
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "walk.h"

/*        1
 *      / | \
 *     2  5  6
 *    / \     \
 *   3   4     7        pre-order: 1 2 3 4 5 6 7, seven nodes            */
static const walk_node leaves_of_2[] = {{3, NULL, 0}, {4, NULL, 0}};
static const walk_node leaves_of_6[] = {{7, NULL, 0}};
static const walk_node kids_of_1[] = {{2, leaves_of_2, 2}, {5, NULL, 0}, {6, leaves_of_6, 1}};
static const walk_node tree = {1, kids_of_1, 3};

/* A path: DEPTH nodes, each the only kid of the one before (0 -> 1 -> ...). */
enum { DEPTH = 40 };
static walk_node path[DEPTH];

static void make_path(void)
{
    for (int i = 0; i < DEPTH; i++) {
        path[i].value = i;
        path[i].kids = i + 1 < DEPTH ? &path[i + 1] : NULL;
        path[i].nkids = i + 1 < DEPTH ? 1 : 0;
    }
}

/* Run g to the end: the values it yielded, space-separated, then
 * "-> returned X" or "-> raised E". Releases g. */
static const char *drain(asy_gen *g)
{
    static char buf[2048];
    buf[0] = '\0';
    for (int steps = 0; steps < 1000; steps++) {
        asy_result r = asy_gen_next(g);
        size_t n = strlen(buf);
        if (r.status == ASY_YIELDED)
            snprintf(buf + n, sizeof buf - n, "%s ", ASY_STR(r.value));
        else if (r.status == ASY_RETURNED)
            snprintf(buf + n, sizeof buf - n, "-> returned %s", ASY_REPR(r.value));
        else
            snprintf(buf + n, sizeof buf - n, "-> raised %s", r.exc ? ASY_EXC_STR(r.exc) : "?");
        bool done = r.status != ASY_YIELDED;
        asy_result_clear(&r);
        if (done)
            break;
    }
    asy_decref(g);
    return buf;
}

static void test_leaf(void)
{
    static const walk_node leaf = {42, NULL, 0};
    CHECK_STR_EQ(drain(walk(&leaf)), "42 -> returned 1");
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_tree_in_preorder(void)
{
    CHECK_STR_EQ(drain(walk(&tree)), "1 2 3 4 5 6 7 -> returned 7");
    CHECK_STR_EQ(drain(walk(&kids_of_1[0])), "2 3 4 -> returned 3"); /* a subtree */
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_deep_path(void)
{
    make_path();
    char want[512] = "";
    for (int i = 0; i < DEPTH; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "%d ", i);
    snprintf(want + strlen(want), sizeof want - strlen(want), "-> returned %d", DEPTH);
    CHECK_STR_EQ(drain(walk(&path[0])), want);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_one_generator_per_level(void)
{
    make_path();
    asy_gen *g = walk(&path[0]);
    CHECK_FATAL(g != NULL);
    for (int i = 0; i < 5; i++) {
        asy_result r = asy_gen_next(g);
        CHECK_INT_EQ(r.status, ASY_YIELDED);
        asy_result_clear(&r);
    }
    /* value 4 came from the fifth level: five generators are alive, each
     * delegating to the next */
    CHECK_INT_EQ(asy_obj_live(), 5);
    CHECK_NULL(asy_gen_close(g)); /* closes the whole chain, deepest first */
    CHECK_STR_EQ(asy_gen_state_name(asy_gen_getstate(g)), "GEN_CLOSED");
    CHECK_INT_EQ(asy_obj_live(), 1); /* only g itself, until we drop it */
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_throw_from_deep_inside(void)
{
    asy_gen *g = walk(&tree);
    CHECK_FATAL(g != NULL);
    for (int i = 0; i < 3; i++) { /* 1 2 3: three levels deep */
        asy_result r = asy_gen_next(g);
        asy_result_clear(&r);
    }
    asy_exc *e = asy_exc_new(&asy_ValueError, "stop walking");
    asy_result r = asy_gen_throw(g, e);
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_MSG(r.exc == e, "the exception thrown in must come out unchanged");
    asy_result_clear(&r);
    asy_decref(e);
    CHECK_INT_EQ(asy_obj_live(), 1);
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_drop_in_the_middle(void)
{
    asy_gen *g = walk(&tree);
    CHECK_FATAL(g != NULL);
    for (int i = 0; i < 6; i++) { /* 1 2 3 4 5 6 */
        asy_result r = asy_gen_next(g);
        CHECK_INT_EQ(r.status, ASY_YIELDED);
        asy_result_clear(&r);
    }
    CHECK_INT_EQ(asy_obj_live(), 2); /* walk(1) -> walk(6) */
    asy_decref(g);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"walk(leaf) yields its value and returns 1", test_leaf},
        {"walk(tree) yields in pre-order and returns the node count", test_tree_in_preorder},
        {"a path 40 deep: 40 values, returns 40", test_deep_path},
        {"one generator per level is alive; close() closes them all", test_one_generator_per_level},
        {"a throw deep inside comes out of the outermost walk", test_throw_from_deep_inside},
        {"dropping a walk in the middle releases every level", test_drop_in_the_middle},
        {NULL, NULL},
    };
    return check_main("walk", tests, argc, argv);
}
