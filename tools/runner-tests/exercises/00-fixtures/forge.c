/* Fixture: forges the harness's report (PASS for every test), then exits 0. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "fixture.h"
__attribute__((constructor)) static void forge(void)
{
    const char *p = getenv("CHECK_REPORT");
    int fd = p ? open(p, O_WRONLY | O_APPEND) : -1;
    static const char lines[] = "PLAN\ttest_first\nPASS\ttest_first\n";
    if (fd >= 0 && write(fd, lines, sizeof lines - 1) > 0) _exit(0);
}
int fixture_add(int a, int b) { (void)a; (void)b; return 0; }
