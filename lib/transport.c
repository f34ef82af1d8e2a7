/*
 * transport.c - the socket transport, create_connection, create_server and
 * Server (chapter 26). The names follow CPython's selector_events.py
 * (_SelectorSocketTransport) and base_events.py (Server).
 *
 * Chapter 28's pipe transports (unix_pipes.h; CPython's unix_events.py
 * _UnixReadPipeTransport and _UnixWritePipeTransport) are this same object
 * with another `kind`: the write buffer, the water marks, pause/resume
 * reading, close, abort and the connection_lost rules are one piece of
 * code for the three. What differs is small and marked `kind`: read() and
 * write() instead of recv() and send(), no addresses, EOF on a read pipe
 * ends the transport, write_eof on a write pipe closes it.
 */
#define _GNU_SOURCE /* accept4 */
#include "transport.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "future.h"
#include "internal.h"
#include "task.h"

/* call_soon, the handle dropped at once (the loop keeps its own). Only a
 * closed loop refuses; then there is nobody left to run it anyway. */
#define SOON(loop, fn, arg) asy_decref(asy_loop_call_soon((loop), fn, (arg), NULL))

enum { KIND_SOCKET, KIND_READ_PIPE, KIND_WRITE_PIPE };

struct asy_transport {
    asy_obj ob;
    int kind;                   /* KIND_SOCKET, or a pipe (chapter 28) */
    asy_loop *loop;             /* owned */
    int fd;                     /* -1 once connection_lost has run */
    const asy_protocol *proto;
    void *self;                 /* the protocol instance, owned (proto->release) */
    asy_server *server;         /* owned while attached, or NULL */
    asy_future *waiter;         /* create_connection's, or NULL (owned) */
    char *wbuf;                 /* the write buffer: wbuf[wpos .. wpos + wlen) */
    size_t wpos, wlen, wcap;
    size_t high, low;           /* the water marks */
    asy_exc *lost_exc;          /* what connection_lost will be given (owned) */
    int conn_lost;              /* connection_lost scheduled (then: writes dropped) */
    bool closing;               /* close() or abort() called, or connection lost */
    bool paused;                /* pause_reading() */
    bool eof;                   /* write_eof() */
    bool protocol_paused;       /* pause_writing() called, resume_writing() not yet */
    bool has_peer, has_sock;
    asy_sockaddr peername, sockname;
};

struct asy_server {
    asy_obj ob;
    asy_loop *loop;             /* owned */
    int *fds;                   /* listening sockets; NULL once closed */
    size_t nfds;
    const asy_protocol *proto;
    asy_protocol_factory factory;
    void *factory_arg;
    int backlog;
    int active_count;           /* transports attached */
    bool serving;
    bool waiters_done;          /* Python's _waiters = None */
    asy_future **waiters;       /* wait_closed() futures (owned) */
    size_t nwaiters, cwaiters;
    asy_future *serving_forever_fut; /* owned, or NULL */
};

static const asy_type transport_type;
static const asy_type server_type;

static void server_detach(asy_server *s);

/* ---- the transport: its life ------------------------------------------- */

static void transport_dealloc(asy_obj *o)
{
    asy_transport *t = (asy_transport *)o;
    if (t->fd >= 0) /* only if its loop closed while it was open */
        close(t->fd);
    if (t->proto != NULL && t->proto->release != NULL)
        t->proto->release(t->self);
    free(t->wbuf);
    asy_decref(t->lost_exc);
    asy_decref(t->waiter);
    asy_decref(t->server);
    asy_decref(t->loop);
    asy_obj_free(t);
}

static int transport_format(asy_obj *o, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_transport *t = (asy_transport *)o;
    if (t->kind != KIND_SOCKET) {
        const char *name = t->kind == KIND_READ_PIPE ? "_UnixReadPipeTransport" : "_UnixWritePipeTransport";
        if (t->fd < 0)
            return snprintf(buf, size, "<%s closed>", name);
        if (t->kind == KIND_READ_PIPE)
            return snprintf(buf, size, "<%s%s fd=%d %s>", name, t->closing ? " closing" : "", t->fd,
                            asy_transport_is_reading(t) ? "polling" : "idle");
        return snprintf(buf, size, "<%s%s fd=%d %s bufsize=%zu>", name, t->closing ? " closing" : "", t->fd,
                        t->wlen > 0 ? "polling" : "idle", t->wlen);
    }
    if (t->fd < 0)
        return snprintf(buf, size, "<_SelectorSocketTransport closed>");
    return snprintf(buf, size, "<_SelectorSocketTransport%s fd=%d read=%s write=<%s, bufsize=%zu>>",
                    t->closing ? " closing" : "", t->fd, asy_transport_is_reading(t) ? "polling" : "idle",
                    t->wlen > 0 ? "polling" : "idle", t->wlen);
}

static const asy_type transport_type = {
    .name = "_SelectorSocketTransport",
    .dealloc = transport_dealloc,
    .format = transport_format,
};

asy_value asy_transport_value(asy_transport *t) { return asy_obj_value(asy_incref(t)); }

