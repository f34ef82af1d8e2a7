/*
 * poll_echo.c - exercise 07/poll_echo: see poll_echo.h.
 * Test: make exercises CH=07
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "poll_echo.h"

int poll_echo_serve(int listen_fd, int nclients)
{
    (void)listen_fd;
    (void)nclients;
    /* TODO 1: an array of struct pollfd with room for nclients + 1 entries;
     *         entry 0 is {listen_fd, POLLIN}.
     * TODO 2: loop until nclients connections have come and gone:
     *           poll(fds, n, -1)   (retry on EINTR)
     *           listen_fd readable -> accept until EAGAIN; make each new
     *             socket non-blocking (fcntl O_NONBLOCK) and append it;
     *           a connection readable (or POLLHUP / POLLERR) -> recv; if it
     *             returned data, send ALL of it back (send may write less);
     *             if it returned 0 or failed, close it and remove its entry.
     * TODO 3: free the array, return 0. */
    return -1;
}
