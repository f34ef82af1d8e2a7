/*
 * test_sigio_reader.c - tests for exercise 08 sigio_reader.
 *
 * Each scenario runs in a child process with a deadline, so a reader that
 * sleeps forever (no F_SETOWN? no O_ASYNC?) or dies of SIGIO (O_ASYNC on
 * before the handler?) makes the test FAIL with a message, not hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "sigio_reader.h"

struct outcome {
    int watch_rc;                      /* sigio_watch() */
    int nonblock, async, owner_is_us;  /* fd state after sigio_watch() */
    int async_after_unwatch;
    int calls, failed, eof;            /* sigio_wait_drain() calls, a -1, end seen */
    char data[128];
    size_t len;
    int signals;                       /* sigio_count() at the end */
    long cpu_ms;                       /* the reader's CPU time while reading */
};

enum guard { RAN, TIMED_OUT, DIED, NO_RESULT };

/* Run fn in a child process; give up after ms milliseconds. */
static enum guard run_guarded(void (*fn)(struct outcome *), struct outcome *o, int ms, int *sig)
{
    int rp[2];
    memset(o, 0, sizeof *o);
    *sig = 0;
    if (pipe(rp) < 0) return NO_RESULT;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return NO_RESULT;
    if (pid == 0) {
        close(rp[0]);
        fn(o);
        ssize_t w = write(rp[1], o, sizeof *o);
        _exit(w == (ssize_t)sizeof *o ? 0 : 1);
    }
    close(rp[1]);
    struct pollfd p = { rp[0], POLLIN, 0 };
    int ready = poll(&p, 1, ms);
    enum guard g = NO_RESULT;
    if (ready == 1 && read(rp[0], o, sizeof *o) == (ssize_t)sizeof *o) g = RAN;
    if (ready == 0) { kill(pid, SIGKILL); g = TIMED_OUT; }
    int status = 0;
    waitpid(pid, &status, 0);
    if (g != RAN && WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
        g = DIED;
        *sig = WTERMSIG(status);
    }
    close(rp[0]);
    return g;
}

static void check_ran(enum guard g, int sig)
{
    CHECK_MSG(g != TIMED_OUT, "the reader did not finish within the deadline: does sigio_wait_drain() "
                              "sleep forever? (F_SETOWN and O_ASYNC set? reads non-blocking?)");
    CHECK_MSG(g != DIED, "the reader was killed by signal %d (%s): SIGIO's default action kills; "
                         "install the handler before switching O_ASYNC on", sig, strsignal(sig));
    CHECK_FATAL(g == RAN);
}

static long thread_cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000 };
    while (nanosleep(&t, &t) < 0 && errno == EINTR) continue;
}

/* The writer: three chunks, `gap` ms apart, then close.  It blocks SIGIO so
   that the kernel delivers every SIGIO to the reader thread. */
struct writer_args { int fd, gap; };
static void *writer(void *arg)
{
    struct writer_args *w = arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGIO);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    static const char *const chunks[] = { "hello, ", "signal-driven ", "world" };
    for (int i = 0; i < 3; i++) {
        sleep_ms(w->gap);
        if (write(w->fd, chunks[i], strlen(chunks[i])) < 0) break;
    }
    close(w->fd);
    return NULL;
}

static void read_chunks(struct outcome *o, int gap)
{
    int p[2];
    if (pipe(p) < 0) return;
    o->watch_rc = sigio_watch(p[0]);
    int fl = fcntl(p[0], F_GETFL);
    o->nonblock = fl >= 0 && (fl & O_NONBLOCK);
    o->async = fl >= 0 && (fl & O_ASYNC);
    o->owner_is_us = fcntl(p[0], F_GETOWN) == getpid();
    if (o->watch_rc != 0) { close(p[0]); close(p[1]); return; }
    struct writer_args w = { p[1], gap };
    pthread_t t;
    if (pthread_create(&t, NULL, writer, &w) != 0) return;
    long cpu0 = thread_cpu_ms();
    while (!o->eof && o->calls < 50 && o->len < sizeof o->data - 1) {
        ssize_t r = sigio_wait_drain(p[0], o->data + o->len, sizeof o->data - 1 - o->len, &o->eof);
        o->calls++;
        if (r < 0) { o->failed = 1; break; }
        o->len += (size_t)r;
    }
    o->cpu_ms = thread_cpu_ms() - cpu0;
    pthread_join(t, NULL);
    sigio_unwatch(p[0]);
    fl = fcntl(p[0], F_GETFL);
    o->async_after_unwatch = fl >= 0 && (fl & O_ASYNC);
    o->signals = sigio_count();
    close(p[0]);
}