asy_transport *asy_value_transport(asy_value v)
{
    return v.kind == ASY_OBJ && v.u.o->type == &transport_type ? (asy_transport *)v.u.o : NULL;
}

static asy_value tv(asy_transport *t) { return asy_obj_value(asy_incref(t)); }
static asy_transport *vt(asy_value v) { return (asy_transport *)v.u.o; }

/* Run by the loop, once: connection_lost(exc), then close the socket and
 * let go of the server and of the loop's reference. */
static asy_exc *call_connection_lost(asy_value arg)
{
    asy_transport *t = vt(arg);
    asy_exc *e = NULL;
    if (t->fd < 0)
        return NULL;
    if (t->proto->connection_lost != NULL)
        e = t->proto->connection_lost(t, t->lost_exc, t->self);
    asy_loop_remove_reader(t->loop, t->fd); /* none should be left; be sure */
    asy_loop_remove_writer(t->loop, t->fd);
    close(t->fd);
    t->fd = -1;
    asy_server *s = t->server;
    t->server = NULL;
    if (s != NULL) {
        server_detach(s);
        asy_decref(s);
    }
    asy_decref(t); /* the loop's reference: the transport is done */
    return e;
}

/* Python's _force_close: drop the buffer, stop reading, schedule
 * connection_lost(exc). Steals exc. */
static void force_close(asy_transport *t, asy_exc *exc)
{
    if (t->conn_lost) {
        asy_decref(exc);
        return;
    }
    if (t->wlen > 0) {
        t->wlen = t->wpos = 0;
        asy_loop_remove_writer(t->loop, t->fd);
    }
    if (!t->closing) {
        t->closing = true;
        asy_loop_remove_reader(t->loop, t->fd);
    }
    t->conn_lost++;
    asy_decref(t->lost_exc);
    t->lost_exc = exc;
    SOON(t->loop, call_connection_lost, tv(t));
}

/* Python's _fatal_error: an OSError is the connection's fate, anything else
 * is a bug worth reporting too. Steals exc. */
static void fatal_error(asy_transport *t, asy_exc *exc, const char *message)
{
    if (!asy_exc_is(exc, &asy_OSError)) {
        asy_value src = tv(t);
        asy_error_context ctx = {message, exc, src};
        asy_loop_call_exception_handler(t->loop, &ctx);
        asy_value_decref(src);
    }
    force_close(t, exc);
}

/* ---- reading ---------------------------------------------------------- */

static void on_eof(asy_transport *t)
{
    bool keep_open = false;
    asy_exc *e = t->proto->eof_received != NULL ? t->proto->eof_received(t, t->self, &keep_open) : NULL;
    if (e != NULL) {
        fatal_error(t, e, "Fatal error: protocol.eof_received() call failed.");
        return;
    }
    if (keep_open)
        asy_loop_remove_reader(t->loop, t->fd); /* nothing more to read, writing goes on */
    else
        asy_transport_close(t);
}

static asy_exc *call_pipe_eof_received(asy_value arg)
{
    asy_transport *t = vt(arg);
    bool keep_open = false; /* a pipe that gave EOF has nothing left: ignored */
    return t->proto->eof_received != NULL ? t->proto->eof_received(t, t->self, &keep_open) : NULL;
}

/* A read pipe's EOF (_UnixReadPipeTransport._read_ready): the writer has
 * gone for good, so the transport ends: eof_received, then
 * connection_lost(None), both from the loop. */
static void pipe_eof(asy_transport *t)
{
    t->closing = true;
    asy_loop_remove_reader(t->loop, t->fd);
    SOON(t->loop, call_pipe_eof_received, tv(t));
    t->conn_lost++;
    SOON(t->loop, call_connection_lost, tv(t));
}

/* The reader: the socket is readable. The argument is the transport as a
 * plain pointer: the reader is always removed before the transport goes. */
static asy_exc *read_ready(asy_value arg)
{
    asy_transport *t = arg.u.p;
    if (t->conn_lost)
        return NULL;
    char buf[ASY_TRANSPORT_MAX_READ];
    ssize_t n = t->kind == KIND_SOCKET ? recv(t->fd, buf, sizeof buf, 0) : read(t->fd, buf, sizeof buf);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return NULL;
        fatal_error(t, asy_exc_oserror(errno, NULL),
                    t->kind == KIND_SOCKET ? "Fatal read error on socket transport"
                                           : "Fatal read error on pipe transport");
        return NULL;
    }
    if (n == 0) {
        if (t->kind == KIND_SOCKET)
            on_eof(t);
        else
            pipe_eof(t);
        return NULL;
    }
    asy_exc *e = t->proto->data_received != NULL ? t->proto->data_received(t, buf, (size_t)n, t->self) : NULL;
    if (e != NULL)
        fatal_error(t, e, "Fatal error: protocol.data_received() call failed.");
    return NULL;
}

static void add_reader(asy_transport *t)
{
    if (!asy_transport_is_reading(t))
        return;
    asy_exc *e = asy_loop_add_reader(t->loop, t->fd, read_ready, asy_ptr(t));
    if (e != NULL)
        fatal_error(t, e, "Fatal error: cannot watch the socket");
}

