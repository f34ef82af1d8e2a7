/*
 * sock.c - the loop's socket coroutines (chapter 26).
 *
 * Every operation is the same coroutine, op_body, with a `kind`: try the
 * system call; on EAGAIN make a future, add a reader or writer that tries
 * again (op_ready), await the future, and remove the reader or writer
 * however the await ended. CPython removes it from a done callback of the
 * future (_sock_read_done); here the coroutine itself does it when it
 * resumes, which is the same turn of the loop, and its frame's clear
 * function does it too if the coroutine is dropped without resuming.
 */
#define _GNU_SOURCE /* accept4 */
#include "sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "future.h"
#include "internal.h"

/* ---- addresses ---------------------------------------------------------- */

asy_exc *asy_sockaddr_resolve(const char *host, int port, asy_sockaddr *out)
{
    memset(out, 0, sizeof *out);
    if (port < 0 || port > 65535)
        return asy_exc_new(&asy_ValueError, "port must be 0-65535, not %d", port);
    if (host == NULL) { /* Python's host=None: every interface (IPv4 here) */
        struct sockaddr_in *in = (struct sockaddr_in *)&out->ss;
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_ANY);
        in->sin_port = htons((uint16_t)port);
        out->len = sizeof *in;
        return NULL;
    }
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST; /* never a DNS lookup: it could block */
    int rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0) {
        asy_exc *e = asy_exc_new(&asy_gaierror, "[Errno %d] %s: '%s' (numeric addresses only)",
                                 rc, gai_strerror(rc), host);
        e->errnum = rc;
        return e;
    }
    memcpy(&out->ss, res->ai_addr, res->ai_addrlen);
    out->len = res->ai_addrlen;
    freeaddrinfo(res);
    if (out->ss.ss_family == AF_INET)
        ((struct sockaddr_in *)&out->ss)->sin_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in6 *)&out->ss)->sin6_port = htons((uint16_t)port);
    return NULL;
}

char *asy_sockaddr_format(const asy_sockaddr *a, char *buf, size_t size)
{
    char ip[INET6_ADDRSTRLEN] = "";
    if (a->ss.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&a->ss;
        inet_ntop(AF_INET, &in->sin_addr, ip, sizeof ip);
        snprintf(buf, size, "('%s', %d)", ip, ntohs(in->sin_port));
    } else if (a->ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a->ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
        snprintf(buf, size, "('%s', %d, %u, %u)", ip, ntohs(in6->sin6_port),
                 (unsigned)ntohl(in6->sin6_flowinfo), (unsigned)in6->sin6_scope_id);
    } else {
        snprintf(buf, size, "None");
    }
    return buf;
}

int asy_sockaddr_port(const asy_sockaddr *a)
{
    if (a->ss.ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
    if (a->ss.ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
    return 0;
}

asy_exc *asy_sock_getsockname(int fd, asy_sockaddr *out)
{
    memset(out, 0, sizeof *out);
    out->len = sizeof out->ss;
    return getsockname(fd, (struct sockaddr *)&out->ss, &out->len) == 0 ? NULL : asy_exc_oserror(errno, NULL);
}

asy_exc *asy_sock_getpeername(int fd, asy_sockaddr *out)
{
    memset(out, 0, sizeof *out);
    out->len = sizeof out->ss;
    return getpeername(fd, (struct sockaddr *)&out->ss, &out->len) == 0 ? NULL : asy_exc_oserror(errno, NULL);
}

int asy_socket_tcp(int family, asy_exc **error)
{
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        asy_exc *e = asy_exc_oserror(errno, NULL);
        if (error != NULL)
            *error = e;
        else
            asy_decref(e);
        return -1;
    }
    if (error != NULL)
        *error = NULL;
    return fd;
}

int asy_socket_listen(const char *host, int port, int backlog, asy_exc **error)
{
    asy_sockaddr a;
    asy_exc *e = asy_sockaddr_resolve(host, port, &a);
    int fd = -1;
    if (e == NULL)
        fd = asy_socket_tcp(a.ss.ss_family, &e);
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, (struct sockaddr *)&a.ss, a.len) < 0) {
            /* create_server's words for it */
            int err = errno;
            char lower[100];
            snprintf(lower, sizeof lower, "%s", strerror(err));
            for (char *p = lower; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p - 'A' + 'a');
            e = asy_exc_oserror(err, "error while attempting to bind on address %s: %s",
                                ASY_SOCKADDR_STR(&a), lower);
        } else if (listen(fd, backlog) < 0) {
            e = asy_exc_oserror(errno, NULL);
        }
        if (e != NULL) {
            close(fd);
            fd = -1;
        }
    }
    if (error != NULL)
        *error = e;
    else
        asy_decref(e);
    return fd;
}

/* ---- the operations ------------------------------------------------------ */

