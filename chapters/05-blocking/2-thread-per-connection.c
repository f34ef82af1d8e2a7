/*
 * Chapter 05, demo 2: one thread per connection.
 *
 * The same blocking calls as demo 1, but the accepting thread hands each
 * new connection to a thread of its own and goes straight back to accept().
 * A blocked recv() now stops only its own thread: while A's thread sleeps
 * waiting for A, B's thread answers B.
 */
#include "scenario.h"

#define MAX_CONNS 16

typedef struct job {
    int fd; /* the connection; the thread closes it */
    int id;
} job;

/* Exactly demo 1's loop; it just runs in its own thread now. */
static void echo_connection(int conn, int id)
{
    char buf[1024];
    for (;;) {
        ssize_t n = recv(conn, buf, sizeof buf, 0); /* blocks this thread only */
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        say("server", "echoes \"%.*s\" to client #%d", (int)n, buf, id);
        if (send_all(conn, buf, (size_t)n) < 0)
            break;
    }
    say("server", "client #%d hung up", id);
    close(conn);
}

static void *connection_main(void *arg)
{
    job *j = arg; /* ours: free it */
    echo_connection(j->fd, j->id);
    free(j);
    return NULL;
}

static void *server_main(void *arg)
{
    int listen_fd = *(int *)arg;
    pthread_t threads[MAX_CONNS];
    int n = 0;

    while (n < MAX_CONNS) {
        job *j;
        int conn = accept(listen_fd, NULL, NULL);
        if (conn < 0 && errno == EINTR)
            continue;
        if (conn < 0)
            break; /* shut down by main */
        say("server", "accepted client #%d, starts a thread for it", n + 1);
        j = malloc(sizeof *j);
        if (!j)
            die("malloc");
        j->fd = conn;
        j->id = n + 1;
        if (pthread_create(&threads[n], NULL, connection_main, j) != 0)
            die("pthread_create");
        n++;
    }
    /* Reap every connection thread before stopping: a thread that is never
     * joined keeps its stack (and the process keeps running it). */
    for (int i = 0; i < n; i++)
        pthread_join(threads[i], NULL);
    say("server", "stops after %d clients", n);
    return NULL;
}

int main(void)
{
    pthread_t server;
    int port, listen_fd;
    double waited;
    char w[32];

    scene_start();
    listen_fd = listen_loopback(&port);
    say("server", "listening on 127.0.0.1:%d, one thread per client", port);
    pthread_create(&server, NULL, server_main, &listen_fd);

    waited = play_scene(port);

    shutdown(listen_fd, SHUT_RDWR);
    pthread_join(server, NULL);
    close(listen_fd);

    fmt_tenths(w, sizeof w, waited);
    printf("\nB waited %s s for its echo:\n", w);
    if (waited < 0.5)
        printf("it was answered while A was still connected. Each client has a thread.\n");
    else
        printf("it was queued behind A (not what this server should do!)\n");
    return 0;
}