static asy_exc *start_reading(asy_value arg)
{
    add_reader(vt(arg));
    return NULL;
}

static asy_exc *call_connection_made(asy_value arg)
{
    asy_transport *t = vt(arg);
    return t->proto->connection_made != NULL ? t->proto->connection_made(t, t->self) : NULL;
}

static asy_exc *wake_waiter(asy_value arg)
{
    asy_transport *t = vt(arg);
    if (t->waiter != NULL && !asy_future_done(t->waiter))
        asy_decref(asy_future_set_result(t->waiter, asy_none()));
    return NULL;
}

/* What every kind of transport starts with. */
static asy_transport *transport_alloc(int kind, asy_loop *loop, int fd, const asy_protocol *proto, void *self)
{
    asy_transport *t = asy_obj_new(&transport_type, sizeof *t);
    t->kind = kind;
    t->loop = asy_incref(loop);
    t->fd = fd;
    t->proto = proto;
    t->self = self;
    t->high = ASY_TRANSPORT_HIGH_WATER;
    t->low = ASY_TRANSPORT_HIGH_WATER / 4;
    return t;
}

/* _UnixReadPipeTransport / _UnixWritePipeTransport.__init__ (chapter 28):
 * fd is a non-blocking pipe end, stolen, as self is. connection_made
 * first, then (read pipe) reading, then the waiter. A write pipe watches
 * nothing until it has something buffered (CPython also watches it for
 * reading, to see the reader go away early; here the EPIPE of the next
 * write says it). The new transport's reference is the loop's. */
asy_transport *asy__transport_new_pipe(asy_loop *loop, int fd, bool write, const asy_protocol *proto, void *self,
                                       asy_future *waiter)
{
    if (write) {
        /* Python ignores SIGPIPE from startup: a write to a pipe nobody
         * reads must fail with EPIPE, not kill the process. Done here,
         * once, if SIGPIPE is still at its default. */
        struct sigaction old;
        if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
            signal(SIGPIPE, SIG_IGN);
    }
    asy_transport *t = transport_alloc(write ? KIND_WRITE_PIPE : KIND_READ_PIPE, loop, fd, proto, self);
    t->waiter = asy_incref(waiter);
    SOON(loop, call_connection_made, tv(t));
    if (!write)
        SOON(loop, start_reading, tv(t));
    if (waiter != NULL)
        SOON(loop, wake_waiter, tv(t));
    return t;
}

/* The transport's close(), done now when its loop is already closed (no
 * callback can be scheduled any more): connection_lost runs at once and
 * the descriptor is closed; the loop's reference is given back. For a
 * loop still open it is close(). */
void asy__transport_close_now(asy_transport *t)
{
    if (t == NULL)
        return;
    if (!asy_loop_is_closed(t->loop)) {
        asy_transport_close(t);
        return;
    }
    if (t->fd < 0)
        return;
    t->closing = true;
    t->wlen = t->wpos = 0;
    t->conn_lost++;
    asy_exc *e = t->proto->connection_lost != NULL ? t->proto->connection_lost(t, t->lost_exc, t->self) : NULL;
    asy_decref(e); /* nobody is left to report it to */
    close(t->fd);
    t->fd = -1;
    asy_decref(t); /* the loop's reference */
}

const asy_protocol *asy__transport_protocol(const asy_transport *t) { return t != NULL ? t->proto : NULL; }

/* _SelectorSocketTransport.__init__: take over fd (non-blocking, connected);
 * steals self. The new transport's reference is the loop's. */
static asy_transport *transport_new(asy_loop *loop, int fd, const asy_protocol *proto, void *self,
                                    asy_server *server, asy_future *waiter, const asy_sockaddr *peer)
{
    asy_transport *t = transport_alloc(KIND_SOCKET, loop, fd, proto, self);
    asy_exc *e = asy_sock_getsockname(fd, &t->sockname);
    t->has_sock = e == NULL;
    asy_decref(e);
    if (peer != NULL) {
        t->peername = *peer;
        t->has_peer = true;
    } else {
        e = asy_sock_getpeername(fd, &t->peername);
        t->has_peer = e == NULL;
        asy_decref(e);
    }
    int one = 1; /* TCP_NODELAY: small writes go out at once, as CPython sets */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (server != NULL) {
        t->server = asy_incref(server);
        server->active_count++;
    }
    t->waiter = asy_incref(waiter);
    /* connection_made first; reading starts only after it has run */
    SOON(loop, call_connection_made, tv(t));
    SOON(loop, start_reading, tv(t));
    if (waiter != NULL)
        SOON(loop, wake_waiter, tv(t));
    return t;
}

/* ---- writing and flow control ------------------------------------------ */

static void maybe_pause_protocol(asy_transport *t)
{
    if (t->wlen <= t->high || t->protocol_paused)
        return;
    t->protocol_paused = true;
    asy_exc *e = t->proto->pause_writing != NULL ? t->proto->pause_writing(t, t->self) : NULL;
    if (e != NULL) {
        asy_value src = tv(t);
        asy_error_context ctx = {"protocol.pause_writing() failed", e, src};
        asy_loop_call_exception_handler(t->loop, &ctx);
        asy_value_decref(src);
        asy_decref(e);
    }
}

