/*
 * Chapter 06 exercise: send_some / recv_some on non-blocking sockets.
 * Read nb_io.h for the contract; run the test with `make exercises CH=06`.
 */
#include <errno.h>
#include <sys/socket.h>

#include "nb_io.h"

ssize_t send_some(int fd, const void *buf, size_t len)
{
    /* TODO: sent = 0; while sent < len:
     *   n = send(fd, (const char *)buf + sent, len - sent, MSG_NOSIGNAL);
     *   n > 0: sent += n (a partial send is normal: go round again);
     *   n < 0, EINTR: go round again;
     *   n < 0, EAGAIN or EWOULDBLOCK: no room now: stop, return sent;
     *   n < 0, anything else: return -1 (errno is already set).
     * return sent. */
    (void)fd;
    (void)buf;
    (void)len;
    errno = ENOSYS;
    return -1;
}

ssize_t recv_some(int fd, void *buf, size_t len, bool *eof)
{
    /* TODO: *eof = false; got = 0; while got < len:
     *   n = recv(fd, (char *)buf + got, len - got, 0);
     *   n > 0: got += n;
     *   n == 0: end of file: *eof = true; stop;
     *   n < 0, EINTR: go round again;
     *   n < 0, EAGAIN or EWOULDBLOCK: nothing more now: stop;
     *   n < 0, anything else: return -1.
     * return got. */
    (void)fd;
    (void)buf;
    (void)len;
    *eof = false;
    errno = ENOSYS;
    return -1;
}
