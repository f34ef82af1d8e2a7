/*
 * bench-load.c - the load generator of chapter 27's benchmark.
 *
 *   bench-load PORT CONNS SECONDS
 *
 * Opens CONNS connections to 127.0.0.1:PORT and keeps one 64-byte message
 * in flight on each: send it, wait until all 64 bytes have come back,
 * send the next. It drives its sockets with one epoll loop (this side
 * costs the same whatever the server is). After SECONDS it prints
 * "messages msgs_per_s" (round trips) and exits.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { MSG = 64 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: bench-load PORT CONNS SECONDS\n");
        return 2;
    }
    int port = atoi(argv[1]), conns = atoi(argv[2]);
    double seconds = atof(argv[3]);
    int ep = epoll_create1(0);
    int *got = calloc((size_t)conns, sizeof *got);
    char msg[MSG];
    memset(msg, 'x', sizeof msg);
    for (int i = 0; i < conns; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
            perror("connect");
            return 1;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ((unsigned long long)i << 32) | (unsigned)fd};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        if (send(fd, msg, MSG, MSG_NOSIGNAL) != MSG) {
            perror("send");
            return 1;
        }
    }
    long long messages = 0;
    double start = now(), end = start + seconds;
    struct epoll_event evs[256];
    char buf[4096];
    while (now() < end) {
        int n = epoll_wait(ep, evs, 256, 100);
        for (int k = 0; k < n; k++) {
            int fd = (int)(evs[k].data.u64 & 0xffffffffu), i = (int)(evs[k].data.u64 >> 32);
            ssize_t r = recv(fd, buf, sizeof buf, 0);
            if (r <= 0) {
                if (r < 0 && (errno == EAGAIN || errno == EINTR))
                    continue;
                fprintf(stderr, "bench-load: the server closed a connection\n");
                return 1;
            }
            got[i] += (int)r;
            while (got[i] >= MSG) { /* a whole echo: the next message */
                got[i] -= MSG;
                messages++;
                if (send(fd, msg, MSG, MSG_NOSIGNAL) != MSG) {
                    perror("send");
                    return 1;
                }
            }
        }
    }
    double took = now() - start;
    printf("%lld %.0f\n", messages, (double)messages / took);
    return 0;
}
