/*
 * Chapter 05 exercise, solution: read a line from a blocking socket, with a
 * deadline for the whole line.
 */
#include <errno.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "read_line.h"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Let the next blocking recv() on fd wait at most ms (> 0) milliseconds. */
static int set_recv_timeout(int fd, long long ms)
{
    struct timeval tv;
    tv.tv_sec = (time_t)(ms / 1000);
    tv.tv_usec = (suseconds_t)((ms % 1000) * 1000);
    return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

int read_line(int fd, char *buf, size_t cap, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    size_t len = 0;
    int result;

    for (;;) {
        long long left = deadline - now_ms();
        char c;
        ssize_t n;

        /* The deadline is for the whole line: each recv() may only wait
         * for what is left of it. (And "left <= 0" must not reach
         * setsockopt: a zero timeout means "wait forever".) */
        if (left <= 0) {
            result = LINE_TIMEOUT;
            break;
        }
        if (set_recv_timeout(fd, left) < 0) {
            result = LINE_ERROR;
            break;
        }
        n = recv(fd, &c, 1, 0); /* one byte: never read past the '\n' */
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            result = (errno == EAGAIN || errno == EWOULDBLOCK) ? LINE_TIMEOUT : LINE_ERROR;
            break;
        }
        if (n == 0) {
            result = LINE_EOF;
            break;
        }
        if (c == '\n') {
            result = (int)len;
            break;
        }
        if (len + 1 >= cap) { /* no room for c and the NUL */
            result = LINE_TOO_LONG;
            break;
        }
        buf[len++] = c;
    }
    buf[len] = '\0';
    return result;
}
