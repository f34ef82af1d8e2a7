/* Fixture: wrong, and the compiler says why (a warning, not an error). */
#include "fixture.h"
int fixture_add(int a, int b)
{
    int total = a + b; /* computed... */
    return a;          /* ...and forgotten: 'total' set but not used */
}