typedef enum { OP_ACCEPT, OP_RECV, OP_RECV_INTO, OP_SENDALL, OP_CONNECT } op_kind;

typedef struct sock_op {
    asy_coro co;
    op_kind kind;
    int fd;
    asy_loop *loop;         /* owned once known */
    asy_exc *early;         /* a bad argument, raised when awaited (owned) */
    char *buf;              /* recv_into: where to; sendall: what (borrowed) */
    size_t n, pos;          /* the size; sendall: how much is sent */
    asy_sockaddr *addr_out; /* accept: the peer (borrowed, may be NULL) */
    asy_sockaddr target;    /* connect: where to */
    bool started;           /* connect: connect() was called */
    asy_future *fut;        /* what the body awaits (owned), or NULL */
    int watching;           /* ASY_EVENT_READ or _WRITE while registered, else 0 */
} sock_op;

static bool would_block(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == EINTR; }

/* One attempt. true: finished, with *res or *exc set; false: would block. */
static bool op_try(sock_op *f, asy_value *res, asy_exc **exc)
{
    *res = asy_none();
    *exc = NULL;
    ssize_t n;
    switch (f->kind) {
    case OP_ACCEPT: {
        asy_sockaddr a = {.len = sizeof a.ss};
        int conn = accept4(f->fd, (struct sockaddr *)&a.ss, &a.len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (conn < 0) {
            if (would_block(errno))
                return false;
            *exc = asy_exc_oserror(errno, NULL);
            return true;
        }
        if (f->addr_out != NULL)
            *f->addr_out = a;
        *res = asy_int(conn);
        return true;
    }
    case OP_RECV:
    case OP_RECV_INTO: {
        char small[4096];
        char *to = f->kind == OP_RECV_INTO ? f->buf : f->n <= sizeof small ? small : malloc(f->n);
        if (to == NULL)
            asy_out_of_memory("a receive buffer");
        n = recv(f->fd, to, f->n, 0);
        int err = errno;
        if (n >= 0)
            *res = f->kind == OP_RECV_INTO ? asy_int(n) : asy_bytes(to, (size_t)n);
        if (f->kind == OP_RECV && to != small)
            free(to);
        if (n >= 0)
            return true;
        if (would_block(err))
            return false;
        *exc = asy_exc_oserror(err, NULL);
        return true;
    }
    case OP_SENDALL:
        while (f->pos < f->n) {
            n = send(f->fd, f->buf + f->pos, f->n - f->pos, MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                if (would_block(errno))
                    return false;
                *exc = asy_exc_oserror(errno, NULL);
                return true;
            }
            f->pos += (size_t)n;
        }
        return true;
    case OP_CONNECT:
        if (!f->started) {
            f->started = true;
            if (connect(f->fd, (struct sockaddr *)&f->target.ss, f->target.len) == 0)
                return true;
            if (errno == EINPROGRESS || errno == EINTR)
                return false; /* the result comes when the socket is writable */
            *exc = asy_exc_oserror(errno, NULL);
            return true;
        } else {
            int err = 0;
            socklen_t len = sizeof err;
            if (getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                err = errno;
            if (err == 0)
                return true;
            if (would_block(err) || err == EINPROGRESS)
                return false;
            *exc = asy_exc_oserror(err, "Connect call failed %s", ASY_SOCKADDR_STR(&f->target));
            return true;
        }
    }
    return false;
}

/* The reader / writer: runs at every turn the socket is ready. Its argument
 * is the frame itself as a plain pointer (no reference: the frame removes
 * the reader before it goes away, see stop_watching). */
static asy_exc *sock_ready(asy_value arg)
{
    sock_op *f = arg.u.p;
    if (f->fut == NULL || asy_future_done(f->fut))
        return NULL; /* cancelled, and not yet resumed to remove us */
    asy_value res;
    asy_exc *exc;
    if (!op_try(f, &res, &exc))
        return NULL; /* spurious wakeup: try again next time */
    if (exc != NULL)
        asy_decref(asy_future_set_exception(f->fut, exc));
    else
        asy_decref(asy_future_set_result(f->fut, res));
    return NULL;
}

static void stop_watching(sock_op *f)
{
    if (f->watching == ASY_EVENT_READ)
        asy_loop_remove_reader(f->loop, f->fd);
    else if (f->watching == ASY_EVENT_WRITE)
        asy_loop_remove_writer(f->loop, f->fd);
    f->watching = 0;
}

/* The first lines of every I/O coroutine of chapters 26-28 (sock_*,
 * create_connection, create_server, connect_*_pipe): the error its
 * constructor found, if any, is raised now, at the await (exc.h); else the
 * loop is the one given, or the running one. */
asy_exc *asy__io_start(asy_exc **early, asy_loop **loop)
{
    asy_exc *err = *early;
    *early = NULL;
    if (err != NULL || *loop != NULL)
        return err;
    *loop = asy_get_running_loop(&err);
    if (*loop != NULL)
        asy_incref(*loop);
    return err;
}

static asy_status op_body(asy_coro *co)
{
    sock_op *f = (sock_op *)co;
    asy_exc *err = NULL;
    asy_value res;
    ASY_BEGIN(co);
    err = asy__io_start(&f->early, &f->loop);
    if (err != NULL)
        ASY_RAISE(co, err);
    int flags = fcntl(f->fd, F_GETFL);
    if (flags < 0)
        ASY_RAISE(co, asy_exc_oserror(errno, NULL));
    if (!(flags & O_NONBLOCK))
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "the socket must be non-blocking"));

    /* 1. Try at once. */
    if (op_try(f, &res, &err)) {
        if (err != NULL)
            ASY_RAISE(co, err);
        ASY_RETURN(co, res);
    }
    /* 2. Wait for the socket, and try again each time it is ready. */
    f->fut = asy_future_new(f->loop);
    int event = f->kind == OP_SENDALL || f->kind == OP_CONNECT ? ASY_EVENT_WRITE : ASY_EVENT_READ;
    err = event == ASY_EVENT_READ ? asy_loop_add_reader(f->loop, f->fd, sock_ready, asy_ptr(f))
                                  : asy_loop_add_writer(f->loop, f->fd, sock_ready, asy_ptr(f));
    if (err != NULL)
        ASY_RAISE(co, err);
    f->watching = event;
    /* 3. Await the future; then, whatever happened, stop watching. */
    ASY_AWAIT_TRY(co, asy_incref(f->fut));
    stop_watching(f);
    if (ASY_EXC(co) != NULL) {
        /* Cancelled after the connection was accepted (the future had its
         * result, the task's cancel came first): nobody will ever see that
         * descriptor, so close it. Python's garbage collector does this
         * for the socket object. */
        if (f->kind == OP_ACCEPT && asy_future_done(f->fut) && !asy_future_cancelled(f->fut)) {
            asy_value r;
            asy_exc *e = asy_future_result(f->fut, &r);
            if (e == NULL && r.kind == ASY_INT)
                close((int)r.u.i);
            asy_decref(e);
        }
        ASY_RERAISE(co);
    }
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void op_clear(asy_gen *g)
{
    sock_op *f = (sock_op *)g;
    if (f->loop != NULL)
        stop_watching(f);
    asy_decref(f->fut);
    f->fut = NULL;
    asy_decref(f->early);
    f->early = NULL;
    asy_decref(f->loop);
    f->loop = NULL;
}

static sock_op *op_new(op_kind kind, const char *name, asy_loop *loop, int fd)
{
    sock_op *f = ASY_CORO_NEW(sock_op, op_body, name);
    asy_gen_set_clear(&f->co, op_clear);
    f->kind = kind;
    f->fd = fd;
    f->loop = asy_incref(loop);
    return f;
}

asy_coro *asy_loop_sock_accept(asy_loop *loop, int fd, asy_sockaddr *addr)
{
    sock_op *f = op_new(OP_ACCEPT, "sock_accept", loop, fd);
    f->addr_out = addr;
    return &f->co;
}

asy_coro *asy_loop_sock_recv(asy_loop *loop, int fd, size_t n)
{
    sock_op *f = op_new(OP_RECV, "sock_recv", loop, fd);
    f->n = n;
    return &f->co;
}

asy_coro *asy_loop_sock_recv_into(asy_loop *loop, int fd, void *buf, size_t n)
{
    sock_op *f = op_new(OP_RECV_INTO, "sock_recv_into", loop, fd);
    f->buf = buf;
    f->n = n;
    if (buf == NULL && n > 0)
        f->early = asy_exc_new(&asy_TypeError, "a buffer was expected, got NULL");
    return &f->co;
}

asy_coro *asy_loop_sock_sendall(asy_loop *loop, int fd, const void *data, size_t n)
{
    sock_op *f = op_new(OP_SENDALL, "sock_sendall", loop, fd);
    f->buf = (char *)data; /* only read */
    f->n = n;
    if (data == NULL && n > 0)
        f->early = asy_exc_new(&asy_TypeError, "a bytes-like object is required, not 'NULL'");
    return &f->co;
}

asy_coro *asy_loop_sock_connect(asy_loop *loop, int fd, const char *host, int port)
{
    sock_op *f = op_new(OP_CONNECT, "sock_connect", loop, fd);
    if (host == NULL)
        f->early = asy_exc_new(&asy_TypeError, "a host was expected, got NULL");
    else
        f->early = asy_sockaddr_resolve(host, port, &f->target);
    return &f->co;
}
