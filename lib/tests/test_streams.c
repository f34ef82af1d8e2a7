/*
 * test_streams.c - asyncio streams (chapter 27). The StreamReader alone on
 * the virtual clock: each read's result and what it leaves in the buffer,
 * waiting for data, EOF, IncompleteReadError, LimitOverrunError (both
 * messages, .consumed, the bytes left in place) and readline's ValueError,
 * one waiter at a time, set_exception waking the waiter, and a fuzz test
 * feeding one byte stream in random splits. Then real loopback sockets:
 * start_server + open_connection echo, write_eof seen as EOF by the peer,
 * drain waiting at the high-water mark, a reset peer. Every test ends with
 * nothing scheduled and nothing leaked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "asyncgen.h"
#include "check.h"
#include "lock.h" /* ASY_RAISE_IF */
#include "streams.h"
#include "task.h"
#include "trace.h"
#include "wait_for.h"

static asy_loop *vloop(void)
{
    trace_reset();
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    CHECK_FATAL(loop != NULL);
    return loop;
}

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

/* Run a read to its end; its result (repr) or its exception (type: msg). */
static const char *outcome(asy_loop *loop, asy_coro *co, char *buf, size_t size)
{
    asy_result r = asy_loop_run_until_complete(loop, co);
    if (r.status == ASY_RETURNED)
        asy_value_format(r.value, buf, size, true);
    else
        asy_exc_format(r.exc, buf, size);
    asy_result_clear(&r);
    return buf;
}
#define OUT(loop, co) outcome((loop), (co), (char[512]){0}, 512)

static void feed(asy_stream_reader *r, const char *s) { CHECK_NULL(asy_stream_reader_feed_data(r, s, strlen(s))); }

static void test_reads_from_a_filled_buffer(void)
{
    asy_loop *loop = vloop();
    asy_stream_reader *r = asy_stream_reader_new(0);
    CHECK_INT_EQ(asy_stream_reader_limit(r), 65536);
    feed(r, "hello\nworld\nabcdefgh");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readline(r)), "b'hello\\n'");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readuntil(r, "ld", 2)), "b'world'");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_read(r, 0)), "b''");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_read(r, 2)), "b'\\na'");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readexactly(r, 3)), "b'bcd'");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readexactly(r, 0)), "b''");
    CHECK_INT_EQ(asy_stream_reader_buffered(r), 4);
    CHECK(!asy_stream_reader_at_eof(r));
    asy_stream_reader_feed_eof(r);
    CHECK(!asy_stream_reader_at_eof(r)); /* eof, but bytes are left */
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_read(r, 100)), "b'efgh'");
    CHECK(asy_stream_reader_at_eof(r));
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_read(r, 100)), "b''");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_read(r, -1)), "b''");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readline(r)), "b''");
    CHECK_STR_EQ(ASY_STR(asy_obj_value(r)), "<StreamReader eof>");
    asy_exc *e = asy_stream_reader_feed_data(r, "x", 1);
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "none", "RuntimeError: feed_data after feed_eof");
    asy_decref(e);
    e = asy_stream_reader_feed_data(NULL, "x", 1);
    CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "none", "TypeError: a StreamReader was expected, got NULL");
    asy_decref(e);
    asy_decref(r);
    done_with(loop);
}

static void test_bad_arguments_raise_at_the_await(void)
{
    asy_loop *loop = vloop();
    asy_stream_reader *r = asy_stream_reader_new(0);
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readexactly(r, -1)),
                 "ValueError: readexactly size can not be less than zero");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readuntil(r, "", 0)),
                 "ValueError: Separator should be at least one-byte string");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readline(NULL)),
                 "TypeError: a StreamReader was expected, got NULL");
    CHECK_STR_EQ(OUT(loop, asy_stream_writer_drain(NULL)), "TypeError: a StreamWriter was expected, got NULL");
    asy_decref(r);
    done_with(loop);
}

/* A callback that feeds a reader later, on the virtual clock. */
typedef struct {
    asy_stream_reader *r;
    const char *data; /* NULL: feed_eof */
} feeding;

static asy_exc *feed_cb(asy_value arg)
{
    feeding *fd = arg.u.p;
    note("feed@%g", asy_loop_time(asy_get_running_loop(NULL)));
    if (fd->data == NULL) {
        asy_stream_reader_feed_eof(fd->r);
        return NULL;
    }
    return asy_stream_reader_feed_data(fd->r, fd->data, strlen(fd->data));
}

static void later(asy_loop *loop, double t, feeding *fd)
{
    asy_decref(asy_loop_call_later(loop, t, feed_cb, asy_ptr(fd), NULL));
}

