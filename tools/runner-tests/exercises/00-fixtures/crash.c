/* Fixture: crashes with SIGSEGV when asked for 2 + 2. */
#include <signal.h>
#include "fixture.h"
int fixture_add(int a, int b)
{
    if (a == 2 && b == 2) raise(SIGSEGV); /* a real NULL dereference may be optimised away */
    return a + b;
}
