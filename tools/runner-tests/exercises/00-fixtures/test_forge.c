/* Fixture test for forge.c: test_first passes, test_two_plus_two exercises the fixture. */
#include "check.h"
#include "fixture.h"

static void test_first(void) { CHECK_INT_EQ(fixture_add(0, 0) + 1, 1); }
static void test_two_plus_two(void)
{
    CHECK_INT_EQ(fixture_add(2, 2), 4);
    CHECK(fixture_add(1, 1) > 1 && "a message with <xml> & \"quotes\"");
}
static void test_last(void) { CHECK_STR_EQ("same", "same"); }

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"test_first", test_first},
        {"test_two_plus_two", test_two_plus_two},
        {"test_last", test_last},
        {NULL, NULL},
    };
    return check_main("forge", tests, argc, argv);
}
