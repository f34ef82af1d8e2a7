/* Fixture: a typical mistake with the body macros (no ASY_END). */
#include "gen.h"
#include "fixture.h"
static asy_status body(asy_gen *g)
{
    ASY_BEGIN(g);
    ASY_YIELD(g, asy_int(1));
}
int fixture_add(int a, int b) { (void)body; return a + b + 1; }