static void test_reads_wait_for_data_and_eof(void)
{
    asy_loop *loop = vloop();
    asy_stream_reader *r = asy_stream_reader_new(0);
    feeding a = {r, "hel"}, b = {r, "lo\nwor"}, c = {r, "ld"}, eof = {r, NULL};
    later(loop, 1, &a);
    later(loop, 2, &b);
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readline(r)), "b'hello\\n'");
    CHECK_DBL_NEAR(asy_loop_time(loop), 2, 1e-9);
    later(loop, 1, &c);
    later(loop, 2, &eof);
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_read(r, -1)), "b'world'");
    CHECK_DBL_NEAR(asy_loop_time(loop), 4, 1e-9);
    CHECK_STR_EQ(trace, "feed@1 feed@2 feed@3 feed@4");
    asy_decref(r);
    done_with(loop);
}

static void test_incomplete_read_error(void)
{
    asy_loop *loop = vloop();
    asy_stream_reader *r = asy_stream_reader_new(0);
    feeding eof = {r, NULL};
    feed(r, "abc");
    later(loop, 1, &eof);
    asy_result res = asy_loop_run_until_complete(loop, asy_stream_reader_readexactly(r, 5));
    CHECK_FATAL(res.status == ASY_RAISED);
    CHECK(asy_exc_is(res.exc, &asy_EOFError));
    CHECK_STR_EQ(ASY_EXC_STR(res.exc), "IncompleteReadError: 3 bytes read on a total of 5 expected bytes");
    CHECK_STR_EQ(ASY_REPR(asy_incomplete_read_partial(res.exc)), "b'abc'");
    CHECK_INT_EQ(asy_incomplete_read_expected(res.exc), 5);
    asy_result_clear(&res);
    CHECK_INT_EQ(asy_stream_reader_buffered(r), 0); /* the partial bytes went with the error */
    asy_decref(r);

    r = asy_stream_reader_new(0);
    feed(r, "no end");
    asy_stream_reader_feed_eof(r);
    res = asy_loop_run_until_complete(loop, asy_stream_reader_readuntil(r, "!", 1));
    CHECK_FATAL(res.status == ASY_RAISED);
    CHECK_STR_EQ(ASY_EXC_STR(res.exc), "IncompleteReadError: 6 bytes read on a total of undefined expected bytes");
    CHECK_INT_EQ(asy_incomplete_read_expected(res.exc), -1);
    asy_result_clear(&res);
    asy_decref(r);
    done_with(loop);
}

static void test_limit_overrun_keeps_the_bytes_readline_drops_them(void)
{
    asy_loop *loop = vloop();
    asy_stream_reader *r = asy_stream_reader_new(5);
    CHECK_STR_EQ(ASY_STR(asy_obj_value(r)), "<StreamReader limit=5>");
    feed(r, "abcdefgh");
    /* not found: offset = buflen + 1 - seplen = 8 > 5 */
    asy_result res = asy_loop_run_until_complete(loop, asy_stream_reader_readuntil(r, "\n", 1));
    CHECK_FATAL(res.status == ASY_RAISED);
    CHECK_STR_EQ(ASY_EXC_STR(res.exc), "LimitOverrunError: Separator is not found, and chunk exceed the limit");
    CHECK_INT_EQ(asy_limit_overrun_consumed(res.exc), 8);
    asy_result_clear(&res);
    CHECK_INT_EQ(asy_stream_reader_buffered(r), 8); /* still there */
    feed(r, "\nxy\n");
    /* found at 8 > 5 */
    res = asy_loop_run_until_complete(loop, asy_stream_reader_readuntil(r, "\n", 1));
    CHECK_FATAL(res.status == ASY_RAISED);
    CHECK_STR_EQ(ASY_EXC_STR(res.exc), "LimitOverrunError: Separator is found, but chunk is longer than limit");
    CHECK_INT_EQ(asy_limit_overrun_consumed(res.exc), 8);
    asy_result_clear(&res);
    CHECK_INT_EQ(asy_stream_reader_buffered(r), 12);
    /* readline: drops through the newline, ValueError, the next line is fine */
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readline(r)),
                 "ValueError: Separator is found, but chunk is longer than limit");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readline(r)), "b'xy\\n'");
    /* not found: readline drops the whole buffer */
    feed(r, "0123456789");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readline(r)),
                 "ValueError: Separator is not found, and chunk exceed the limit");
    CHECK_INT_EQ(asy_stream_reader_buffered(r), 0);
    /* a line of exactly limit bytes before the separator is fine (isep == limit) */
    feed(r, "01234\n");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readline(r)), "b'01234\\n'");
    asy_decref(r);
    done_with(loop);
}

