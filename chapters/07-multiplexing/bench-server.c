/*
 * bench-server.c - the echo server measured by chapter 07's benchmark.
 *
 *   bench-server BACKEND [toggle]      BACKEND: select | poll | epoll
 *
 * Listens on 127.0.0.1, port 0, prints "PORT n" on stdout, then serves
 * echo through the selector until told to quit. bench-load starts it and
 * drives it; nobody else should.
 *
 * Modes:
 *   direct (default)  readable -> recv, send back at once. Interest never
 *                     changes: the selector does no work between waits.
 *   toggle            readable -> recv, then modify(fd, WRITE); writable ->
 *                     send, modify(fd, READ). What an event loop does when
 *                     it waits for a socket to accept its output. For
 *                     select and poll a modify flips bits in user memory;
 *                     for epoll it is an epoll_ctl system call.
 *
 * Control bytes (only ever sent alone, on a quiet connection):
 *   'S'  reply "STATS <cpu_us> <wakeups> <events>\n": this process's user +
 *        system CPU time (getrusage) and how many select calls returned
 *        events. The load generator takes differences, so the cost of a
 *        wakeup is measured in CPU time, not wall time (waiting is free).
 *   'Q'  exit.
 * Bounded: it exits by itself after 20 s without any event.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "selector.h"

#define BUF 4096

typedef struct conn {
    int len; /* toggle mode: bytes waiting to be sent back */
    char buf[BUF];
} conn;

static asy_selector *sel;
static int toggle;
static long long wakeups, events;

static void check(asy_exc *e, const char *what)
{
    if (e) {
        fprintf(stderr, "bench-server: %s: %s\n", what, ASY_EXC_STR(e));
        exit(1);
    }
}

static long long cpu_us(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static void drop(int fd, conn *c)
{
    check(asy_selector_unregister(sel, fd), "unregister");
    close(fd);
    free(c);
}

static void on_accept(int lsock)
{
    for (;;) {
        int fd = accept(lsock, NULL, NULL);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                perror("bench-server: accept");
            return;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conn *c = calloc(1, sizeof *c);
        asy_exc *e = asy_selector_register(sel, fd, ASY_EVENT_READ, c);
        if (e) { /* select with fd >= FD_SETSIZE: refuse the connection */
            fprintf(stderr, "bench-server: fd %d: %s\n", fd, ASY_EXC_STR(e));
            asy_decref(e);
            close(fd);
            free(c);
        }
    }
}

/* Returns 1 when told to quit. */
static int on_readable(int fd, conn *c)
{
    ssize_t n = recv(fd, c->buf, BUF, 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    if (n <= 0) {
        drop(fd, c);
        return 0;
    }
    if (c->buf[0] == 'Q')
        return 1;
    if (c->buf[0] == 'S') {
        char line[128];
        int len = snprintf(line, sizeof line, "STATS %lld %lld %lld\n", cpu_us(), wakeups, events);
        send(fd, line, (size_t)len, MSG_NOSIGNAL);
        return 0;
    }
    if (toggle) { /* wait until the socket is writable, as an event loop does */
        c->len = (int)n;
        check(asy_selector_modify(sel, fd, ASY_EVENT_WRITE, c), "modify(WRITE)");
    } else {
        send(fd, c->buf, (size_t)n, MSG_NOSIGNAL); /* small messages: fits */
    }
    return 0;
}

static void on_writable(int fd, conn *c)
{
    send(fd, c->buf, (size_t)c->len, MSG_NOSIGNAL);
    c->len = 0;
    check(asy_selector_modify(sel, fd, ASY_EVENT_READ, c), "modify(READ)");
}

int main(int argc, char **argv)
{
    const asy_selector_backend *b = argc > 1 ? asy_selector_backend_named(argv[1]) : NULL;
    if (b == NULL) {
        fprintf(stderr, "usage: bench-server select|poll|epoll [toggle]\n");
        return 2;
    }
    toggle = argc > 2 && strcmp(argv[2], "toggle") == 0;
    signal(SIGPIPE, SIG_IGN);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);

    int lsock = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (bind(lsock, (struct sockaddr *)&a, sizeof a) < 0 || listen(lsock, 4096) < 0 ||
        getsockname(lsock, (struct sockaddr *)&a, &alen) < 0) {
        perror("bench-server: listen");
        return 1;
    }
    check(asy_selector_new(b, &sel), "selector");
    check(asy_selector_register(sel, lsock, ASY_EVENT_READ, NULL), "register listener");
    printf("PORT %d\n", ntohs(a.sin_port));
    fflush(stdout);

    int max = 1024;
    asy_selector_event *ready = malloc((size_t)max * sizeof *ready);
    int quit = 0;
    while (!quit) {
        int n;
        check(asy_selector_select(sel, 20.0, ready, max, &n), "select");
        if (n == 0) {
            fprintf(stderr, "bench-server: 20 s without events, exiting\n");
            break;
        }
        wakeups++;
        events += n;
        for (int i = 0; i < n && !quit; i++) {
            const asy_selector_key *key = ready[i].key;
            if (key->events == 0)
                continue; /* unregistered by an earlier event of this batch */
            if (key->fd == lsock)
                on_accept(lsock);
            else if (ready[i].events & ASY_EVENT_READ)
                quit = on_readable(key->fd, key->data);
            else if (ready[i].events & ASY_EVENT_WRITE)
                on_writable(key->fd, key->data);
        }
    }
    /* Quit: free what is left (the load generator closes its ends). */
    for (int fd = 0; fd < (int)rl.rlim_cur && asy_selector_count(sel) > 1; fd++) {
        const asy_selector_key *key = asy_selector_get_key(sel, fd);
        if (key && fd != lsock)
            drop(fd, key->data);
    }
    free(ready);
    asy_selector_free(sel);
    close(lsock);
    return 0;
}
