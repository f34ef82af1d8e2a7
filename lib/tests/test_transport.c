/*
 * test_transport.c - transports and protocols (chapter 26) on real
 * loopback sockets: the callbacks' order on both sides of an echo, a peer
 * that closes (eof_received, then connection_lost(None)) or resets
 * (connection_lost(ConnectionResetError), no report), a refused
 * connection, a closed transport refusing writes (the warning from the
 * fifth write on), the write-buffer water marks calling pause_writing and
 * resume_writing, pause_reading / resume_reading, get_extra_info, a
 * failing protocol callback, and Server's close / wait_closed /
 * serve_forever; and chapter 28's pipe transports over pipe2(): reading,
 * EOF, pause/resume reading, the write buffer and water marks, write_eof
 * (= close after the flush), EPIPE as connection_lost(BrokenPipeError),
 * bad descriptors. Every test ends with nothing scheduled, nothing leaked,
 * and as many descriptors open as at its start.
 */
#define _GNU_SOURCE /* pipe2 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "trace.h"
#include "task.h"
#include "bytes.h"
#include "streams.h"
#include "transport.h"
#include "unix_pipes.h"

static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    note("[%s%s%s]", ctx->message, ctx->exception ? ": " : "", ctx->exception ? ASY_EXC_STR(ctx->exception) : "");
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (d == NULL)
        return -1;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n - 3;
}

static int fds_at_start;
static char srv_log[2048], cli_log[2048]; /* what the server's and the client's protocols saw */
static int released;
static size_t received_at_lost; /* what the last protocol to lose its connection had received */

static asy_loop *rloop(void)
{
    trace_reset();
    srv_log[0] = cli_log[0] = '\0';
    released = 0;
    fds_at_start = count_fds();
    asy_loop *loop = asy_loop_new(NULL, NULL);
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    return loop;
}

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
    CHECK_INT_EQ(count_fds(), fds_at_start);
}

/* ---- one protocol for both sides, configured per test ---- */
typedef struct peer {
    char *log;             /* srv_log or cli_log */
    asy_loop *loop;        /* borrowed */
    asy_future *lost;      /* completed by connection_lost (owned) */
    bool echo;             /* write back what comes in */
    bool pause_on_made;    /* pause_reading() in connection_made */
    bool keep_open;        /* eof_received's answer */
    bool quiet;            /* do not log data */
    bool close_on_resume;  /* close() inside resume_writing */
    asy_exc *fail;         /* data_received returns it (owned), once */
    asy_transport *t;      /* borrowed, from connection_made to connection_lost */
    int paused, resumed;
    size_t at_pause, at_resume;
    size_t received;
} peer;

