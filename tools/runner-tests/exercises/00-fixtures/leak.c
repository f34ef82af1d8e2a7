/* Fixture: correct sums, but every call leaks a block made by make_box(). */
#include <stdlib.h>
#include "fixture.h"
static void *(*volatile alloc)(size_t) = malloc; /* no compiler may elide it */
static int *make_box(int v)
{
    int *p = alloc(sizeof *p);
    if (p) *p = v;
    return p;
}
int fixture_add(int a, int b)
{
    int *box = make_box(a + b);
    int v = box ? *box : a + b;
    box = NULL; /* the last pointer to it is gone: leaked */
    return v;
}
