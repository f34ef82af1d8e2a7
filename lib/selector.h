/*
 * selector.h - I/O multiplexing: wait on many descriptors at once.
 * Chapter: 07
 *
 * A server with a thousand connections cannot block in recv() on one of
 * them. It asks the kernel instead: "of these descriptors, which can I read
 * or write without blocking?", sleeps until the answer is "some", and then
 * does only the I/O that is ready. Linux has three system calls for the
 * question, select(2), poll(2) and epoll(7); Python's `selectors` module hides
 * them behind one interface, and this module is that interface in C:
 *
 *     sel = selectors.DefaultSelector()       asy_selector_new(NULL, &sel)
 *     sel.register(sock, EVENT_READ, accept)  asy_selector_register(sel, fd, ASY_EVENT_READ, &accept)
 *     sel.modify(sock, EVENT_WRITE, data)     asy_selector_modify(sel, fd, ASY_EVENT_WRITE, data)
 *     sel.unregister(sock)                    asy_selector_unregister(sel, fd)
 *     sel.get_key(sock)                       asy_selector_get_key(sel, fd)
 *     for key, mask in sel.select(timeout):   asy_selector_select(sel, timeout, ready, max, &n);
 *                                             for (i = 0; i < n; i++) ready[i].key, ready[i].events
 *     len(sel.get_map())                      asy_selector_count(sel)
 *     sel.close()                             asy_selector_free(sel)
 *
 * THE PARTS (see diagrams/07-selector.svg). The generic half (selector.c)
 * owns the KEY TABLE: an array indexed by the descriptor number, so finding
 * the key of a ready fd is one array access. It checks every argument,
 * raises Python's exceptions, converts timeouts and retries a wait that a
 * signal interrupted. The system-call half is a BACKEND: a const struct of
 * six functions, one file each (the shape of Redis's ae_select.c /
 * ae_epoll.c):
 *
 *     selector_select.c   asy_selector_backend_select   select(2): fd_set bitmaps, fd < FD_SETSIZE
 *     selector_poll.c     asy_selector_backend_poll     poll(2): an array of struct pollfd
 *     selector_epoll.c    asy_selector_backend_epoll    epoll(7): an interest list in the kernel
 *
 * epoll is the default (Python's DefaultSelector on Linux). All three are
 * level-triggered: a descriptor that is still readable is reported again on
 * the next call, however many times it was reported before.
 *
 * ERRORS follow the library's convention: a function that can fail returns
 * asy_exc *, NULL on success, else a NEW reference to the exception Python's
 * selectors module raises in the same case:
 *     fd registered twice                     KeyError "5 (FD 5) is already registered"
 *     modify / unregister of an unknown fd    KeyError "5 is not registered"
 *     events 0 or with unknown bits           ValueError "Invalid events: 8"
 *     a negative fd                           ValueError "Invalid file descriptor: -1"
 *     select backend, fd >= FD_SETSIZE        ValueError "filedescriptor out of range in select()"
 *     a system call fails                     OSError "[Errno 9] Bad file descriptor"
 * Python's SelectSelector accepts the big fd and fails in select(); this one
 * refuses it at register time, which is earlier and clearer. Either way it
 * is never passed to FD_SET, which would write past the end of the fd_set.
 *
 * SIGNALS. A signal handler installed without SA_RESTART makes a blocking
 * select/poll/epoll_wait fail with EINTR. asy_selector_select then waits
 * again for what is left of the timeout, measured on CLOCK_MONOTONIC (PEP
 * 475), so the caller sees either ready events or an expired timeout.
 *
 * KEYS. asy_selector_get_key and the events of asy_selector_select hand out
 * `const asy_selector_key *` pointers borrowed from the selector. Each fd
 * number gets its key slot once and keeps it until asy_selector_free, so a
 * pointer never dangles; after unregister its `events` is 0. A callback
 * run from a batch of ready events that unregisters ANOTHER fd of the same
 * batch should therefore skip events whose key->events became 0. Register,
 * modify and unregister before close(fd): the kernel forgets a closed fd
 * (epoll silently, select and poll with EBADF).
 */
#ifndef ASY_SELECTOR_H
#define ASY_SELECTOR_H

#include <stddef.h>

