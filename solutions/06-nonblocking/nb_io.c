/*
 * Chapter 06 exercise, solution: send_some / recv_some on non-blocking
 * sockets.
 */
#include <errno.h>
#include <sys/socket.h>

#include "nb_io.h"

ssize_t send_some(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    size_t sent = 0;
    while (sent < len) {
        /* MSG_NOSIGNAL: writing to a socket whose peer has gone raises
         * SIGPIPE, which kills the process, unless we say not to. */
        ssize_t n = send(fd, p + sent, len - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += (size_t)n; /* maybe partial: the loop asks for the rest */
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break; /* no room now: report what went out */
        } else {
            return -1; /* a real error; errno says which */
        }
    }
    return (ssize_t)sent;
}

ssize_t recv_some(int fd, void *buf, size_t len, bool *eof)
{
    char *p = buf;
    size_t got = 0;
    *eof = false;
    while (got < len) {
        ssize_t n = recv(fd, p + got, len - got, 0);
        if (n > 0) {
            got += (size_t)n;
        } else if (n == 0) {
            *eof = true; /* the peer closed: nothing will ever come again */
            break;
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            break; /* nothing more for now, which is not an error */
        } else {
            return -1;
        }
    }
    return (ssize_t)got;
}
