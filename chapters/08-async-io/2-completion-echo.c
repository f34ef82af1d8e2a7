/*
 * 2-completion-echo.c - a completion-based echo server (异步IO): io_uring,
 * or POSIX AIO where io_uring is refused.
 * Chapter: 08
 *
 * Readiness (chapters 06-07, demo 1) tells you "you may now recv() without
 * blocking", and you copy the bytes yourself.  Completion turns this round:
 * you hand the kernel a buffer and say "receive into this"; later you are
 * told "done: n bytes are in your buffer".  The wait AND the copy happened
 * while you were not looking.
 *
 * Backends, chosen at run time:
 *   io_uring   (Linux >= 5.6, liburing): requests go into a submission
 *              queue, results come back in a completion queue, both shared
 *              memory; one io_uring_enter() call submits AND waits.
 *   POSIX AIO  (<aio.h>): aio_read()/aio_write() + aio_suspend() +
 *              aio_error()/aio_return().  glibc implements it with a pool of
 *              threads that make the ordinary blocking calls for you.  It
 *              has no accept, so this path accepts with a non-blocking
 *              accept() between waits.
 * Sandboxes and hardened kernels often refuse io_uring (io_uring_setup()
 * fails with EPERM or ENOSYS; see /proc/sys/kernel/io_uring_disabled).  The
 * program then says so on stderr and uses POSIX AIO; stdout is the same.
 * Set ASY_NO_URING=1 to try the fallback on a machine where io_uring works.
 *
 * Each connection has at most one operation in flight: greeting send, then
 * recv, send (the echo), recv, ...  So one buffer per connection is enough.
 * The client is the thread in echo-script.h, the same as in demo 1.
 */
#define _GNU_SOURCE /* strerrorname_np, accept4 */
#include <aio.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdint.h>
#include <time.h>

#include "echo-script.h"

enum { MAX_CONNS = 8, EXPECTED_CONNS = 2, LISTENER_SLOT = 0xff };
enum op { OP_ACCEPT, OP_SEND, OP_RECV };

struct conn {
    int fd;          /* -1: slot free */
    int id;          /* 1, 2, ... in accept order */
    enum op op;      /* the operation in flight (AIO path: busy != 0) */
    int busy;
    char buf[256];   /* recv lands here; the echo is sent from here */
    struct aiocb cb; /* POSIX AIO control block of the operation in flight */
};

static struct conn conns[MAX_CONNS];
static int listener;
static int accepted, open_conns;

static struct conn *new_conn(int fd)
{
    for (int i = 0; i < MAX_CONNS; i++) {
        if (conns[i].fd < 0) {
            conns[i].fd = fd;
            conns[i].id = ++accepted;
            open_conns++;
            return &conns[i];
        }
    }
    die("too many connections for this demo");
    return NULL;
}

static void close_conn(struct conn *c)
{
    close(c->fd);
    c->fd = -1;
    open_conns--;
}

/* The three things the server says, identical on both backends. */
static int say_accepted(struct conn *c)
{
    printf("server: new connection -> conn %d; submit the greeting (send)\n", c->id);
    return snprintf(c->buf, sizeof c->buf, "welcome, conn %d\n", c->id);
}

static void say_received(struct conn *c, int n)
{
    printf("server: completion for conn %d: recv finished, \"%.*s\" is already in our buffer"
           " -> submit send\n", c->id, n, c->buf);
}

static void say_eof(struct conn *c)
{
    printf("server: completion for conn %d: recv finished with 0 bytes, end of stream -> close()\n",
           c->id);
}

/* ---- io_uring ------------------------------------------------------------ */

/* user_data carries (slot, op), so a completion says whose it is. */
static uint64_t tag(int slot, enum op op) { return (uint64_t)slot << 8 | (uint64_t)op; }

static struct io_uring_sqe *get_sqe(struct io_uring *ring)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    if (!sqe) die("submission queue full"); /* 64 entries; we use at most 3 */
    return sqe;
}

static void uring_accept(struct io_uring *ring)
{
    struct io_uring_sqe *sqe = get_sqe(ring);
    io_uring_prep_accept(sqe, listener, NULL, NULL, SOCK_CLOEXEC);
    io_uring_sqe_set_data64(sqe, tag(LISTENER_SLOT, OP_ACCEPT));
}

static void uring_send(struct io_uring *ring, struct conn *c, int n)
{
    struct io_uring_sqe *sqe = get_sqe(ring);
    io_uring_prep_send(sqe, c->fd, c->buf, (size_t)n, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, tag((int)(c - conns), OP_SEND));
}

static void uring_recv(struct io_uring *ring, struct conn *c)
{
    struct io_uring_sqe *sqe = get_sqe(ring);
    io_uring_prep_recv(sqe, c->fd, c->buf, sizeof c->buf, 0);
    io_uring_sqe_set_data64(sqe, tag((int)(c - conns), OP_RECV));
}

/* One completion: what finished, and what to submit next. */
static void uring_complete(struct io_uring *ring, uint64_t data, int res)
{
    int slot = (int)(data >> 8);
    enum op op = (enum op)(data & 0xff);
    if (res < 0) { errno = -res; die(op == OP_ACCEPT ? "accept" : op == OP_SEND ? "send" : "recv"); }
    if (op == OP_ACCEPT) {
        struct conn *c = new_conn(res); /* res is the new descriptor */
        uring_send(ring, c, say_accepted(c));
        if (accepted < EXPECTED_CONNS) uring_accept(ring); /* accept the next one */
        return;
    }
    struct conn *c = &conns[slot];
    if (op == OP_SEND) {
        uring_recv(ring, c); /* the whole message went out; wait for the next */
    } else if (res > 0) {
        say_received(c, res);
        uring_send(ring, c, res);
    } else {
        say_eof(c);
        close_conn(c);
    }
}

