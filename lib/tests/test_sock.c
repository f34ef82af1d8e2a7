/*
 * test_sock.c - the loop's socket coroutines (chapter 26) on real loopback
 * sockets: connect and accept, data that is already there (no reader is
 * registered), a peer that resets (ConnectionResetError at the await) or
 * closes (b''), a refused connection, sendall of more than the kernel can
 * take at once, a cancelled sock_recv that removes its reader, the
 * non-blocking rule, numeric addresses only, and no descriptor left open.
 * The loop runs on the real clock: these sockets are real.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "trace.h"
#include "bytes.h"
#include "sock.h"
#include "task.h"
#include "wait_for.h"

static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    note("[%s%s%s]", ctx->message, ctx->exception ? ": " : "", ctx->exception ? ASY_EXC_STR(ctx->exception) : "");
}

/* How many descriptors this process has open. */
static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (d == NULL)
        return -1;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n - 3; /* ".", ".." and the directory's own descriptor */
}

static int fds_at_start;

static asy_loop *rloop(void)
{
    trace_reset();
    fds_at_start = count_fds();
    asy_loop *loop = asy_loop_new(NULL, NULL); /* the real clock */
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    return loop;
}

/* Nothing scheduled, closed, released, nothing leaked, no fd left open. */
static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
    CHECK_INT_EQ(count_fds(), fds_at_start);
}

/* A connected pair of non-blocking loopback sockets, made without the loop
 * (the kernel finishes the handshake for a listening socket by itself). */
static void tcp_pair(int *a, int *b)
{
    asy_exc *e = NULL;
    int l = asy_socket_listen("127.0.0.1", 0, 1, &e);
    CHECK_FATAL(l >= 0);
    asy_sockaddr addr;
    CHECK_NULL(asy_sock_getsockname(l, &addr));
    *a = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_FATAL(connect(*a, (struct sockaddr *)&addr.ss, addr.len) == 0);
    *b = accept(l, NULL, NULL);
    CHECK_FATAL(*b >= 0);
    close(l);
    fcntl(*a, F_SETFL, fcntl(*a, F_GETFL) | O_NONBLOCK);
    fcntl(*b, F_SETFL, fcntl(*b, F_GETFL) | O_NONBLOCK);
}

/* Run aw to the end; return its outcome (the caller clears it). */
static asy_result run(asy_loop *loop, void *aw) { return asy_loop_run_until_complete(loop, aw); }

static void test_connect_accept_echo(void)
{
    asy_loop *loop = rloop();
    asy_exc *e = NULL;
    int l = asy_socket_listen("127.0.0.1", 0, 10, &e);
    CHECK_FATAL(l >= 0);
    asy_sockaddr laddr, peer;
    CHECK_NULL(asy_sock_getsockname(l, &laddr));
    int port = asy_sockaddr_port(&laddr);
    CHECK(port > 0);

    /* accept first: nothing is waiting, so it registers a reader */
    asy_task *acc = asy_loop_create_task(loop, asy_loop_sock_accept(loop, l, &peer), NULL, NULL);
    int c = asy_socket_tcp(AF_INET, NULL);
    asy_result r = run(loop, asy_loop_sock_connect(loop, c, "127.0.0.1", port));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK(asy_is_none(r.value));
    asy_result_clear(&r);
    r = run(loop, asy_incref(acc));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_INT_EQ(r.value.kind, ASY_INT);
    int s = (int)r.value.u.i;
    asy_result_clear(&r);
    CHECK(fcntl(s, F_GETFL) & O_NONBLOCK);
    asy_sockaddr caddr;
    CHECK_NULL(asy_sock_getsockname(c, &caddr));
    CHECK_STR_EQ(ASY_SOCKADDR_STR(&peer), ASY_SOCKADDR_STR(&caddr));
    CHECK_INT_EQ(asy_sockaddr_port(&peer), asy_sockaddr_port(&caddr));
    /* the reader of the listening socket was removed once it had accepted */
    CHECK(!asy_loop_remove_reader(loop, l));

    r = run(loop, asy_loop_sock_sendall(loop, c, "hello", 5));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    r = run(loop, asy_loop_sock_recv(loop, s, 100));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "b'hello'");
    asy_result_clear(&r);

    char buf[16];
    r = run(loop, asy_loop_sock_sendall(loop, s, "ok\n", 3));
    asy_result_clear(&r);
    r = run(loop, asy_loop_sock_recv_into(loop, c, buf, sizeof buf));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_INT_EQ(r.value.u.i, 3);
    CHECK(memcmp(buf, "ok\n", 3) == 0);
    asy_result_clear(&r);

    asy_decref(acc);
    close(c);
    close(s);
    close(l);
    CHECK_STR_EQ(trace, "");
    done_with(loop);
}