/* Two readers of one stream: the second one to wait is refused. */
static asy_stream_reader *shared;

typedef struct {
    asy_coro co;
    const char *name;
} waiter_frame;

static asy_status waiter_body(asy_coro *co)
{
    waiter_frame *f = (waiter_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_stream_reader_readexactly(shared, 2));
    if (ASY_EXC(co) != NULL) {
        asy_exc *e = ASY_CATCH(co);
        note("%s:%s", f->name, ASY_EXC_STR(e));
        asy_decref(e);
    } else {
        note("%s:%s", f->name, ASY_REPR(ASY_SENT(co)));
    }
    ASY_END(co);
}

static asy_task *waiter(asy_loop *loop, const char *name)
{
    waiter_frame *f = ASY_CORO_NEW(waiter_frame, waiter_body, name);
    f->name = name;
    return asy_loop_create_task(loop, &f->co, name, NULL);
}

static void run_tasks(asy_loop *loop, asy_task **t, int n)
{
    for (int i = 0; i < n; i++) {
        asy_result r = asy_loop_run_until_complete(loop, t[i]);
        asy_result_clear(&r);
    }
}

static void test_one_waiter_at_a_time(void)
{
    asy_loop *loop = vloop();
    shared = asy_stream_reader_new(0);
    feeding a = {shared, "ok"};
    later(loop, 1, &a);
    asy_task *t[2] = {waiter(loop, "w1"), waiter(loop, "w2")};
    run_tasks(loop, t, 2);
    CHECK_STR_EQ(trace,
                 "w2:RuntimeError: readexactly() called while another coroutine is already waiting for incoming data "
                 "feed@1 w1:b'ok'");
    asy_decref(shared);
    done_with(loop);
}

static void test_set_exception_wakes_the_waiter_and_stays(void)
{
    asy_loop *loop = vloop();
    shared = asy_stream_reader_new(0);
    asy_task *t = waiter(loop, "w");
    asy_exc *boom = asy_exc_new(&asy_ConnectionResetError, "[Errno 104] Connection reset by peer");
    asy_decref(asy_loop_run_once(loop)); /* w starts waiting */
    CHECK_NOT_NULL(shared->waiter);
    asy_stream_reader_set_exception(shared, boom);
    run_tasks(loop, &t, 1);
    CHECK_STR_EQ(trace, "w:ConnectionResetError: [Errno 104] Connection reset by peer");
    CHECK(asy_stream_reader_exception(shared) == boom);
    feed(shared, "late");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_read(shared, 10)),
                 "ConnectionResetError: [Errno 104] Connection reset by peer");
    asy_decref(boom);
    asy_decref(shared);
    done_with(loop);
}

static void test_cancelled_read_leaves_the_reader_usable(void)
{
    asy_loop *loop = vloop();
    shared = asy_stream_reader_new(0);
    asy_task *t = waiter(loop, "w");
    asy_decref(asy_loop_run_once(loop));
    asy_task_cancel(t, NULL);
    run_tasks(loop, &t, 1);
    CHECK_STR_EQ(trace, "w:CancelledError");
    CHECK_NULL(shared->waiter);
    feed(shared, "ab");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readexactly(shared, 2)), "b'ab'");
    asy_decref(shared);
    done_with(loop);
}

/* async for line in reader: ... */
typedef struct {
    asy_coro co;
    asy_stream_reader *r;
} for_frame;

static asy_status for_body(asy_coro *co)
{
    for_frame *f = (for_frame *)co;
    ASY_BEGIN(co);
    ASY_ASYNC_FOR(co, f->r) {
        note("%s", ASY_REPR(ASY_SENT(co)));
    } ASY_ASYNC_FOR_END(co);
    note("end");
    ASY_END(co);
}

static void test_async_for_over_the_lines(void)
{
    asy_loop *loop = vloop();
    asy_stream_reader *r = asy_stream_reader_new(0);
    feeding a = {r, "a\nb"}, b = {r, "\nc"}, eof = {r, NULL};
    later(loop, 1, &a);
    later(loop, 2, &b);
    later(loop, 3, &eof);
    for_frame *f = ASY_CORO_NEW(for_frame, for_body, "lines");
    f->r = r;
    asy_result res = asy_loop_run_until_complete(loop, &f->co);
    CHECK(res.status == ASY_RETURNED);
    asy_result_clear(&res);
    CHECK_STR_EQ(trace, "feed@1 b'a\\n' feed@2 b'b\\n' feed@3 b'c' end");
    /* __anext__ at EOF, again: StopAsyncIteration */
    CHECK_STR_EQ(OUT(loop, asy_anext(r)), "StopAsyncIteration");
    asy_decref(r);
    done_with(loop);
}

