/*
 * sendall.c - solution (chapter 26): loop.sock_sendall.
 *
 * Each round: send() from f->pos; on EAGAIN wait for the socket to become
 * writable (a future completed by a writer), then try again. The writer is
 * removed right after every wait, whatever ended it, and by the clear
 * function if the coroutine is dropped while it waits.
 */
#include "sendall.h"

#include <errno.h>
#include <sys/socket.h>

#include "future.h"

typedef struct {
    asy_coro co;
    asy_loop *loop; /* borrowed: the running loop outlives the coroutine */
    int fd;
    const char *data;
    size_t n, pos;
    asy_future *fut; /* what the body waits on, or NULL (owned) */
} sendall_frame;

/* The writer: the socket has room. Wake the coroutine (once). */
static asy_exc *writable(asy_value arg)
{
    sendall_frame *f = arg.u.p;
    if (f->fut != NULL && !asy_future_done(f->fut))
        return asy_future_set_result(f->fut, asy_none());
    return NULL;
}

static asy_status sendall_body(asy_coro *co)
{
    sendall_frame *f = (sendall_frame *)co;
    asy_exc *err = NULL;
    ASY_BEGIN(co);
    if (f->loop == NULL) {
        f->loop = asy_get_running_loop(&err);
        if (f->loop == NULL)
            ASY_RAISE(co, err);
    }
    while (f->pos < f->n) {
        ssize_t k = send(f->fd, f->data + f->pos, f->n - f->pos, MSG_NOSIGNAL);
        if (k >= 0) {
            f->pos += (size_t)k; /* maybe less than asked: go round again */
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            ASY_RAISE(co, asy_exc_oserror(errno, NULL));
        /* No room: wait until the socket is writable. */
        f->fut = asy_future_new(f->loop);
        err = asy_loop_add_writer(f->loop, f->fd, writable, asy_ptr(f));
        if (err != NULL)
            ASY_RAISE(co, err);
        ASY_AWAIT_TRY(co, asy_incref(f->fut));
        asy_loop_remove_writer(f->loop, f->fd); /* done, failed or cancelled: stop watching */
        asy_decref(f->fut);
        f->fut = NULL;
        if (ASY_EXC(co) != NULL)
            ASY_RERAISE(co);
    }
    ASY_END(co);
}

static void sendall_clear(asy_gen *g)
{
    sendall_frame *f = (sendall_frame *)g;
    if (f->fut != NULL && f->loop != NULL) /* dropped while waiting */
        asy_loop_remove_writer(f->loop, f->fd);
    asy_decref(f->fut);
    f->fut = NULL;
}

asy_coro *my_sendall(asy_loop *loop, int fd, const void *data, size_t n)
{
    sendall_frame *f = ASY_CORO_NEW(sendall_frame, sendall_body, "my_sendall");
    asy_gen_set_clear(&f->co, sendall_clear);
    f->loop = loop;
    f->fd = fd;
    f->data = data;
    f->n = n;
    return &f->co;
}
