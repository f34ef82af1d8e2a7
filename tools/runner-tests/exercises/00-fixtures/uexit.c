/* Fixture: a stub that ends the program with _exit(0), skipping atexit handlers. */
#include <unistd.h>
#include "fixture.h"
int fixture_add(int a, int b)
{
    if (a == 2) _exit(0);
    return a + b;
}
