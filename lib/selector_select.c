/*
 * selector_select.c - the select(2) backend.
 * Chapter: 07
 *
 * select() takes bitmaps: bit fd of the read set means "tell me when fd is
 * readable". The kernel overwrites the sets with the answer, so every call
 * starts from a copy of the interest sets kept here, and every call costs
 * O(highest fd): the kernel checks each bit up to nfds, and we scan the
 * same range for the answer. An fd_set has FD_SETSIZE (1024) bits and
 * FD_SET(fd) does no bounds check: fd >= 1024 corrupts memory. selector.c
 * refuses such fds (fd_limit below) before they reach this file, and add()
 * checks again, because a backend must be safe on its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/select.h>

#include "selector.h"

typedef struct {
    fd_set readers; /* interest: bit fd set = watch fd for reading */
    fd_set writers;
    int maxfd; /* highest fd in either set, -1 when both are empty */
} select_state;

static int select_create(void **state)
{
    select_state *st = malloc(sizeof *st);
    if (st == NULL)
        return ENOMEM;
    FD_ZERO(&st->readers);
    FD_ZERO(&st->writers);
    st->maxfd = -1;
    *state = st;
    return 0;
}

static void select_free(void *state) { free(state); }

static void set_bits(select_state *st, int fd, int events)
{
    if (events & ASY_EVENT_READ)
        FD_SET(fd, &st->readers);
    else
        FD_CLR(fd, &st->readers);
    if (events & ASY_EVENT_WRITE)
        FD_SET(fd, &st->writers);
    else
        FD_CLR(fd, &st->writers);
}

static int select_add(void *state, int fd, int events)
{
    select_state *st = state;
    if (fd < 0 || fd >= FD_SETSIZE)
        return EINVAL;
    set_bits(st, fd, events);
    if (fd > st->maxfd)
        st->maxfd = fd;
    return 0;
}

static int select_modify(void *state, int fd, int old_events, int new_events)
{
    (void)old_events;
    set_bits(state, fd, new_events);
    return 0;
}

static int select_remove(void *state, int fd, int old_events)
{
    select_state *st = state;
    (void)old_events;
    set_bits(st, fd, 0);
    /* Lower maxfd past the fds that are gone, so nfds stays tight. */
    while (st->maxfd >= 0 && !FD_ISSET(st->maxfd, &st->readers) && !FD_ISSET(st->maxfd, &st->writers))
        st->maxfd--;
    return 0;
}

static int select_wait(void *state, const asy_selector *s, int timeout_ms, asy_selector_event *ready,
                       int max, int *nready)
{
    select_state *st = state;
    fd_set r = st->readers, w = st->writers; /* select() overwrites them */
    struct timeval tv, *tvp = NULL;
    if (timeout_ms >= 0) {
        tv.tv_sec = timeout_ms / 1000;
        tv.tv_usec = (timeout_ms % 1000) * 1000;
        tvp = &tv;
    }
    int n = select(st->maxfd + 1, &r, &w, NULL, tvp);
    if (n < 0)
        return errno;
    /* The answer is the same bitmaps: scan 0..maxfd for set bits. */
    int k = 0;
    for (int fd = 0; fd <= st->maxfd && k < max && n > 0; fd++) {
        int events = (FD_ISSET(fd, &r) ? ASY_EVENT_READ : 0) | (FD_ISSET(fd, &w) ? ASY_EVENT_WRITE : 0);
        if (events == 0)
            continue;
        n -= (events == (ASY_EVENT_READ | ASY_EVENT_WRITE)) ? 2 : 1; /* select counts bits */
        const asy_selector_key *key = asy_selector_get_key(s, fd);
        if (key == NULL || (events & key->events) == 0)
            continue;
        ready[k].key = key;
        ready[k].events = events & key->events;
        k++;
    }
    *nready = k;
    return 0;
}

const asy_selector_backend asy_selector_backend_select = {
    .name = "select",
    .fd_limit = FD_SETSIZE,
    .create = select_create,
    .free = select_free,
    .add = select_add,
    .modify = select_modify,
    .remove = select_remove,
    .wait = select_wait,
};