static void read_fast(struct outcome *o) { read_chunks(o, 30); }
static void read_slow(struct outcome *o) { read_chunks(o, 100); }

/* A SIGIO with nothing to read: the drain must meet EAGAIN and return 0. */
static void spurious_signal(struct outcome *o)
{
    int p[2];
    if (pipe(p) < 0) return;
    o->watch_rc = sigio_watch(p[0]);
    if (o->watch_rc == 0) {
        raise(SIGIO);
        ssize_t r = sigio_wait_drain(p[0], o->data, sizeof o->data - 1, &o->eof);
        o->calls = 1;
        o->failed = r < 0;
        o->len = r > 0 ? (size_t)r : 0;
        sigio_unwatch(p[0]);
    }
    o->signals = sigio_count();
    close(p[0]);
    close(p[1]);
}

static void test_watch_sets_up_fd(void)
{
    struct outcome o;
    int sig;
    enum guard g = run_guarded(read_fast, &o, 2000, &sig);
    check_ran(g, sig);
    CHECK_INT_EQ(o.watch_rc, 0);
    CHECK_MSG(o.nonblock, "after sigio_watch() the descriptor must be O_NONBLOCK");
    CHECK_MSG(o.async, "after sigio_watch() the descriptor must be O_ASYNC");
    CHECK_MSG(o.owner_is_us, "after sigio_watch() F_GETOWN must be getpid()");
}

static void test_reads_everything_in_order(void)
{
    struct outcome o;
    int sig;
    enum guard g = run_guarded(read_fast, &o, 2000, &sig);
    check_ran(g, sig);
    CHECK_INT_EQ(o.failed, 0);
    o.data[o.len] = '\0';
    CHECK_STR_EQ(o.data, "hello, signal-driven world");
    CHECK_MSG(o.eof, "the writer closed its end: sigio_wait_drain() must report *eof = 1");
    CHECK_MSG(o.signals > 0, "sigio_count() is %d: the handler never ran", o.signals);
}

static void test_waiting_sleeps(void)
{
    struct outcome o;
    int sig;
    enum guard g = run_guarded(read_slow, &o, 3000, &sig);
    check_ran(g, sig);
    o.data[o.len] = '\0';
    CHECK_STR_EQ(o.data, "hello, signal-driven world");
    CHECK_MSG(o.cpu_ms < 100, "the reader used %ld ms of CPU while waiting ~300 ms for data: "
                              "sleep in sigsuspend(), do not spin", o.cpu_ms);
}

static void test_unwatch_switches_off(void)
{
    struct outcome o;
    int sig;
    enum guard g = run_guarded(read_fast, &o, 2000, &sig);
    check_ran(g, sig);
    CHECK_INT_EQ(o.watch_rc, 0);
    CHECK_MSG(!o.async_after_unwatch, "after sigio_unwatch() the descriptor must not be O_ASYNC");
}

static void test_signal_without_data(void)
{
    struct outcome o;
    int sig;
    enum guard g = run_guarded(spurious_signal, &o, 1500, &sig);
    check_ran(g, sig);
    CHECK_INT_EQ(o.watch_rc, 0);
    CHECK_MSG(!o.failed, "a SIGIO with nothing to read: return 0, not -1 (EAGAIN ends the drain)");
    CHECK_INT_EQ(o.len, 0);
    CHECK_INT_EQ(o.eof, 0);
    CHECK_INT_EQ(o.signals, 1);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        { "sigio_watch() makes the fd non-blocking, O_ASYNC and owned by us", test_watch_sets_up_fd },
        { "three chunks are read in order, then end of stream", test_reads_everything_in_order },
        { "waiting for slow data sleeps instead of spinning", test_waiting_sleeps },
        { "sigio_unwatch() switches O_ASYNC off", test_unwatch_switches_off },
        { "a SIGIO with nothing to read returns 0 bytes without blocking", test_signal_without_data },
        { NULL, NULL }
    };
    return check_main("sigio_reader", tests, argc, argv);
}
