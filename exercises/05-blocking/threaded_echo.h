/*
 * threaded_echo.h - chapter 05 exercise: a thread-per-connection echo server.
 *
 * Chapter 05's first demo served one client at a time: while it sat in
 * recv() for one client, the next waited in the listen backlog. Here you
 * write the fix: every accepted connection gets a thread of its own, so a
 * blocked recv() stops only that connection's thread.
 *
 * Blocking calls only (no O_NONBLOCK): that is chapter 06.
 */
#ifndef THREADED_ECHO_H
#define THREADED_ECHO_H

/*
 * Echo on one connected, blocking socket: recv() whatever arrives and send
 * all of it back, until the peer closes (recv() returns 0) or an error.
 * Then close(fd): the function owns fd.
 * Mind that send() may send fewer bytes than asked: send the rest too.
 */
void echo_connection(int fd);

/*
 * Serve echo clients on listen_fd (already bound and listening): accept()
 * in a loop and start one thread per connection, running echo_connection().
 *
 * Stop when accept() fails with anything but EINTR: the caller stops the
 * server with shutdown(listen_fd, SHUT_RDWR), which makes a blocked
 * accept() fail. Before returning, join every connection thread you
 * started (a connection still open keeps you waiting: that is intended).
 * Do not close listen_fd: the caller owns it.
 *
 * Returns the number of connections accepted.
 */
int echo_serve_threaded(int listen_fd);

#endif /* THREADED_ECHO_H */
