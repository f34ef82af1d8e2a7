/*
 * unix_pipes.c - connect_read_pipe and connect_write_pipe (chapter 28;
 * CPython's base_events.py). The transports themselves are chapter 26's,
 * with a pipe's kind (transport.c).
 */
#include "unix_pipes.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "future.h"
#include "internal.h"

typedef struct {
    asy_coro co;
    asy_loop *loop;             /* owned once known */
    const asy_protocol *proto;
    void *self;                 /* owned until the transport takes it */
    int fd;                     /* owned until the transport takes it */
    bool write;
    asy_exc *early;
    asy_transport *t;           /* owned */
    asy_future *waiter;         /* owned */
} pipe_frame;

/* The checks of _UnixReadPipeTransport / _UnixWritePipeTransport.__init__
 * and os.set_blocking(fd, False). */
static asy_exc *check_pipe(int fd, bool write)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return asy_exc_oserror(errno, NULL);
    bool ok = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode);
    if (!ok)
        return asy_exc_new(&asy_ValueError, write ? "Pipe transport is only for pipes, sockets and character devices"
                                                  : "Pipe transport is for pipes/sockets only.");
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return asy_exc_oserror(errno, NULL);
    return NULL;
}

/* async def connect_read_pipe(self, protocol_factory, pipe):
 *     protocol = protocol_factory()
 *     waiter = self.create_future()
 *     transport = self._make_read_pipe_transport(pipe, protocol, waiter)
 *     try: await waiter
 *     except: transport.close(); raise
 *     return transport, protocol                                          */
static asy_status pipe_body(asy_coro *co)
{
    pipe_frame *f = (pipe_frame *)co;
    asy_exc *err = NULL;
    ASY_BEGIN(co);
    err = asy__io_start(&f->early, &f->loop);
    if (err != NULL)
        ASY_RAISE(co, err);
    err = check_pipe(f->fd, f->write);
    if (err != NULL)
        ASY_RAISE(co, err);
    f->waiter = asy_future_new(f->loop);
    f->t = asy_incref(asy__transport_new_pipe(f->loop, f->fd, f->write, f->proto, f->self, f->waiter));
    f->fd = -1; /* the transport's now */
    f->self = NULL;
    ASY_AWAIT_TRY(co, asy_incref(f->waiter));
    if (ASY_EXC(co) != NULL) {
        asy_transport_close(f->t);
        ASY_RERAISE(co);
    }
    ASY_RETURN(co, asy_transport_value(f->t));
    ASY_END(co);
}

static void pipe_clear(asy_gen *g)
{
    pipe_frame *f = (pipe_frame *)g;
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    if (f->self != NULL && f->proto != NULL && f->proto->release != NULL)
        f->proto->release(f->self);
    f->self = NULL;
    asy_decref(f->early);
    asy_decref(f->t);
    asy_decref(f->waiter);
    asy_decref(f->loop);
    f->early = NULL;
    f->t = NULL;
    f->waiter = NULL;
    f->loop = NULL;
}

static asy_coro *pipe_new(asy_loop *loop, const asy_protocol *protocol, void *self, int fd, bool write)
{
    pipe_frame *f = ASY_CORO_NEW(pipe_frame, pipe_body, write ? "connect_write_pipe" : "connect_read_pipe");
    asy_gen_set_clear(&f->co, pipe_clear);
    f->loop = asy_incref(loop);
    f->proto = protocol;
    f->self = self;
    f->fd = fd;
    f->write = write;
    if (protocol == NULL)
        f->early = asy_exc_new(&asy_TypeError, "a protocol was expected, got NULL");
    else if (fd < 0)
        f->early = asy_exc_oserror(EBADF, NULL);
    return &f->co;
}

asy_coro *asy_loop_connect_read_pipe(asy_loop *loop, const asy_protocol *protocol, void *self, int fd)
{
    return pipe_new(loop, protocol, self, fd, false);
}

asy_coro *asy_loop_connect_write_pipe(asy_loop *loop, const asy_protocol *protocol, void *self, int fd)
{
    return pipe_new(loop, protocol, self, fd, true);
}
