/* Fixture: starts 100 sleeping processes; under the process limit fork fails. */
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fixture.h"
int fixture_add(int a, int b)
{
    if (a != 2) return a + b;
    pid_t kids[100];
    int n = 0;
    for (; n < 100; n++) {
        kids[n] = fork();
        if (kids[n] < 0) break;
        if (kids[n] == 0) { pause(); _exit(0); }
    }
    for (int i = 0; i < n; i++) { kill(kids[i], SIGKILL); waitpid(kids[i], NULL, 0); }
    return n == 100 ? a + b : -1; /* fork failed: a wrong answer, a failed check */
}
