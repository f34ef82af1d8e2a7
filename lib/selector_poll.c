/*
 * selector_poll.c - the poll(2) backend.
 * Chapter: 07
 *
 * poll() takes an array of struct pollfd {fd, events, revents}: no fd limit
 * and no bitmap to rebuild, since the kernel writes its answer into revents
 * and leaves `events` alone. But like select() it is stateless: every call
 * copies the whole array into the kernel, which asks every fd in it whether
 * it is ready, and we scan the whole array for the answer. O(n) per call in
 * the number of WATCHED fds, however few are active.
 *
 * The array is dense (no holes): index[fd] says where fd sits, and removing
 * moves the last entry into the hole, so add, modify and remove are O(1).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "selector.h"

typedef struct {
    struct pollfd *fds; /* the array handed to poll(): n used of cap */
    int n, cap;
    int *index; /* index[fd]: position of fd in fds, or -1; nindex entries */
    int nindex;
} poll_state;

static int poll_create(void **state)
{
    poll_state *st = calloc(1, sizeof *st);
    if (st == NULL)
        return ENOMEM;
    *state = st;
    return 0;
}

static void poll_free(void *state)
{
    poll_state *st = state;
    free(st->fds);
    free(st->index);
    free(st);
}

static short to_poll(int events)
{
    return (short)(((events & ASY_EVENT_READ) ? POLLIN : 0) | ((events & ASY_EVENT_WRITE) ? POLLOUT : 0));
}

static int grow_index(poll_state *st, int fd)
{
    if (fd < st->nindex)
        return 0;
    int n = st->nindex ? st->nindex : 64;
    while (n <= fd)
        n *= 2;
    int *index = realloc(st->index, (size_t)n * sizeof *index);
    if (index == NULL)
        return ENOMEM;
    for (int i = st->nindex; i < n; i++)
        index[i] = -1;
    st->index = index;
    st->nindex = n;
    return 0;
}

static int poll_add(void *state, int fd, int events)
{
    poll_state *st = state;
    if (grow_index(st, fd) != 0)
        return ENOMEM;
    if (st->n == st->cap) {
        int cap = st->cap ? st->cap * 2 : 64;
        struct pollfd *fds = realloc(st->fds, (size_t)cap * sizeof *fds);
        if (fds == NULL)
            return ENOMEM;
        st->fds = fds;
        st->cap = cap;
    }
    st->fds[st->n] = (struct pollfd){.fd = fd, .events = to_poll(events), .revents = 0};
    st->index[fd] = st->n++;
    return 0;
}

static int poll_modify(void *state, int fd, int old_events, int new_events)
{
    poll_state *st = state;
    (void)old_events;
    st->fds[st->index[fd]].events = to_poll(new_events);
    return 0;
}

static int poll_remove(void *state, int fd, int old_events)
{
    poll_state *st = state;
    (void)old_events;
    int i = st->index[fd];
    st->fds[i] = st->fds[--st->n]; /* the last entry fills the hole */
    st->index[st->fds[i].fd] = i;
    st->index[fd] = -1;
    return 0;
}

static int poll_wait(void *state, const asy_selector *s, int timeout_ms, asy_selector_event *ready,
                     int max, int *nready)
{
    poll_state *st = state;
    int n = poll(st->fds, (nfds_t)st->n, timeout_ms);
    if (n < 0)
        return errno;
    int k = 0;
    for (int i = 0; i < st->n && k < max && n > 0; i++) {
        short rev = st->fds[i].revents;
        if (rev == 0)
            continue;
        n--;
        /* As CPython's PollSelector: anything but "only readable" (an error,
         * a hang-up) wakes a writer, anything but "only writable" wakes a
         * reader, so the callback's recv/send sees the error itself. */
        int events = ((rev & ~POLLIN) ? ASY_EVENT_WRITE : 0) | ((rev & ~POLLOUT) ? ASY_EVENT_READ : 0);
        const asy_selector_key *key = asy_selector_get_key(s, st->fds[i].fd);
        if (key == NULL || (events & key->events) == 0)
            continue;
        ready[k].key = key;
        ready[k].events = events & key->events;
        k++;
    }
    *nready = k;
    return 0;
}

const asy_selector_backend asy_selector_backend_poll = {
    .name = "poll",
    .fd_limit = 0,
    .create = poll_create,
    .free = poll_free,
    .add = poll_add,
    .modify = poll_modify,
    .remove = poll_remove,
    .wait = poll_wait,
};
