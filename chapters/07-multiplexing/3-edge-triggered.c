/*
 * 3-edge-triggered.c - level- vs edge-triggered epoll, with raw epoll calls.
 *
 * LEVEL-triggered (the default, and what the selector uses): epoll_wait
 * reports an fd as long as it IS readable, i.e. while data is queued.
 * EDGE-triggered (EPOLLET): epoll_wait reports an fd when it BECOMES
 * readable, i.e. when new data arrives. A reader that takes only part of
 * the data and waits again is never told about the rest: it stalls until
 * the peer happens to send more. The rule that follows: with EPOLLET,
 * read until recv() fails with EAGAIN before waiting again.
 *
 * A client sends 100 bytes to a server on 127.0.0.1; the server's reader
 * takes 10 and asks epoll again, once in each mode.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int wait_no = 0;

/* epoll_wait with a 200 ms timeout; prints what it reports. */
static int wait_and_show(int epfd)
{
    struct epoll_event ev;
    int n = epoll_wait(epfd, &ev, 1, 200);
    wait_no++;
    if (n == 1)
        printf("  epoll_wait #%d: fd readable (EPOLLIN)\n", wait_no);
    else
        printf("  epoll_wait #%d: nothing within 200 ms\n", wait_no);
    return n;
}

static int queued(int fd)
{
    int n = 0;
    ioctl(fd, FIONREAD, &n); /* bytes waiting in the receive queue */
    return n;
}

static void read_some(int fd, size_t want)
{
    char buf[256];
    ssize_t n = recv(fd, buf, want, 0);
    printf("  reader: recv(%zu) -> %zd, %d bytes still queued\n", want, n, queued(fd));
}

static void drain(int fd)
{
    char buf[64];
    ssize_t n, total = 0;
    while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
        total += n;
    printf("  reader: drained %zd bytes, then recv -> %s\n", total,
           n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? "EAGAIN" : "?");
}

static void client_sends(int client, size_t n)
{
    char buf[256];
    memset(buf, 'x', n);
    send(client, buf, n, 0);
    printf("  client: sent %zu bytes\n", n);
}

static void one_round(const char *title, unsigned mode, int client, int conn)
{
    printf("%s\n", title);
    wait_no = 0;
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN | mode, .data.fd = conn};
    epoll_ctl(epfd, EPOLL_CTL_ADD, conn, &ev);

    client_sends(client, 100);
    wait_and_show(epfd);
    read_some(conn, 10); /* a reader that does not drain */
    if (wait_and_show(epfd) == 0) {
        printf("  -> STALL: 90 bytes are queued, but no new edge, so no event\n");
        client_sends(client, 5); /* only new data makes a new edge */
        wait_and_show(epfd);
    } else {
        printf("  -> reported again: the data is still there\n");
    }
    drain(conn);
    wait_and_show(epfd);
    close(epfd);
}

int main(void)
{
    int lsock = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(lsock, (struct sockaddr *)&a, sizeof a) < 0 || listen(lsock, 1) < 0 ||
        getsockname(lsock, (struct sockaddr *)&a, &len) < 0) {
        perror("listen");
        return 1;
    }
    int client = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(client, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("connect");
        return 1;
    }
    int conn = accept(lsock, NULL, NULL);
    fcntl(conn, F_SETFL, fcntl(conn, F_GETFL) | O_NONBLOCK); /* drain() needs EAGAIN */
    close(lsock);

    one_round("level-triggered (EPOLLIN):", 0, client, conn);
    one_round("edge-triggered (EPOLLIN | EPOLLET):", EPOLLET, client, conn);

    close(conn);
    close(client);
    return 0;
}
