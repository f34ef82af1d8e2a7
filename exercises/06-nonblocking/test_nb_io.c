/*
 * Tests for the chapter 06 exercise nb_io (nb_io.h).
 *
 * Both ends of a socketpair are non-blocking, so nothing here can block;
 * the pump test also stops at a 3 s deadline, so a helper that never makes
 * progress fails instead of spinning. SIGPIPE is caught and counted, so a
 * send without MSG_NOSIGNAL fails a check instead of killing the test.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "nb_io.h"

#define TOTAL (1024 * 1024)

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
    (void)sig;
    sigpipes++;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_nonblocking(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* A connected non-blocking pair with small buffers: sv[0] writes, sv[1]
 * reads. */
static int make_pair(int sv[2])
{
    int small = 4096;
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
        return -1;
    set_nonblocking(sv[0]);
    set_nonblocking(sv[1]);
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    return 0;
}

/* xorshift32: the same "random" sizes on every machine and every run */
static unsigned rnd(unsigned *state)
{
    unsigned x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

static void test_empty(void)
{
    int sv[2];
    char buf[100];
    bool eof = true;
    CHECK_FATAL(make_pair(sv) == 0);
    errno = 0;
    CHECK_INT_EQ(recv_some(sv[1], buf, sizeof buf, &eof), 0);
    CHECK_MSG(!eof, "eof was set, but the peer is still there");
    close(sv[0]);
    close(sv[1]);
}

static void test_full(void)
{
    int sv[2];
    static char big[TOTAL];
    ssize_t first, again;
    CHECK_FATAL(make_pair(sv) == 0);
    first = send_some(sv[0], big, sizeof big);
    CHECK_MSG(first > 0 && first < TOTAL,
              "send_some of 1 MiB into a 4 KiB buffer should send part of it, returned %zd", first);
    again = send_some(sv[0], big, sizeof big);
    CHECK_MSG(again == 0, "send_some into a full buffer should return 0, returned %zd", again);
    close(sv[0]);
    close(sv[1]);
}

static void test_data_then_eof(void)
{
    int sv[2];
    char buf[100];
    bool eof = false;
    ssize_t n;
    CHECK_FATAL(make_pair(sv) == 0);
    CHECK_FATAL(send(sv[0], "0123456789", 10, 0) == 10);
    close(sv[0]);
    n = recv_some(sv[1], buf, sizeof buf, &eof);
    CHECK_INT_EQ(n, 10);
    CHECK_MSG(eof, "10 bytes and then end of file: eof must be set in the same call "
                   "(keep calling recv() until it says 0 or EAGAIN)");
    CHECK(n < 10 || memcmp(buf, "0123456789", 10) == 0);
    eof = false;
    CHECK_INT_EQ(recv_some(sv[1], buf, sizeof buf, &eof), 0);
    CHECK_MSG(eof, "after end of file, every call must report eof again");
    close(sv[1]);
}

static void test_errors(void)
{
    int sv[2];
    char buf[16] = "x";
    bool eof;
    ssize_t n;
    struct sigaction sa, old;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigpipe;
    sigaction(SIGPIPE, &sa, &old);
    sigpipes = 0;

    CHECK_FATAL(make_pair(sv) == 0);
    close(sv[1]);
    errno = 0;
    n = send_some(sv[0], buf, 1);
    CHECK_INT_EQ(n, -1);
    CHECK_MSG(errno == EPIPE, "sending to a closed peer: errno should be EPIPE, is %d (%s)",
              errno, strerror(errno));
    CHECK_MSG(sigpipes == 0, "send_some raised SIGPIPE (pass MSG_NOSIGNAL to send)");
    close(sv[0]);

    errno = 0;
    CHECK_INT_EQ(recv_some(-1, buf, sizeof buf, &eof), -1);
    CHECK_INT_EQ(errno, EBADF);
    sigaction(SIGPIPE, &old, NULL);
}

static void test_pump(void)
{
    int sv[2];
    static char out[TOTAL], in[TOTAL];
    unsigned state = 20240601u;
    size_t sent = 0, got = 0;
    long short_sends = 0, calls = 0;
    int failed = 0;
    double deadline = now_s() + 3.0;
    bool eof = false;

    for (size_t i = 0; i < TOTAL; i++)
        out[i] = (char)rnd(&state);
    CHECK_FATAL(make_pair(sv) == 0);

    /* One thread, both ends: write a random amount, read a random amount,
     * repeat. Neither call may block, or this loop would stop forever. */
    while (got < TOTAL && !failed && now_s() < deadline) {
        size_t ask;
        ssize_t n;
        calls++;
        if (sent < TOTAL) {
            ask = 1 + rnd(&state) % 16384;
            if (ask > TOTAL - sent)
                ask = TOTAL - sent;
            n = send_some(sv[0], out + sent, ask);
            if (n < 0 || (size_t)n > ask) {
                CHECK_MSG(0, "send_some(%zu bytes) returned %zd (errno %d)", ask, n, errno);
                failed = 1;
                break;
            }
            if ((size_t)n < ask)
                short_sends++;
            sent += (size_t)n;
        }
        ask = 1 + rnd(&state) % 16384;
        if (ask > TOTAL - got)
            ask = TOTAL - got;
        n = recv_some(sv[1], in + got, ask, &eof);
        if (n < 0 || (size_t)n > ask || eof) {
            CHECK_MSG(0, "recv_some(%zu bytes) returned %zd, eof %d (errno %d)", ask, n, eof, errno);
            failed = 1;
            break;
        }
        got += (size_t)n;
    }
    if (!failed) {
        CHECK_MSG(got == TOTAL, "after %ld rounds and 3 s only %zu of %d bytes arrived", calls,
                  got, TOTAL);
        CHECK_MSG(got != TOTAL || memcmp(in, out, TOTAL) == 0,
                  "all bytes arrived but not in order: a partial send resent or skipped bytes");
        CHECK_MSG(short_sends > 0, "no send_some was partial: the test's buffers are too big?");
        close(sv[0]);
        CHECK_INT_EQ(recv_some(sv[1], in, 100, &eof), 0);
        CHECK_MSG(eof, "eof not reported after the writer closed");
    } else {
        close(sv[0]);
    }
    close(sv[1]);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"recv_some on an empty socket returns 0 (EAGAIN is not an error) and no eof", test_empty},
        {"send_some sends part of a big buffer, then 0 when there is no room", test_full},
        {"10 bytes then end of file: one recv_some returns 10 and sets eof", test_data_then_eof},
        {"real errors give -1: EPIPE without SIGPIPE, EBADF", test_errors},
        {"1 MiB pumped in seeded random chunks through small buffers arrives intact",
         test_pump},
        {NULL, NULL},
    };
    return check_main("nb_io", tests, argc, argv);
}