static void test_a_silent_peer_under_wait_for(void)
{
    asy_loop *loop = vloop();
    asy_stream_reader *r = asy_stream_reader_new(0);
    CHECK_STR_EQ(OUT(loop, asy_wait_for(asy_stream_reader_readline(r), 1.5)), "TimeoutError");
    CHECK_DBL_NEAR(asy_loop_time(loop), 1.5, 1e-9);
    CHECK_NULL(r->waiter); /* the cancelled read left no waiter behind */
    feed(r, "late\n");
    CHECK_STR_EQ(OUT(loop, asy_stream_reader_readline(r)), "b'late\\n'");
    asy_decref(r);
    done_with(loop);
}

/* ---- fuzz: the same bytes in any split give the same reads ------------ */

static unsigned long long rng_state;
static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((rng_state >> 33) % n);
}

/* The script: readline, readuntil("<>"), readexactly(7), over and over,
 * until EOF; every result and error is noted. A task drives it. These
 * three answer the same whatever the split; read(n) does not (it returns
 * what has come so far), nor does a LimitOverrunError (whether the
 * separator had arrived when the buffer passed the limit), in CPython too,
 * so the fuzz keeps to lines under the limit. */
typedef struct {
    asy_coro co;
    asy_stream_reader *r;
    int step;
} script_frame;

static asy_coro *script_op(asy_stream_reader *r, int step)
{
    switch (step % 3) {
    case 0:
        return asy_stream_reader_readline(r);
    case 1:
        return asy_stream_reader_readuntil(r, "<>", 2);
    default:
        return asy_stream_reader_readexactly(r, 7);
    }
}

static asy_status script_body(asy_coro *co)
{
    script_frame *f = (script_frame *)co;
    ASY_BEGIN(co);
    for (f->step = 0; !asy_stream_reader_at_eof(f->r); f->step++) {
        ASY_AWAIT_TRY(co, script_op(f->r, f->step));
        if (ASY_EXC(co) != NULL) {
            asy_exc *e = ASY_CATCH(co);
            note("%s", ASY_EXC_STR(e));
            asy_decref(e);
        } else {
            note("%s", ASY_REPR(ASY_SENT(co)));
        }
    }
    ASY_END(co);
}

/* The stream: lines, separators, bytes that need escapes, a NUL. */
static char stream[600];
static size_t stream_len;

static void make_stream(void)
{
    stream_len = 0;
    const char *parts[] = {"first line\n", "up to<>", "exactly", "read5", "x\n", "a<b>c<>", "1234567",
                           "abc", "y\n", "tail<", ">done<>", "NNNNNNN", "\xff\x00\n\t", "\n"};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        size_t n = strlen(parts[i]);
        if (i == 12)
            n = 4; /* holds a NUL */
        memcpy(stream + stream_len, parts[i], n);
        stream_len += n;
    }
    memset(stream + stream_len, 'L', 100);
    stream_len += 100;
    memcpy(stream + stream_len, "\nend<>x", 7);
    stream_len += 7;
}

static void run_split(char *out, size_t size, const size_t *cuts, size_t ncuts)
{
    asy_loop *loop = vloop();
    script_frame *f = ASY_CORO_NEW(script_frame, script_body, "script");
    f->r = asy_stream_reader_new(0);
    asy_stream_reader *r = f->r;
    asy_task *t = asy_loop_create_task(loop, &f->co, NULL, NULL);
    size_t prev = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : stream_len;
        /* let the script run until it waits, then feed the next piece */
        for (int k = 0; k < 3; k++)
            asy_decref(asy_loop_run_once(loop));
        CHECK_NULL(asy_stream_reader_feed_data(r, stream + prev, end - prev));
        prev = end;
    }
    asy_stream_reader_feed_eof(r);
    asy_result res = asy_loop_run_until_complete(loop, t);
    asy_result_clear(&res);
    snprintf(out, size, "%s", trace);
    asy_decref(r);
    done_with(loop);
}

