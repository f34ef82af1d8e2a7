/*
 * 2-fd-setsize.c - select() cannot watch descriptor 1024; poll and epoll can.
 *
 * An fd_set is a bitmap of FD_SETSIZE (1024) bits, and FD_SET(fd, &set)
 * sets bit fd without checking it: FD_SET(1024, &set) writes one bit past
 * the end of the struct, into whatever lies next in memory. glibc's
 * _FORTIFY_SOURCE turns that into an abort; without it, it is silent memory
 * corruption. A server that opens its 1021st connection hits it.
 *
 * The selector refuses such an fd at register time with the ValueError
 * Python's select.select() raises. This demo connects a client to a server
 * on 127.0.0.1, moves the server's end of the connection to descriptor
 * 1024 (raising RLIMIT_NOFILE first, as far as the hard limit allows), and
 * registers it with each backend.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "selector.h"

/* A connected pair over loopback: *server_end is the accepted socket. */
static int connect_pair(int *client, int *server_end)
{
    int lsock = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(lsock, (struct sockaddr *)&a, sizeof a) < 0 || listen(lsock, 1) < 0 ||
        getsockname(lsock, (struct sockaddr *)&a, &len) < 0)
        return -1;
    *client = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(*client, (struct sockaddr *)&a, sizeof a) < 0)
        return -1;
    *server_end = accept(lsock, NULL, NULL);
    close(lsock);
    return *server_end < 0 ? -1 : 0;
}

static void try_backend(const asy_selector_backend *backend, int fd, int client)
{
    asy_selector *sel;
    asy_exc *e = asy_selector_new(backend, &sel);
    if (e) {
        printf("%s: %s\n", backend->name, ASY_EXC_STR(e));
        asy_decref(e);
        return;
    }
    e = asy_selector_register(sel, fd, ASY_EVENT_READ, NULL);
    if (e) {
        printf("%-6s register(%d): %s\n", backend->name, fd, ASY_EXC_STR(e));
        asy_decref(e);
    } else {
        send(client, "ping", 4, 0);
        asy_selector_event ev[1];
        int n;
        e = asy_selector_select(sel, 2.0, ev, 1, &n);
        if (e) {
            printf("%-6s select: %s\n", backend->name, ASY_EXC_STR(e));
            asy_decref(e);
        } else if (n == 1) {
            char buf[8];
            ssize_t got = recv(fd, buf, sizeof buf, 0);
            printf("%-6s register(%d): ok; select -> fd %d %s, recv -> '%.*s'\n", backend->name, fd,
                   ev[0].key->fd, ev[0].events == ASY_EVENT_READ ? "READ" : "?", (int)got, buf);
        } else {
            printf("%-6s register(%d): ok; select -> nothing within 2 s\n", backend->name, fd);
        }
        asy_selector_unregister(sel, fd);
    }
    asy_selector_free(sel);
}

int main(void)
{
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    printf("FD_SETSIZE = %d\n", FD_SETSIZE);
    /* The soft limit is often exactly 1024, so fd 1024 cannot even exist.
     * Raise it to the hard limit, which an unprivileged process may do. */
    rlim_t soft = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
    printf("RLIMIT_NOFILE: soft %llu -> %llu (the hard limit)\n", (unsigned long long)soft,
           (unsigned long long)rl.rlim_cur);

    int client, conn;
    if (connect_pair(&client, &conn) < 0) {
        perror("connect_pair");
        return 1;
    }
    /* The lowest free descriptor >= 1024: what a busy server would get. */
    int big = fcntl(conn, F_DUPFD_CLOEXEC, FD_SETSIZE);
    if (big < 0) {
        printf("cannot open fd %d: the hard limit is too low to show this here\n", FD_SETSIZE);
        close(conn);
        close(client);
        return 0;
    }
    close(conn);
    printf("the server's end of the connection is now fd %d\n", big);

    try_backend(&asy_selector_backend_select, big, client);
    try_backend(&asy_selector_backend_poll, big, client);
    try_backend(&asy_selector_backend_epoll, big, client);

    /* Below the limit, select is fine: fd 1023 is the last good one. */
    int last = fcntl(big, F_DUPFD_CLOEXEC, FD_SETSIZE - 1);
    if (last == FD_SETSIZE - 1)
        try_backend(&asy_selector_backend_select, last, client);
    if (last >= 0)
        close(last);
    close(big);
    close(client);
    return 0;
}
