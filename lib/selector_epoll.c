/*
 * selector_epoll.c - the epoll(7) backend, the default on Linux.
 * Chapter: 07
 *
 * select() and poll() forget everything between calls, so each call hands
 * the kernel the whole list again and the kernel polls every fd on it.
 * epoll keeps the interest list IN THE KERNEL (epoll_ctl adds, changes or
 * removes one fd, O(log n)) and the kernel appends an fd to a ready list
 * when its state changes. epoll_wait() only copies out that ready list:
 * its cost grows with the number of ACTIVE fds, not the number watched.
 * The price is a system call per interest change, where select and poll
 * only flip bits in user memory.
 *
 * This backend is level-triggered, as Python's EpollSelector: an fd with
 * unread data is reported on every call. Edge-triggered mode (EPOLLET)
 * reports a change once, and chapter 07's demo 3 shows how it stalls a
 * reader that does not drain the socket.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "selector.h"

typedef struct {
    int epfd;
    struct epoll_event *buf; /* epoll_wait's output, cap entries, grown to `max` */
    int cap;
} epoll_state;

static int ep_create(void **state)
{
    epoll_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return ENOMEM;
    st->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (st->epfd < 0) {
        int err = errno;
        free(st);
        return err;
    }
    *state = st;
    return 0;
}

static void ep_free(void *state)
{
    epoll_state *st = state;
    close(st->epfd);
    free(st->buf);
    free(st);
}

static int ctl(epoll_state *st, int op, int fd, int events)
{
    struct epoll_event ev = {0};
    ev.events = ((events & ASY_EVENT_READ) ? EPOLLIN : 0u) | ((events & ASY_EVENT_WRITE) ? EPOLLOUT : 0u);
    ev.data.fd = fd;
    return epoll_ctl(st->epfd, op, fd, &ev) < 0 ? errno : 0;
}

static int ep_add(void *state, int fd, int events) { return ctl(state, EPOLL_CTL_ADD, fd, events); }

static int ep_modify(void *state, int fd, int old_events, int new_events)
{
    (void)old_events;
    return ctl(state, EPOLL_CTL_MOD, fd, new_events);
}

static int ep_remove(void *state, int fd, int old_events)
{
    (void)old_events;
    int err = ctl(state, EPOLL_CTL_DEL, fd, 0);
    /* An fd closed before it was unregistered has already left the
     * interest list on its own (EBADF, or ENOENT if its number was
     * reused): nothing is left to remove, so that is not an error. */
    return (err == EBADF || err == ENOENT) ? 0 : err;
}

static int ep_wait(void *state, const asy_selector *s, int timeout_ms, asy_selector_event *ready,
                       int max, int *nready)
{
    epoll_state *st = state;
    if (max > st->cap) {
        struct epoll_event *buf = realloc(st->buf, (size_t)max * sizeof *buf);
        if (buf == NULL)
            return ENOMEM;
        st->buf = buf;
        st->cap = max;
    }
    int n = epoll_wait(st->epfd, st->buf, max, timeout_ms);
    if (n < 0)
        return errno;
    /* Only the ready fds come back: no scan over the watched ones. */
    int k = 0;
    for (int i = 0; i < n; i++) {
        unsigned rev = st->buf[i].events;
        /* EPOLLERR / EPOLLHUP wake readers and writers, as in poll. */
        int events = ((rev & ~(unsigned)EPOLLIN) ? ASY_EVENT_WRITE : 0) |
                     ((rev & ~(unsigned)EPOLLOUT) ? ASY_EVENT_READ : 0);
        const asy_selector_key *key = asy_selector_get_key(s, st->buf[i].data.fd);
        if (key == NULL || (events & key->events) == 0)
            continue;
        ready[k].key = key;
        ready[k].events = events & key->events;
        k++;
    }
    *nready = k;
    return 0;
}

const asy_selector_backend asy_selector_backend_epoll = {
    .name = "epoll",
    .fd_limit = 0,
    .create = ep_create,
    .free = ep_free,
    .add = ep_add,
    .modify = ep_modify,
    .remove = ep_remove,
    .wait = ep_wait,
};
