/* Fixture: a typical mistake with the body macros (a yield in a switch of the body). */
#include "gen.h"
#include "fixture.h"
static asy_status body(asy_gen *g)
{
    ASY_BEGIN(g);
    switch (g->resume) {
    case 1:
        ASY_YIELD(g, asy_int(1));
        break;
    default:
        break;
    }
    ASY_END(g);
}
int fixture_add(int a, int b) { (void)body; return a + b + 1; }
