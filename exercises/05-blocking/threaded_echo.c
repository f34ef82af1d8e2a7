/*
 * Chapter 05 exercise: a thread-per-connection echo server.
 * Read threaded_echo.h for what each function must do; run the test with
 * `make exercises CH=05`.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "threaded_echo.h"

void echo_connection(int fd)
{
    /* TODO: loop: n = recv(fd, buf, sizeof buf, 0);
     *   n > 0: send all n bytes back (loop until every byte is sent;
     *          use MSG_NOSIGNAL so a vanished client cannot kill you
     *          with SIGPIPE);
     *   n == 0: the client closed: stop;
     *   n < 0: retry on EINTR, else stop.
     * Then close(fd). */
    (void)fd;
}

int echo_serve_threaded(int listen_fd)
{
    /* TODO:
     *   loop: conn = accept(listen_fd, NULL, NULL);
     *     conn < 0 and errno == EINTR: try again;
     *     conn < 0 otherwise: stop looping (the server was shut down);
     *     else: start a thread that runs echo_connection(conn), and keep
     *           its pthread_t (a growing array: realloc);
     *   join every thread you started;
     *   return how many connections you accepted.
     * Hint: a thread function takes a void *; pass the fd inside a small
     * malloc'ed struct (or as (void *)(intptr_t)conn). */
    (void)listen_fd;
    return 0;
}
