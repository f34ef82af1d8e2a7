/*
 * selector.c - the generic half of the selector: the key table, argument
 * checks, Python's exceptions, timeouts and EINTR. The system calls live in
 * the backends (selector_select.c, selector_poll.c, selector_epoll.c).
 * Chapter: 07
 */
#include "selector.h"

#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct asy_selector {
    const asy_selector_backend *backend;
    void *state; /* the backend's */
    /*
     * The key table: slots[fd] is NULL (this fd was never registered) or a
     * key whose events are 0 (unregistered) or not (registered). A slot is
     * allocated the first time its fd is registered and kept until
     * asy_selector_free, so the key pointers handed out stay valid, and
     * growing the table moves only this array of pointers, never a key.
     * Memory is O(highest fd), which the kernel keeps small: it always
     * hands out the lowest free descriptor.
     */
    asy_selector_key **slots;
    int nslots;
    size_t count; /* registered keys */
};

/* ---- errors ---------------------------------------------------------- */

/* OSError as Python words it: "[Errno 9] Bad file descriptor". New reference. */
static asy_exc *os_error(int err)
{
    return asy_exc_new(&asy_OSError, "[Errno %d] %s", err, strerror(err));
}

static asy_exc *check_fd(const asy_selector *s, int fd)
{
    if (fd < 0)
        return asy_exc_new(&asy_ValueError, "Invalid file descriptor: %d", fd);
    /* select(2) indexes a fixed-size bitmap with the fd: FD_SET(1024, ...)
     * writes past the end of an fd_set. Refuse it here, with the message
     * CPython's select.select() gives, before any backend sees it. */
    if (s->backend->fd_limit > 0 && fd >= s->backend->fd_limit)
        return asy_exc_new(&asy_ValueError, "filedescriptor out of range in %s()", s->backend->name);
    return NULL;
}

static asy_exc *check_events(int events)
{
    if (events == 0 || (events & ~(ASY_EVENT_READ | ASY_EVENT_WRITE)) != 0)
        return asy_exc_new(&asy_ValueError, "Invalid events: %d", events);
    return NULL;
}

/* ---- the key table --------------------------------------------------- */

static asy_selector_key *registered_key(const asy_selector *s, int fd)
{
    if (s == NULL || fd < 0 || fd >= s->nslots || s->slots[fd] == NULL || s->slots[fd]->events == 0)
        return NULL;
    return s->slots[fd];
}

/* The slot for fd, creating it (and growing the table) if needed. */
static asy_selector_key *slot_for(asy_selector *s, int fd)
{
    if (fd >= s->nslots) {
        int n = s->nslots ? s->nslots : 64;
        while (n <= fd)
            n = n > INT_MAX / 2 ? INT_MAX : n * 2;
        asy_selector_key **slots = realloc(s->slots, (size_t)n * sizeof *slots);
        if (slots == NULL)
            asy_out_of_memory("the selector's table");
        memset(slots + s->nslots, 0, (size_t)(n - s->nslots) * sizeof *slots);
        s->slots = slots;
        s->nslots = n;
    }
    if (s->slots[fd] == NULL) {
        s->slots[fd] = calloc(1, sizeof **s->slots);
        if (s->slots[fd] == NULL)
            asy_out_of_memory("a selector key");
        s->slots[fd]->fd = fd;
    }
    return s->slots[fd];
}

/* ---- the interface --------------------------------------------------- */