/* Data already there: the first try succeeds, nothing is registered. */
static void test_ready_data_needs_no_reader(void)
{
    asy_loop *loop = rloop();
    int a, b;
    tcp_pair(&a, &b);
    CHECK_INT_EQ(send(a, "xyz", 3, 0), 3);
    usleep(10000);
    asy_coro *co = asy_loop_sock_recv(loop, b, 2);
    asy_result r = asy_coro_drive(co); /* no loop turn at all */
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK_STR_EQ(ASY_REPR(r.value), "b'xy'");
    asy_result_clear(&r);
    (void)run; /* and through the loop, the rest */
    r = run(loop, asy_loop_sock_recv(loop, b, 100));
    CHECK_STR_EQ(ASY_REPR(r.value), "b'z'");
    asy_result_clear(&r);
    CHECK(!asy_loop_remove_reader(loop, b));
    close(a);
    close(b);
    done_with(loop);
}

static void test_peer_closes_gives_empty_bytes(void)
{
    asy_loop *loop = rloop();
    int a, b;
    tcp_pair(&a, &b);
    asy_task *t = asy_loop_create_task(loop, asy_loop_sock_recv(loop, b, 100), NULL, NULL);
    asy_loop_run_once(loop); /* the task starts and waits */
    CHECK(!asy_future_done(&t->fut));
    close(a);
    asy_result r = run(loop, asy_incref(t));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK(asy_is_bytes(r.value));
    CHECK_INT_EQ(asy_bytes_len(r.value), 0);
    CHECK_STR_EQ(ASY_REPR(r.value), "b''");
    asy_result_clear(&r);
    asy_decref(t);
    close(b);
    done_with(loop);
}

/* SO_LINGER {1, 0} then close(): the kernel sends RST instead of FIN. */
static void reset(int fd)
{
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

static void test_peer_reset_raises_connection_reset(void)
{
    asy_loop *loop = rloop();
    int a, b;
    tcp_pair(&a, &b);
    asy_task *t = asy_loop_create_task(loop, asy_loop_sock_recv(loop, b, 100), NULL, NULL);
    asy_loop_run_once(loop);
    reset(a);
    asy_result r = run(loop, asy_incref(t));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(asy_exc_is(r.exc, &asy_ConnectionResetError));
    CHECK(asy_exc_is(r.exc, &asy_ConnectionError));
    CHECK(asy_exc_is(r.exc, &asy_OSError));
    CHECK_INT_EQ(asy_exc_errno(r.exc), ECONNRESET);
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "ConnectionResetError: [Errno 104] Connection reset by peer");
    asy_result_clear(&r);
    CHECK(!asy_loop_remove_reader(loop, b));
    /* sendall to a reset peer: BrokenPipeError or ConnectionResetError,
     * never SIGPIPE */
    r = run(loop, asy_loop_sock_sendall(loop, b, "x", 1));
    if (r.status == ASY_RETURNED) { /* the first send may still be accepted */
        asy_result_clear(&r);
        r = run(loop, asy_loop_sock_sendall(loop, b, "x", 1));
    }
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(asy_exc_is(r.exc, &asy_ConnectionError));
    asy_result_clear(&r);
    asy_decref(t);
    close(b);
    done_with(loop);
}

static void test_connection_refused(void)
{
    asy_loop *loop = rloop();
    /* a port that was just free: listen, read the port, close */
    int l = asy_socket_listen("127.0.0.1", 0, 1, NULL);
    asy_sockaddr addr;
    CHECK_NULL(asy_sock_getsockname(l, &addr));
    int port = asy_sockaddr_port(&addr);
    close(l);
    int c = asy_socket_tcp(AF_INET, NULL);
    asy_result r = run(loop, asy_loop_sock_connect(loop, c, "127.0.0.1", port));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(asy_exc_is(r.exc, &asy_ConnectionRefusedError));
    CHECK_INT_EQ(asy_exc_errno(r.exc), ECONNREFUSED);
    char want[100];
    snprintf(want, sizeof want, "ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', %d)", port);
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), want);
    asy_result_clear(&r);
    CHECK(!asy_loop_remove_writer(loop, c));
    close(c);
    done_with(loop);
}

/* More than the kernel buffers take at once: sendall waits for room as
 * often as needed, and every byte arrives, in order. */