static void maybe_resume_protocol(asy_transport *t)
{
    if (!t->protocol_paused || t->wlen > t->low)
        return;
    t->protocol_paused = false;
    asy_exc *e = t->proto->resume_writing != NULL ? t->proto->resume_writing(t, t->self) : NULL;
    if (e != NULL) {
        asy_value src = tv(t);
        asy_error_context ctx = {"protocol.resume_writing() failed", e, src};
        asy_loop_call_exception_handler(t->loop, &ctx);
        asy_value_decref(src);
        asy_decref(e);
    }
}

static void buffer_append(asy_transport *t, const char *data, size_t n)
{
    if (t->wpos + t->wlen + n > t->wcap) {
        if (t->wpos > 0) { /* slide the waiting bytes to the front first */
            memmove(t->wbuf, t->wbuf + t->wpos, t->wlen);
            t->wpos = 0;
        }
        if (t->wlen + n > t->wcap) {
            size_t cap = t->wcap ? t->wcap : 4096;
            while (cap < t->wlen + n)
                cap *= 2;
            char *p = realloc(t->wbuf, cap);
            if (p == NULL)
                asy_out_of_memory("a transport write buffer");
            t->wbuf = p;
            t->wcap = cap;
        }
    }
    memcpy(t->wbuf + t->wpos + t->wlen, data, n);
    t->wlen += n;
}

/* send() for a socket (MSG_NOSIGNAL: EPIPE, never SIGPIPE), write() for a
 * pipe (SIGPIPE is ignored, see asy__transport_new_pipe). */
static ssize_t raw_write(asy_transport *t, const void *p, size_t n)
{
    return t->kind == KIND_SOCKET ? send(t->fd, p, n, MSG_NOSIGNAL) : write(t->fd, p, n);
}

static const char *write_error_message(const asy_transport *t)
{
    return t->kind == KIND_SOCKET ? "Fatal write error on socket transport" : "Fatal write error on pipe transport";
}

/* The writer: the socket has room for what the buffer holds. */
static asy_exc *write_ready(asy_value arg)
{
    asy_transport *t = arg.u.p;
    if (t->conn_lost || t->wlen == 0)
        return NULL;
    ssize_t n = raw_write(t, t->wbuf + t->wpos, t->wlen);
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return NULL;
        int err = errno;
        asy_loop_remove_writer(t->loop, t->fd);
        t->wlen = t->wpos = 0;
        fatal_error(t, asy_exc_oserror(err, NULL), write_error_message(t));
        return NULL;
    }
    t->wpos += (size_t)n;
    t->wlen -= (size_t)n;
    if (t->wlen == 0)
        t->wpos = 0;
    maybe_resume_protocol(t); /* may write more */
    if (t->wlen == 0) {
        asy_loop_remove_writer(t->loop, t->fd);
        if (t->closing) {
            /* close() was waiting for the flush. CPython calls
             * connection_lost right here, directly; if resume_writing just
             * above called close() on an empty buffer, close() has
             * scheduled it as well, and CPython calls it twice (and fails
             * the second time). Here it is scheduled like every other
             * one, and only if it is not scheduled already: exactly once. */
            if (!t->conn_lost) {
                t->conn_lost++;
                SOON(t->loop, call_connection_lost, tv(t));
            }
        } else if (t->eof) {
            shutdown(t->fd, SHUT_WR);
        }
    }
    return NULL;
}

asy_exc *asy_transport_write(asy_transport *t, const void *data, size_t n)
{
    if (t == NULL)
        return asy_exc_new(&asy_TypeError, "a transport was expected, got NULL");
    if (data == NULL && n > 0)
        return asy_exc_new(&asy_TypeError, "data argument must be a bytes-like object, not 'NULL'");
    if (t->kind == KIND_READ_PIPE)
        return asy_exc_new(&asy_NotImplementedError, "a read pipe transport cannot write");
    if (t->eof && t->kind == KIND_SOCKET)
        return asy_exc_new(&asy_RuntimeError, "Cannot call write() after write_eof()");
    if (n == 0)
        return NULL;
    /* A write pipe drops what comes after close() too (CPython's
     * `if self._conn_lost or self._closing`). */
    if (t->conn_lost || (t->kind == KIND_WRITE_PIPE && t->closing)) {
        if (t->conn_lost >= ASY_LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
            asy_value src = tv(t);
            asy_error_context ctx = {t->kind == KIND_SOCKET ? "socket.send() raised exception."
                                                            : "pipe closed by peer or os.write(pipe, data) raised exception.",
                                     NULL, src};
            asy_loop_call_exception_handler(t->loop, &ctx);
            asy_value_decref(src);
        }
        t->conn_lost++;
        return NULL;
    }
    const char *p = data;
    if (t->wlen == 0) {
        /* Nothing waits: try to send now, and buffer only the rest. */
        ssize_t k = raw_write(t, p, n);
        if (k < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                fatal_error(t, asy_exc_oserror(errno, NULL), write_error_message(t));
                return NULL;
            }
            k = 0;
        }
        p += k;
        n -= (size_t)k;
        if (n == 0)
            return NULL;
        asy_exc *e = asy_loop_add_writer(t->loop, t->fd, write_ready, asy_ptr(t));
        if (e != NULL) {
            fatal_error(t, e, "Fatal error: cannot watch the socket");
            return NULL;
        }
    }
    buffer_append(t, p, n);
    maybe_pause_protocol(t);
    return NULL;
}