static void plog(peer *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void plog(peer *p, const char *fmt, ...)
{
    size_t n = strlen(p->log);
    if (n > 0 && n < 2047)
        p->log[n++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->log + n, 2048 - n, fmt, ap);
    va_end(ap);
}

static asy_exc *p_made(asy_transport *t, void *self)
{
    peer *p = self;
    p->t = t;
    plog(p, "made");
    if (p->pause_on_made)
        asy_transport_pause_reading(t);
    return NULL;
}

static asy_exc *p_data(asy_transport *t, const char *data, size_t n, void *self)
{
    peer *p = self;
    p->received += n;
    if (!p->quiet)
        plog(p, "data:%.*s", (int)n, data);
    if (p->fail != NULL) {
        asy_exc *e = p->fail;
        p->fail = NULL;
        return e;
    }
    if (p->echo)
        return asy_transport_write(t, data, n);
    return NULL;
}

static asy_exc *p_eof(asy_transport *t, void *self, bool *keep_open)
{
    (void)t;
    peer *p = self;
    plog(p, "eof");
    *keep_open = p->keep_open;
    return NULL;
}

static asy_exc *p_lost(asy_transport *t, asy_exc *exc, void *self)
{
    (void)t;
    peer *p = self;
    plog(p, "lost:%s", exc != NULL ? ASY_EXC_STR(exc) : "None");
    p->t = NULL;
    received_at_lost = p->received;
    if (p->lost != NULL && !asy_future_done(p->lost))
        asy_decref(asy_future_set_result(p->lost, asy_none()));
    return NULL;
}

static asy_exc *p_pause(asy_transport *t, void *self)
{
    peer *p = self;
    p->paused++;
    p->at_pause = asy_transport_get_write_buffer_size(t);
    plog(p, "pause_writing");
    return NULL;
}

static asy_exc *p_resume(asy_transport *t, void *self)
{
    peer *p = self;
    p->resumed++;
    p->at_resume = asy_transport_get_write_buffer_size(t);
    plog(p, "resume_writing");
    if (p->close_on_resume)
        asy_transport_close(t);
    return NULL;
}

static void p_release(void *self)
{
    peer *p = self;
    released++;
    asy_decref(p->lost);
    asy_decref(p->fail);
    free(p);
}

static const asy_protocol peer_protocol = {p_made, p_data, p_eof, p_lost, p_pause, p_resume, p_release};

static peer *peer_new(asy_loop *loop, char *log)
{
    peer *p = calloc(1, sizeof *p);
    p->log = log;
    p->loop = loop;
    p->lost = asy_future_new(loop);
    return p;
}

/* The server side: how the next connection's protocol is set up. */
static peer server_template;
static peer *server_peer; /* the last one made (borrowed: freed with its transport) */

static void *server_factory(void *arg)
{
    peer *p = peer_new(arg, srv_log);
    p->echo = server_template.echo;
    p->pause_on_made = server_template.pause_on_made;
    p->keep_open = server_template.keep_open;
    p->quiet = server_template.quiet;
    p->fail = server_template.fail;
    server_template.fail = NULL;
    server_peer = p;
    return p;
}

static asy_result run(asy_loop *loop, void *aw) { return asy_loop_run_until_complete(loop, aw); }

static asy_server *start_server(asy_loop *loop, int *port)
{
    asy_result r = run(loop, asy_loop_create_server(loop, &peer_protocol, server_factory, loop, "127.0.0.1", 0));
    CHECK_FATAL(r.status == ASY_RETURNED);
    asy_server *s = asy_incref(asy_value_server(r.value));
    asy_result_clear(&r);
    int fd;
    CHECK_INT_EQ(asy_server_sockets(s, &fd, 1), 1);
    asy_sockaddr a;
    CHECK_NULL(asy_sock_getsockname(fd, &a));
    *port = asy_sockaddr_port(&a);
    return s;
}

static asy_transport *connect_peer(asy_loop *loop, int port, peer *p)
{
    asy_result r = run(loop, asy_loop_create_connection(loop, &peer_protocol, p, "127.0.0.1", port));
    CHECK_FATAL(r.status == ASY_RETURNED);
    asy_transport *t = asy_incref(asy_value_transport(r.value));
    asy_result_clear(&r);
    return t;
}

static void stop_server(asy_loop *loop, asy_server *s)
{
    asy_server_close(s);
    asy_result r = run(loop, asy_server_wait_closed(s));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    CHECK(!asy_server_is_serving(s));
    asy_decref(s);
}

/* A few turns of the real loop (a short sleep lets the kernel deliver). */
static void settle(asy_loop *loop, double seconds)
{
    asy_result r = run(loop, asy_sleep(seconds, asy_none()));
    asy_result_clear(&r);
}

static void test_echo_callbacks_in_order(void)
{
    asy_loop *loop = rloop();
    server_template = (peer){.echo = true};
    int port;
    asy_server *s = start_server(loop, &port);
    CHECK(asy_server_is_serving(s));
    peer *c = peer_new(loop, cli_log);
    asy_future *lost = asy_incref(c->lost);
    asy_transport *t = connect_peer(loop, port, c);
    CHECK_STR_EQ(cli_log, "made"); /* create_connection returns after connection_made */
    CHECK_NULL(asy_transport_write(t, "hello", 5));
    CHECK_INT_EQ(asy_transport_get_write_buffer_size(t), 0); /* sent at once */
    CHECK(asy_transport_can_write_eof(t));
    CHECK_NULL(asy_transport_write_eof(t));
    asy_result r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    /* the server saw data, then EOF, and closed (eof_received said so) */
    CHECK_STR_EQ(srv_log, "made data:hello eof lost:None");
    CHECK_STR_EQ(cli_log, "made data:hello eof lost:None");
    CHECK(asy_transport_is_closing(t));
    CHECK_STR_EQ(trace, "");
    asy_decref(lost);
    asy_decref(t);
    stop_server(loop, s);
    CHECK_INT_EQ(released, 2);
    done_with(loop);
}

static void test_extra_info(void)
{
    asy_loop *loop = rloop();
    server_template = (peer){0};
    int port;
    asy_server *s = start_server(loop, &port);
    peer *c = peer_new(loop, cli_log);
    asy_future *lost = asy_incref(c->lost);
    asy_transport *t = connect_peer(loop, port, c);
    asy_value v = asy_transport_get_extra_info(t, "peername", asy_none());
    char want[64];
    snprintf(want, sizeof want, "('127.0.0.1', %d)", port);
    CHECK_STR_EQ(ASY_STR(v), want);
    asy_value_decref(v);
    v = asy_transport_get_extra_info(t, "sockname", asy_none());
    CHECK(strncmp(ASY_STR(v), "('127.0.0.1', ", 14) == 0);
    asy_value_decref(v);
    v = asy_transport_get_extra_info(t, "socket", asy_none());
    CHECK_INT_EQ(v.kind, ASY_INT);
    v = asy_transport_get_extra_info(t, "cipher", asy_str("nope"));
    CHECK_STR_EQ(ASY_STR(v), "nope");
    asy_value_decref(v);
    size_t low, high;
    asy_transport_get_write_buffer_limits(t, &low, &high);
    CHECK_INT_EQ(low, 16384);
    CHECK_INT_EQ(high, 65536);
    asy_exc *e = asy_transport_set_write_buffer_limits(t, 1, 2);
    CHECK_STR_EQ(ASY_EXC_STR(e), "ValueError: high (1) must be >= low (2) must be >= 0");
    asy_decref(e);
    CHECK_NULL(asy_transport_set_write_buffer_limits(t, -1, 100));
    asy_transport_get_write_buffer_limits(t, &low, &high);
    CHECK_INT_EQ(low, 100);
    CHECK_INT_EQ(high, 400);
    CHECK(asy_transport_get_protocol(t) == c);
    asy_transport_close(t);
    asy_transport_close(t); /* twice is once */
    asy_result r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    CHECK_STR_EQ(cli_log, "made lost:None");
    v = asy_transport_get_extra_info(t, "socket", asy_none());
    CHECK(asy_is_none(v)); /* closed: no socket any more */
    asy_decref(lost);
    asy_decref(t);
    stop_server(loop, s);
    done_with(loop);
}

static void reset_fd(int fd)
{
    struct linger lg = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

/* A plain client socket connected to the server, and the server's peer. */
static int raw_client(asy_loop *loop, int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    asy_sockaddr a;
    CHECK_NULL(asy_sockaddr_resolve("127.0.0.1", port, &a));
    CHECK_FATAL(connect(fd, (struct sockaddr *)&a.ss, a.len) == 0);
    server_peer = NULL;
    for (int i = 0; i < 200 && (server_peer == NULL || server_peer->t == NULL); i++)
        settle(loop, 0.005);
    CHECK_FATAL(server_peer != NULL && server_peer->t != NULL);
    return fd;
}

static void test_peer_closes_then_reset(void)
{
    asy_loop *loop = rloop();
    server_template = (peer){0};
    int port;
    asy_server *s = start_server(loop, &port);
    /* closes: eof_received, then connection_lost(None) */
    int fd = raw_client(loop, port);
    asy_future *lost = asy_incref(server_peer->lost);
    CHECK_INT_EQ(send(fd, "bye", 3, 0), 3);
    close(fd);
    asy_result r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    asy_decref(lost);
    CHECK_STR_EQ(srv_log, "made data:bye eof lost:None");
    /* resets: connection_lost(ConnectionResetError), no eof, no report */
    srv_log[0] = '\0';
    fd = raw_client(loop, port);
    lost = asy_incref(server_peer->lost);
    reset_fd(fd);
    r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    asy_decref(lost);
    CHECK_STR_EQ(srv_log, "made lost:ConnectionResetError: [Errno 104] Connection reset by peer");
    CHECK_STR_EQ(trace, ""); /* an OSError is the connection's fate, not a bug */
    stop_server(loop, s);
    done_with(loop);
}

static void test_connection_refused(void)
{
    asy_loop *loop = rloop();
    int l = asy_socket_listen("127.0.0.1", 0, 1, NULL);
    asy_sockaddr a;
    CHECK_NULL(asy_sock_getsockname(l, &a));
    close(l);
    peer *c = peer_new(loop, cli_log);
    asy_result r = run(loop, asy_loop_create_connection(loop, &peer_protocol, c, "127.0.0.1", asy_sockaddr_port(&a)));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(asy_exc_is(r.exc, &asy_ConnectionRefusedError));
    asy_result_clear(&r);
    CHECK_STR_EQ(cli_log, "");      /* no callback at all */
    CHECK_INT_EQ(released, 1);  /* the protocol's self was given back */
    r = run(loop, asy_loop_create_connection(loop, &peer_protocol, NULL, "localhost", 80));
    CHECK(asy_exc_is(r.exc, &asy_gaierror));
    asy_result_clear(&r);
    r = run(loop, asy_loop_create_connection(loop, NULL, NULL, "127.0.0.1", 80));
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "TypeError: a protocol was expected, got NULL");
    asy_result_clear(&r);
    done_with(loop);
}

/* After the connection is lost, write() drops the data quietly; from the
 * fifth write on, each is reported as CPython logs it. */
static void test_closed_transport_refuses_writes(void)
{
    asy_loop *loop = rloop();
    server_template = (peer){0};
    int port;
    asy_server *s = start_server(loop, &port);
    peer *c = peer_new(loop, cli_log);
    asy_future *lost = asy_incref(c->lost);
    asy_transport *t = connect_peer(loop, port, c);
    asy_transport_abort(t);
    CHECK(asy_transport_is_closing(t));
    asy_result r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    CHECK_STR_EQ(cli_log, "made lost:None");
    for (int i = 0; i < 4; i++)
        CHECK_NULL(asy_transport_write(t, "x", 1));
    CHECK_STR_EQ(trace, "");
    CHECK_NULL(asy_transport_write(t, "x", 1));
    CHECK_NULL(asy_transport_write(t, "x", 1));
    CHECK_STR_EQ(trace, "[socket.send() raised exception.] [socket.send() raised exception.]");
    CHECK_INT_EQ(asy_transport_get_write_buffer_size(t), 0);
    asy_decref(lost);
    asy_decref(t);
    stop_server(loop, s);
    done_with(loop);
}

static void test_write_after_write_eof(void)
{
    asy_loop *loop = rloop();
    server_template = (peer){.keep_open = true};
    int port;
    asy_server *s = start_server(loop, &port);
    peer *c = peer_new(loop, cli_log);
    asy_future *lost = asy_incref(c->lost);
    asy_transport *t = connect_peer(loop, port, c);
    CHECK_NULL(asy_transport_write_eof(t));
    asy_exc *e = asy_transport_write(t, "x", 1);
    CHECK_STR_EQ(ASY_EXC_STR(e), "RuntimeError: Cannot call write() after write_eof()");
    asy_decref(e);
    /* the server keeps its side open after EOF (keep_open) and can still write */
    while (strstr(srv_log, "eof") == NULL)
        settle(loop, 0.005);
    CHECK_NULL(asy_transport_write(server_peer->t, "still here", 10));
    while (strstr(cli_log, "still here") == NULL)
        settle(loop, 0.005);
    asy_transport_close(server_peer->t);

    asy_result r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    CHECK_STR_EQ(cli_log, "made data:still here eof lost:None");
    CHECK_STR_EQ(srv_log, "made eof lost:None");
    asy_decref(lost);
    asy_decref(t);
    stop_server(loop, s);
    done_with(loop);
}

/* A fast writer, a peer that does not read: the buffer passes the high
 * mark (pause_writing), then the peer reads and it drains to the low mark
 * (resume_writing). Nothing blocks on the way. */
static void test_water_marks(void)
{
    asy_loop *loop = rloop();
    server_template = (peer){.pause_on_made = true, .quiet = true};
    int port;
    asy_server *s = start_server(loop, &port);
    peer *c = peer_new(loop, cli_log);
    c->quiet = true;
    asy_future *lost = asy_incref(c->lost);
    asy_transport *t = connect_peer(loop, port, c);
    CHECK_NULL(asy_transport_set_write_buffer_limits(t, 100000, 20000));
    while (server_peer == NULL || server_peer->t == NULL)
        settle(loop, 0.005);
    CHECK(!asy_transport_is_reading(server_peer->t));
    static char chunk[32768];
    memset(chunk, 'x', sizeof chunk);
    size_t sent = 0;
    while (c->paused == 0 && sent < (256u << 20)) {
        CHECK_NULL(asy_transport_write(t, chunk, sizeof chunk));
        sent += sizeof chunk;
    }
    CHECK_INT_EQ(c->paused, 1);
    CHECK(c->at_pause > 100000);
    CHECK(c->at_pause <= 100000 + sizeof chunk);
    CHECK_INT_EQ(asy_transport_get_write_buffer_size(t), c->at_pause);
    /* one more write while paused: buffered, no second pause_writing */
    CHECK_NULL(asy_transport_write(t, chunk, sizeof chunk));
    sent += sizeof chunk;
    CHECK_INT_EQ(c->paused, 1);
    settle(loop, 0.02); /* the peer still does not read: nothing drains */
    CHECK_INT_EQ(c->resumed, 0);
    CHECK_INT_EQ(server_peer->received, 0);
    asy_transport_resume_reading(server_peer->t);
    CHECK(asy_transport_is_reading(server_peer->t));
    while (c->resumed == 0)
        settle(loop, 0.005);
    CHECK(c->at_resume <= 20000);
    CHECK_STR_EQ(cli_log, "made pause_writing resume_writing");
    while (asy_transport_get_write_buffer_size(t) > 0 || server_peer->received < sent)
        settle(loop, 0.005);
    CHECK_INT_EQ(server_peer->received, sent); /* not a byte lost */
    asy_transport_close(t);
    asy_result r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    asy_decref(lost);
    asy_decref(t);
    stop_server(loop, s);
    done_with(loop);
}

/* close() called by resume_writing, from inside the transport's writer,
 * once the buffer is empty: connection_lost still comes exactly once
 * (CPython 3.11 calls it twice here, and fails the second time). */
static void test_close_in_resume_writing(void)
{
    asy_loop *loop = rloop();
    server_template = (peer){.quiet = true, .pause_on_made = true};
    int port;
    asy_server *s = start_server(loop, &port);
    peer *c = peer_new(loop, cli_log);
    c->quiet = true;
    c->close_on_resume = true;
    asy_future *lost = asy_incref(c->lost);
    asy_transport *t = connect_peer(loop, port, c);
    CHECK_NULL(asy_transport_set_write_buffer_limits(t, 1000, 0)); /* resume only when empty */
    while (server_peer == NULL || server_peer->t == NULL)
        settle(loop, 0.005);
    static char chunk[65536];
    size_t sent = 0;
    while (c->paused == 0) {
        CHECK_NULL(asy_transport_write(t, chunk, sizeof chunk));
        sent += sizeof chunk;
    }
    asy_future *slost = asy_incref(server_peer->lost);
    asy_transport_resume_reading(server_peer->t);
    asy_result r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    r = run(loop, asy_incref(slost));
    asy_result_clear(&r);
    settle(loop, 0.01);
    CHECK_INT_EQ(received_at_lost, sent);
    CHECK_STR_EQ(cli_log, "made pause_writing resume_writing lost:None");
    CHECK_STR_EQ(trace, "");
    asy_decref(slost);
    asy_decref(lost);
    asy_decref(t);
    stop_server(loop, s);
    done_with(loop);
}

/* close() with a full buffer: reading stops at once, the buffer is sent,
 * then connection_lost(None). */
static void test_close_flushes_first(void)
{
    asy_loop *loop = rloop();
    server_template = (peer){.quiet = true, .pause_on_made = true};
    int port;
    asy_server *s = start_server(loop, &port);
    peer *c = peer_new(loop, cli_log);
    c->quiet = true;
    asy_future *lost = asy_incref(c->lost);
    asy_transport *t = connect_peer(loop, port, c);
    while (server_peer == NULL || server_peer->t == NULL)
        settle(loop, 0.005);
    static char chunk[65536];
    size_t sent = 0;
    while (c->paused == 0) { /* past the high-water mark */
        CHECK_NULL(asy_transport_write(t, chunk, sizeof chunk));
        sent += sizeof chunk;
    }
    asy_transport_close(t);
    CHECK(asy_transport_is_closing(t));
    CHECK(!asy_transport_is_reading(t));
    settle(loop, 0.02);
    CHECK(!asy_future_done(lost)); /* still flushing: the peer does not read */
    asy_future *slost = asy_incref(server_peer->lost);
    asy_transport_resume_reading(server_peer->t);
    asy_result r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    r = run(loop, asy_incref(slost));
    asy_result_clear(&r);
    CHECK_INT_EQ(received_at_lost, sent); /* every byte went out before the close */
    CHECK_STR_EQ(cli_log, "made pause_writing resume_writing lost:None");
    CHECK_STR_EQ(srv_log, "made eof lost:None");
    asy_decref(slost);
    asy_decref(lost);
    asy_decref(t);
    stop_server(loop, s);
    done_with(loop);
}

static void test_pause_resume_reading(void)
{
    asy_loop *loop = rloop();
    server_template = (peer){0};
    int port;
    asy_server *s = start_server(loop, &port);
    peer *c = peer_new(loop, cli_log);
    asy_future *lost = asy_incref(c->lost);
    asy_transport *t = connect_peer(loop, port, c);
    while (server_peer == NULL || server_peer->t == NULL)
        settle(loop, 0.005);
    asy_transport_pause_reading(t);
    CHECK(!asy_transport_is_reading(t));
    asy_transport_pause_reading(t); /* twice is once */
    CHECK_NULL(asy_transport_write(server_peer->t, "ping", 4));
    settle(loop, 0.03);
    CHECK_STR_EQ(cli_log, "made"); /* paused: the data waits in the kernel */
    asy_transport_resume_reading(t);
    while (strstr(cli_log, "ping") == NULL)
        settle(loop, 0.005);
    CHECK_STR_EQ(cli_log, "made data:ping");
    asy_transport_close(t);
    asy_transport_resume_reading(t); /* closing: no effect */
    CHECK(!asy_transport_is_reading(t));
    asy_result r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    asy_decref(lost);
    asy_decref(t);
    stop_server(loop, s);
    done_with(loop);
}

/* A protocol callback that fails: reported, and the connection is closed
 * with that exception. */
static void test_failing_data_received(void)
{
    asy_loop *loop = rloop();
    server_template = (peer){.fail = asy_exc_new(&asy_ValueError, "boom")};
    int port;
    asy_server *s = start_server(loop, &port);
    int fd = raw_client(loop, port);
    asy_future *lost = asy_incref(server_peer->lost);
    CHECK_INT_EQ(send(fd, "x", 1, 0), 1);
    asy_result r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    CHECK_STR_EQ(srv_log, "made data:x lost:ValueError: boom");
    CHECK_STR_EQ(trace, "[Fatal error: protocol.data_received() call failed.: ValueError: boom]");
    char c;
    CHECK_INT_EQ(recv(fd, &c, 1, 0), 0); /* the server closed its end */
    close(fd);
    asy_decref(lost);
    stop_server(loop, s);
    done_with(loop);
}

/* wait_closed waits for the connections as well (Python 3.12). */
static void test_wait_closed_waits_for_connections(void)
{
    asy_loop *loop = rloop();
    server_template = (peer){0};
    int port;
    asy_server *s = start_server(loop, &port);
    peer *c = peer_new(loop, cli_log);
    asy_future *lost = asy_incref(c->lost);
    asy_transport *t = connect_peer(loop, port, c);
    while (server_peer == NULL || server_peer->t == NULL)
        settle(loop, 0.005);
    asy_server_close(s);
    CHECK(!asy_server_is_serving(s));
    CHECK_INT_EQ(asy_server_sockets(s, NULL, 0), 0);
    asy_task *w = asy_loop_create_task(loop, asy_server_wait_closed(s), NULL, NULL);
    settle(loop, 0.02);
    CHECK(!asy_future_done(&w->fut)); /* one connection still up */
    /* a new connection is refused: the listening socket is closed */
    asy_result r = run(loop, asy_loop_create_connection(loop, &peer_protocol, peer_new(loop, cli_log), "127.0.0.1", port));
    CHECK(asy_exc_is(r.exc, &asy_ConnectionRefusedError));
    asy_result_clear(&r);
    asy_transport_close(t);
    r = run(loop, asy_incref(w));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    CHECK(asy_future_done(lost));
    asy_decref(w);
    asy_decref(lost);
    asy_decref(t);
    r = run(loop, asy_server_wait_closed(s)); /* closed and idle: at once */
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    asy_decref(s);
    done_with(loop);
}

static void test_serve_forever_cancelled_closes(void)
{
    asy_loop *loop = rloop();
    server_template = (peer){0};
    int port;
    asy_server *s = start_server(loop, &port);
    asy_task *sf = asy_loop_create_task(loop, asy_server_serve_forever(s), NULL, NULL);
    settle(loop, 0.01);
    asy_result r = run(loop, asy_server_serve_forever(s));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK(strstr(ASY_EXC_STR(r.exc), "is already being awaited on serve_forever()") != NULL);
    asy_result_clear(&r);
    asy_task_cancel(sf, NULL);
    r = run(loop, asy_incref(sf));
    CHECK(asy_exc_is(r.exc, &asy_CancelledError));
    asy_result_clear(&r);
    CHECK(!asy_server_is_serving(s));
    r = run(loop, asy_server_serve_forever(s));
    CHECK(strstr(ASY_EXC_STR(r.exc), "is closed") != NULL);
    asy_result_clear(&r);
    asy_decref(sf);
    asy_decref(s);
    done_with(loop);
}

/* ---- chapter 28: pipe transports ---- */

static asy_transport *connect_pipe(asy_loop *loop, int fd, bool write, peer *p)
{
    asy_result r = run(loop, write ? asy_loop_connect_write_pipe(loop, &peer_protocol, p, fd)
                                   : asy_loop_connect_read_pipe(loop, &peer_protocol, p, fd));
    CHECK_FATAL(r.status == ASY_RETURNED);
    asy_transport *t = asy_incref(asy_value_transport(r.value));
    asy_result_clear(&r);
    return t;
}

static void test_read_pipe(void)
{
    asy_loop *loop = rloop();
    int fds[2];
    CHECK_FATAL(pipe2(fds, O_CLOEXEC) == 0);
    peer *c = peer_new(loop, cli_log);
    asy_future *lost = asy_incref(c->lost);
    asy_transport *t = connect_pipe(loop, fds[0], false, c);
    CHECK_STR_EQ(cli_log, "made"); /* connect_read_pipe returns after connection_made */
    CHECK(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
    char want[80];
    snprintf(want, sizeof want, "<_UnixReadPipeTransport fd=%d polling>", fds[0]);
    CHECK_STR_EQ(ASY_REPR(asy_obj_value(t)), want);
    asy_value v = asy_transport_get_extra_info(t, "pipe", asy_none());
    CHECK_INT_EQ(v.kind, ASY_INT);
    CHECK_INT_EQ(v.u.i, fds[0]);
    CHECK(asy_transport_is_reading(t));
    CHECK(!asy_transport_can_write_eof(t));
    asy_exc *e = asy_transport_write(t, "x", 1);
    CHECK(asy_exc_is(e, &asy_NotImplementedError));
    asy_decref(e);
    CHECK_INT_EQ(write(fds[1], "abc", 3), 3);
    settle(loop, 0.01);
    CHECK_STR_EQ(cli_log, "made data:abc");
    CHECK_INT_EQ(write(fds[1], "de", 2), 2);
    close(fds[1]); /* the writer goes: data, then EOF, then the end */
    asy_result r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    CHECK_STR_EQ(cli_log, "made data:abc data:de eof lost:None");
    CHECK(asy_transport_is_closing(t));
    CHECK(!asy_transport_is_reading(t));
    CHECK_STR_EQ(trace, "");
    asy_decref(lost);
    asy_decref(t);
    CHECK_INT_EQ(released, 1);
    done_with(loop); /* the read end is closed too */
}

static void test_read_pipe_pause_resume(void)
{
    asy_loop *loop = rloop();
    int fds[2];
    CHECK_FATAL(pipe2(fds, O_CLOEXEC) == 0);
    peer *c = peer_new(loop, cli_log);
    c->pause_on_made = true;
    asy_future *lost = asy_incref(c->lost);
    asy_transport *t = connect_pipe(loop, fds[0], false, c);
    CHECK(!asy_transport_is_reading(t));
    CHECK_INT_EQ(write(fds[1], "abc", 3), 3);
    settle(loop, 0.01);
    CHECK_STR_EQ(cli_log, "made"); /* paused: the bytes wait in the pipe */
    asy_transport_resume_reading(t);
    CHECK(asy_transport_is_reading(t));
    settle(loop, 0.01);
    CHECK_STR_EQ(cli_log, "made data:abc");
    asy_transport_pause_reading(t);
    close(fds[1]);
    settle(loop, 0.01);
    CHECK_STR_EQ(cli_log, "made data:abc"); /* not even the EOF while paused */
    asy_transport_resume_reading(t);
    asy_result r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    CHECK_STR_EQ(cli_log, "made data:abc eof lost:None");
    asy_decref(lost);
    asy_decref(t);
    done_with(loop);
}

/* Read what the pipe holds (fd non-blocking); the total. */
static size_t drain_fd(int fd)
{
    char buf[65536];
    size_t total = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        total += (size_t)n;
    return total;
}

static void test_write_pipe_water_marks(void)
{
    asy_loop *loop = rloop();
    int fds[2];
    CHECK_FATAL(pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
    peer *c = peer_new(loop, cli_log);
    c->quiet = true;
    asy_future *lost = asy_incref(c->lost);
    asy_transport *t = connect_pipe(loop, fds[1], true, c);
    CHECK(asy_transport_can_write_eof(t));
    CHECK(!asy_transport_is_reading(t));
    asy_transport_pause_reading(t); /* nothing to pause on a write pipe */
    asy_transport_resume_reading(t);
    size_t low, high;
    asy_transport_get_write_buffer_limits(t, &low, &high);
    CHECK_INT_EQ(low, 16384);
    CHECK_INT_EQ(high, 65536);
    static char big[300000];
    memset(big, 'x', sizeof big);
    CHECK_NULL(asy_transport_write(t, big, sizeof big));
    size_t buffered = asy_transport_get_write_buffer_size(t);
    CHECK(buffered > high && buffered < sizeof big); /* the pipe took some, not all */
    CHECK_INT_EQ(c->paused, 1);
    CHECK_INT_EQ(c->at_pause, buffered);
    char want[96];
    snprintf(want, sizeof want, "<_UnixWritePipeTransport fd=%d polling bufsize=%zu>", fds[1], buffered);
    CHECK_STR_EQ(ASY_REPR(asy_obj_value(t)), want);
    size_t got = 0;
    for (int i = 0; i < 1000 && c->resumed == 0; i++) {
        got += drain_fd(fds[0]);
        settle(loop, 0.001);
    }
    CHECK_INT_EQ(c->resumed, 1);
    CHECK(c->at_resume <= low);
    CHECK_STR_EQ(cli_log, "made pause_writing resume_writing");
    /* write_eof: close once flushed; the reader then sees EOF */
    CHECK_NULL(asy_transport_write_eof(t));
    CHECK(asy_transport_is_closing(t));
    CHECK_NULL(asy_transport_write(t, "late", 4)); /* dropped */
    for (int i = 0; i < 1000 && !asy_future_done(lost); i++) {
        got += drain_fd(fds[0]);
        settle(loop, 0.001);
    }
    got += drain_fd(fds[0]);
    CHECK_INT_EQ(got, sizeof big);
    CHECK_INT_EQ(read(fds[0], big, 1), 0); /* EOF: the write end is closed */
    CHECK_STR_EQ(cli_log, "made pause_writing resume_writing lost:None");
    CHECK_STR_EQ(trace, "");
    close(fds[0]);
    asy_decref(lost);
    asy_decref(t);
    done_with(loop);
}

static void test_write_pipe_epipe(void)
{
    asy_loop *loop = rloop();
    int fds[2];
    CHECK_FATAL(pipe2(fds, O_CLOEXEC) == 0);
    peer *c = peer_new(loop, cli_log);
    asy_future *lost = asy_incref(c->lost);
    asy_transport *t = connect_pipe(loop, fds[1], true, c);
    close(fds[0]); /* the reader goes */
    CHECK_NULL(asy_transport_write(t, "x", 1)); /* EPIPE, not SIGPIPE */
    CHECK(asy_transport_is_closing(t));
    asy_result r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    CHECK_STR_EQ(cli_log, "made lost:BrokenPipeError: [Errno 32] Broken pipe");
    CHECK_STR_EQ(trace, ""); /* an OSError is the connection's fate, not reported */
    CHECK_NULL(asy_transport_write(t, "y", 1)); /* dropped */
    CHECK_INT_EQ(asy_transport_get_write_buffer_size(t), 0);
    asy_decref(lost);
    asy_decref(t);
    done_with(loop);
}

/* The same EPIPE when the reader goes while the buffer waits: the writer
 * wakes (EPOLLERR) and its write fails. */
static void test_write_pipe_reader_goes_while_buffered(void)
{
    asy_loop *loop = rloop();
    int fds[2];
    CHECK_FATAL(pipe2(fds, O_CLOEXEC) == 0);
    peer *c = peer_new(loop, cli_log);
    c->quiet = true;
    asy_future *lost = asy_incref(c->lost);
    asy_transport *t = connect_pipe(loop, fds[1], true, c);
    static char big[200000];
    CHECK_NULL(asy_transport_write(t, big, sizeof big));
    CHECK(asy_transport_get_write_buffer_size(t) > 64 * 1024);
    asy_transport_close(t); /* flush first: waits for a reader that never reads */
    settle(loop, 0.01);
    CHECK_STR_EQ(cli_log, "made pause_writing");
    close(fds[0]);
    asy_result r = run(loop, asy_incref(lost));
    asy_result_clear(&r);
    CHECK_STR_EQ(cli_log, "made pause_writing lost:BrokenPipeError: [Errno 32] Broken pipe");
    asy_decref(lost);
    asy_decref(t);
    done_with(loop);
}

static void test_pipe_bad_arguments(void)
{
    asy_loop *loop = rloop();
    /* a regular file is no pipe: ValueError; the descriptor and self are
     * the coroutine's, released */
    FILE *f = tmpfile();
    CHECK_FATAL(f != NULL);
    peer *c = peer_new(loop, cli_log);
    asy_result r = run(loop, asy_loop_connect_read_pipe(loop, &peer_protocol, c, dup(fileno(f))));
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "ValueError: Pipe transport is for pipes/sockets only.");
    asy_result_clear(&r);
    c = peer_new(loop, cli_log);
    r = run(loop, asy_loop_connect_write_pipe(loop, &peer_protocol, c, dup(fileno(f))));
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "ValueError: Pipe transport is only for pipes, sockets and character devices");
    asy_result_clear(&r);
    CHECK_INT_EQ(released, 2);
    fclose(f);
    r = run(loop, asy_loop_connect_read_pipe(loop, NULL, NULL, -1));
    CHECK_STR_EQ(ASY_EXC_STR(r.exc), "TypeError: a protocol was expected, got NULL");
    asy_result_clear(&r);
    c = peer_new(loop, cli_log);
    r = run(loop, asy_loop_connect_write_pipe(loop, &peer_protocol, c, -1));
    CHECK(asy_exc_is(r.exc, &asy_OSError));
    asy_result_clear(&r);
    CHECK_STR_EQ(cli_log, "");
    done_with(loop);
}

/* Chapter 27's streams over pipe transports: StreamReaderProtocol(reader)
 * on a read pipe, StreamWriter(transport, protocol, None) on a write
 * pipe, the two ends of one pipe. */
typedef struct {
    asy_coro co;
    int fds[2];
    asy_stream_reader *r;   /* owned */
    asy_stream_writer *w;   /* owned */
    asy_transport *rt, *wt; /* owned */
    void *wp;               /* the writer's protocol (the transport's) */
} spipe_frame;

static asy_status spipe_body(asy_coro *co)
{
    spipe_frame *f = (spipe_frame *)co;
    asy_exc *err = NULL;
    ASY_BEGIN(co);
    f->r = asy_stream_reader_new(0);
    {
        void *p = asy_stream_reader_protocol_new(asy_get_running_loop(NULL), f->r, &err);
        CHECK_NULL(err);
        ASY_AWAIT(co, asy_loop_connect_read_pipe(NULL, &asy_stream_reader_protocol, p, f->fds[0]));
        f->rt = asy_incref(asy_value_transport(ASY_SENT(co)));
        f->wp = asy_stream_reader_protocol_new(asy_get_running_loop(NULL), NULL, &err);
        ASY_AWAIT(co, asy_loop_connect_write_pipe(NULL, &asy_stream_reader_protocol, f->wp, f->fds[1]));
        f->wt = asy_incref(asy_value_transport(ASY_SENT(co)));
    }
    /* StreamWriter checks that the protocol is the transport's */
    CHECK(asy_stream_writer_new(f->wt, asy_transport_get_protocol(f->rt), NULL, &err) == NULL);
    CHECK_STR_EQ(ASY_EXC_STR(err), "TypeError: the protocol must be the transport's StreamReaderProtocol");
    asy_decref(err);
    CHECK(asy_stream_writer_new(NULL, f->wp, NULL, &err) == NULL);
    CHECK_STR_EQ(ASY_EXC_STR(err), "TypeError: a transport was expected, got NULL");
    asy_decref(err);
    CHECK(asy_stream_reader_protocol_new(NULL, NULL, &err) == NULL);
    CHECK_STR_EQ(ASY_EXC_STR(err), "TypeError: a loop was expected, got NULL");
    asy_decref(err);
    f->w = asy_stream_writer_new(f->wt, f->wp, NULL, &err);
    CHECK_FATAL(f->w != NULL && err == NULL);
    CHECK(asy_stream_writer_can_write_eof(f->w));
    CHECK_NULL(asy_stream_writer_write(f->w, "one\ntwo\n", 8));
    ASY_AWAIT(co, asy_stream_writer_drain(f->w));
    ASY_AWAIT(co, asy_stream_reader_readline(f->r));
    CHECK_STR_EQ(ASY_REPR(ASY_SENT(co)), "b'one\\n'");
    CHECK_NULL(asy_stream_writer_write_eof(f->w)); /* a pipe's EOF: the write end closes */
    ASY_AWAIT(co, asy_stream_writer_wait_closed(f->w));
    ASY_AWAIT(co, asy_stream_reader_read(f->r, -1));
    CHECK_STR_EQ(ASY_REPR(ASY_SENT(co)), "b'two\\n'");
    CHECK(asy_stream_reader_at_eof(f->r));
    ASY_AWAIT(co, asy_sleep(0, asy_none())); /* the read pipe's connection_lost */
    CHECK(asy_transport_is_closing(f->rt));
    ASY_END(co);
}

static void spipe_clear(asy_gen *g)
{
    spipe_frame *f = (spipe_frame *)g;
    asy_decref(f->r);
    asy_decref(f->w);
    asy_decref(f->rt);
    asy_decref(f->wt);
    f->r = NULL;
    f->w = NULL;
    f->rt = f->wt = NULL;
}

static void test_streams_over_pipes(void)
{
    asy_loop *loop = rloop();
    spipe_frame *f = ASY_CORO_NEW(spipe_frame, spipe_body, "main");
    asy_gen_set_clear(&f->co, spipe_clear);
    CHECK_FATAL(pipe2(f->fds, O_CLOEXEC) == 0);
    asy_result r = run(loop, &f->co);
    if (r.status == ASY_RAISED)
        CHECK_MSG(false, "raised %s", ASY_EXC_STR(r.exc));
    asy_result_clear(&r);
    settle(loop, 0);
    CHECK_STR_EQ(trace, "");
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"echo: both sides' callbacks in order", test_echo_callbacks_in_order},
        {"get_extra_info, write-buffer limits, close twice", test_extra_info},
        {"a peer closes (eof, lost None), a peer resets (lost ConnectionResetError)", test_peer_closes_then_reset},
        {"create_connection refused; bad arguments", test_connection_refused},
        {"a closed transport refuses writes, warning from the fifth", test_closed_transport_refuses_writes},
        {"write after write_eof; a half-closed peer still writes", test_write_after_write_eof},
        {"water marks: pause_writing above high, resume_writing at low", test_water_marks},
        {"close flushes the buffer first", test_close_flushes_first},
        {"close() inside resume_writing: connection_lost once", test_close_in_resume_writing},
        {"pause_reading / resume_reading", test_pause_resume_reading},
        {"a failing data_received is reported and closes", test_failing_data_received},
        {"wait_closed waits for the connections", test_wait_closed_waits_for_connections},
        {"serve_forever: once at a time; cancelled, it closes", test_serve_forever_cancelled_closes},
        {"pipes: a read pipe reads, EOF gives eof_received then connection_lost", test_read_pipe},
        {"pipes: pause_reading / resume_reading on a read pipe", test_read_pipe_pause_resume},
        {"pipes: a write pipe's buffer and water marks; write_eof closes after the flush", test_write_pipe_water_marks},
        {"pipes: EPIPE is connection_lost(BrokenPipeError)", test_write_pipe_epipe},
        {"pipes: the reader goes while the buffer waits", test_write_pipe_reader_goes_while_buffered},
        {"pipes: not a pipe, NULL protocol, bad descriptor", test_pipe_bad_arguments},
        {"pipes: StreamReader and StreamWriter over pipe transports", test_streams_over_pipes},
        {NULL, NULL},
    };
    return check_main("transport", tests, argc, argv);
}
