/*
 * Chapter 06 exercise: a non-blocking connect() with a timeout.
 * Read nb_connect.h for the contract; run the test with `make exercises CH=06`.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nb_connect.h"

int connect_nb(const struct sockaddr_in *addr, int timeout_ms)
{
    /* TODO:
     *   fd = socket(AF_INET, SOCK_STREAM, 0);
     *   fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
     *   deadline = now (CLOCK_MONOTONIC) + timeout_ms;
     *   r = connect(fd, (const struct sockaddr *)addr, sizeof *addr);
     *   loop:
     *     r == 0, or errno EISCONN: connected: return fd;
     *     errno EINPROGRESS, EALREADY or EINTR: still going:
     *         past the deadline? close(fd), errno = ETIMEDOUT, return -1;
     *         sleep 1 ms; r = connect(...) again; go round;
     *     any other errno: failed: close(fd) WITHOUT losing errno
     *         (save it first), return -1.
     * Careful: once connect() has reported a failure, a further connect()
     * starts a NEW attempt; stop asking at the first error. */
    (void)addr;
    (void)timeout_ms;
    errno = ENOSYS;
    return -1;
}