asy_exc *asy_transport_write_eof(asy_transport *t)
{
    if (t == NULL)
        return asy_exc_new(&asy_TypeError, "a transport was expected, got NULL");
    if (t->kind == KIND_READ_PIPE)
        return asy_exc_new(&asy_NotImplementedError, "a read pipe transport cannot write_eof()");
    if (t->kind == KIND_WRITE_PIPE) {
        /* A pipe has no half-close: its EOF is closing the descriptor,
         * once the buffer is flushed. That is close(). */
        asy_transport_close(t);
        return NULL;
    }
    if (t->closing || t->eof)
        return NULL;
    t->eof = true;
    if (t->wlen == 0 && shutdown(t->fd, SHUT_WR) < 0)
        return asy_exc_oserror(errno, NULL);
    return NULL;
}

bool asy_transport_can_write_eof(const asy_transport *t) { return t != NULL && t->kind != KIND_READ_PIPE; }

void asy_transport_close(asy_transport *t)
{
    if (t == NULL || t->closing)
        return;
    t->closing = true;
    asy_loop_remove_reader(t->loop, t->fd);
    if (t->wlen == 0) {
        t->conn_lost++;
        asy_loop_remove_writer(t->loop, t->fd);
        SOON(t->loop, call_connection_lost, tv(t));
    }
}

void asy_transport_abort(asy_transport *t)
{
    if (t != NULL)
        force_close(t, NULL);
}

bool asy_transport_is_closing(const asy_transport *t) { return t == NULL || t->closing; }

bool asy_transport_is_reading(const asy_transport *t)
{
    return t != NULL && t->kind != KIND_WRITE_PIPE && !t->closing && !t->paused;
}

void asy_transport_pause_reading(asy_transport *t)
{
    if (!asy_transport_is_reading(t))
        return;
    t->paused = true;
    asy_loop_remove_reader(t->loop, t->fd);
}

void asy_transport_resume_reading(asy_transport *t)
{
    if (t == NULL || t->closing || !t->paused)
        return;
    t->paused = false;
    add_reader(t);
}

size_t asy_transport_get_write_buffer_size(const asy_transport *t) { return t != NULL ? t->wlen : 0; }

asy_exc *asy_transport_set_write_buffer_limits(asy_transport *t, long high, long low)
{
    if (t == NULL)
        return asy_exc_new(&asy_TypeError, "a transport was expected, got NULL");
    if (high < 0)
        high = low < 0 ? ASY_TRANSPORT_HIGH_WATER : 4 * low;
    if (low < 0)
        low = high / 4;
    if (!(high >= low && low >= 0))
        return asy_exc_new(&asy_ValueError, "high (%ld) must be >= low (%ld) must be >= 0", high, low);
    t->high = (size_t)high;
    t->low = (size_t)low;
    maybe_pause_protocol(t);
    return NULL;
}

void asy_transport_get_write_buffer_limits(const asy_transport *t, size_t *low, size_t *high)
{
    *low = t != NULL ? t->low : 0;
    *high = t != NULL ? t->high : 0;
}

const asy_sockaddr *asy_transport_peername(const asy_transport *t)
{
    return t != NULL && t->has_peer ? &t->peername : NULL;
}

const asy_sockaddr *asy_transport_sockname(const asy_transport *t)
{
    return t != NULL && t->has_sock ? &t->sockname : NULL;
}

asy_value asy_transport_get_extra_info(const asy_transport *t, const char *name, asy_value dflt)
{
    const asy_sockaddr *a = NULL;
    if (t != NULL && name != NULL) {
        if (strcmp(name, "peername") == 0)
            a = asy_transport_peername(t);
        else if (strcmp(name, "sockname") == 0)
            a = asy_transport_sockname(t);
        else if (strcmp(name, t->kind == KIND_SOCKET ? "socket" : "pipe") == 0 && t->fd >= 0) {
            asy_value_decref(dflt);
            return asy_int(t->fd);
        }
    }
    if (a == NULL)
        return dflt;
    asy_value_decref(dflt);
    return asy_str(ASY_SOCKADDR_STR(a));
}

void *asy_transport_get_protocol(const asy_transport *t) { return t != NULL ? t->self : NULL; }

/* ---- create_connection ------------------------------------------------- */

typedef struct {
    asy_coro co;
    asy_loop *loop;             /* owned once known */
    const asy_protocol *proto;
    void *self;                 /* owned until the transport takes it */
    char *host;
    int port;
    int fd;
    asy_exc *early;
    asy_transport *t;           /* owned */
    asy_future *waiter;         /* owned */
} connect_frame;

