/*
 * sigio_reader.c - exercise: a SIGIO-driven reader.  See sigio_reader.h.
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
#include <signal.h>
#include <unistd.h>

#include "sigio_reader.h"

static volatile sig_atomic_t io_ready;   /* set by the handler, cleared by the waiter */
static volatile sig_atomic_t io_signals; /* how many times the handler ran */
static struct sigaction old_action;      /* restored by sigio_unwatch() */

/* TODO: a handler `static void on_sigio(int sig)` that sets io_ready and
   counts in io_signals.  Nothing else. */

int sigio_watch(int fd)
{
    (void)fd;
    (void)old_action;
    /* TODO: 1. sigaction(SIGIO, ...) with your handler (SA_RESTART), saving
                the old action in old_action;
             2. fcntl(fd, F_SETOWN, getpid());
             3. fcntl(fd, F_SETFL, flags | O_ASYNC | O_NONBLOCK). */
    errno = ENOSYS;
    return -1;
}

ssize_t sigio_wait_drain(int fd, char *buf, size_t cap, int *eof)
{
    (void)fd;
    (void)buf;
    (void)cap;
    (void)io_ready;
    *eof = 0;
    /* TODO: block SIGIO (pthread_sigmask), then
             while (!io_ready) sigsuspend(<the old mask without SIGIO>);
             clear io_ready, restore the old mask, and drain fd:
             read() until EAGAIN, 0 (set *eof) or cap bytes. */
    errno = ENOSYS;
    return -1;
}

int sigio_count(void)
{
    return (int)io_signals;
}

void sigio_unwatch(int fd)
{
    (void)fd;
    /* TODO: clear O_ASYNC on fd, restore old_action. */
}
