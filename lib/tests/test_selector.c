/*
 * test_selector.c - the selector (chapter 07): every test runs against all
 * three backends, select, poll and epoll, with socketpairs and pipes.
 * Each test ends with "no object leaked and no descriptor left open".
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
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "selector.h"

#define NBACKENDS 3
static const asy_selector_backend *const backends[NBACKENDS] = {
    &asy_selector_backend_select, &asy_selector_backend_poll, &asy_selector_backend_epoll,
};
#define FOR_EACH_BACKEND(b) for (const asy_selector_backend *const *b = backends; b < backends + NBACKENDS; b++)

/* ---- helpers ---------------------------------------------------------- */

/* The number of open descriptors of this process. */
static int open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return -1;
    int n = 0;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static asy_selector *new_selector(const asy_selector_backend *b)
{
    asy_selector *s = NULL;
    asy_exc *e = asy_selector_new(b, &s);
    CHECK_MSG(e == NULL && s != NULL, "asy_selector_new(%s) failed: %s", b ? b->name : "NULL", e ? ASY_EXC_STR(e) : "");
    asy_decref(e);
    return s;
}

/* Check that e is an exception of `type` saying `msg`, then release it. */
static void expect_exc(const char *backend, asy_exc *e, const asy_exc_type *type, const char *msg)
{
    CHECK_MSG(e != NULL, "[%s] expected %s(\"%s\"), got success", backend, type->name, msg);
    if (e == NULL)
        return;
    CHECK_MSG(asy_exc_is(e, type), "[%s] expected %s, got %s", backend, type->name, ASY_EXC_STR(e));
    /* e.args[0]: str(e) of a KeyError is its repr, quoted */
    const char *arg = asy_str_cstr(asy_exc_arg(e));
    CHECK_MSG(arg != NULL && strcmp(arg, msg) == 0, "[%s] expected message \"%s\", got %s", backend, msg,
              ASY_REPR(asy_exc_arg(e)));
    asy_decref(e);
}

static void expect_ok(const char *backend, asy_exc *e, const char *what)
{
    CHECK_MSG(e == NULL, "[%s] %s failed: %s", backend, what, e ? ASY_EXC_STR(e) : "");
    asy_decref(e);
}

static int pair(int sv[2])
{
    int rc = socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    CHECK_FATAL(rc == 0);
    return rc;
}

/* select() once and return the count; *ev receives the events. */
static int select_now(const char *name, asy_selector *s, double timeout, asy_selector_event *ev, int max)
{
    int n = -1;
    expect_ok(name, asy_selector_select(s, timeout, ev, max, &n), "select");
    return n;
}

/* ---- tests ------------------------------------------------------------ */

