/*
 * test_bytes.c - the bytes value (chapter 26, compared by content from
 * chapter 27): repr as CPython prints it (each expected string below is
 * python3's repr of the same bytes), str == repr, NUL bytes kept, a cut
 * repr marked with "...", and == by content in asy_value_eq.
 */
#include <string.h>

#include "bytes.h"
#include "check.h"

static void check_repr(const char *data, size_t n, const char *want)
{
    asy_value b = asy_bytes(data, n);
    CHECK_STR_EQ(ASY_REPR(b), want);
    CHECK_STR_EQ(ASY_STR(b), want); /* str(b) is repr(b) */
    asy_value_decref(b);
}

static void test_repr_as_python(void)
{
    check_repr("hello\n", 6, "b'hello\\n'");
    check_repr(NULL, 0, "b''");
    check_repr("it's", 4, "b\"it's\"");
    check_repr("say \"hi\"", 8, "b'say \"hi\"'");
    check_repr("both ' and \"", 12, "b'both \\' and \"'");
    check_repr("\x00\xff\x7f\x80\x1f ~", 7, "b'\\x00\\xff\\x7f\\x80\\x1f ~'");
    check_repr("tab\there\r\n", 10, "b'tab\\there\\r\\n'");
    check_repr("back\\slash", 10, "b'back\\\\slash'");
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_length_data_and_nul(void)
{
    asy_value b = asy_bytes("a\0b", 3);
    CHECK(asy_is_bytes(b));
    CHECK_INT_EQ(asy_bytes_len(b), 3);
    CHECK(memcmp(asy_bytes_data(b), "a\0b", 4) == 0); /* and a NUL after */
    CHECK_STR_EQ(asy_value_type_name(b), "bytes");
    asy_value s = asy_str("a");
    CHECK(!asy_is_bytes(s));
    CHECK_INT_EQ(asy_bytes_len(s), 0);
    CHECK_NULL(asy_bytes_data(s));
    asy_value_decref(s);
    asy_value_decref(b);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_equality_by_content(void)
{
    asy_value a = asy_bytes("line\n", 5), b = asy_bytes("line\n", 5), c = asy_bytes("line", 4);
    asy_value s = asy_str("line\n");
    CHECK(asy_value_eq(a, b)); /* b'line\n' == b'line\n' */
    CHECK(asy_bytes_eq(a, b));
    CHECK(!asy_value_eq(a, c));
    CHECK(!asy_value_eq(a, s)); /* b'line\n' == 'line\n' is False */
    CHECK(!asy_value_eq(s, a));
    asy_value e1 = asy_bytes(NULL, 0), e2 = asy_bytes("", 0);
    CHECK(asy_value_eq(e1, e2));
    asy_value_decref(e1);
    asy_value_decref(e2);
    asy_value_decref(a);
    asy_value_decref(b);
    asy_value_decref(c);
    asy_value_decref(s);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_a_long_repr_is_cut_with_dots(void)
{
    char big[400];
    memset(big, 'x', sizeof big);
    asy_value b = asy_bytes(big, sizeof big);
    const char *r = ASY_REPR(b);
    CHECK(strlen(r) < ASY_FMT_MAX);
    CHECK(strncmp(r, "b'xxx", 5) == 0);
    CHECK(strstr(r, "...") != NULL);
    char small[16];
    CHECK_STR_EQ(asy_bytes_repr("abcdefghijklmnop", 16, small, sizeof small), "b'abcdefghi...'");
    asy_value_decref(b);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"repr as Python", test_repr_as_python},
        {"length, data and NUL bytes", test_length_data_and_nul},
        {"equality by content", test_equality_by_content},
        {"a long repr is cut with dots", test_a_long_repr_is_cut_with_dots},
        {NULL, NULL},
    };
    return check_main("bytes", tests, argc, argv);
}
