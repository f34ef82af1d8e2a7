/* Fixture: a stub that ends the whole program with exit(0) in mid-test. */
#include <stdlib.h>
#include "fixture.h"
int fixture_add(int a, int b)
{
    if (a == 2) exit(0);
    return a + b;
}