static void test_fuzz_random_splits_give_the_same_reads(void)
{
    make_stream();
    static char whole[4096], other[4096];
    run_split(whole, sizeof whole, NULL, 0);
    /* the reference, fed at once: what CPython's StreamReader gives */
    CHECK_STR_EQ(whole, "b'first line\\n' b'up to<>' b'exactly' b'read5x\\n' b'a<b>c<>' b'1234567' b'abcy\\n' b'tail<>' b'done<>N' b'NNNNNN\\xff\\x00\\n' b'\\t\\n"
                              "LLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLLL"
                              "\\nend<>' IncompleteReadError: 1 bytes read on a total of 7 expected bytes");
    rng_state = 42;
    for (int trial = 0; trial < 300; trial++) {
        size_t cuts[40], ncuts = 1 + rnd(trial % 3 == 0 ? 39 : 8);
        for (size_t i = 0; i < ncuts; i++)
            cuts[i] = 1 + rnd((unsigned)stream_len - 1);
        /* sort, drop repeats */
        for (size_t i = 1; i < ncuts; i++)
            for (size_t j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
                size_t x = cuts[j];
                cuts[j] = cuts[j - 1];
                cuts[j - 1] = x;
            }
        size_t k = 0;
        for (size_t i = 0; i < ncuts; i++)
            if (k == 0 || cuts[i] != cuts[k - 1])
                cuts[k++] = cuts[i];
        run_split(other, sizeof other, cuts, k);
        if (strcmp(whole, other) != 0) {
            CHECK_STR_EQ(other, whole);
            break;
        }
    }
}


/* ---- over real loopback sockets ---------------------------------------- */

#include <dirent.h>

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

static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    note("[%s%s%s]", ctx->message, ctx->exception ? ": " : "", ctx->exception ? ASY_EXC_STR(ctx->exception) : "");
}

static int fds_at_start;

