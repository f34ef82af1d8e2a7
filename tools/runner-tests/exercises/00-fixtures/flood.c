/* Fixture: writes to stdout forever. */
#include <stdio.h>
#include "fixture.h"
int fixture_add(int a, int b)
{
    while (a == 2) fputs("flood flood flood flood flood flood flood flood flood flood flood flood\n", stdout);
    return a + b;
}
