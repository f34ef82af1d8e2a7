/*
 * test_list.c - the Python list of chapter 14: append / get / set / len,
 * printing as Python does, membership, and ownership of the items.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "list.h"

static void test_empty_list_prints_as_brackets(void)
{
    asy_list *l = asy_list_new();
    CHECK_INT_EQ(asy_list_len(l), 0);
    asy_value v = asy_list_value(l);
    CHECK_STR_EQ(ASY_STR(v), "[]");
    CHECK_STR_EQ(ASY_REPR(v), "[]");
    CHECK_STR_EQ(asy_value_type_name(v), "list");
    asy_value_decref(v);
    asy_decref(l);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_append_get_len_and_python_printing(void)
{
    asy_list *l = asy_list_new();
    asy_list_append(l, asy_int(2));
    asy_list_append(l, asy_int(6));
    asy_list_append(l, asy_int(24));
    CHECK_INT_EQ(asy_list_len(l), 3);
    CHECK_INT_EQ(asy_list_get(l, 2).u.i, 24);
    asy_value v = asy_list_value(l);
    CHECK_STR_EQ(ASY_STR(v), "[2, 6, 24]");
    asy_value_decref(v);
    asy_decref(l);

    /* items print with repr, whatever they are; str(list) == repr(list) */
    l = asy_list_new();
    asy_list_append(l, asy_str("a"));
    asy_list_append(l, asy_none());
    asy_list_append(l, asy_float(0.5));
    asy_list_append(l, asy_bool(true));
    asy_exc *e = asy_exc_new(&asy_ValueError, "boom");
    asy_list_append(l, asy_exc_value(e));
    asy_decref(e);
    asy_list *inner = asy_list_new();
    asy_list_append(inner, asy_str("it's"));
    asy_list_append(l, asy_obj_value(inner)); /* steals inner */
    v = asy_list_value(l);
    CHECK_STR_EQ(ASY_STR(v), "['a', None, 0.5, True, ValueError('boom'), [\"it's\"]]");
    CHECK_STR_EQ(ASY_REPR(v), ASY_STR(v));
    asy_value_decref(v);
    asy_decref(l);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_many_appends_grow_the_list(void)
{
    asy_list *l = asy_list_new();
    for (int i = 0; i < 1000; i++)
        asy_list_append(l, asy_strf("item %d", i)); /* objects: each one owned */
    CHECK_INT_EQ(asy_list_len(l), 1000);
    CHECK_STR_EQ(asy_str_cstr(asy_list_get(l, 0)), "item 0");
    CHECK_STR_EQ(asy_str_cstr(asy_list_get(l, 999)), "item 999");
    CHECK_INT_EQ(asy_obj_live(), 1001);
    asy_decref(l); /* releases every item */
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_get_out_of_range_is_none(void)
{
    asy_list *l = asy_list_new();
    asy_list_append(l, asy_int(1));
    CHECK(asy_is_none(asy_list_get(l, 1)));
    CHECK(asy_is_none(asy_list_get(l, (size_t)-1)));
    asy_decref(l);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_set_replaces_and_releases_the_old_item(void)
{
    asy_list *l = asy_list_new();
    asy_list_append(l, asy_str("old"));
    CHECK_NULL(asy_list_set(l, 0, asy_str("new")));
    CHECK_INT_EQ(asy_obj_live(), 2); /* the list and "new": "old" is gone */
    CHECK_STR_EQ(asy_str_cstr(asy_list_get(l, 0)), "new");
    asy_exc *e = asy_list_set(l, 1, asy_str("nowhere")); /* released */
    CHECK_FATAL(e != NULL);
    CHECK_STR_EQ(ASY_EXC_STR(e), "IndexError: list assignment index out of range");
    asy_decref(e);
    asy_decref(l);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_contains_compares_like_python(void)
{
    asy_list *l = asy_list_new();
    asy_value s = asy_str("x");
    asy_list_append(l, asy_int(1));
    asy_list_append(l, asy_value_incref(s));
    CHECK(asy_list_contains(l, asy_float(1.0))); /* 1 == 1.0 */
    asy_value other = asy_str("x");
    CHECK(asy_list_contains(l, other)); /* strings by content */
    asy_value_decref(other);
    CHECK(!asy_list_contains(l, asy_int(2)));
    CHECK(!asy_list_contains(l, asy_none()));
    asy_value_decref(s);
    CHECK(asy_value_list(asy_int(3)) == NULL);
    asy_value v = asy_list_value(l);
    CHECK(asy_value_list(v) == l);
    CHECK(asy_islist(l));
    asy_value_decref(v);
    asy_decref(l);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_long_lists_are_cut_with_dots(void)
{
    asy_list *l = asy_list_new();
    for (int i = 0; i < 200; i++)
        asy_list_append(l, asy_int(i));
    asy_value v = asy_list_value(l);
    const char *s = ASY_STR(v); /* ASY_FMT_MAX bytes */
    CHECK_INT_EQ(strlen(s), ASY_FMT_MAX - 1);
    CHECK(strncmp(s, "[0, 1, 2, ", 10) == 0);
    CHECK_STR_EQ(s + strlen(s) - 3, "...");
    char big[2048];
    asy_value_format(v, big, sizeof big, false);
    CHECK_STR_EQ(big + strlen(big) - 9, "198, 199]");
    asy_value_decref(v);
    asy_decref(l);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_a_list_inside_itself_prints_dots(void)
{
    /* l = [1]; l.append(l); l.append([l]); print(l) */
    asy_list *l = asy_list_new();
    asy_list_append(l, asy_int(1));
    asy_list_append(l, asy_list_value(l));
    asy_list *inner = asy_list_new();
    asy_list_append(inner, asy_list_value(l));
    asy_list_append(l, asy_obj_value(inner));
    asy_value v = asy_list_value(l);
    CHECK_STR_EQ(ASY_STR(v), "[1, [...], [[...]]]");
    /* a = []; b = [a]; a.append(b): the cycle goes through another list */
    asy_list *a = asy_list_new(), *b = asy_list_new();
    asy_list_append(b, asy_list_value(a));
    asy_list_append(a, asy_list_value(b));
    asy_value va = asy_list_value(a);
    CHECK_STR_EQ(ASY_REPR(va), "[[[...]]]");
    /* a list printed twice side by side is not a cycle */
    asy_list *pair = asy_list_new();
    asy_list_append(pair, asy_list_value(b));
    asy_list_append(pair, asy_list_value(b));
    asy_value vp = asy_obj_value(pair);
    CHECK_STR_EQ(ASY_REPR(vp), "[[[[...]]], [[[...]]]]");
    asy_value_decref(vp);
    /* break the cycles (no garbage collector here) */
    asy_decref(asy_list_set(l, 1, asy_none()));
    asy_decref(asy_list_set(inner, 0, asy_none()));
    asy_decref(asy_list_set(a, 0, asy_none()));
    asy_value_decref(va);
    asy_value_decref(v);
    asy_decref(a);
    asy_decref(b);
    asy_decref(l);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"an empty list prints as []", test_empty_list_prints_as_brackets},
        {"append, get, len; a list prints like Python's [2, 6, 24]", test_append_get_len_and_python_printing},
        {"a thousand appends grow the list and are all released with it", test_many_appends_grow_the_list},
        {"get out of range gives None", test_get_out_of_range_is_none},
        {"set replaces an item and releases the old one; out of range is IndexError",
         test_set_replaces_and_releases_the_old_item},
        {"contains compares like Python's == (1 == 1.0, strings by content)", test_contains_compares_like_python},
        {"a list too long for the buffer is cut and ends in ...", test_long_lists_are_cut_with_dots},
        {"a list inside itself prints [...]", test_a_list_inside_itself_prints_dots},
        {NULL, NULL},
    };
    return check_main("list", tests, argc, argv);
}