static asy_loop *rloop(void)
{
    trace_reset();
    fds_at_start = count_fds();
    asy_loop *loop = asy_loop_new(NULL, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    return loop;
}

static void rdone(asy_loop *loop)
{
    done_with(loop);
    CHECK_INT_EQ(count_fds(), fds_at_start);
}

static int server_port(asy_value server)
{
    int fd;
    asy_sockaddr a;
    if (asy_server_sockets(asy_value_server(server), &fd, 1) != 1 || asy_sock_getsockname(fd, &a) != NULL)
        return -1;
    return asy_sockaddr_port(&a);
}

/* The server side of the echo: every line back, upper-cased after "up ",
 * until EOF; then "bye\n", and close.
 *     async def handle(reader, writer):
 *         async for line in reader:
 *             writer.write(line); await writer.drain()
 *         writer.write(b'bye\n'); writer.close(); await writer.wait_closed() */
typedef struct {
    asy_coro co;
    asy_stream_reader *r;
    asy_stream_writer *w;
} handler_frame;

static asy_status echo_handler_body(asy_coro *co)
{
    handler_frame *f = (handler_frame *)co;
    ASY_BEGIN(co);
    for (;;) {
        ASY_AWAIT(co, asy_stream_reader_readline(f->r));
        if (asy_bytes_len(ASY_SENT(co)) == 0)
            break;
        note("srv:%s", ASY_REPR(ASY_SENT(co)));
        ASY_RAISE_IF(co, asy_stream_writer_write(f->w, asy_bytes_data(ASY_SENT(co)), asy_bytes_len(ASY_SENT(co))));
        ASY_AWAIT(co, asy_stream_writer_drain(f->w));
    }
    note("srv:eof at_eof=%d", asy_stream_reader_at_eof(f->r));
    ASY_RAISE_IF(co, asy_stream_writer_write(f->w, "bye\n", 4));
    asy_stream_writer_close(f->w);
    CHECK(asy_stream_writer_is_closing(f->w));
    ASY_AWAIT(co, asy_stream_writer_wait_closed(f->w));
    note("srv:closed");
    ASY_END(co);
}

static void handler_clear(asy_gen *g)
{
    handler_frame *f = (handler_frame *)g;
    asy_decref(f->r);
    asy_decref(f->w);
    f->r = NULL;
    f->w = NULL;
}

static asy_coro *echo_handler(asy_stream_reader *r, asy_stream_writer *w, void *arg)
{
    (void)arg;
    handler_frame *f = ASY_CORO_NEW(handler_frame, echo_handler_body, "handle_echo");
    asy_gen_set_clear(&f->co, handler_clear);
    f->r = asy_incref(r);
    f->w = asy_incref(w);
    return &f->co;
}

static const asy_stream_handler echo = {echo_handler, NULL, 0};

typedef struct {
    asy_coro co;
    asy_value server;
    asy_stream_reader *r;
    asy_stream_writer *w;
} client_frame;

static void client_clear(asy_gen *g)
{
    client_frame *f = (client_frame *)g;
    asy_value_clear(&f->server);
    asy_decref(f->r);
    asy_decref(f->w);
    f->r = NULL;
    f->w = NULL;
}

static asy_status echo_client_body(asy_coro *co)
{
    client_frame *f = (client_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_start_server(&echo, "127.0.0.1", 0));
    f->server = asy_value_incref(ASY_SENT(co));
    ASY_AWAIT(co, asy_open_connection("127.0.0.1", server_port(f->server), 0));
    CHECK(asy_stream_pair(ASY_SENT(co), &f->r, &f->w));
    CHECK(asy_stream_writer_can_write_eof(f->w));
    {
        asy_value peer = asy_stream_writer_get_extra_info(f->w, "peername", asy_none());
        char want[64];
        snprintf(want, sizeof want, "('127.0.0.1', %d)", server_port(f->server));
        CHECK_STR_EQ(ASY_STR(peer), want);
        asy_value_decref(peer);
        asy_value bad[2] = {asy_bytes("x", 1), asy_int(1)};
        asy_exc *e = asy_stream_writer_writelines(f->w, bad, 2); /* nothing is written */
        CHECK_STR_EQ(e ? ASY_EXC_STR(e) : "none",
                     "TypeError: sequence item 1: expected a bytes-like object, int found");
        asy_decref(e);
        asy_value_decref(bad[0]);
        asy_value items[2] = {asy_bytes("hel", 3), asy_bytes("lo\nsecond\n", 10)};
        ASY_RAISE_IF(co, asy_stream_writer_writelines(f->w, items, 2));
        asy_value_decref(items[0]);
        asy_value_decref(items[1]);
    }
    ASY_AWAIT(co, asy_stream_writer_drain(f->w));
    ASY_AWAIT(co, asy_stream_reader_readline(f->r));
    note("cli:%s", ASY_REPR(ASY_SENT(co)));
    ASY_AWAIT(co, asy_stream_reader_readexactly(f->r, 7));
    note("cli:%s", ASY_REPR(ASY_SENT(co)));
    ASY_RAISE_IF(co, asy_stream_writer_write_eof(f->w));
    ASY_AWAIT(co, asy_stream_reader_read(f->r, -1)); /* the server's bye, then EOF */
    note("cli:%s at_eof=%d", ASY_REPR(ASY_SENT(co)), asy_stream_reader_at_eof(f->r));
    asy_stream_writer_close(f->w);
    ASY_AWAIT(co, asy_stream_writer_wait_closed(f->w));
    asy_server_close(asy_value_server(f->server));
    ASY_AWAIT(co, asy_server_wait_closed(asy_value_server(f->server)));
    note("cli:done");
    ASY_END(co);
}

static void test_echo_over_streams(void)
{
    asy_loop *loop = rloop();
    client_frame *f = ASY_CORO_NEW(client_frame, echo_client_body, "main");
    asy_gen_set_clear(&f->co, client_clear);
    asy_result r = asy_loop_run_until_complete(loop, &f->co);
    if (r.status == ASY_RAISED)
        note("raised %s", ASY_EXC_STR(r.exc));
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "srv:b'hello\\n' srv:b'second\\n' cli:b'hello\\n' cli:b'second\\n' srv:eof at_eof=1 "
                        "srv:closed cli:b'bye\\n' at_eof=1 cli:done");
    rdone(loop);
}

/* Back-pressure: a server that never reads; the client writes 16 KiB
 * blocks with drain. drain returns at once below the high-water mark and
 * waits above it; without drain the buffer just grows. */
static asy_future *stop_reading; /* the silent server waits on it */

/* A small kernel send buffer, so that the transport's own buffer fills
 * soon. (Shrinking the receiver's buffer on a connected socket makes the
 * kernel drop segments and retransmit slowly: not done.) */
static void small_buffers(asy_stream_writer *w, int which)
{
    asy_value s = asy_stream_writer_get_extra_info(w, "socket", asy_int(-1));
    int size = 65536;
    setsockopt((int)s.u.i, SOL_SOCKET, which, &size, sizeof size);
}

static asy_status silent_body(asy_coro *co)
{
    handler_frame *f = (handler_frame *)co;
    ASY_BEGIN(co);
    asy_transport_pause_reading(asy_stream_writer_transport(f->w));
    ASY_AWAIT(co, asy_incref(stop_reading));
    note("srv:reading");
    asy_transport_resume_reading(asy_stream_writer_transport(f->w));
    ASY_AWAIT(co, asy_stream_reader_read(f->r, -1)); /* now take it all */
    note("srv:read %zu", asy_bytes_len(ASY_SENT(co)));
    asy_stream_writer_close(f->w);
    ASY_END(co);
}

