/*
 * Chapter 06, demo 1: O_NONBLOCK, EAGAIN, partial reads and writes.
 *
 * A connected pair of sockets (socketpair: two ends of one stream, no
 * network needed) with both ends switched to non-blocking mode. Every call
 * now returns at once, and the program sees the three answers a
 * non-blocking call can give:
 *   - "done": all of it was transferred;
 *   - "part of it": a partial read or write, the count says how much;
 *   - "nothing now": -1 with errno EAGAIN (== EWOULDBLOCK on Linux): the
 *     call would have blocked; ask again later.
 * End of file is a fourth answer, and a different one: recv() returns 0.
 *
 * Byte counts depend on the kernel's buffer sizes; the .sed replaces them
 * by N when the transcript is compared.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TOTAL (1024 * 1024) /* bytes to move in step 5 */

static void die(const char *what)
{
    perror(what);
    exit(1);
}

/* The one call this chapter is about: after it, read/write/recv/send/
 * accept/connect on fd never sleep; they fail with EAGAIN instead. */
static void set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        die("fcntl");
}

/* "-1, errno EAGAIN" or "N bytes" */
static void show(const char *call, ssize_t n, size_t asked)
{
    if (n < 0)
        printf("   %s -> -1, errno %s (\"%s\")\n", call,
               errno == EAGAIN ? "EAGAIN" : "other", strerror(errno));
    else if ((size_t)n < asked)
        printf("   %s -> %zd of %zu bytes (partial)\n", call, n, asked);
    else
        printf("   %s -> %zd bytes\n", call, n);
}

int main(void)
{
    int sv[2];
    char *out = malloc(TOTAL), *in = malloc(TOTAL);
    if (out == NULL || in == NULL)
        die("malloc");
    int small = 4096;
    ssize_t n, first;
    size_t sent = 0, got = 0;
    long calls_w = 0, partial_w = 0, again_w = 0, calls_r = 0, again_r = 0;

    if (!out || !in)
        die("malloc");
    for (size_t i = 0; i < TOTAL; i++)
        out[i] = (char)(i * 7 + i / 251);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        die("socketpair");
    set_nonblocking(sv[0]);
    set_nonblocking(sv[1]);
    /* Small buffers make the partial cases happen with little data. */
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);

    printf("1. recv() on a non-blocking socket with nothing to read:\n");
    n = recv(sv[1], in, 100, 0);
    show("recv(100)", n, 100);
    printf("   a blocking socket would sleep here; this one says \"not yet\".\n\n");

    printf("2. send() 1 MiB at once into a small socket buffer:\n");
    first = send(sv[0], out, TOTAL, MSG_NOSIGNAL);
    show("send(1048576)", first, TOTAL);
    printf("   the kernel took what fit; the rest is still ours to send.\n\n");

    printf("3. send() the rest right away:\n");
    n = send(sv[0], out + first, TOTAL - (size_t)first, MSG_NOSIGNAL);
    show("send(rest)", n, TOTAL - (size_t)first);
    printf("   the buffer is full until the other end reads.\n\n");

    printf("4. the other end reads more than is there:\n");
    n = recv(sv[1], in, TOTAL, 0);
    show("recv(1048576)", n, TOTAL);
    printf("   a partial read: recv() returns what has arrived, not what was asked for.\n\n");
    got = n > 0 ? (size_t)n : 0;
    sent = (size_t)first;

    printf("5. move all of it with loops that expect every answer:\n");
    while (got < TOTAL) {
        if (sent < TOTAL) {
            calls_w++;
            n = send(sv[0], out + sent, TOTAL - sent, MSG_NOSIGNAL);
            if (n < 0 && errno == EAGAIN)
                again_w++;              /* full: go and read instead */
            else if (n < 0 && errno != EINTR)
                die("send");
            else if (n > 0) {
                if ((size_t)n < TOTAL - sent)
                    partial_w++;
                sent += (size_t)n;      /* partial: remember where we are */
            }
        }
        calls_r++;
        n = recv(sv[1], in + got, TOTAL - got, 0);
        if (n < 0 && errno == EAGAIN)
            again_r++;                  /* empty: go and write instead */
        else if (n < 0 && errno != EINTR)
            die("recv");
        else if (n == 0)
            break;                      /* EOF: cannot happen here */
        else if (n > 0)
            got += (size_t)n;
    }
    printf("   writer: %ld send() calls, %ld partial, %ld EAGAIN\n", calls_w, partial_w, again_w);
    printf("   reader: %ld recv() calls, %ld EAGAIN\n", calls_r, again_r);
    printf("   %zu bytes arrived, in order: %s\n\n", got,
           got == TOTAL && memcmp(in, out, TOTAL) == 0 ? "yes" : "NO");

    printf("6. the writer closes; the reader asks again:\n");
    close(sv[0]);
    n = recv(sv[1], in, 100, 0);
    printf("   recv(100) -> %zd: end of file, which is not EAGAIN\n", n);
    close(sv[1]);
    free(out);
    free(in);
    return 0;
}
