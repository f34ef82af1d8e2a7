/*
 * Tests for the chapter 05 exercise read_line (read_line.h).
 *
 * The peer is the other end of a socketpair, written to by the test itself
 * or by a helper thread (for the slow peers). Every test bounds its own
 * waiting: read_line gets a timeout, and a solution that ignores it still
 * cannot hang the test for long, because the helper thread closes its end
 * after at most 2 s.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "read_line.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int send_str(int fd, const char *s)
{
    size_t len = strlen(s);
    return send(fd, s, len, MSG_NOSIGNAL) == (ssize_t)len;
}

static void test_two_lines(void)
{
    int sv[2];
    char buf[64];
    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_FATAL(send_str(sv[0], "hello\nworld\n"));
    CHECK_INT_EQ(read_line(sv[1], buf, sizeof buf, 1000), 5);
    CHECK_STR_EQ(buf, "hello");
    /* the second line must still be in the socket */
    CHECK_INT_EQ(read_line(sv[1], buf, sizeof buf, 1000), 5);
    CHECK_STR_EQ(buf, "world");
    close(sv[0]);
    close(sv[1]);
}

static void test_empty_line_and_exact_fit(void)
{
    int sv[2];
    char buf[5];
    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_FATAL(send_str(sv[0], "\nabcd\n"));
    CHECK_INT_EQ(read_line(sv[1], buf, sizeof buf, 1000), 0);
    CHECK_STR_EQ(buf, "");
    CHECK_INT_EQ(read_line(sv[1], buf, sizeof buf, 1000), 4); /* 4 chars + NUL = 5 */
    CHECK_STR_EQ(buf, "abcd");
    close(sv[0]);
    close(sv[1]);
}

static void test_too_long(void)
{
    int sv[2];
    char buf[5];
    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_FATAL(send_str(sv[0], "0123456789\n"));
    CHECK_INT_EQ(read_line(sv[1], buf, sizeof buf, 1000), LINE_TOO_LONG);
    CHECK_STR_EQ(buf, "0123");
    close(sv[0]);
    close(sv[1]);
}

static void test_eof(void)
{
    int sv[2];
    char buf[64];
    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_FATAL(send_str(sv[0], "abc"));
    close(sv[0]);
    CHECK_INT_EQ(read_line(sv[1], buf, sizeof buf, 1000), LINE_EOF);
    CHECK_STR_EQ(buf, "abc");
    close(sv[1]);
}

/* ---- slow peers (a helper thread) ------------------------------------------ */

typedef struct peer {
    int fd;             /* the peer's end; the thread closes it */
    const char *bytes;  /* sent one byte at a time */
    int gap_ms;         /* pause before each byte */
    atomic_int stop;    /* set by the test: stop sending and close */
} peer;

static void *peer_main(void *arg)
{
    peer *p = arg;
    for (const char *c = p->bytes; *c && !atomic_load(&p->stop); c++) {
        nap_ms(p->gap_ms);
        if (send(p->fd, c, 1, MSG_NOSIGNAL) != 1)
            break;
    }
    close(p->fd);
    return NULL;
}

static void test_split_line(void)
{
    int sv[2];
    char buf[64];
    pthread_t t;
    peer p = {.bytes = "partial\n", .gap_ms = 20};
    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    p.fd = sv[0];
    atomic_init(&p.stop, 0);
    CHECK_FATAL(pthread_create(&t, NULL, peer_main, &p) == 0);
    CHECK_INT_EQ(read_line(sv[1], buf, sizeof buf, 2000), 7);
    CHECK_STR_EQ(buf, "partial");
    pthread_join(t, NULL);
    close(sv[1]);
}

static void test_silent_peer(void)
{
    int sv[2];
    char buf[64];
    double t0, took;
    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    t0 = now_s();
    CHECK_INT_EQ(read_line(sv[1], buf, sizeof buf, 300), LINE_TIMEOUT);
    took = now_s() - t0;
    CHECK_MSG(took >= 0.25 && took < 1.5, "a 300 ms timeout took %.2f s", took);
    close(sv[0]);
    close(sv[1]);
}

static void test_trickling_peer(void)
{
    int sv[2];
    char buf[64];
    pthread_t t;
    double t0, took;
    /* 20 bytes, one every 100 ms, never a '\n': each recv() is answered in
     * 0.1 s, but the line never comes. A per-recv timeout never fires. */
    peer p = {.bytes = "xxxxxxxxxxxxxxxxxxxx", .gap_ms = 100};
    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    p.fd = sv[0];
    atomic_init(&p.stop, 0);
    CHECK_FATAL(pthread_create(&t, NULL, peer_main, &p) == 0);
    t0 = now_s();
    CHECK_INT_EQ(read_line(sv[1], buf, sizeof buf, 500), LINE_TIMEOUT);
    took = now_s() - t0;
    CHECK_MSG(took < 1.2, "a 500 ms deadline took %.2f s: is the timeout for the whole line, "
                          "or only for each recv()?", took);
    atomic_store(&p.stop, 1);
    pthread_join(t, NULL);
    close(sv[1]);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"two lines sent at once come back one per call", test_two_lines},
        {"an empty line gives 0; a line that exactly fills the buffer fits",
         test_empty_line_and_exact_fit},
        {"a line longer than the buffer gives LINE_TOO_LONG", test_too_long},
        {"the peer closing before the newline gives LINE_EOF", test_eof},
        {"a line arriving byte by byte is put together", test_split_line},
        {"a silent peer gives LINE_TIMEOUT after about the timeout", test_silent_peer},
        {"a peer trickling bytes without a newline still hits the deadline", test_trickling_peer},
        {NULL, NULL},
    };
    return check_main("read_line", tests, argc, argv);
}
