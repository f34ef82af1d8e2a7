/*
 * test_dispatch.c - exercise 09/dispatch.
 *
 * Every fd the tests watch is a pipe or a socket pair made ready before
 * dispatch_once is called, and every timeout is 0 or 0.05 s, so a wrong
 * dispatch_once fails these tests instead of hanging them. The callbacks
 * record each call (fd, mask, arg) in `calls`.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "dispatch.h"

#define MAX_CALLS 256

typedef struct call {
    int fd, mask;
    void *arg;
} call;

static call calls[MAX_CALLS];
static int ncalls;

static void record(int fd, int mask, void *arg)
{
    if (ncalls < MAX_CALLS)
        calls[ncalls] = (call){fd, mask, arg};
    ncalls++;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static asy_selector *new_selector(void)
{
    asy_selector *sel = NULL;
    asy_exc *e = asy_selector_new(NULL, &sel);
    asy_decref(e);
    ncalls = 0;
    return sel;
}

/* A pipe with one byte in it: its read end p[0] is readable. */
static bool ready_pipe(int p[2])
{
    return pipe(p) == 0 && write(p[1], "x", 1) == 1;
}

static void close_pair(int p[2])
{
    close(p[0]);
    close(p[1]);
}

/* ---- tests -------------------------------------------------------------- */

