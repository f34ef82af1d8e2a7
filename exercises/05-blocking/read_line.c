/*
 * Chapter 05 exercise: read a line from a blocking socket, with a deadline.
 * Read read_line.h for the contract; run the test with `make exercises CH=05`.
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "read_line.h"

int read_line(int fd, char *buf, size_t cap, int timeout_ms)
{
    /* TODO:
     *   deadline = now (clock_gettime(CLOCK_MONOTONIC)) + timeout_ms;
     *   loop:
     *     left = deadline - now; if left <= 0: return LINE_TIMEOUT;
     *     make the next recv() wait at most `left`:
     *       struct timeval tv = ...; setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
     *       (careful: a zero timeval means "wait forever")
     *     n = recv(fd, &c, 1, 0);
     *       n < 0, errno EAGAIN or EWOULDBLOCK: the wait ran out: LINE_TIMEOUT;
     *       n < 0, errno EINTR: go round again;  other n < 0: LINE_ERROR;
     *       n == 0: LINE_EOF;
     *       c == '\n': done: NUL-terminate, return the length;
     *       no room left for c and the NUL: LINE_TOO_LONG;
     *       else append c.
     *   Keep buf NUL-terminated on every return. */
    (void)fd;
    (void)timeout_ms;
    if (cap > 0)
        buf[0] = '\0';
    return LINE_ERROR;
}