#include "exc.h"

enum { ASY_EVENT_READ = 1, ASY_EVENT_WRITE = 2 };

typedef struct asy_selector asy_selector;

/* selectors.SelectorKey without fileobj: C has only the descriptor. */
typedef struct asy_selector_key {
    int fd;
    int events; /* what it is registered for: ASY_EVENT_READ | ASY_EVENT_WRITE */
    void *data; /* yours, never touched: the notes store the callback here */
} asy_selector_key;

/* One (key, mask) pair of a select() result. */
typedef struct asy_selector_event {
    const asy_selector_key *key; /* borrowed from the selector */
    int events;                  /* the ready subset of key->events */
} asy_selector_event;

/*
 * A backend: the system-call half. Each operation returns 0 or an errno
 * value (never -1), which the generic half turns into an OSError; `state`
 * is whatever create() made. The generic half has already checked the
 * arguments: fd >= 0 and below fd_limit, events valid, add() only for an fd
 * not registered, modify()/remove() only for one that is.
 */
typedef struct asy_selector_backend {
    const char *name; /* "select", "poll", "epoll" */
    int fd_limit;     /* fds >= this are refused (select: FD_SETSIZE); 0 = none */
    int (*create)(void **state);
    void (*free)(void *state);
    int (*add)(void *state, int fd, int events);
    int (*modify)(void *state, int fd, int old_events, int new_events);
    int (*remove)(void *state, int fd, int old_events);
    /* Block up to timeout_ms (-1 = forever, 0 = do not block), then store
     * at most `max` ready events in `ready` (find each fd's key with
     * asy_selector_get_key(s, fd); report only events the key asked for)
     * and their number in *nready. Return EINTR as it is: selector.c
     * retries. */
    int (*wait)(void *state, const asy_selector *s, int timeout_ms,
                asy_selector_event *ready, int max, int *nready);
} asy_selector_backend;

/* The three backends. (Not asy_selector_select: that name is the function
 * below, sel.select().) */
extern const asy_selector_backend asy_selector_backend_select; /* selector_select.c */
extern const asy_selector_backend asy_selector_backend_poll;   /* selector_poll.c */
extern const asy_selector_backend asy_selector_backend_epoll;  /* selector_epoll.c, the default */

/* The backend called "select", "poll" or "epoll"; NULL for anything else. */
const asy_selector_backend *asy_selector_backend_named(const char *name);

/* A new selector using `backend` (NULL = epoll); *out receives it, yours to
 * asy_selector_free. On failure *out is NULL and an OSError is returned. */
asy_exc *asy_selector_new(const asy_selector_backend *backend, asy_selector **out);

/* Free the selector and its keys (NULL is allowed). The registered fds are
 * not closed: they are yours, as in Python's sel.close(). */
void asy_selector_free(asy_selector *s);

/* Watch fd for `events`, with `data` attached to its key (borrowed: the
 * selector never frees or reads it). */
asy_exc *asy_selector_register(asy_selector *s, int fd, int events, void *data);
/* Change the events and the data of a registered fd. */
asy_exc *asy_selector_modify(asy_selector *s, int fd, int events, void *data);
/* Stop watching fd. Call it before close(fd). */
asy_exc *asy_selector_unregister(asy_selector *s, int fd);

/* The key of a registered fd (borrowed), NULL if fd is not registered. */
const asy_selector_key *asy_selector_get_key(const asy_selector *s, int fd);

/* Wait until at least one registered fd is ready or `timeout` seconds have
 * passed (timeout < 0: no limit; 0: just look), then store up to `max`
 * (key, ready events) pairs in `ready` and their count in *nready (0 when
 * the timeout expired). Fds that are ready beyond `max` stay ready and are
 * reported by a later call; select and poll report in fd order, so pass a
 * max of at least asy_selector_count(s) to starve no one. */
asy_exc *asy_selector_select(asy_selector *s, double timeout, asy_selector_event *ready, int max,
                             int *nready);

/* How many fds are registered. */
size_t asy_selector_count(const asy_selector *s);
/* The backend's name: "select", "poll" or "epoll". */
const char *asy_selector_name(const asy_selector *s);

#endif /* ASY_SELECTOR_H */
