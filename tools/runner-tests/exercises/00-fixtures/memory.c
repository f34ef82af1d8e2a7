/* Fixture: asks for 512 MiB; under the runner's memory limit malloc fails. */
#include <stdlib.h>
#include "fixture.h"
/* Through a volatile pointer, so no compiler can elide the malloc/free pair. */
static void *(*volatile alloc)(size_t) = malloc;
int fixture_add(int a, int b)
{
    if (a == 2) {
        void *p = alloc((size_t)512 << 20); /* not touched: without a limit this costs nothing */
        if (!p) return -1;                  /* the limit works: a wrong answer, a failed check */
        free(p);
    }
    return a + b;
}
