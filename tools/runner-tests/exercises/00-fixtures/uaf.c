/* Fixture: reads freed memory, then crashes (without ASan the read goes unnoticed). */
#include <signal.h>
#include <stdlib.h>
#include "fixture.h"
int fixture_add(int a, int b)
{
    if (a != 2) return a + b;
    int *volatile p = malloc(4 * sizeof *p);
    p[0] = a;
    free(p);
    int v = p[0]; /* heap-use-after-free: ASan stops here */
    raise(SIGSEGV);
    return v + b;
}
