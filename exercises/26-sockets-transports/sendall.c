/*
 * sendall.c - exercise (chapter 26): loop.sock_sendall, written by you.
 *
 * A non-blocking send() takes what fits in the kernel's buffer and returns
 * that count, which may be less than you gave it; when nothing fits it
 * fails with EAGAIN. sock_sendall hides that: it sends everything, waiting
 * for room as often as needed, without ever blocking the loop.
 *
 * The goal, as lib/sock.c does it:
 *   - send() from where the last call stopped (the position lives in the
 *     frame: C locals do not survive an await);
 *   - on EAGAIN: make a future, add_writer a callback that completes it,
 *     await it, and remove the writer however the await ended (a cancelled
 *     send must not leave its writer behind);
 *   - any other error: raise asy_exc_oserror(errno, NULL);
 *   - send with MSG_NOSIGNAL: a vanished peer must not kill the process.
 *
 * What is here sends once and returns: it loses every byte the kernel did
 * not take, and ignores errors.
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

static asy_status sendall_body(asy_coro *co)
{
    sendall_frame *f = (sendall_frame *)co;
    ASY_BEGIN(co);
    if (f->loop == NULL)
        f->loop = asy_get_running_loop(NULL);
    /* TODO: send everything, wait for room on EAGAIN, raise on errors. */
    (void)send(f->fd, f->data, f->n, MSG_NOSIGNAL);
    ASY_END(co);
}

static void sendall_clear(asy_gen *g)
{
    sendall_frame *f = (sendall_frame *)g;
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
