/*
 * Chapter 06 exercise, solution: a non-blocking connect() with a timeout,
 * by asking connect() again until it answers.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nb_connect.h"

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* close(fd) and return -1 with errno = err (close may change errno) */
static int fail(int fd, int err)
{
    close(fd);
    errno = err;
    return -1;
}

int connect_nb(const struct sockaddr_in *addr, int timeout_ms)
{
    const struct timespec one_ms = {0, 1000000};
    long long deadline = now_ms() + timeout_ms;
    int fd, flags, r;

    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return fail(fd, errno);

    r = connect(fd, (const struct sockaddr *)addr, sizeof *addr);
    for (;;) {
        if (r == 0 || errno == EISCONN)
            return fd; /* connected (on loopback it can be at once) */
        if (errno != EINPROGRESS && errno != EALREADY && errno != EINTR)
            return fail(fd, errno); /* the handshake failed: that is the answer */
        if (now_ms() >= deadline)
            return fail(fd, ETIMEDOUT);
        nanosleep(&one_ms, NULL); /* ask again in a millisecond */
        r = connect(fd, (const struct sockaddr *)addr, sizeof *addr);
    }
}
