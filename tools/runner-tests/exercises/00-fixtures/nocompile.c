/* Fixture: a syntax error. */
#include "fixture.h"
int fixture_add(int a, int b)
{
    return a + b  /* missing semicolon */
}
