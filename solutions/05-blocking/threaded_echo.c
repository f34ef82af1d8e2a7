/*
 * Chapter 05 exercise, solution: a thread-per-connection echo server.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "threaded_echo.h"

/* send() until every byte is out; a blocking send may still be partial. */
static int send_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

void echo_connection(int fd)
{
    char buf[4096];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0); /* sleeps until data or EOF */
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || send_all(fd, buf, (size_t)n) < 0)
            break;
    }
    close(fd);
}

static void *connection_main(void *arg)
{
    echo_connection((int)(intptr_t)arg);
    return NULL;
}

int echo_serve_threaded(int listen_fd)
{
    pthread_t *threads = NULL;
    size_t n = 0, cap = 0;

    for (;;) {
        int conn = accept(listen_fd, NULL, NULL);
        if (conn < 0 && errno == EINTR)
            continue;
        if (conn < 0)
            break; /* shut down by the caller */
        if (n == cap) {
            size_t new_cap = cap ? 2 * cap : 8;
            pthread_t *grown = realloc(threads, new_cap * sizeof *grown);
            if (!grown) {
                close(conn);
                break;
            }
            threads = grown;
            cap = new_cap;
        }
        if (pthread_create(&threads[n], NULL, connection_main, (void *)(intptr_t)conn) != 0) {
            close(conn); /* no thread, no service: refuse this one */
            continue;
        }
        n++;
    }
    /* Reap: each thread ends when its client closes. */
    for (size_t i = 0; i < n; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    return (int)n;
}