static void test_one_ready(void)
{
    asy_selector *sel = new_selector();
    CHECK_FATAL(sel != NULL);
    int p[2];
    CHECK_FATAL(ready_pipe(p));
    int token = 42;
    ex_handler h = {record, &token};
    asy_decref(asy_selector_register(sel, p[0], ASY_EVENT_READ, &h));

    CHECK_INT_EQ(dispatch_once(sel, 0), 1);
    CHECK_INT_EQ(ncalls, 1);
    if (ncalls >= 1) {
        CHECK_INT_EQ(calls[0].fd, p[0]);
        CHECK_INT_EQ(calls[0].mask, ASY_EVENT_READ);
        CHECK_MSG(calls[0].arg == &token, "the callback must get the handler's arg");
    }

    asy_selector_free(sel);
    close_pair(p);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_order(void)
{
    asy_selector *sel = new_selector();
    CHECK_FATAL(sel != NULL);
    int p[3][2];
    ex_handler h[3];
    for (int i = 0; i < 3; i++) {
        CHECK_FATAL(pipe(p[i]) == 0);
        h[i] = (ex_handler){record, &h[i]};
        asy_decref(asy_selector_register(sel, p[i][0], ASY_EVENT_READ, &h[i]));
    }
    /* Make them ready in the order 2, 0, 1 (epoll reports in the order the
     * fds became ready); then ask the selector what order it reports. */
    static const int order[3] = {2, 0, 1};
    for (int i = 0; i < 3; i++)
        CHECK_FATAL(write(p[order[i]][1], "x", 1) == 1);
    asy_selector_event ev[3];
    int n = 0;
    asy_decref(asy_selector_select(sel, 0, ev, 3, &n));
    CHECK_FATAL(n == 3);

    /* Level-triggered: the fds are still ready, and dispatch_once must
     * call their callbacks in the order select() reports them. */
    CHECK_INT_EQ(dispatch_once(sel, 0), 3);
    CHECK_INT_EQ(ncalls, 3);
    for (int i = 0; i < 3 && i < ncalls; i++) {
        CHECK_INT_EQ(calls[i].fd, ev[i].key->fd);
        CHECK_MSG(calls[i].arg == ev[i].key->data, "call %d got another key's arg", i);
    }

    asy_selector_free(sel);
    for (int i = 0; i < 3; i++)
        close_pair(p[i]);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_mask(void)
{
    asy_selector *sel = new_selector();
    CHECK_FATAL(sel != NULL);
    int s[2];
    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
    CHECK_FATAL(send(s[1], "ping", 4, 0) == 4); /* s[0] readable and writable, s[1] writable */
    ex_handler h0 = {record, "s0"}, h1 = {record, "s1"};
    asy_decref(asy_selector_register(sel, s[0], ASY_EVENT_READ | ASY_EVENT_WRITE, &h0));
    asy_decref(asy_selector_register(sel, s[1], ASY_EVENT_READ | ASY_EVENT_WRITE, &h1));

    CHECK_INT_EQ(dispatch_once(sel, 0), 2);
    CHECK_INT_EQ(ncalls, 2);
    int mask0 = -1, mask1 = -1;
    for (int i = 0; i < ncalls && i < 2; i++) {
        if (calls[i].fd == s[0])
            mask0 = calls[i].mask;
        if (calls[i].fd == s[1])
            mask1 = calls[i].mask;
    }
    CHECK_MSG(mask0 == (ASY_EVENT_READ | ASY_EVENT_WRITE),
              "the socket with data waiting: mask %d, expected READ|WRITE (3)", mask0);
    CHECK_MSG(mask1 == ASY_EVENT_WRITE, "the socket without data: mask %d, expected WRITE (2)", mask1);

    asy_selector_free(sel);
    close_pair(s);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* ---- a callback that unregisters another fd of its batch ---------------- */

static asy_selector *g_sel;
static int g_fds[2];

/* Unregister the OTHER pipe, if it is still registered. */
static void unregister_other(int fd, int mask, void *arg)
{
    record(fd, mask, arg);
    int other = fd == g_fds[0] ? g_fds[1] : g_fds[0];
    if (asy_selector_get_key(g_sel, other) != NULL)
        asy_decref(asy_selector_unregister(g_sel, other));
}

static void test_unregister_in_batch(void)
{
    asy_selector *sel = g_sel = new_selector();
    CHECK_FATAL(sel != NULL);
    int a[2], b[2];
    CHECK_FATAL(ready_pipe(a));
    CHECK_FATAL(ready_pipe(b));
    g_fds[0] = a[0];
    g_fds[1] = b[0];
    ex_handler h = {unregister_other, NULL};
    asy_decref(asy_selector_register(sel, a[0], ASY_EVENT_READ, &h));
    asy_decref(asy_selector_register(sel, b[0], ASY_EVENT_READ, &h));

    /* Both are ready in the same select(); whichever runs first
     * unregisters the other, whose event is then dead. */
    CHECK_INT_EQ(dispatch_once(sel, 0), 1);
    CHECK_INT_EQ(ncalls, 1);
    CHECK_INT_EQ((long long)asy_selector_count(sel), 1);

    asy_selector_free(sel);
    close_pair(a);
    close_pair(b);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* Drop WRITE from the other socket's interest, keeping READ. */
static void narrow_other(int fd, int mask, void *arg)
{
    record(fd, mask, arg);
    int other = fd == g_fds[0] ? g_fds[1] : g_fds[0];
    const asy_selector_key *k = asy_selector_get_key(g_sel, other);
    if (k != NULL && k->events != ASY_EVENT_READ)
        asy_decref(asy_selector_modify(g_sel, other, ASY_EVENT_READ, k->data));
}

static void test_modify_in_batch(void)
{
    asy_selector *sel = g_sel = new_selector();
    CHECK_FATAL(sel != NULL);
    int s[2];
    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0);
    g_fds[0] = s[0];
    g_fds[1] = s[1];
    /* Both sockets writable, neither readable. */
    ex_handler h = {narrow_other, NULL};
    asy_decref(asy_selector_register(sel, s[0], ASY_EVENT_READ | ASY_EVENT_WRITE, &h));
    asy_decref(asy_selector_register(sel, s[1], ASY_EVENT_READ | ASY_EVENT_WRITE, &h));

    /* The first callback makes the other key READ only: its WRITE event
     * in this batch is no longer wanted, so its callback must not run. */
    CHECK_INT_EQ(dispatch_once(sel, 0), 1);
    CHECK_INT_EQ(ncalls, 1);
    if (ncalls >= 1)
        CHECK_INT_EQ(calls[0].mask, ASY_EVENT_WRITE);

    asy_selector_free(sel);
    close_pair(s);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* ---- timeouts ------------------------------------------------------------- */

/* A dispatch_once that ignores its timeout would block forever on an empty
 * pipe. The rescue: 0.5 s later, SIGALRM writes a byte into the pipe, the
 * wait ends, and the test fails with a message instead of hanging. */
static int rescue_fd = -1;

static void rescue(int sig)
{
    (void)sig;
    if (rescue_fd >= 0 && write(rescue_fd, "!", 1) < 0)
        rescue_fd = -1;
}

static void arm_rescue(int write_fd)
{
    rescue_fd = write_fd;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = rescue;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {{0, 0}, {0, 500000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm_rescue(void)
{
    struct itimerval it = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &it, NULL);
    rescue_fd = -1;
}

static void test_timeout_zero(void)
{
    asy_selector *sel = new_selector();
    CHECK_FATAL(sel != NULL);
    int p[2];
    CHECK_FATAL(pipe(p) == 0); /* empty: never readable */
    ex_handler h = {record, NULL};
    asy_decref(asy_selector_register(sel, p[0], ASY_EVENT_READ, &h));

    arm_rescue(p[1]);
    double t0 = now();
    CHECK_INT_EQ(dispatch_once(sel, 0), 0);
    double dt = now() - t0;
    disarm_rescue();
    CHECK_MSG(dt < 0.1, "timeout 0 took %.3f s: it must not block", dt);
    CHECK_INT_EQ(ncalls, 0);

    asy_selector_free(sel);
    close_pair(p);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_timeout_waits(void)
{
    asy_selector *sel = new_selector();
    CHECK_FATAL(sel != NULL);
    int p[2];
    CHECK_FATAL(pipe(p) == 0);
    ex_handler h = {record, NULL};
    asy_decref(asy_selector_register(sel, p[0], ASY_EVENT_READ, &h));

    arm_rescue(p[1]);
    double t0 = now();
    CHECK_INT_EQ(dispatch_once(sel, 0.05), 0);
    double dt = now() - t0;
    disarm_rescue();
    CHECK_MSG(dt >= 0.04 && dt < 1.0, "timeout 0.05 took %.3f s", dt);
    CHECK_INT_EQ(ncalls, 0);

    asy_selector_free(sel);
    close_pair(p);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* ---- many fds --------------------------------------------------------------- */

#define MANY 100

static void test_many(void)
{
    asy_selector *sel = new_selector();
    CHECK_FATAL(sel != NULL);
    static int p[MANY][2];
    static ex_handler h[MANY];
    int made = 0;
    for (; made < MANY; made++) {
        if (!ready_pipe(p[made]))
            break;
        h[made] = (ex_handler){record, NULL};
        asy_decref(asy_selector_register(sel, p[made][0], ASY_EVENT_READ, &h[made]));
    }
    CHECK_FATAL(made == MANY);

    CHECK_INT_EQ(dispatch_once(sel, 0), MANY);
    CHECK_INT_EQ(ncalls, MANY);

    asy_selector_free(sel);
    for (int i = 0; i < made; i++)
        close_pair(p[i]);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"one ready pipe: its callback runs once with (fd, READ, arg), and 1 is returned", test_one_ready},
        {"callbacks run in the order select() reports the keys", test_order},
        {"the mask is the ready subset: READ|WRITE with data waiting, WRITE without", test_mask},
        {"a callback unregisters another fd of the batch: that fd's callback is not called",
         test_unregister_in_batch},
        {"a callback drops WRITE from another ready fd: that fd's WRITE event is not delivered",
         test_modify_in_batch},
        {"timeout 0 with nothing ready returns 0 at once", test_timeout_zero},
        {"timeout 0.05 with nothing ready waits about 0.05 s and returns 0", test_timeout_waits},
        {"100 ready pipes: one call runs all 100 callbacks", test_many},
        {NULL, NULL},
    };
    return check_main("dispatch", tests, argc, argv);
}
