/* Fixture: a correct solution that runs after all the bad ones. */
#include "fixture.h"
int fixture_add(int a, int b) { return a + b; }