static asy_status connect_body(asy_coro *co)
{
    connect_frame *f = (connect_frame *)co;
    asy_exc *err = NULL;
    asy_sockaddr a;
    ASY_BEGIN(co);
    err = asy__io_start(&f->early, &f->loop);
    if (err != NULL)
        ASY_RAISE(co, err);
    err = asy_sockaddr_resolve(f->host, f->port, &a);
    if (err != NULL)
        ASY_RAISE(co, err);
    f->fd = asy_socket_tcp(a.ss.ss_family, &err);
    if (f->fd < 0)
        ASY_RAISE(co, err);
    ASY_AWAIT_TRY(co, asy_loop_sock_connect(f->loop, f->fd, f->host, f->port));
    if (ASY_EXC(co) != NULL)
        ASY_RERAISE(co); /* the clear function closes the socket */
    f->waiter = asy_future_new(f->loop);
    f->t = transport_new(f->loop, f->fd, f->proto, f->self, NULL, f->waiter, NULL);
    asy_incref(f->t); /* ours; the loop keeps the one transport_new made */
    f->fd = -1;       /* the transport's now */
    f->self = NULL;
    ASY_AWAIT_TRY(co, asy_incref(f->waiter));
    if (ASY_EXC(co) != NULL) {
        asy_transport_close(f->t);
        ASY_RERAISE(co);
    }
    ASY_RETURN(co, asy_transport_value(f->t));
    ASY_END(co);
}

static void connect_clear(asy_gen *g)
{
    connect_frame *f = (connect_frame *)g;
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    if (f->self != NULL && f->proto != NULL && f->proto->release != NULL)
        f->proto->release(f->self);
    f->self = NULL;
    free(f->host);
    f->host = NULL;
    asy_decref(f->early);
    asy_decref(f->t);
    asy_decref(f->waiter);
    asy_decref(f->loop);
    f->early = NULL;
    f->t = NULL;
    f->waiter = NULL;
    f->loop = NULL;
}

asy_coro *asy_loop_create_connection(asy_loop *loop, const asy_protocol *protocol, void *self, const char *host,
                                     int port)
{
    connect_frame *f = ASY_CORO_NEW(connect_frame, connect_body, "create_connection");
    asy_gen_set_clear(&f->co, connect_clear);
    f->loop = asy_incref(loop);
    f->proto = protocol;
    f->self = self;
    f->host = host != NULL ? strdup(host) : NULL;
    f->port = port;
    f->fd = -1;
    if (protocol == NULL)
        f->early = asy_exc_new(&asy_TypeError, "a protocol was expected, got NULL");
    else if (host == NULL)
        f->early = asy_exc_new(&asy_TypeError, "a host was expected, got NULL");
    return &f->co;
}

/* ---- Server -------------------------------------------------------------- */

static void server_dealloc(asy_obj *o)
{
    asy_server *s = (asy_server *)o;
    for (size_t i = 0; s->fds != NULL && i < s->nfds; i++) {
        asy_loop_remove_reader(s->loop, s->fds[i]);
        close(s->fds[i]);
    }
    free(s->fds);
    for (size_t i = 0; i < s->nwaiters; i++)
        asy_decref(s->waiters[i]);
    free(s->waiters);
    asy_decref(s->serving_forever_fut);
    asy_decref(s->loop);
    asy_obj_free(s);
}

static int server_format(asy_obj *o, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_server *s = (asy_server *)o;
    int k = snprintf(buf, size, "<Server sockets=(");
    for (size_t i = 0; s->fds != NULL && i < s->nfds; i++) {
        asy_sockaddr a;
        asy_exc *e = asy_sock_getsockname(s->fds[i], &a);
        asy_decref(e);
        k += snprintf(buf + ((size_t)k < size ? (size_t)k : size), (size_t)k < size ? size - (size_t)k : 0,
                      "<asyncio.TransportSocket fd=%d, laddr=%s>%s", s->fds[i],
                      e == NULL ? ASY_SOCKADDR_STR(&a) : "?", s->nfds == 1 ? "," : i + 1 < s->nfds ? ", " : "");
    }
    k += snprintf(buf + ((size_t)k < size ? (size_t)k : size), (size_t)k < size ? size - (size_t)k : 0, ")>");
    return k;
}

static const asy_type server_type = {
    .name = "Server",
    .dealloc = server_dealloc,
    .format = server_format,
};

asy_value asy_server_value(asy_server *s) { return asy_obj_value(asy_incref(s)); }

asy_server *asy_value_server(asy_value v)
{
    return v.kind == ASY_OBJ && v.u.o->type == &server_type ? (asy_server *)v.u.o : NULL;
}

asy_loop *asy_server_get_loop(const asy_server *s) { return s != NULL ? s->loop : NULL; }

bool asy_server_is_serving(const asy_server *s) { return s != NULL && s->serving; }

size_t asy_server_sockets(const asy_server *s, int *fds, size_t max)
{
    if (s == NULL || s->fds == NULL)
        return 0;
    for (size_t i = 0; i < s->nfds && i < max; i++)
        fds[i] = s->fds[i];
    return s->nfds;
}

static void server_wakeup(asy_server *s)
{
    s->waiters_done = true;
    for (size_t i = 0; i < s->nwaiters; i++) {
        if (!asy_future_done(s->waiters[i]))
            asy_decref(asy_future_set_result(s->waiters[i], asy_none()));
        asy_decref(s->waiters[i]);
    }
    s->nwaiters = 0;
}