static asy_coro *silent_handler(asy_stream_reader *r, asy_stream_writer *w, void *arg)
{
    (void)arg;
    handler_frame *f = ASY_CORO_NEW(handler_frame, silent_body, "silent");
    asy_gen_set_clear(&f->co, handler_clear);
    f->r = asy_incref(r);
    f->w = asy_incref(w);
    return &f->co;
}

static const asy_stream_handler silent = {silent_handler, NULL, 0};

typedef struct {
    client_frame c;
    int i;
    char *block;
    size_t max_buffered;
    int waited;
} flood_frame;

static void flood_clear(asy_gen *g)
{
    flood_frame *f = (flood_frame *)g;
    free(f->block);
    f->block = NULL;
    client_clear(g);
}

static asy_status flood_body(asy_coro *co)
{
    flood_frame *f = (flood_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_start_server(&silent, "127.0.0.1", 0));
    f->c.server = asy_value_incref(ASY_SENT(co));
    ASY_AWAIT(co, asy_open_connection("127.0.0.1", server_port(f->c.server), 0));
    CHECK(asy_stream_pair(ASY_SENT(co), &f->c.r, &f->c.w));
    small_buffers(f->c.w, SO_SNDBUF);
    f->block = calloc(1, 16384);
    for (f->i = 0; f->i < 200; f->i++) {
        ASY_RAISE_IF(co, asy_stream_writer_write(f->c.w, f->block, 16384));
        {
            size_t b = asy_transport_get_write_buffer_size(asy_stream_writer_transport(f->c.w));
            if (b > f->max_buffered)
                f->max_buffered = b;
            if (b > 64 * 1024)
                f->waited++; /* this drain must wait */
        }
        ASY_AWAIT(co, asy_stream_writer_drain(f->c.w));
        /* after drain, the buffer is at most the low-water mark... or was
         * never above the high one */
        CHECK(asy_transport_get_write_buffer_size(asy_stream_writer_transport(f->c.w)) <= 64 * 1024);
    }
    asy_stream_writer_close(f->c.w);
    ASY_AWAIT(co, asy_stream_writer_wait_closed(f->c.w));
    asy_server_close(asy_value_server(f->c.server));
    ASY_AWAIT(co, asy_server_wait_closed(asy_value_server(f->c.server)));
    ASY_END(co);
}

static asy_exc *start_reading(asy_value arg)
{
    (void)arg;
    return asy_future_set_result(stop_reading, asy_none());
}

static void test_drain_waits_at_the_high_water_mark(void)
{
    asy_loop *loop = rloop();
    stop_reading = asy_future_new(loop);
    asy_decref(asy_loop_call_later(loop, 0.1, start_reading, asy_none(), NULL));
    flood_frame *f = ASY_CORO_NEW(flood_frame, flood_body, "flood");
    asy_gen_set_clear(&f->c.co, flood_clear);
    asy_incref(f);
    asy_result r = asy_loop_run_until_complete(loop, &f->c.co);
    if (r.status == ASY_RAISED)
        note("raised %s", ASY_EXC_STR(r.exc));
    asy_result_clear(&r);
    CHECK(f->waited > 0);
    CHECK(f->max_buffered <= 64 * 1024 + 16384);
    asy_decref(f);
    asy_decref(stop_reading);
    /* the server read all 200 blocks in the end */
    CHECK_STR_EQ(trace, "srv:reading srv:read 3276800");
    rdone(loop);
}

/* A peer that resets the connection: the waiting read raises
 * ConnectionResetError, so do drain and wait_closed. */
