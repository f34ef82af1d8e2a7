/*
 * Tests for the chapter 06 exercise nb_connect (nb_connect.h).
 *
 * All on loopback, at ports the kernel picks. For the timeout case the
 * test needs a server that never completes a handshake: a listening socket
 * with backlog 0 whose one queue slot is already taken; Linux then drops
 * further SYNs, so a connect() to it stays "in progress". connect_nb runs
 * in a helper thread there, so a blocking connect() fails a check instead
 * of hanging the test.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "nb_connect.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Open descriptors of this process (to check nothing leaks). */
static int count_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* A socket bound to 127.0.0.1 at a kernel-chosen port; listening with the
 * given backlog if backlog >= 0. Fills *addr. */
static int bound_socket(struct sockaddr_in *addr, int backlog)
{
    socklen_t len = sizeof *addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)addr, sizeof *addr) < 0 ||
        (backlog >= 0 && listen(fd, backlog) < 0) ||
        getsockname(fd, (struct sockaddr *)addr, &len) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void test_connects(void)
{
    struct sockaddr_in addr;
    struct timeval tv = {1, 0};
    struct pollfd pfd;
    char buf[8];
    int listener, fd, conn, flags;

    listener = bound_socket(&addr, 16);
    CHECK_FATAL(listener >= 0);
    setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv); /* bounds accept() */

    fd = connect_nb(&addr, 1000);
    if (fd < 0) {
        CHECK_MSG(0, "connect_nb to a listening socket failed: %s", strerror(errno));
        close(listener);
        return;
    }
    flags = fcntl(fd, F_GETFL);
    CHECK_MSG(flags >= 0 && (flags & O_NONBLOCK), "the returned socket is not non-blocking");

    conn = accept(listener, NULL, NULL);
    CHECK_MSG(conn >= 0, "the listener saw no connection");
    if (conn >= 0) {
        CHECK(send(conn, "hi", 2, MSG_NOSIGNAL) == 2);
        pfd.fd = fd;
        pfd.events = POLLIN;
        CHECK_MSG(poll(&pfd, 1, 1000) == 1, "nothing arrived on the connected socket");
        CHECK_INT_EQ(recv(fd, buf, sizeof buf, 0), 2);
        close(conn);
    }
    close(fd);
    close(listener);
}

static void test_refused(void)
{
    struct sockaddr_in addr;
    int fd, before, r, err;
    double t0, took;

    /* Bind a port and release it without listening: nobody is there. */
    fd = bound_socket(&addr, -1);
    CHECK_FATAL(fd >= 0);
    close(fd);

    before = count_fds();
    t0 = now_s();
    errno = 0;
    r = connect_nb(&addr, 2000);
    err = errno;
    took = now_s() - t0;
    CHECK_INT_EQ(r, -1);
    CHECK_MSG(err == ECONNREFUSED, "errno should be ECONNREFUSED, is %d (%s)", err, strerror(err));
    CHECK_MSG(took < 1.0, "a refused connection took %.2f s to report", took);
    CHECK_MSG(count_fds() == before, "connect_nb left a descriptor open after failing");
    if (r >= 0)
        close(r);
}

typedef struct attempt {
    struct sockaddr_in addr;
    int timeout_ms;
    int result, err;
    double took;
    sem_t done;
} attempt;

static void *run_attempt(void *arg)
{
    attempt *a = arg;
    double t0 = now_s();
    errno = 0;
    a->result = connect_nb(&a->addr, a->timeout_ms);
    a->err = errno; /* errno is per thread: read it here */
    a->took = now_s() - t0;
    sem_post(&a->done);
    return NULL;
}

static void test_timeout(void)
{
    static attempt a; /* static: a stuck thread may still use it after we return */
    pthread_t t;
    struct timespec until;
    int listener, fill[2], before, done;

    listener = bound_socket(&a.addr, 0);
    CHECK_FATAL(listener >= 0);
    /* Take the queue slot(s) with connections nobody will accept. */
    for (int i = 0; i < 2; i++) {
        fill[i] = socket(AF_INET, SOCK_STREAM, 0);
        CHECK_FATAL(fill[i] >= 0);
        fcntl(fill[i], F_SETFL, O_NONBLOCK);
        connect(fill[i], (struct sockaddr *)&a.addr, sizeof a.addr);
    }
    nanosleep(&(struct timespec){0, 100000000}, NULL);

    before = count_fds();
    a.timeout_ms = 300;
    a.result = -2;
    sem_init(&a.done, 0, 0);
    CHECK_FATAL(pthread_create(&t, NULL, run_attempt, &a) == 0);
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 3;
    while ((done = sem_timedwait(&a.done, &until) == 0) == 0 && errno == EINTR)
        ;
    CHECK_MSG(done, "connect_nb(timeout 300 ms) had not returned after 3 s "
                    "(is the socket non-blocking before connect()?)");
    if (!done) {
        pthread_detach(t); /* stuck in a blocking connect: leave it */
        return;
    }
    pthread_join(t, NULL);
    sem_destroy(&a.done);
    CHECK_INT_EQ(a.result, -1);
    CHECK_MSG(a.err == ETIMEDOUT, "errno should be ETIMEDOUT, is %d (%s)", a.err, strerror(a.err));
    CHECK_MSG(a.took >= 0.25 && a.took < 2.0, "a 300 ms timeout took %.2f s", a.took);
    CHECK_MSG(count_fds() == before, "connect_nb left a descriptor open after timing out");
    if (a.result >= 0)
        close(a.result);
    close(fill[0]);
    close(fill[1]);
    close(listener);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"connect_nb connects to a listening socket and returns it non-blocking", test_connects},
        {"a port nobody listens on gives -1, ECONNREFUSED, quickly, and no fd left open",
         test_refused},
        {"a handshake that never completes gives -1, ETIMEDOUT after about the timeout",
         test_timeout},
        {NULL, NULL},
    };
    return check_main("nb_connect", tests, argc, argv);
}