static void server_detach(asy_server *s)
{
    s->active_count--;
    if (s->active_count == 0 && s->fds == NULL)
        server_wakeup(s);
}

static asy_exc *start_serving_again(asy_value arg);

/* The reader of a listening socket: accept every connection waiting (up to
 * the backlog, as CPython), each with a new protocol and transport. */
static asy_exc *accept_connection(asy_value arg)
{
    asy_server *s = arg.u.p;
    int lfd = -1;
    for (size_t i = 0; i < s->nfds; i++)
        lfd = s->fds[i]; /* (one socket per server in this course) */
    for (int i = 0; i < s->backlog; i++) {
        asy_sockaddr peer = {.len = sizeof peer.ss};
        int conn = accept4(lfd, (struct sockaddr *)&peer.ss, &peer.len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (conn < 0) {
            int err = errno;
            if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR || err == ECONNABORTED)
                return NULL; /* the backlog is empty */
            asy_exc *e = asy_exc_oserror(err, NULL);
            if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
                /* Out of descriptors: the socket stays readable, so stop
                 * watching it for a while (ACCEPT_RETRY_DELAY, 1 s). */
                asy_value src = asy_server_value(s);
                asy_error_context ctx = {"socket.accept() out of system resource", e, src};
                asy_loop_call_exception_handler(s->loop, &ctx);
                asy_value_decref(src);
                asy_decref(e);
                asy_loop_remove_reader(s->loop, lfd);
                s->serving = false;
                asy_decref(asy_loop_call_later(s->loop, 1.0, start_serving_again, asy_server_value(s), NULL));
                return NULL;
            }
            return e; /* the loop reports it */
        }
        void *self = s->factory != NULL ? s->factory(s->factory_arg) : NULL;
        asy_transport *t = transport_new(s->loop, conn, s->proto, self, s, NULL, &peer);
        (void)t; /* the loop's reference keeps it */
    }
    return NULL;
}

static void server_start(asy_server *s)
{
    if (s->serving || s->fds == NULL)
        return;
    s->serving = true;
    for (size_t i = 0; i < s->nfds; i++) {
        asy_exc *e = asy_loop_add_reader(s->loop, s->fds[i], accept_connection, asy_ptr(s));
        if (e != NULL) {
            asy_error_context ctx = {"cannot watch the listening socket", e, asy_none()};
            asy_loop_call_exception_handler(s->loop, &ctx);
            asy_decref(e);
        }
    }
}

static asy_exc *start_serving_again(asy_value arg)
{
    server_start(asy_value_server(arg));
    return NULL;
}

void asy_server_close(asy_server *s)
{
    if (s == NULL || s->fds == NULL)
        return;
    int *fds = s->fds;
    s->fds = NULL;
    for (size_t i = 0; i < s->nfds; i++) {
        asy_loop_remove_reader(s->loop, fds[i]);
        close(fds[i]);
    }
    free(fds);
    s->serving = false;
    if (s->serving_forever_fut != NULL && !asy_future_done(s->serving_forever_fut))
        asy_future_cancel(s->serving_forever_fut, NULL);
    asy_decref(s->serving_forever_fut);
    s->serving_forever_fut = NULL;
    if (s->active_count == 0)
        server_wakeup(s);
}

/* wait_closed, serve_forever and start_serving share one frame type. */
typedef struct {
    asy_coro co;
    asy_server *s;      /* owned */
    asy_future *fut;    /* owned */
    asy_exc *cancel;    /* serve_forever: the CancelledError, held across
                           the wait for the close (owned) */
} server_frame;

static void server_frame_clear(asy_gen *g)
{
    server_frame *f = (server_frame *)g;
    asy_decref(f->fut);
    asy_decref(f->s);
    asy_decref(f->cancel);
    f->fut = NULL;
    f->s = NULL;
    f->cancel = NULL;
}

static server_frame *server_frame_new(asy_server *s, asy_gen_body body, const char *name)
{
    server_frame *f = ASY_CORO_NEW(server_frame, body, name);
    asy_gen_set_clear(&f->co, server_frame_clear);
    f->s = asy_incref(s);
    return f;
}

static asy_status wait_closed_body(asy_coro *co)
{
    server_frame *f = (server_frame *)co;
    ASY_BEGIN(co);
    if (f->s == NULL)
        ASY_RAISE(co, asy_exc_new(&asy_TypeError, "a server was expected, got NULL"));
    if (f->s->waiters_done)
        ASY_RETURN(co, asy_none());
    f->fut = asy_future_new(f->s->loop);
    if (f->s->nwaiters == f->s->cwaiters) {
        size_t c = f->s->cwaiters ? 2 * f->s->cwaiters : 4;
        asy_future **w = realloc(f->s->waiters, c * sizeof *w);
        if (w == NULL)
            asy_out_of_memory("wait_closed's waiters");
        f->s->waiters = w;
        f->s->cwaiters = c;
    }
    f->s->waiters[f->s->nwaiters++] = asy_incref(f->fut);
    ASY_AWAIT(co, asy_incref(f->fut));
    ASY_END(co);
}

