/*
 * poll_echo.h - exercise 07/poll_echo: an echo server on poll(2) itself.
 *
 * The chapter's demo 1 serves echo through the selector. Here you write the
 * same server on poll() directly, the way selector_poll.c does it inside:
 * one array of struct pollfd, the listening socket first, one entry per
 * connection after it.
 *
 *     import select, socket
 *     def poll_echo_serve(lsock, nclients):
 *         p = select.poll(); p.register(lsock, select.POLLIN)
 *         conns = {}; done = 0
 *         while done < nclients:
 *             for fd, ev in p.poll():
 *                 if fd == lsock.fileno():
 *                     c, _ = lsock.accept(); c.setblocking(False)
 *                     conns[c.fileno()] = c; p.register(c, select.POLLIN)
 *                 else:
 *                     data = conns[fd].recv(4096)
 *                     if data: conns[fd].sendall(data)
 *                     else: p.unregister(fd); conns.pop(fd).close(); done += 1
 *         return 0
 */
#ifndef EX07_POLL_ECHO_H
#define EX07_POLL_ECHO_H

/*
 * Serve echo on `listen_fd`, a listening TCP socket (already bound and
 * listening, non-blocking; it stays yours: do not close it). Accept every
 * connection, send back every byte each one sends, in order, and close a
 * connection when its client closes it (recv returns 0) or fails.
 * Several clients are connected at the same time: never block on one of
 * them. Return 0 once `nclients` connections have been accepted AND
 * closed, -1 if a system call fails (poll itself, or accept with an error
 * other than EAGAIN). Leave no descriptor open but listen_fd.
 */
int poll_echo_serve(int listen_fd, int nclients);

#endif /* EX07_POLL_ECHO_H */