static void serve_uring(struct io_uring *ring)
{
    uring_accept(ring);
    while (accepted < EXPECTED_CONNS || open_conns > 0) {
        /* ONE system call: submit what we queued, sleep until >= 1 completes. */
        int e = io_uring_submit_and_wait(ring, 1);
        if (e < 0 && e != -EINTR) { errno = -e; die("io_uring_submit_and_wait"); }
        struct io_uring_cqe *cqe;
        while (io_uring_peek_cqe(ring, &cqe) == 0) { /* reap: no system call */
            uint64_t data = io_uring_cqe_get_data64(cqe);
            int res = cqe->res;
            io_uring_cqe_seen(ring, cqe);
            uring_complete(ring, data, res);
        }
    }
}

/* 1 and a ready ring, or 0 and why not (the errno name or the missing op). */
static int uring_usable(struct io_uring *ring, char *why, size_t n)
{
    if (getenv("ASY_NO_URING")) { snprintf(why, n, "ASY_NO_URING is set"); return 0; }
    int e = io_uring_queue_init(64, ring, 0);
    if (e < 0) {
        const char *name = strerrorname_np(-e);
        snprintf(why, n, "%s", name ? name : strerror(-e));
        return 0;
    }
    struct io_uring_probe *probe = io_uring_get_probe_ring(ring);
    int ok = probe && io_uring_opcode_supported(probe, IORING_OP_ACCEPT) &&
             io_uring_opcode_supported(probe, IORING_OP_RECV) &&
             io_uring_opcode_supported(probe, IORING_OP_SEND);
    if (probe) io_uring_free_probe(probe);
    if (!ok) {
        snprintf(why, n, "kernel lacks IORING_OP_ACCEPT/RECV/SEND");
        io_uring_queue_exit(ring);
    }
    return ok;
}

/* ---- POSIX AIO ----------------------------------------------------------- */

static void aio_start(struct conn *c, enum op op, int n)
{
    memset(&c->cb, 0, sizeof c->cb);
    c->cb.aio_fildes = c->fd;
    c->cb.aio_buf = c->buf;
    c->cb.aio_nbytes = op == OP_RECV ? sizeof c->buf : (size_t)n;
    c->cb.aio_sigevent.sigev_notify = SIGEV_NONE; /* we ask with aio_error() */
    c->op = op;
    c->busy = 1;
    if ((op == OP_RECV ? aio_read(&c->cb) : aio_write(&c->cb)) < 0) die("aio_read/aio_write");
}

static void serve_aio(void)
{
    int flags = fcntl(listener, F_GETFL);
    if (flags < 0 || fcntl(listener, F_SETFL, flags | O_NONBLOCK) < 0) die("fcntl");
    while (accepted < EXPECTED_CONNS || open_conns > 0) {
        /* POSIX AIO has no accept: try a non-blocking one between waits. */
        int fd;
        while (accepted < EXPECTED_CONNS && (fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
            struct conn *c = new_conn(fd);
            aio_start(c, OP_SEND, say_accepted(c));
        }
        /* Sleep until one request completes (or 10 ms pass: the listener). */
        const struct aiocb *list[MAX_CONNS];
        int n = 0;
        for (int i = 0; i < MAX_CONNS; i++)
            if (conns[i].fd >= 0 && conns[i].busy) list[n++] = &conns[i].cb;
        struct timespec tick = { 0, 10 * 1000 * 1000 };
        if (n > 0) aio_suspend(list, n, &tick); /* EAGAIN on timeout: fine */
        else nanosleep(&tick, NULL);
        /* Which ones finished?  AIO does not say: ask each (O(n) per wake). */
        for (int i = 0; i < MAX_CONNS; i++) {
            struct conn *c = &conns[i];
            if (c->fd < 0 || !c->busy || aio_error(&c->cb) == EINPROGRESS) continue;
            c->busy = 0;
            ssize_t res = aio_return(&c->cb);
            if (res < 0) die(c->op == OP_SEND ? "aio_write" : "aio_read");
            if (c->op == OP_SEND) {
                aio_start(c, OP_RECV, 0);
            } else if (res > 0) {
                say_received(c, (int)res);
                aio_start(c, OP_SEND, (int)res);
            } else {
                say_eof(c);
                close_conn(c);
            }
        }
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 0; i < MAX_CONNS; i++) conns[i].fd = -1;

    struct io_uring ring;
    char why[64];
    int use_uring = uring_usable(&ring, why, sizeof why);
    /* stderr, so that stdout is the same on both paths. */
    if (use_uring) fprintf(stderr, "(using io_uring)\n");
    else fprintf(stderr, "io_uring is not available here (%s): using POSIX AIO\n", why);

    int port;
    listener = listen_loopback(&port);
    printf("server: listening on 127.0.0.1 port %d; completion-based\n", port);
    pthread_t client = start_client(&port);

    if (use_uring) serve_uring(&ring);
    else serve_aio();

    pthread_join(client, NULL);
    printf("server: %d connections served\n", accepted);
    if (use_uring) io_uring_queue_exit(&ring);
    close(listener);
    return 0;
}
