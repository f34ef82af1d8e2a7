/*
 * sigio_reader.c - solution: a SIGIO-driven reader.  See sigio_reader.h.
 *
 * The three rules of this exercise:
 *   1. The handler does only async-signal-safe work: set a
 *      volatile sig_atomic_t flag, count.  No printf, no malloc, no read.
 *   2. Waiting must not lose a signal that arrives between "is the flag
 *      set?" and "go to sleep".  Block SIGIO, test the flag, and sleep
 *      with sigsuspend(), which unblocks and sleeps in one atomic step.
 *   3. Drain with non-blocking reads until EAGAIN (or end of stream).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "sigio_reader.h"

static volatile sig_atomic_t io_ready;   /* set by the handler, cleared by the waiter */
static volatile sig_atomic_t io_signals; /* how many times the handler ran */
static struct sigaction old_action;      /* restored by sigio_unwatch() */

/* Runs between any two instructions of the program: touch only
   volatile sig_atomic_t.  (SIGIO is blocked while it runs, so the
   increment does not race with itself.) */
static void on_sigio(int sig)
{
    (void)sig;
    io_ready = 1;
    io_signals++;
}

int sigio_watch(int fd)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigio;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGIO, &sa, &old_action) < 0) return -1;
    if (fcntl(fd, F_SETOWN, getpid()) < 0) return -1;
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    return fcntl(fd, F_SETFL, flags | O_ASYNC | O_NONBLOCK) < 0 ? -1 : 0;
}

/* Sleep until the handler has run since the last call.  SIGIO is blocked
   while we look at the flag; sigsuspend() unblocks it and sleeps in one
   step, so a signal between the test and the sleep is not lost. */
static void wait_for_sigio(void)
{
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGIO);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    sigset_t sleep_mask = old;
    sigdelset(&sleep_mask, SIGIO);
    while (!io_ready) sigsuspend(&sleep_mask);
    io_ready = 0; /* cleared BEFORE draining: data arriving later re-arms it */
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

ssize_t sigio_wait_drain(int fd, char *buf, size_t cap, int *eof)
{
    *eof = 0;
    wait_for_sigio();
    size_t got = 0;
    while (got < cap) {
        ssize_t r = read(fd, buf + got, cap - got);
        if (r > 0) {
            got += (size_t)r;
        } else if (r == 0) {
            *eof = 1;
            break;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            break;
        } else if (errno != EINTR) {
            return -1;
        }
    }
    return (ssize_t)got;
}

int sigio_count(void)
{
    return (int)io_signals;
}

void sigio_unwatch(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_ASYNC);
    sigaction(SIGIO, &old_action, NULL);
}