asy_coro *asy_server_wait_closed(asy_server *s)
{
    return &server_frame_new(s, wait_closed_body, "wait_closed")->co;
}

static asy_status serve_forever_body(asy_coro *co)
{
    server_frame *f = (server_frame *)co;
    asy_exc *err;
    ASY_BEGIN(co);
    if (f->s == NULL)
        ASY_RAISE(co, asy_exc_new(&asy_TypeError, "a server was expected, got NULL"));
    if (f->s->serving_forever_fut != NULL)
        ASY_RAISE(co, asy_exc_new(&asy_RuntimeError, "server %s is already being awaited on serve_forever()",
                                  ASY_REPR(asy_obj_value(f->s))));
    if (f->s->fds == NULL)
        ASY_RAISE(co, asy_exc_new(&asy_RuntimeError, "server %s is closed", ASY_REPR(asy_obj_value(f->s))));
    server_start(f->s);
    f->fut = asy_future_new(f->s->loop);
    f->s->serving_forever_fut = asy_incref(f->fut);
    ASY_AWAIT_TRY(co, asy_incref(f->fut));
    if (f->s->serving_forever_fut == f->fut) {
        asy_decref(f->s->serving_forever_fut);
        f->s->serving_forever_fut = NULL;
    }
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        /* cancelled: close, wait until closed, then let the cancellation go on */
        f->cancel = ASY_CATCH(co);
        asy_server_close(f->s);
        ASY_AWAIT_TRY(co, asy_server_wait_closed(f->s));
        err = f->cancel;
        f->cancel = NULL;
        if (ASY_EXC(co) != NULL) {
            asy_decref(err);
            ASY_RERAISE(co);
        }
        ASY_RAISE(co, err);
    }
    ASY_END(co);
}

asy_coro *asy_server_serve_forever(asy_server *s)
{
    return &server_frame_new(s, serve_forever_body, "serve_forever")->co;
}

static asy_status start_serving_body(asy_coro *co)
{
    server_frame *f = (server_frame *)co;
    ASY_BEGIN(co);
    if (f->s == NULL)
        ASY_RAISE(co, asy_exc_new(&asy_TypeError, "a server was expected, got NULL"));
    server_start(f->s);
    ASY_AWAIT(co, asy_sleep(0, asy_none())); /* let the add_reader calls go through */
    ASY_END(co);
}

asy_coro *asy_server_start_serving(asy_server *s)
{
    return &server_frame_new(s, start_serving_body, "start_serving")->co;
}

/* ---- create_server ------------------------------------------------------- */

typedef struct {
    asy_coro co;
    asy_loop *loop; /* owned once known */
    const asy_protocol *proto;
    asy_protocol_factory factory;
    void *factory_arg;
    char *host;
    int port;
    asy_server *s;  /* owned */
    asy_exc *early;
} create_server_frame;

static asy_status create_server_body(asy_coro *co)
{
    create_server_frame *f = (create_server_frame *)co;
    asy_exc *err = NULL;
    int fd;
    ASY_BEGIN(co);
    err = asy__io_start(&f->early, &f->loop);
    if (err != NULL)
        ASY_RAISE(co, err);
    fd = asy_socket_listen(f->host, f->port, 100, &err);
    if (fd < 0)
        ASY_RAISE(co, err);
    f->s = asy_obj_new(&server_type, sizeof *f->s);
    f->s->loop = asy_incref(f->loop);
    f->s->fds = malloc(sizeof(int));
    if (f->s->fds == NULL)
        asy_out_of_memory("a server's sockets");
    f->s->fds[0] = fd;
    f->s->nfds = 1;
    f->s->proto = f->proto;
    f->s->factory = f->factory;
    f->s->factory_arg = f->factory_arg;
    f->s->backlog = 100;
    server_start(f->s);
    ASY_AWAIT(co, asy_sleep(0, asy_none())); /* skip a turn, as CPython */
    ASY_RETURN(co, asy_server_value(f->s));
    ASY_END(co);
}

static void create_server_clear(asy_gen *g)
{
    create_server_frame *f = (create_server_frame *)g;
    free(f->host);
    f->host = NULL;
    asy_decref(f->early);
    asy_decref(f->s);
    asy_decref(f->loop);
    f->early = NULL;
    f->s = NULL;
    f->loop = NULL;
}

asy_coro *asy_loop_create_server(asy_loop *loop, const asy_protocol *protocol, asy_protocol_factory factory,
                                 void *factory_arg, const char *host, int port)
{
    create_server_frame *f = ASY_CORO_NEW(create_server_frame, create_server_body, "create_server");
    asy_gen_set_clear(&f->co, create_server_clear);
    f->loop = asy_incref(loop);
    f->proto = protocol;
    f->factory = factory;
    f->factory_arg = factory_arg;
    f->host = host != NULL ? strdup(host) : NULL;
    f->port = port;
    if (protocol == NULL)
        f->early = asy_exc_new(&asy_TypeError, "a protocol was expected, got NULL");
    return &f->co;
}