const asy_selector_backend *asy_selector_backend_named(const char *name)
{
    static const asy_selector_backend *const all[] = {
        &asy_selector_backend_select, &asy_selector_backend_poll, &asy_selector_backend_epoll,
    };
    for (size_t i = 0; name != NULL && i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

asy_exc *asy_selector_new(const asy_selector_backend *backend, asy_selector **out)
{
    if (out == NULL)
        return asy__null_error("a place for the selector");
    *out = NULL;
    asy_selector *s = calloc(1, sizeof *s);
    if (s == NULL)
        asy_out_of_memory("a selector");
    s->backend = backend ? backend : &asy_selector_backend_epoll;
    int err = s->backend->create(&s->state);
    if (err != 0) {
        free(s);
        return os_error(err);
    }
    *out = s;
    return NULL;
}

void asy_selector_free(asy_selector *s)
{
    if (s == NULL)
        return;
    s->backend->free(s->state);
    for (int fd = 0; fd < s->nslots; fd++)
        free(s->slots[fd]);
    free(s->slots);
    free(s);
}

asy_exc *asy_selector_register(asy_selector *s, int fd, int events, void *data)
{
    if (s == NULL)
        return asy__null_error("a selector");
    asy_exc *e = check_events(events);
    if (e == NULL)
        e = check_fd(s, fd);
    if (e != NULL)
        return e;
    if (registered_key(s, fd) != NULL)
        return asy_exc_new(&asy_KeyError, "%d (FD %d) is already registered", fd, fd);
    int err = s->backend->add(s->state, fd, events);
    if (err != 0)
        return os_error(err); /* e.g. epoll: EBADF for a closed fd, EPERM for a file */
    asy_selector_key *key = slot_for(s, fd);
    key->events = events;
    key->data = data;
    s->count++;
    return NULL;
}

asy_exc *asy_selector_modify(asy_selector *s, int fd, int events, void *data)
{
    if (s == NULL)
        return asy__null_error("a selector");
    asy_exc *e = check_events(events);
    if (e != NULL)
        return e;
    asy_selector_key *key = registered_key(s, fd);
    if (key == NULL)
        return asy_exc_new(&asy_KeyError, "%d is not registered", fd);
    if (events != key->events) { /* only the data changes: no system call */
        int err = s->backend->modify(s->state, fd, key->events, events);
        if (err != 0)
            return os_error(err);
        key->events = events;
    }
    key->data = data;
    return NULL;
}

asy_exc *asy_selector_unregister(asy_selector *s, int fd)
{
    if (s == NULL)
        return asy__null_error("a selector");
    asy_selector_key *key = registered_key(s, fd);
    if (key == NULL)
        return asy_exc_new(&asy_KeyError, "%d is not registered", fd);
    /* Forget the key even if the kernel objects (the fd was already
     * closed): Python's selectors do the same, and the alternative, a key
     * that can never be removed, helps no one. */
    int err = s->backend->remove(s->state, fd, key->events);
    key->events = 0;
    key->data = NULL;
    s->count--;
    return err != 0 ? os_error(err) : NULL;
}

const asy_selector_key *asy_selector_get_key(const asy_selector *s, int fd)
{
    return registered_key(s, fd);
}

size_t asy_selector_count(const asy_selector *s) { return s != NULL ? s->count : 0; }

const char *asy_selector_name(const asy_selector *s) { return s != NULL ? s->backend->name : NULL; }

/* ---- select ---------------------------------------------------------- */

static double monotonic_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Seconds -> the milliseconds of poll/epoll_wait, rounded UP: rounding
 * 0.0004 s down to 0 ms would turn a short wait into a busy loop. */
static int timeout_ms(double seconds)
{
    if (seconds < 0)
        return -1;
    double ms = ceil(seconds * 1e3);
    return ms >= (double)INT_MAX ? INT_MAX : (int)ms;
}

asy_exc *asy_selector_select(asy_selector *s, double timeout, asy_selector_event *ready, int max,
                             int *nready)
{
    if (s == NULL || nready == NULL)
        return asy__null_error(s == NULL ? "a selector" : "a place for the count");
    *nready = 0;
    if (ready == NULL || max <= 0)
        return asy_exc_new(&asy_ValueError, "max must be positive, got %d", max);
    if (isnan(timeout))
        return asy_exc_new(&asy_ValueError, "Invalid value NaN (not a number)");
    double deadline = timeout >= 0 ? monotonic_now() + timeout : 0.0;
    int ms = timeout_ms(timeout);
    for (;;) {
        int err = s->backend->wait(s->state, s, ms, ready, max, nready);
        if (err == 0)
            return NULL;
        *nready = 0;
        if (err != EINTR)
            return os_error(err);
        /* A signal handler ran (PEP 475): wait again for the time left.
         * A timeout that ran out while the handler ran becomes one last
         * look with 0 ms, so readiness that arrived meanwhile is seen. */
        if (timeout >= 0) {
            double left = deadline - monotonic_now();
            ms = left > 0 ? timeout_ms(left) : 0;
        }
    }
}
