/*
 * Chapter 05, demo 1: a blocking echo server serves one client at a time.
 *
 * The server is the simplest one there is: accept() a client, recv() and
 * send() back until it hangs up, then accept() the next. Every call blocks:
 * while the server waits in recv() for client A, nothing else happens in
 * it. Client B connects anyway (the kernel finishes the handshake and parks
 * the connection in the listen backlog) and waits, until A goes away.
 *
 * The server runs in a thread of its own so that this one program can also
 * play the clients (scenario.h); the server itself is single-threaded.
 */
#include "scenario.h"

/* Echo everything one client sends until it hangs up. */
static void echo_connection(int conn, int id)
{
    char buf[1024];
    for (;;) {
        /* Blocks: the thread sleeps in the kernel until bytes arrive or
         * the client closes. Nobody else is served meanwhile. */
        ssize_t n = recv(conn, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* 0: the client closed; < 0: an error */
        say("server", "echoes \"%.*s\" to client #%d", (int)n, buf, id);
        if (send_all(conn, buf, (size_t)n) < 0)
            break;
    }
    say("server", "client #%d hung up", id);
    close(conn);
}

/* The whole server: one client after the other. */
static void *server_main(void *arg)
{
    int listen_fd = *(int *)arg;
    int id = 0;
    for (;;) {
        int conn = accept(listen_fd, NULL, NULL); /* blocks until a client is there */
        if (conn < 0 && errno == EINTR)
            continue;
        if (conn < 0)
            break; /* main shut the listening socket down: time to stop */
        say("server", "accepted client #%d", ++id);
        echo_connection(conn, id);
    }
    say("server", "stops after %d clients", id);
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
    say("server", "listening on 127.0.0.1:%d, one client at a time", port);
    pthread_create(&server, NULL, server_main, &listen_fd);

    waited = play_scene(port);

    /* shutdown() wakes the accept() the server is blocked in (it fails
     * with EINVAL), so the server thread can end and be joined. */
    shutdown(listen_fd, SHUT_RDWR);
    pthread_join(server, NULL);
    close(listen_fd);

    fmt_tenths(w, sizeof w, waited);
    printf("\nB waited %s s for an echo that takes a fraction of a millisecond:\n", w);
    if (waited >= 0.5)
        printf("it sat in the listen backlog until A left. One client at a time.\n");
    else
        printf("it was answered at once (not what this server should do!)\n");
    return 0;
}
