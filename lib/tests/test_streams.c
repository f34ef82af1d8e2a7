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

#include "check.h"
#include "streams.h"
#include "task.h"
#include "trace.h"

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
        {"fuzz: random splits give the same reads", test_fuzz_random_splits_give_the_same_reads},
        {NULL, NULL},
    };
    return check_main("streams", tests, argc, argv);
}