static asy_status reset_handler_body(asy_coro *co)
{
    handler_frame *f = (handler_frame *)co;
    ASY_BEGIN(co);
    {
        struct linger lg = {1, 0}; /* close() sends RST */
        int fd = (int)asy_transport_get_extra_info(asy_stream_writer_transport(f->w), "socket", asy_int(-1)).u.i;
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    ASY_AWAIT(co, asy_stream_reader_readline(f->r));
    asy_transport_abort(asy_stream_writer_transport(f->w));
    ASY_END(co);
}

static asy_coro *reset_handler(asy_stream_reader *r, asy_stream_writer *w, void *arg)
{
    (void)arg;
    handler_frame *f = ASY_CORO_NEW(handler_frame, reset_handler_body, "resetter");
    asy_gen_set_clear(&f->co, handler_clear);
    f->r = asy_incref(r);
    f->w = asy_incref(w);
    return &f->co;
}

static const asy_stream_handler resetter = {reset_handler, NULL, 0};

#define TRY_NOTE(co, what)                                        \
    do {                                                          \
        ASY_AWAIT_TRY(co, what);                                  \
        if (ASY_EXC(co) != NULL) {                                \
            asy_exc *e_ = ASY_CATCH(co);                          \
            note("%s", ASY_EXC_STR(e_));                          \
            asy_decref(e_);                                       \
        } else {                                                  \
            note("%s", ASY_REPR(ASY_SENT(co)));                   \
        }                                                         \
    } while (0)

static asy_status reset_client_body(asy_coro *co)
{
    client_frame *f = (client_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_start_server(&resetter, "127.0.0.1", 0));
    f->server = asy_value_incref(ASY_SENT(co));
    ASY_AWAIT(co, asy_open_connection("127.0.0.1", server_port(f->server), 0));
    CHECK(asy_stream_pair(ASY_SENT(co), &f->r, &f->w));
    ASY_RAISE_IF(co, asy_stream_writer_write(f->w, "hi\n", 3));
    TRY_NOTE(co, asy_stream_reader_readline(f->r));
    TRY_NOTE(co, asy_stream_reader_read(f->r, 10));
    TRY_NOTE(co, asy_stream_writer_drain(f->w));
    TRY_NOTE(co, asy_stream_writer_wait_closed(f->w));
    asy_server_close(asy_value_server(f->server));
    ASY_AWAIT(co, asy_server_wait_closed(asy_value_server(f->server)));
    ASY_END(co);
}

static void test_a_reset_peer_raises_at_every_await(void)
{
    asy_loop *loop = rloop();
    client_frame *f = ASY_CORO_NEW(client_frame, reset_client_body, "main");
    asy_gen_set_clear(&f->co, client_clear);
    asy_result r = asy_loop_run_until_complete(loop, &f->co);
    if (r.status == ASY_RAISED)
        note("raised %s", ASY_EXC_STR(r.exc));
    asy_result_clear(&r);
    CHECK_STR_EQ(trace, "ConnectionResetError: [Errno 104] Connection reset by peer "
                        "ConnectionResetError: [Errno 104] Connection reset by peer "
                        "ConnectionResetError: [Errno 104] Connection reset by peer "
                        "ConnectionResetError: [Errno 104] Connection reset by peer");
    rdone(loop);
}

static void test_open_connection_refused(void)
{
    asy_loop *loop = rloop();
    int fd = asy_socket_listen("127.0.0.1", 0, 1, NULL);
    asy_sockaddr a;
    CHECK_NULL(asy_sock_getsockname(fd, &a));
    close(fd); /* nobody listens there now */
    char buf[256];
    const char *got = outcome(loop, asy_open_connection("127.0.0.1", asy_sockaddr_port(&a), 0), buf, sizeof buf);
    CHECK(strstr(got, "ConnectionRefusedError: [Errno 111] Connect call failed") == got);
    CHECK_STR_EQ(OUT(loop, asy_start_server(NULL, "127.0.0.1", 0)),
                 "TypeError: a client_connected_cb was expected, got NULL");
    rdone(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"reads from a filled buffer", test_reads_from_a_filled_buffer},
        {"bad arguments raise at the await", test_bad_arguments_raise_at_the_await},
        {"reads wait for data and EOF", test_reads_wait_for_data_and_eof},
        {"IncompleteReadError", test_incomplete_read_error},
        {"LimitOverrunError keeps the bytes, readline drops them",
         test_limit_overrun_keeps_the_bytes_readline_drops_them},
        {"one waiter at a time", test_one_waiter_at_a_time},
        {"set_exception wakes the waiter and stays", test_set_exception_wakes_the_waiter_and_stays},
        {"a cancelled read leaves the reader usable", test_cancelled_read_leaves_the_reader_usable},
        {"async for over the lines", test_async_for_over_the_lines},
        {"a silent peer under wait_for", test_a_silent_peer_under_wait_for},
        {"fuzz: random splits give the same reads", test_fuzz_random_splits_give_the_same_reads},
        {"echo over streams", test_echo_over_streams},
        {"drain waits at the high-water mark", test_drain_waits_at_the_high_water_mark},
        {"a reset peer raises at every await", test_a_reset_peer_raises_at_every_await},
        {"open_connection refused", test_open_connection_refused},
        {NULL, NULL},
    };
    return check_main("streams", tests, argc, argv);
}
