/*
 * poll_echo.c - exercise 07/poll_echo, the reference solution.
 *
 * One array of struct pollfd: entry 0 is the listening socket, entries
 * 1..n-1 the connections. A closed connection's entry is filled with the
 * last one (O(1), order does not matter to poll). Every call hands the
 * whole array to the kernel: that is poll's O(n) per wakeup.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "poll_echo.h"

/* Send all of buf on a non-blocking socket. When the socket's buffer is
 * full (EAGAIN), wait for POLLOUT on this one socket: simple, at the price
 * of not serving the others meanwhile; an event loop keeps a write buffer
 * and waits for WRITE readiness instead (chapter 25's drain()). */
static int send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n > 0) {
            buf += n;
            len -= (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            if (poll(&p, 1, 5000) <= 0)
                return -1;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            return -1;
        }
    }
    return 0;
}

/* Accept every pending connection; returns -1 on a real error. */
static int accept_all(struct pollfd *fds, int *n, int cap, int *accepted)
{
    for (;;) {
        int c = accept(fds[0].fd, NULL, NULL);
        if (c < 0)
            return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) ? 0 : -1;
        if (*n == cap) { /* more clients than promised: refuse this one */
            close(c);
            continue;
        }
        fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK);
        fds[*n] = (struct pollfd){.fd = c, .events = POLLIN};
        (*n)++;
        (*accepted)++;
    }
}

int poll_echo_serve(int listen_fd, int nclients)
{
    int cap = nclients + 1;
    struct pollfd *fds = calloc((size_t)cap, sizeof *fds);
    if (fds == NULL)
        return -1;
    fds[0] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
    int n = 1, accepted = 0, closed = 0, rc = 0;
    char buf[4096];

    while (closed < nclients) {
        int ready = poll(fds, (nfds_t)n, -1);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            rc = -1;
            break;
        }
        /* Connections first, from the end, so removing entry i (the last
         * one moves into it) never skips an entry not yet looked at. */
        for (int i = n - 1; i >= 1; i--) {
            if (fds[i].revents == 0)
                continue;
            ssize_t got = recv(fds[i].fd, buf, sizeof buf, 0);
            if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                continue;
            if (got > 0 && send_all(fds[i].fd, buf, (size_t)got) == 0)
                continue;
            close(fds[i].fd); /* EOF, or an error on this connection */
            fds[i] = fds[--n];
            closed++;
        }
        if ((fds[0].revents & POLLIN) && accepted < nclients && accept_all(fds, &n, cap, &accepted) < 0) {
            rc = -1;
            break;
        }
    }
    for (int i = 1; i < n; i++)
        close(fds[i].fd);
    free(fds);
    return rc;
}