static void test_names(void)
{
    CHECK(asy_selector_backend_named("select") == &asy_selector_backend_select);
    CHECK(asy_selector_backend_named("poll") == &asy_selector_backend_poll);
    CHECK(asy_selector_backend_named("epoll") == &asy_selector_backend_epoll);
    CHECK_NULL(asy_selector_backend_named("kqueue"));
    CHECK_NULL(asy_selector_backend_named(NULL));
    int fds = open_fds();
    asy_selector *s = new_selector(NULL);
    CHECK_FATAL(s != NULL);
    CHECK_STR_EQ(asy_selector_name(s), "epoll"); /* NULL picks the default */
    asy_selector_free(s);
    FOR_EACH_BACKEND(b) {
        s = new_selector(*b);
        CHECK_FATAL(s != NULL);
        CHECK_STR_EQ(asy_selector_name(s), (*b)->name);
        CHECK_INT_EQ(asy_selector_count(s), 0);
        asy_selector_free(s);
    }
    asy_selector_free(NULL);
    CHECK_INT_EQ(open_fds(), fds);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_key_errors(void)
{
    int fds = open_fds();
    FOR_EACH_BACKEND(b) {
        const char *name = (*b)->name;
        asy_selector *s = new_selector(*b);
        CHECK_FATAL(s != NULL);
        int sv[2];
        pair(sv);
        expect_ok(name, asy_selector_register(s, sv[0], ASY_EVENT_READ, NULL), "register");
        char msg[64];
        snprintf(msg, sizeof msg, "%d (FD %d) is already registered", sv[0], sv[0]);
        expect_exc(name, asy_selector_register(s, sv[0], ASY_EVENT_WRITE, NULL), &asy_KeyError, msg);
        snprintf(msg, sizeof msg, "%d is not registered", sv[1]);
        expect_exc(name, asy_selector_modify(s, sv[1], ASY_EVENT_READ, NULL), &asy_KeyError, msg);
        expect_exc(name, asy_selector_unregister(s, sv[1]), &asy_KeyError, msg);
        CHECK_INT_EQ(asy_selector_count(s), 1);
        expect_ok(name, asy_selector_unregister(s, sv[0]), "unregister");
        snprintf(msg, sizeof msg, "%d is not registered", sv[0]);
        expect_exc(name, asy_selector_unregister(s, sv[0]), &asy_KeyError, msg);
        CHECK_INT_EQ(asy_selector_count(s), 0);
        CHECK_NULL(asy_selector_get_key(s, sv[0]));
        CHECK_NULL(asy_selector_get_key(s, -1));
        CHECK_NULL(asy_selector_get_key(s, 100000));
        asy_selector_free(s);
        close(sv[0]);
        close(sv[1]);
    }
    CHECK_INT_EQ(open_fds(), fds);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_value_errors(void)
{
    int fds = open_fds();
    FOR_EACH_BACKEND(b) {
        const char *name = (*b)->name;
        asy_selector *s = new_selector(*b);
        CHECK_FATAL(s != NULL);
        int sv[2];
        pair(sv);
        expect_exc(name, asy_selector_register(s, sv[0], 0, NULL), &asy_ValueError, "Invalid events: 0");
        expect_exc(name, asy_selector_register(s, sv[0], 4, NULL), &asy_ValueError, "Invalid events: 4");
        expect_exc(name, asy_selector_register(s, sv[0], ASY_EVENT_READ | 8, NULL), &asy_ValueError,
                   "Invalid events: 9");
        expect_exc(name, asy_selector_register(s, -1, ASY_EVENT_READ, NULL), &asy_ValueError,
                   "Invalid file descriptor: -1");
        expect_ok(name, asy_selector_register(s, sv[0], ASY_EVENT_READ, NULL), "register");
        expect_exc(name, asy_selector_modify(s, sv[0], 0, NULL), &asy_ValueError, "Invalid events: 0");
        /* A failed call changed nothing. */
        const asy_selector_key *key = asy_selector_get_key(s, sv[0]);
        CHECK_FATAL(key != NULL);
        CHECK_INT_EQ(key->events, ASY_EVENT_READ);
        CHECK_INT_EQ(asy_selector_count(s), 1);
        asy_selector_event ev[1];
        int n = 99;
        expect_exc(name, asy_selector_select(s, 0, ev, 0, &n), &asy_ValueError, "max must be positive, got 0");
        CHECK_INT_EQ(n, 0);
        asy_selector_free(s);
        close(sv[0]);
        close(sv[1]);
    }
    CHECK_INT_EQ(open_fds(), fds);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_readiness(void)
{
    int fds = open_fds();
    FOR_EACH_BACKEND(b) {
        const char *name = (*b)->name;
        asy_selector *s = new_selector(*b);
        CHECK_FATAL(s != NULL);
        int sv[2];
        pair(sv);
        asy_selector_event ev[4];
        /* Nothing written yet: a reader is not ready, a writer is. */
        expect_ok(name, asy_selector_register(s, sv[0], ASY_EVENT_READ, NULL), "register");
        CHECK_MSG(select_now(name, s, 0, ev, 4) == 0, "[%s] an empty socket is not readable", name);
        expect_ok(name, asy_selector_modify(s, sv[0], ASY_EVENT_READ | ASY_EVENT_WRITE, NULL), "modify");
        int n = select_now(name, s, 0, ev, 4);
        CHECK_MSG(n == 1 && ev[0].key->fd == sv[0] && ev[0].events == ASY_EVENT_WRITE,
                  "[%s] a fresh socket is writable, not readable (n=%d)", name, n);
        /* Data arrives: both, but only what the key asks for is reported. */
        CHECK_FATAL(write(sv[1], "x", 1) == 1);
        n = select_now(name, s, 0, ev, 4);
        CHECK_MSG(n == 1 && ev[0].events == (ASY_EVENT_READ | ASY_EVENT_WRITE), "[%s] readable and writable", name);
        expect_ok(name, asy_selector_modify(s, sv[0], ASY_EVENT_READ, NULL), "modify");
        n = select_now(name, s, 0, ev, 4);
        CHECK_MSG(n == 1 && ev[0].events == ASY_EVENT_READ, "[%s] only READ was asked for", name);
        /* Level-triggered: still unread, so reported again. */
        n = select_now(name, s, 0, ev, 4);
        CHECK_MSG(n == 1 && ev[0].events == ASY_EVENT_READ, "[%s] level-triggered: reported again", name);
        char c;
        CHECK_FATAL(read(sv[0], &c, 1) == 1);
        CHECK_MSG(select_now(name, s, 0, ev, 4) == 0, "[%s] drained: not readable any more", name);
        /* The peer hangs up: readable (recv will return 0). */
        close(sv[1]);
        n = select_now(name, s, 0, ev, 4);
        CHECK_MSG(n == 1 && (ev[0].events & ASY_EVENT_READ), "[%s] a hang-up is readable", name);
        expect_ok(name, asy_selector_unregister(s, sv[0]), "unregister");
        asy_selector_free(s);
        close(sv[0]);
    }
    CHECK_INT_EQ(open_fds(), fds);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_pipe(void)
{
    int fds = open_fds();
    FOR_EACH_BACKEND(b) {
        const char *name = (*b)->name;
        asy_selector *s = new_selector(*b);
        CHECK_FATAL(s != NULL);
        int p[2];
        CHECK_FATAL(pipe(p) == 0);
        expect_ok(name, asy_selector_register(s, p[0], ASY_EVENT_READ, "reader"), "register reader");
        expect_ok(name, asy_selector_register(s, p[1], ASY_EVENT_WRITE, "writer"), "register writer");
        CHECK_INT_EQ(asy_selector_count(s), 2);
        asy_selector_event ev[4];
        int n = select_now(name, s, 0, ev, 4);
        CHECK_MSG(n == 1 && ev[0].key->fd == p[1] && strcmp(ev[0].key->data, "writer") == 0,
                  "[%s] an empty pipe: only the write end is ready", name);
        CHECK_FATAL(write(p[1], "ab", 2) == 2);
        n = select_now(name, s, 0, ev, 4);
        CHECK_MSG(n == 2, "[%s] both ends ready, got %d", name, n);
        int seen = 0;
        for (int i = 0; i < n && i < 4; i++) {
            if (ev[i].key->fd == p[0] && ev[i].events == ASY_EVENT_READ && strcmp(ev[i].key->data, "reader") == 0)
                seen |= 1;
            if (ev[i].key->fd == p[1] && ev[i].events == ASY_EVENT_WRITE && strcmp(ev[i].key->data, "writer") == 0)
                seen |= 2;
        }
        CHECK_MSG(seen == 3, "[%s] each end with its own events and data", name);
        /* max = 1: one event now, the other stays ready. */
        n = select_now(name, s, 0, ev, 1);
        CHECK_MSG(n == 1, "[%s] max=1 gives one event, got %d", name, n);
        asy_selector_free(s);
        close(p[0]);
        close(p[1]);
    }
    CHECK_INT_EQ(open_fds(), fds);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_timeouts(void)
{
    int fds = open_fds();
    FOR_EACH_BACKEND(b) {
        const char *name = (*b)->name;
        asy_selector *s = new_selector(*b);
        CHECK_FATAL(s != NULL);
        int sv[2];
        pair(sv);
        expect_ok(name, asy_selector_register(s, sv[0], ASY_EVENT_READ, NULL), "register");
        asy_selector_event ev[2];
        double t0 = now();
        int n = select_now(name, s, 0, ev, 2);
        double dt = now() - t0;
        CHECK_MSG(n == 0 && dt < 0.02, "[%s] timeout 0 returns at once (n=%d, %.3f s)", name, n, dt);
        t0 = now();
        n = select_now(name, s, 0.05, ev, 2);
        dt = now() - t0;
        CHECK_MSG(n == 0 && dt >= 0.04 && dt < 1.0, "[%s] timeout 0.05 s waits about that long (%.3f s)", name, dt);
        /* A tiny timeout rounds up to 1 ms, never down to a busy 0. */
        t0 = now();
        n = select_now(name, s, 0.0002, ev, 2);
        dt = now() - t0;
        CHECK_MSG(n == 0 && dt >= 0.0002, "[%s] timeout 0.0002 s still waits (%.6f s)", name, dt);
        /* Ready data ends a long wait at once. */
        CHECK_FATAL(write(sv[1], "x", 1) == 1);
        t0 = now();
        n = select_now(name, s, 5.0, ev, 2);
        dt = now() - t0;
        CHECK_MSG(n == 1 && dt < 0.5, "[%s] ready data ends a 5 s wait at once (%.3f s)", name, dt);
        asy_selector_free(s);
        close(sv[0]);
        close(sv[1]);
    }
    CHECK_INT_EQ(open_fds(), fds);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_data_round_trip(void)
{
    int fds = open_fds();
    FOR_EACH_BACKEND(b) {
        const char *name = (*b)->name;
        asy_selector *s = new_selector(*b);
        CHECK_FATAL(s != NULL);
        int sv[2];
        pair(sv);
        int first = 1, second = 2;
        expect_ok(name, asy_selector_register(s, sv[0], ASY_EVENT_WRITE, &first), "register");
        const asy_selector_key *key = asy_selector_get_key(s, sv[0]);
        CHECK_FATAL(key != NULL);
        CHECK(key->fd == sv[0] && key->events == ASY_EVENT_WRITE && key->data == &first);
        asy_selector_event ev[2];
        int n = select_now(name, s, 0, ev, 2);
        CHECK_MSG(n == 1 && ev[0].key == key && ev[0].key->data == &first, "[%s] the event carries the key", name);
        /* Same events, new data: the key changes, nothing else. */
        expect_ok(name, asy_selector_modify(s, sv[0], ASY_EVENT_WRITE, &second), "modify data");
        CHECK(asy_selector_get_key(s, sv[0]) == key && key->data == &second);
        n = select_now(name, s, 0, ev, 2);
        CHECK_MSG(n == 1 && ev[0].key->data == &second, "[%s] new data in the event", name);
        expect_ok(name, asy_selector_unregister(s, sv[0]), "unregister");
        /* The key pointer stays valid (not freed) and says "unregistered". */
        CHECK(key->events == 0);
        asy_selector_free(s);
        close(sv[0]);
        close(sv[1]);
    }
    CHECK_INT_EQ(open_fds(), fds);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

#define MANY 300

static void test_many_fds(void)
{
    int fds = open_fds();
    FOR_EACH_BACKEND(b) {
        const char *name = (*b)->name;
        asy_selector *s = new_selector(*b);
        CHECK_FATAL(s != NULL);
        static int sv[MANY][2];
        static int tags[MANY];
        int opened = 0;
        for (int i = 0; i < MANY; i++) {
            if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv[i]) != 0)
                break;
            opened++;
            tags[i] = i;
            expect_ok(name, asy_selector_register(s, sv[i][0], ASY_EVENT_READ, &tags[i]), "register");
        }
        CHECK_FATAL(opened == MANY);
        CHECK_INT_EQ(asy_selector_count(s), MANY);
        /* Write to every 7th pair; exactly those come back, with their tag. */
        int want = 0;
        for (int i = 0; i < MANY; i += 7, want++)
            CHECK_FATAL(write(sv[i][1], "x", 1) == 1);
        static asy_selector_event ev[MANY];
        int n = select_now(name, s, 1.0, ev, MANY);
        CHECK_MSG(n == want, "[%s] %d of %d ready, got %d", name, want, MANY, n);
        int bad = 0;
        for (int i = 0; i < n && i < MANY; i++) {
            int t = *(int *)ev[i].key->data;
            if (t % 7 != 0 || ev[i].key->fd != sv[t][0] || ev[i].events != ASY_EVENT_READ)
                bad++;
        }
        CHECK_MSG(bad == 0, "[%s] %d events with the wrong key", name, bad);
        /* Unregister half, in an order that reshuffles poll's array. */
        for (int i = 0; i < MANY; i += 2)
            expect_ok(name, asy_selector_unregister(s, sv[i][0]), "unregister");
        CHECK_INT_EQ(asy_selector_count(s), MANY / 2);
        n = select_now(name, s, 1.0, ev, MANY);
        int odd = 0;
        for (int i = 1; i < MANY; i += 2)
            odd += i % 7 == 0;
        CHECK_MSG(n == odd, "[%s] after unregistering the even ones: %d ready, got %d", name, odd, n);
        for (int i = 0; i < n && i < MANY; i++)
            CHECK(*(int *)ev[i].key->data % 2 == 1);
        asy_selector_free(s);
        for (int i = 0; i < opened; i++) {
            close(sv[i][0]);
            close(sv[i][1]);
        }
    }
    CHECK_INT_EQ(open_fds(), fds);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_fd_setsize(void)
{
    int fds = open_fds();
    struct rlimit rl;
    CHECK_FATAL(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    struct rlimit saved = rl;
    if (rl.rlim_cur <= FD_SETSIZE + 1 && rl.rlim_max > FD_SETSIZE + 1) {
        rl.rlim_cur = FD_SETSIZE + 2;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    int sv[2];
    pair(sv);
    int big = fcntl(sv[0], F_DUPFD, FD_SETSIZE); /* the lowest free fd >= 1024 */
    if (big < 0) {
        printf("  note: RLIMIT_NOFILE (hard %llu) does not allow fd %d; FD_SETSIZE test skipped\n",
               (unsigned long long)saved.rlim_max, FD_SETSIZE);
    } else {
        CHECK(big >= FD_SETSIZE);
        FOR_EACH_BACKEND(b) {
            const char *name = (*b)->name;
            asy_selector *s = new_selector(*b);
            CHECK_FATAL(s != NULL);
            if (*b == &asy_selector_backend_select) {
                expect_exc(name, asy_selector_register(s, big, ASY_EVENT_READ, NULL), &asy_ValueError,
                           "filedescriptor out of range in select()");
                CHECK_INT_EQ(asy_selector_count(s), 0);
                CHECK_NULL(asy_selector_get_key(s, big));
                /* The backend itself refuses too, without touching an fd_set. */
                void *state = NULL;
                CHECK_FATAL((*b)->create(&state) == 0);
                CHECK_INT_EQ((*b)->add(state, big, ASY_EVENT_READ), EINVAL);
                (*b)->free(state);
            } else {
                expect_ok(name, asy_selector_register(s, big, ASY_EVENT_READ, NULL), "register fd >= FD_SETSIZE");
                CHECK_FATAL(write(sv[1], "x", 1) == 1);
                asy_selector_event ev[2];
                int n = select_now(name, s, 1.0, ev, 2);
                CHECK_MSG(n == 1 && ev[0].key->fd == big, "[%s] fd %d is reported", name, big);
                char c;
                CHECK_FATAL(read(big, &c, 1) == 1);
            }
            asy_selector_free(s);
        }
        close(big);
    }
    close(sv[0]);
    close(sv[1]);
    setrlimit(RLIMIT_NOFILE, &saved);
    CHECK_INT_EQ(open_fds(), fds);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* ---- EINTR ------------------------------------------------------------ */

static volatile sig_atomic_t signals_seen;
static void on_signal(int sig)
{
    (void)sig;
    signals_seen++;
}

/* A handler WITHOUT SA_RESTART: a blocked select/poll/epoll_wait fails
 * with EINTR when it runs. (With or without it, these calls are never
 * restarted by the kernel after a handler on Linux; see signal(7).) */
static void install_handler(struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    CHECK_FATAL(sigaction(SIGUSR1, &sa, old) == 0);
}

typedef struct {
    pthread_t target;
    int fd; /* write one byte here after the signals, or -1 */
} interrupter;

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Signal the selecting thread twice, then (maybe) make its fd ready. */
static void *interrupt_thread(void *arg)
{
    interrupter *it = arg;
    sleep_ms(20);
    pthread_kill(it->target, SIGUSR1);
    sleep_ms(20);
    pthread_kill(it->target, SIGUSR1);
    if (it->fd >= 0) {
        sleep_ms(30);
        if (write(it->fd, "x", 1) != 1)
            perror("write");
    }
    return NULL;
}

static void test_eintr(void)
{
    int fds = open_fds();
    struct sigaction old;
    install_handler(&old);
    FOR_EACH_BACKEND(b) {
        const char *name = (*b)->name;
        asy_selector *s = new_selector(*b);
        CHECK_FATAL(s != NULL);
        int sv[2];
        pair(sv);
        expect_ok(name, asy_selector_register(s, sv[0], ASY_EVENT_READ, NULL), "register");
        asy_selector_event ev[2];

        /* 1. Signals, no data: keep waiting until the timeout. */
        interrupter it = {pthread_self(), -1};
        pthread_t th;
        signals_seen = 0;
        CHECK_FATAL(pthread_create(&th, NULL, interrupt_thread, &it) == 0);
        double t0 = now();
        int n = select_now(name, s, 0.2, ev, 2);
        double dt = now() - t0;
        pthread_join(th, NULL);
        CHECK_MSG(signals_seen == 2, "[%s] the handler ran twice (%d)", name, (int)signals_seen);
        CHECK_MSG(n == 0 && dt >= 0.19 && dt < 2.0, "[%s] interrupted twice, still waited the 0.2 s (%.3f s, n=%d)",
                  name, dt, n);

        /* 2. Signals, then data: no timeout, so wait until readiness. */
        it.fd = sv[1];
        signals_seen = 0;
        CHECK_FATAL(pthread_create(&th, NULL, interrupt_thread, &it) == 0);
        t0 = now();
        n = select_now(name, s, -1, ev, 2);
        dt = now() - t0;
        pthread_join(th, NULL);
        CHECK_MSG(signals_seen == 2, "[%s] the handler ran twice (%d)", name, (int)signals_seen);
        CHECK_MSG(n == 1 && ev[0].key->fd == sv[0] && dt >= 0.06,
                  "[%s] interrupted twice, then woke for the data (%.3f s, n=%d)", name, dt, n);
        asy_selector_free(s);
        close(sv[0]);
        close(sv[1]);
    }
    sigaction(SIGUSR1, &old, NULL);
    CHECK_INT_EQ(open_fds(), fds);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_closed_fd(void)
{
    int fds = open_fds();
    FOR_EACH_BACKEND(b) {
        const char *name = (*b)->name;
        asy_selector *s = new_selector(*b);
        CHECK_FATAL(s != NULL);
        int sv[2];
        pair(sv);
        expect_ok(name, asy_selector_register(s, sv[0], ASY_EVENT_READ, NULL), "register");
        /* Closed first, unregistered second: the key is still forgotten. */
        close(sv[0]);
        expect_ok(name, asy_selector_unregister(s, sv[0]), "unregister after close");
        CHECK_INT_EQ(asy_selector_count(s), 0);
        asy_selector_free(s);
        close(sv[1]);
    }
    /* epoll checks the fd at register time; a closed fd is an OSError. */
    asy_selector *s = new_selector(&asy_selector_backend_epoll);
    CHECK_FATAL(s != NULL);
    int sv[2];
    pair(sv);
    close(sv[1]);
    close(sv[0]);
    asy_exc *e = asy_selector_register(s, sv[0], ASY_EVENT_READ, NULL);
    char msg[64];
    snprintf(msg, sizeof msg, "[Errno %d] %s", EBADF, strerror(EBADF));
    expect_exc("epoll", e, &asy_OSError, msg);
    CHECK_INT_EQ(asy_selector_count(s), 0);
    asy_selector_free(s);
    CHECK_INT_EQ(open_fds(), fds);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"backends are found by name, epoll is the default", test_names},
        {"register twice, modify or unregister an unknown fd: KeyError", test_key_errors},
        {"bad events, a negative fd, max 0: ValueError, nothing changed", test_value_errors},
        {"read/write readiness of a socket, level-triggered, hang-up", test_readiness},
        {"a pipe: each end with its events and data; max limits the count", test_pipe},
        {"timeout 0 returns at once, 0.05 s waits about that long", test_timeouts},
        {"user data round trip through register, modify and select", test_data_round_trip},
        {"300 fds: exactly the written ones come back with their keys", test_many_fds},
        {"select refuses fd >= FD_SETSIZE with ValueError; poll and epoll take it", test_fd_setsize},
        {"EINTR: a signal does not end the wait early", test_eintr},
        {"unregister after close works; epoll refuses a closed fd", test_closed_fd},
        {NULL, NULL},
    };
    return check_main("selector", tests, argc, argv);
}