static void test_sendall_waits_for_room(void)
{
    asy_loop *loop = rloop();
    int a, b;
    tcp_pair(&a, &b);
    enum { TOTAL = 4 << 20 };
    char *data = malloc(TOTAL);
    for (size_t i = 0; i < TOTAL; i++)
        data[i] = (char)(i * 7 + i / 4096);
    asy_task *t = asy_loop_create_task(loop, asy_loop_sock_sendall(loop, a, data, TOTAL), NULL, NULL);
    asy_loop_run_once(loop);
    CHECK(!asy_future_done(&t->fut)); /* 4 MiB do not fit at once */
    size_t got = 0;
    bool same = true;
    char *buf = malloc(1 << 16);
    int rounds = 0;
    while (got < TOTAL) {
        asy_result r = run(loop, asy_loop_sock_recv_into(loop, b, buf, 1 << 16));
        CHECK_FATAL(r.status == ASY_RETURNED && r.value.u.i > 0);
        if (memcmp(buf, data + got, (size_t)r.value.u.i) != 0)
            same = false;
        got += (size_t)r.value.u.i;
        rounds++;
        asy_result_clear(&r);
    }
    CHECK(same);
    CHECK(rounds > 1);
    asy_result r = run(loop, asy_incref(t));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    CHECK(!asy_loop_remove_writer(loop, a));
    free(buf);
    free(data);
    asy_decref(t);
    close(a);
    close(b);
    done_with(loop);
}

/* Cancelling the task that awaits sock_recv removes the reader: nothing
 * stays registered for an operation nobody waits for. */
static void test_cancel_recv_removes_reader(void)
{
    asy_loop *loop = rloop();
    int a, b;
    tcp_pair(&a, &b);
    asy_task *t = asy_loop_create_task(loop, asy_loop_sock_recv(loop, b, 100), NULL, NULL);
    asy_loop_run_once(loop);
    CHECK(!asy_future_done(&t->fut));
    CHECK(asy_task_cancel(t, NULL));
    asy_result r = run(loop, asy_incref(t));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(asy_exc_is(r.exc, &asy_CancelledError));
    asy_result_clear(&r);
    CHECK(!asy_loop_remove_reader(loop, b)); /* already removed */
    /* the data sent afterwards is still there for the next reader */
    CHECK_INT_EQ(send(a, "late", 4, 0), 4);
    r = run(loop, asy_loop_sock_recv(loop, b, 100));
    CHECK_STR_EQ(ASY_REPR(r.value), "b'late'");
    asy_result_clear(&r);
    asy_decref(t);
    close(a);
    close(b);
    done_with(loop);
}

/* A peer that sends nothing: wait_for(sock_recv, 0.05) raises TimeoutError
 * at the await, and the cancelled recv leaves no reader behind. */
static void test_recv_timeout(void)
{
    asy_loop *loop = rloop();
    int a, b;
    tcp_pair(&a, &b);
    double t0 = asy_loop_time(loop);
    asy_result r = run(loop, asy_wait_for(asy_loop_sock_recv(loop, b, 100), 0.05));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(asy_exc_is(r.exc, &asy_TimeoutError));
    asy_result_clear(&r);
    double dt = asy_loop_time(loop) - t0;
    CHECK_MSG(dt >= 0.04 && dt < 1.0, "took %.3f s", dt);
    CHECK(!asy_loop_remove_reader(loop, b));
    close(a);
    close(b);
    done_with(loop);
}

/* A cancelled sock_accept whose connection had already come in closes it. */
static void test_cancelled_accept_closes_connection(void)
{
    asy_loop *loop = rloop();
    int l = asy_socket_listen("127.0.0.1", 0, 1, NULL);
    asy_sockaddr addr;
    CHECK_NULL(asy_sock_getsockname(l, &addr));
    asy_task *t = asy_loop_create_task(loop, asy_loop_sock_accept(loop, l, NULL), NULL, NULL);
    asy_loop_run_once(loop); /* waiting */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_FATAL(connect(c, (struct sockaddr *)&addr.ss, addr.len) == 0);
    /* turn until the accept has its result but the task has not resumed */
    int turns = 0;
    while (!asy_future_done(&t->fut) && turns++ < 1000) {
        asy_loop_run_once(loop);
        if (asy_task_get_coro(t) != NULL && asy_loop_scheduled_count(loop) > 0)
            break; /* the wakeup is queued: cancel now */
    }
    asy_task_cancel(t, NULL);
    asy_result r = run(loop, asy_incref(t));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(asy_exc_is(r.exc, &asy_CancelledError));
    asy_result_clear(&r);
    asy_decref(t);
    close(c);
    close(l);
    done_with(loop); /* counts the descriptors: the accepted one is closed */
}

static void test_blocking_socket_is_refused(void)
{
    asy_loop *loop = rloop();
    int a, b;
    tcp_pair(&a, &b);
    fcntl(b, F_SETFL, fcntl(b, F_GETFL) & ~O_NONBLOCK);
    asy_result r = run(loop, asy_loop_sock_recv(loop, b, 10));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "ValueError: the socket must be non-blocking");
    asy_result_clear(&r);
    r = run(loop, asy_loop_sock_recv(loop, -1, 10));
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "OSError: [Errno 9] Bad file descriptor");
    asy_result_clear(&r);
    r = run(loop, asy_loop_sock_sendall(loop, a, NULL, 3));
    CHECK(asy_exc_is(r.exc, &asy_TypeError));
    asy_result_clear(&r);
    close(a);
    close(b);
    done_with(loop);
}

