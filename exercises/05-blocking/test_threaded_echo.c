/*
 * Tests for the chapter 05 exercise threaded_echo (threaded_echo.h).
 *
 * Everything runs on loopback at a port the kernel picks. The test never
 * waits without a limit: sockets get SO_RCVTIMEO, and the server thread is
 * waited for with sem_timedwait, so a wrong (or unfinished) solution makes
 * the checks fail instead of hanging the test.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "threaded_echo.h"

#define WAIT_MS 1000 /* how long a client waits for its echo */

static void set_recv_timeout(int fd, int ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

/* Receive up to len bytes, stopping at EOF or the receive timeout.
 * Returns how many arrived. */
static size_t recv_upto(int fd, char *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = recv(fd, buf + got, len - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

/* Send msg on fd and check that exactly msg comes back within WAIT_MS. */
static int echoes(int fd, const char *msg)
{
    char buf[256];
    size_t len = strlen(msg);
    if (send(fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len)
        return 0;
    return recv_upto(fd, buf, len) == len && memcmp(buf, msg, len) == 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait for sem at most ms milliseconds; 1 if it was posted. */
static int sem_wait_ms(sem_t *sem, int ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    while (sem_timedwait(sem, &ts) < 0) {
        if (errno != EINTR)
            return 0;
    }
    return 1;
}

/* ---- echo_connection on a socketpair --------------------------------------- */

typedef struct conn_run {
    int fd;
    sem_t done;
} conn_run;

static void *run_echo_connection(void *arg)
{
    conn_run *r = arg;
    echo_connection(r->fd);
    sem_post(&r->done);
    return NULL;
}

static void test_echo_connection(void)
{
    int sv[2];
    conn_run r;
    pthread_t t;
    char out[2000], in[2000];
    unsigned seed = 5;
    int ok, all_ok, returned;

    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    set_recv_timeout(sv[0], WAIT_MS);
    r.fd = sv[1];
    sem_init(&r.done, 0, 0);
    CHECK_FATAL(pthread_create(&t, NULL, run_echo_connection, &r) == 0);

    ok = echoes(sv[0], "ping");
    CHECK_MSG(ok, "\"ping\" was not echoed back within %d ms", WAIT_MS);
    /* 30 rounds of up to 2000 bytes, sizes and contents from a fixed seed */
    all_ok = ok; /* no point waiting 30 times for a server that is not there */
    for (int round = 0; round < 30 && all_ok; round++) {
        size_t len = 1 + (size_t)(rand_r(&seed) % (int)sizeof out);
        for (size_t i = 0; i < len; i++)
            out[i] = (char)rand_r(&seed);
        if (send(sv[0], out, len, MSG_NOSIGNAL) != (ssize_t)len ||
            recv_upto(sv[0], in, len) != len || memcmp(in, out, len) != 0)
            all_ok = 0;
    }
    CHECK_MSG(!ok || all_ok, "30 messages of random sizes (up to 2000 bytes) were not all echoed intact");

    close(sv[0]); /* the client goes away: echo_connection must return */
    returned = sem_wait_ms(&r.done, 2000);
    CHECK_MSG(returned, "echo_connection did not return within 2 s after the peer closed");
    if (returned) {
        pthread_join(t, NULL);
        errno = 0;
        CHECK_MSG(fcntl(sv[1], F_GETFD) == -1 && errno == EBADF,
                  "echo_connection returned without closing its fd");
        if (fcntl(sv[1], F_GETFD) != -1)
            close(sv[1]);
        sem_destroy(&r.done);
    } else {
        pthread_detach(t); /* still stuck in there: leave it */
    }
}

/* ---- echo_serve_threaded with several clients ------------------------------ */

typedef struct server_run {
    int listen_fd;
    int result;
    sem_t done;
} server_run;

static void *run_server(void *arg)
{
    server_run *s = arg;
    s->result = echo_serve_threaded(s->listen_fd);
    sem_post(&s->done);
    return NULL;
}

static int listen_loopback(int *port)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 16) < 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) < 0) {
        close(fd);
        return -1;
    }
    *port = ntohs(addr.sin_port);
    return fd;
}

static int connect_to(int port)
{
    struct sockaddr_in addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((unsigned short)port);
    /* connect() succeeds as soon as the kernel has done the handshake,
     * whether the server has accepted or not: the echo is what tells. */
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        close(fd);
        return -1;
    }
    set_recv_timeout(fd, WAIT_MS);
    return fd;
}

static void test_serves_concurrently(void)
{
    server_run s;
    pthread_t t;
    int port = 0, c1, c2, c3, returned;
    double t0;

    s.listen_fd = listen_loopback(&port);
    CHECK_FATAL(s.listen_fd >= 0);
    s.result = -1;
    sem_init(&s.done, 0, 0);
    CHECK_FATAL(pthread_create(&t, NULL, run_server, &s) == 0);

    c1 = connect_to(port);
    c2 = connect_to(port);
    c3 = connect_to(port);
    CHECK_FATAL(c1 >= 0 && c2 >= 0 && c3 >= 0);
    returned = 0;

    if (!echoes(c1, "one")) {
        CHECK_MSG(0, "client 1 got no echo within %d ms", WAIT_MS);
        close(c1);
        close(c2);
        close(c3);
        shutdown(s.listen_fd, SHUT_RDWR);
        goto finish;
    }
    t0 = now_s();
    CHECK_MSG(echoes(c2, "two"),
              "client 2 got no echo within %d ms while client 1 was still connected "
              "(is each connection served by a thread of its own?)", WAIT_MS);
    CHECK_MSG(now_s() - t0 < 1.0, "client 2 waited %.1f s for its echo", now_s() - t0);
    CHECK_MSG(echoes(c3, "three"), "client 3 got no echo while clients 1 and 2 were connected");
    CHECK_MSG(echoes(c1, "one again"), "client 1's second message was not echoed");

    close(c1);
    close(c2);
    /* Stop accepting, with client 3 still connected: the server must wait
     * for client 3's thread before it returns. */
    shutdown(s.listen_fd, SHUT_RDWR);
    returned = sem_wait_ms(&s.done, 300);
    CHECK_MSG(!returned, "echo_serve_threaded returned while a client was still connected "
                         "(join your connection threads before returning)");
    CHECK_MSG(echoes(c3, "still here"), "client 3 was not served after the shutdown");
    close(c3);
finish:
    if (!returned)
        returned = sem_wait_ms(&s.done, 2000);
    CHECK_MSG(returned, "echo_serve_threaded did not return within 2 s after "
                        "shutdown(listen_fd) and every client had closed");
    if (returned) {
        pthread_join(t, NULL);
        CHECK_INT_EQ(s.result, 3);
        sem_destroy(&s.done);
    } else {
        pthread_detach(t);
    }
    close(s.listen_fd);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"echo_connection echoes every byte back, then closes its fd when the peer closes",
         test_echo_connection},
        {"echo_serve_threaded answers a second client while the first is still connected, "
         "and joins its threads before returning", test_serves_concurrently},
        {NULL, NULL},
    };
    return check_main("threaded_echo", tests, argc, argv);
}
