/* Fixture: a correct solution. */
#include "fixture.h"
int fixture_add(int a, int b) { return a + b; }