static void test_numeric_addresses_only(void)
{
    asy_loop *loop = rloop();
    int c = asy_socket_tcp(AF_INET, NULL);
    asy_result r = run(loop, asy_loop_sock_connect(loop, c, "localhost", 80));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(asy_exc_is(r.exc, &asy_gaierror));
    CHECK(asy_exc_is(r.exc, &asy_OSError));
    CHECK_STR_EQ(ASY_EXC_STR(r.exc),
                 "gaierror: [Errno -2] Name or service not known: 'localhost' (numeric addresses only)");
    asy_result_clear(&r);
    asy_sockaddr a;
    CHECK_NULL(asy_sockaddr_resolve("::1", 8888, &a));
    CHECK_STR_EQ(ASY_SOCKADDR_STR(&a), "('::1', 8888, 0, 0)");
    asy_exc *e = asy_sockaddr_resolve("127.0.0.1", 70000, &a);
    CHECK(asy_exc_is(e, &asy_ValueError));
    asy_decref(e);
    int l = asy_socket_listen("127.0.0.1", 0, 1, NULL);
    asy_sockaddr la;
    CHECK_NULL(asy_sock_getsockname(l, &la));
    int l2 = asy_socket_listen("127.0.0.1", asy_sockaddr_port(&la), 1, &e);
    CHECK_INT_EQ(l2, -1);
    char want[120];
    snprintf(want, sizeof want,
             "OSError: [Errno 98] error while attempting to bind on address ('127.0.0.1', %d): address already in use",
             asy_sockaddr_port(&la));
    CHECK_STR_EQ(ASY_EXC_STR(e), want);
    asy_decref(e);
    close(l);
    close(c);
    done_with(loop);
}

static void test_oserror_and_bytes(void)
{
    asy_exc *e = asy_exc_oserror(ECONNREFUSED, NULL);
    CHECK_STR_EQ(ASY_EXC_STR(e), "ConnectionRefusedError: [Errno 111] Connection refused");
    asy_decref(e);
    e = asy_exc_oserror(EPIPE, NULL);
    CHECK(asy_exc_is(e, &asy_BrokenPipeError));
    asy_decref(e);
    e = asy_exc_oserror(ECONNABORTED, NULL);
    CHECK(asy_exc_is(e, &asy_ConnectionAbortedError));
    asy_decref(e);
    e = asy_exc_oserror(ENOENT, NULL);
    CHECK_STR_EQ(ASY_EXC_STR(e), "OSError: [Errno 2] No such file or directory");
    CHECK_INT_EQ(asy_exc_errno(e), ENOENT);
    asy_decref(e);
    e = asy_exc_new(&asy_ValueError, "x");
    CHECK_INT_EQ(asy_exc_errno(e), 0);
    asy_decref(e);
    asy_value b = asy_bytes("it's\n\0\xff", 7);
    CHECK_STR_EQ(ASY_REPR(b), "b\"it's\\n\\x00\\xff\"");
    CHECK_STR_EQ(ASY_STR(b), ASY_REPR(b));
    asy_value c = asy_bytes("it's\n\0\xff", 7);
    CHECK(asy_bytes_eq(b, c));
    CHECK_INT_EQ(asy_bytes_len(c), 7);
    asy_value_decref(c);
    asy_value_decref(b);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"sock_connect, sock_accept, sendall, recv, recv_into on loopback", test_connect_accept_echo},
        {"data already there: no reader registered", test_ready_data_needs_no_reader},
        {"a peer that closes: sock_recv gives b''", test_peer_closes_gives_empty_bytes},
        {"a peer that resets: ConnectionResetError at the await", test_peer_reset_raises_connection_reset},
        {"connection refused: ConnectionRefusedError", test_connection_refused},
        {"sendall waits for room, every byte arrives in order", test_sendall_waits_for_room},
        {"cancelling sock_recv removes the reader", test_cancel_recv_removes_reader},
        {"a peer that sends nothing: wait_for raises TimeoutError, no reader left", test_recv_timeout},
        {"a cancelled accept closes the connection it got", test_cancelled_accept_closes_connection},
        {"a blocking socket, a bad fd, NULL data", test_blocking_socket_is_refused},
        {"numeric addresses only; bind errors", test_numeric_addresses_only},
        {"OSError subclasses by errno; bytes", test_oserror_and_bytes},
        {NULL, NULL},
    };
    return check_main("sock", tests, argc, argv);
}
