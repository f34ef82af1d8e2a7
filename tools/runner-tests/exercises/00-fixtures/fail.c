/* Fixture: an unfinished stub (compiles, prints a trace, returns the wrong answer). */
#include <stdio.h>
#include "fixture.h"
int fixture_add(int a, int b)
{
    printf("fixture_add(%d, %d) was called\n", a, b);
    return 0; /* TODO */
}
