/*
 * test_select_backend.c - exercise 07/select_backend: the selector's own
 * tests (lib/tests/test_selector.c), run on your backend, ex_select_backend.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "select_backend.h"

static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A selector on your backend, or NULL (and a failed check). */
static asy_selector *new_selector(void)
{
    asy_selector *s = NULL;
    asy_exc *e = asy_selector_new(&ex_select_backend, &s);
    CHECK_MSG(e == NULL, "asy_selector_new(&ex_select_backend): %s", e ? ASY_EXC_STR(e) : "");
    asy_decref(e);
    return s;
}

/* Run one call; a failure becomes a failed check with the exception. */
static int ok(asy_exc *e, const char *what)
{
    CHECK_MSG(e == NULL, "%s: %s", what, e ? ASY_EXC_STR(e) : "");
    asy_decref(e);
    return e == NULL;
}

static int select_now(asy_selector *s, double timeout, asy_selector_event *ev, int max)
{
    int n = -1;
    if (!ok(asy_selector_select(s, timeout, ev, max, &n), "asy_selector_select"))
        return -1;
    return n;
}

static void test_readiness(void)
{
    int fds = open_fds();
    asy_selector *s = new_selector();
    CHECK_FATAL(s != NULL);
    int sv[2];
    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    asy_selector_event ev[4];
    if (!ok(asy_selector_register(s, sv[0], ASY_EVENT_READ, NULL), "register(READ)"))
        goto out;
    CHECK_MSG(select_now(s, 0, ev, 4) == 0, "an empty socket is not readable");
    ok(asy_selector_modify(s, sv[0], ASY_EVENT_READ | ASY_EVENT_WRITE, NULL), "modify(READ|WRITE)");
    int n = select_now(s, 0, ev, 4);
    CHECK_MSG(n == 1 && ev[0].key->fd == sv[0] && ev[0].events == ASY_EVENT_WRITE,
              "a fresh socket is reported WRITE only (n=%d)", n);
    CHECK_FATAL(write(sv[1], "x", 1) == 1);
    n = select_now(s, 0, ev, 4);
    CHECK_MSG(n == 1 && ev[0].events == (ASY_EVENT_READ | ASY_EVENT_WRITE), "with data: READ|WRITE (n=%d)", n);
    ok(asy_selector_modify(s, sv[0], ASY_EVENT_READ, NULL), "modify(READ)");
    n = select_now(s, 0, ev, 4);
    CHECK_MSG(n == 1 && ev[0].events == ASY_EVENT_READ, "after modify(READ): READ only, not WRITE");
    n = select_now(s, 0, ev, 4);
    CHECK_MSG(n == 1 && ev[0].events == ASY_EVENT_READ, "level-triggered: unread data is reported again");
    ok(asy_selector_unregister(s, sv[0]), "unregister");
    CHECK_FATAL(write(sv[1], "y", 1) == 1);
    CHECK_MSG(select_now(s, 0, ev, 4) == 0, "an unregistered fd is never reported");
out:
    asy_selector_free(s);
    close(sv[0]);
    close(sv[1]);
    CHECK_INT_EQ(open_fds(), fds);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_pipe_and_data(void)
{
    asy_selector *s = new_selector();
    CHECK_FATAL(s != NULL);
    int p[2];
    CHECK_FATAL(pipe(p) == 0);
    if (!ok(asy_selector_register(s, p[0], ASY_EVENT_READ, "reader"), "register reader") ||
        !ok(asy_selector_register(s, p[1], ASY_EVENT_WRITE, "writer"), "register writer"))
        goto out;
    CHECK_FATAL(write(p[1], "ab", 2) == 2);
    asy_selector_event ev[4];
    int n = select_now(s, 0, ev, 4), seen = 0;
    CHECK_MSG(n == 2, "both ends of a pipe with data are ready, got %d", n);
    for (int i = 0; i < n && i < 4; i++) {
        if (ev[i].key->fd == p[0] && ev[i].events == ASY_EVENT_READ && strcmp(ev[i].key->data, "reader") == 0)
            seen |= 1;
        if (ev[i].key->fd == p[1] && ev[i].events == ASY_EVENT_WRITE && strcmp(ev[i].key->data, "writer") == 0)
            seen |= 2;
    }
    CHECK_MSG(seen == 3, "each end comes with its own events and data");
    n = select_now(s, 0, ev, 1);
    CHECK_MSG(n == 1, "max = 1: at most one event (got %d)", n);
out:
    asy_selector_free(s);
    close(p[0]);
    close(p[1]);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_timeouts(void)
{
    asy_selector *s = new_selector();
    CHECK_FATAL(s != NULL);
    int sv[2];
    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    asy_selector_event ev[2];
    if (!ok(asy_selector_register(s, sv[0], ASY_EVENT_READ, NULL), "register"))
        goto out;
    double t0 = now();
    int n = select_now(s, 0, ev, 2);
    double dt = now() - t0;
    CHECK_MSG(n == 0 && dt < 0.02, "timeout 0 returns at once (%.3f s)", dt);
    t0 = now();
    n = select_now(s, 0.05, ev, 2);
    dt = now() - t0;
    CHECK_MSG(n == 0 && dt >= 0.04 && dt < 1.0, "timeout 0.05 s waits about that long (%.3f s)", dt);
    t0 = now();
    n = select_now(s, 1.5, ev, 2);
    dt = now() - t0;
    CHECK_MSG(n == 0 && dt >= 1.4 && dt < 3.0, "timeout 1.5 s waits about that long: seconds AND microseconds (%.3f s)", dt);
out:
    asy_selector_free(s);
    close(sv[0]);
    close(sv[1]);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

#define MANY 300

static void test_many_fds(void)
{
    int fds = open_fds();
    asy_selector *s = new_selector();
    CHECK_FATAL(s != NULL);
    static int sv[MANY][2], tags[MANY];
    int opened = 0, registered = 1;
    for (int i = 0; i < MANY && socketpair(AF_UNIX, SOCK_STREAM, 0, sv[i]) == 0; i++) {
        opened++;
        tags[i] = i;
        if (registered)
            registered = ok(asy_selector_register(s, sv[i][0], ASY_EVENT_READ, &tags[i]), "register");
    }
    CHECK_MSG(opened == MANY, "opened %d of %d socketpairs", opened, MANY);
    if (opened == MANY && registered) {
        int want = 0;
        for (int i = 0; i < MANY; i += 7, want++)
            CHECK_FATAL(write(sv[i][1], "x", 1) == 1);
        static asy_selector_event ev[MANY];
        int n = select_now(s, 1.0, ev, MANY), bad = 0;
        CHECK_MSG(n == want, "%d of %d fds written to: %d reported", want, MANY, n);
        for (int i = 0; i < n && i < MANY; i++)
            if (*(int *)ev[i].key->data % 7 != 0 || ev[i].events != ASY_EVENT_READ)
                bad++;
        CHECK_MSG(bad == 0, "%d events with the wrong key", bad);
        /* Unregister from the top down: maxfd has to come down with them. */
        for (int i = MANY - 1; i >= 1 && ok(asy_selector_unregister(s, sv[i][0]), "unregister"); i--) {
        }
        n = select_now(s, 1.0, ev, MANY);
        CHECK_MSG(n == 1 && ev[0].key->fd == sv[0][0], "only fd %d is left and ready (got %d events)", sv[0][0], n);
    }
    asy_selector_free(s);
    for (int i = 0; i < opened; i++) {
        close(sv[i][0]);
        close(sv[i][1]);
    }
    CHECK_INT_EQ(open_fds(), fds);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_fd_setsize(void)
{
    /* The backend on its own must refuse what FD_SET cannot hold. */
    void *state = NULL;
    CHECK_FATAL(ex_select_backend.create(&state) == 0);
    CHECK_MSG(ex_select_backend.add(state, FD_SETSIZE, ASY_EVENT_READ) == EINVAL,
              "add(fd %d) returns EINVAL, without touching an fd_set", FD_SETSIZE);
    CHECK_MSG(ex_select_backend.add(state, -1, ASY_EVENT_READ) == EINVAL, "add(fd -1) returns EINVAL");
    ex_select_backend.free(state);
    /* And through the selector: ValueError, from the fd_limit you set. */
    struct rlimit rl, saved;
    CHECK_FATAL(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    saved = rl;
    if (rl.rlim_cur <= FD_SETSIZE + 1 && rl.rlim_max > FD_SETSIZE + 1) {
        rl.rlim_cur = FD_SETSIZE + 2;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    int big = fcntl(0, F_DUPFD, FD_SETSIZE);
    if (big < 0) {
        printf("  note: RLIMIT_NOFILE does not allow fd %d here; that part is skipped\n", FD_SETSIZE);
    } else {
        asy_selector *s = new_selector();
        CHECK_FATAL(s != NULL);
        asy_exc *e = asy_selector_register(s, big, ASY_EVENT_READ, NULL);
        CHECK_MSG(e != NULL && asy_exc_is(e, &asy_ValueError), "register(fd %d) raises ValueError", big);
        asy_decref(e);
        asy_selector_free(s);
        close(big);
    }
    setrlimit(RLIMIT_NOFILE, &saved);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static volatile sig_atomic_t signals_seen;
static void on_signal(int sig)
{
    (void)sig;
    signals_seen++;
}

static void *interrupt_thread(void *arg)
{
    pthread_t *target = arg;
    struct timespec ts = {0, 30 * 1000000L};
    nanosleep(&ts, NULL);
    pthread_kill(*target, SIGUSR1);
    return NULL;
}

static void test_eintr(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART */
    sigemptyset(&sa.sa_mask);
    CHECK_FATAL(sigaction(SIGUSR1, &sa, &old) == 0);
    asy_selector *s = new_selector();
    CHECK_FATAL(s != NULL);
    int sv[2];
    CHECK_FATAL(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    if (!ok(asy_selector_register(s, sv[0], ASY_EVENT_READ, NULL), "register"))
        goto out;
    pthread_t self = pthread_self(), th;
    signals_seen = 0;
    CHECK_FATAL(pthread_create(&th, NULL, interrupt_thread, &self) == 0);
    asy_selector_event ev[2];
    double t0 = now();
    int n = select_now(s, 0.2, ev, 2);
    double dt = now() - t0;
    pthread_join(th, NULL);
    CHECK_MSG(signals_seen == 1, "the signal arrived during the wait");
    CHECK_MSG(n == 0 && dt >= 0.19, "a signal at 30 ms does not end a 0.2 s wait (%.3f s): return errno, EINTR included", dt);
out:
    asy_selector_free(s);
    close(sv[0]);
    close(sv[1]);
    sigaction(SIGUSR1, &old, NULL);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"read/write readiness, modify, level-triggered, unregister", test_readiness},
        {"a pipe: each end with its own events and data; max is respected", test_pipe_and_data},
        {"timeouts: 0 returns at once, 0.05 s and 1.5 s wait that long", test_timeouts},
        {"300 fds: exactly the written ones are reported; maxfd shrinks", test_many_fds},
        {"fd >= FD_SETSIZE: add() says EINVAL, register raises ValueError", test_fd_setsize},
        {"EINTR: a signal does not end the wait early", test_eintr},
        {NULL, NULL},
    };
    return check_main("select_backend", tests, argc, argv);
}
