/* Fixture: never returns. */
#include "fixture.h"
int fixture_add(int a, int b)
{
    volatile int spin = 1;
    while (spin && a == 2) {}
    return a + b;
}
