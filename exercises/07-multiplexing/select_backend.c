/*
 * select_backend.c - exercise 07/select_backend: see select_backend.h and
 * the contract of each operation in lib/selector.h (asy_selector_backend).
 * Test: make exercises CH=07
 *
 * The state is done for you: two interest bitmaps and the highest fd in
 * them. select() overwrites the sets it is given, so wait() must pass
 * COPIES of them. Every operation returns 0 or an errno value.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/select.h>

#include "select_backend.h"

typedef struct {
    fd_set readers; /* bit fd set: watch fd for ASY_EVENT_READ */
    fd_set writers; /* bit fd set: watch fd for ASY_EVENT_WRITE */
    int maxfd;      /* the highest fd in either set; -1 when both are empty */
} select_state;

static int sel_create(void **state)
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

static void sel_free(void *state) { free(state); }

static int sel_add(void *state, int fd, int events)
{
    (void)state;
    (void)fd;
    (void)events;
    /* TODO: refuse fd outside 0..FD_SETSIZE-1 with EINVAL (FD_SET does not
     * check!), set fd's bit in readers and/or writers, raise maxfd. */
    return ENOSYS;
}

static int sel_modify(void *state, int fd, int old_events, int new_events)
{
    (void)state;
    (void)fd;
    (void)old_events;
    (void)new_events;
    /* TODO: set or clear fd's bit in each set to match new_events. */
    return ENOSYS;
}

static int sel_remove(void *state, int fd, int old_events)
{
    (void)state;
    (void)fd;
    (void)old_events;
    /* TODO: clear both bits; if fd was maxfd, lower maxfd to the highest
     * fd still in a set (or -1). */
    return ENOSYS;
}

static int sel_wait(void *state, const asy_selector *s, int timeout_ms, asy_selector_event *ready, int max,
                    int *nready)
{
    (void)state;
    (void)s;
    (void)timeout_ms;
    (void)ready;
    (void)max;
    /* TODO 1: copy the two sets; build a struct timeval from timeout_ms
     *         (NULL pointer when timeout_ms < 0: wait forever).
     * TODO 2: select(maxfd + 1, &r, &w, NULL, tv); on -1 return errno
     *         (EINTR too: selector.c retries).
     * TODO 3: for fd in 0..maxfd, while fewer than max: events = READ if
     *         set in r, | WRITE if set in w; key = asy_selector_get_key(s, fd);
     *         report (key, events & key->events) when that is not 0.
     * TODO 4: store the count in *nready, return 0. */
    *nready = 0;
    return ENOSYS;
}

const asy_selector_backend ex_select_backend = {
    .name = "select",
    .fd_limit = FD_SETSIZE, /* selector.c raises ValueError for fds >= this */
    .create = sel_create,
    .free = sel_free,
    .add = sel_add,
    .modify = sel_modify,
    .remove = sel_remove,
    .wait = sel_wait,
};
