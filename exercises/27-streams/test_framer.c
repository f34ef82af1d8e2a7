/*
 * test_framer.c - records from a stream (exercise, chapter 27): the same
 * bytes, fed to the reader whole, one byte at a time, and in 200 random
 * splits, give the same records, separators cut in two included; several
 * records in one read; the rest at EOF raises IncompleteReadError.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "framer.h"
#include "task.h"

static const char text[] = "GET /\r\nHost: x\r\n\r\nbody one\r\nsecond\rline\r\nlast without end";
static char got[1024];

static void add(const char *s)
{
    size_t n = strlen(got);
    snprintf(got + n, sizeof got - n, "%s%s", n ? " " : "", s);
}

/* The task: framer_next until b'' or an error, each record noted. */
typedef struct {
    asy_coro co;
    framer fr;
} reader_frame;

static asy_status reader_body(asy_coro *co)
{
    reader_frame *f = (reader_frame *)co;
    ASY_BEGIN(co);
    for (;;) {
        ASY_AWAIT_TRY(co, framer_next(&f->fr, "\r\n", 2));
        if (ASY_EXC(co) != NULL) {
            asy_exc *e = ASY_CATCH(co);
            char line[200];
            snprintf(line, sizeof line, "%s:%s", asy_exc_is(e, &asy_IncompleteReadError) ? "Incomplete" : "other",
                     ASY_REPR(asy_incomplete_read_partial(e)));
            add(line);
            asy_decref(e);
            break;
        }
        if (asy_bytes_len(ASY_SENT(co)) == 0) {
            add("EOF");
            break;
        }
        add(ASY_REPR(ASY_SENT(co)));
    }
    ASY_END(co);
}

static void reader_clear(asy_gen *g) { framer_clear(&((reader_frame *)g)->fr); }

/* Feed text cut at cuts[0..n), letting the task run between pieces. */
static void run(const size_t *cuts, size_t ncuts)
{
    got[0] = '\0';
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    asy_stream_reader *r = asy_stream_reader_new(0);
    reader_frame *f = ASY_CORO_NEW(reader_frame, reader_body, "reader");
    framer_init(&f->fr, r);
    asy_gen_set_clear(&f->co, reader_clear); /* the framer goes with the frame */
    asy_task *t = asy_loop_create_task(loop, &f->co, NULL, NULL);
    size_t prev = 0, n = strlen(text);
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : n;
        for (int k = 0; k < 3; k++)
            asy_decref(asy_loop_run_once(loop));
        asy_decref(asy_stream_reader_feed_data(r, text + prev, end - prev));
        prev = end;
    }
    asy_stream_reader_feed_eof(r);
    asy_result res = asy_loop_run_until_complete(loop, t);
    asy_result_clear(&res);
    asy_decref(r);
    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
}

static const char want[] = "b'GET /\\r\\n' b'Host: x\\r\\n' b'\\r\\n' b'body one\\r\\n' b'second\\rline\\r\\n' "
                           "Incomplete:b'last without end'";

static void test_whole(void)
{
    run(NULL, 0);
    CHECK_STR_EQ(got, want);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_one_byte_at_a_time(void)
{
    size_t cuts[sizeof text];
    for (size_t i = 0; i + 1 < strlen(text); i++)
        cuts[i] = i + 1;
    run(cuts, strlen(text) - 1);
    CHECK_STR_EQ(got, want);
}

static void test_every_single_cut(void)
{
    for (size_t cut = 1; cut < strlen(text); cut++) {
        run(&cut, 1);
        if (strcmp(got, want) != 0) {
            CHECK_MSG(0, "cut at %zu: got %s", cut, got);
            return;
        }
    }
}

static void test_random_splits(void)
{
    unsigned long long s = 7;
    for (int trial = 0; trial < 200; trial++) {
        size_t cuts[8], n = 0, len = strlen(text);
        for (size_t pos = 0; n < 8;) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            pos += 1 + (size_t)((s >> 33) % 12);
            if (pos >= len)
                break;
            cuts[n++] = pos;
        }
        run(cuts, n);
        if (strcmp(got, want) != 0) {
            CHECK_MSG(0, "trial %d: got %s", trial, got);
            return;
        }
    }
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_nothing_left_is_eof(void)
{
    asy_loop_options opts = {NULL, true};
    asy_loop *loop = asy_loop_new(&opts, NULL);
    asy_stream_reader *r = asy_stream_reader_new(0);
    framer fr;
    framer_init(&fr, r);
    asy_decref(asy_stream_reader_feed_data(r, "a;b;", 4));
    asy_stream_reader_feed_eof(r);
    const char *outs[3];
    char bufs[3][64];
    for (int i = 0; i < 3; i++) {
        asy_result res = asy_loop_run_until_complete(loop, framer_next(&fr, ";", 1));
        if (res.status == ASY_RETURNED)
            asy_value_format(res.value, bufs[i], sizeof bufs[i], true);
        else
            asy_exc_format(res.exc, bufs[i], sizeof bufs[i]);
        outs[i] = bufs[i];
        asy_result_clear(&res);
    }
    CHECK_STR_EQ(outs[0], "b'a;'");
    CHECK_STR_EQ(outs[1], "b'b;'");
    CHECK_STR_EQ(outs[2], "b''");
    framer_clear(&fr);
    asy_decref(r);
    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"the whole text at once", test_whole},
        {"one byte at a time", test_one_byte_at_a_time},
        {"every single cut", test_every_single_cut},
        {"random splits", test_random_splits},
        {"two records in one read, then b'' at EOF", test_nothing_left_is_eof},
        {NULL, NULL},
    };
    return check_main("framer", tests, argc, argv);
}
