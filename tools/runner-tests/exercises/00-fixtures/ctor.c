/* Fixture: a constructor that exits 0 before main() (and check_main) runs. */
#include <stdlib.h>
#include "fixture.h"
__attribute__((constructor)) static void leave_early(void) { exit(0); }
int fixture_add(int a, int b) { return a + b; }
