/*
 * test_line_counter.c - the line-counting protocol (exercise, chapter 26):
 * the same text split in every way (whole, at every point, one byte at a
 * time, random pieces) gives the same count and longest line; a last line
 * without '\n' counts at EOF; and over a real connection each line is
 * answered with its number, then the server closes.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "line_counter.h"
#include "task.h"
#include "wait_for.h"

static const char text[] = "ab\ncdef\n\ngh\nijklmnop"; /* 5 lines, the longest 8 */

/* Feed text in pieces cut at cuts[0..ncuts), then EOF. */
static line_counter feed(const size_t *cuts, size_t ncuts)
{
    line_counter lc = {0};
    size_t n = strlen(text), start = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t end = i < ncuts ? cuts[i] : n;
        if (end > start)
            asy_decref(line_counter_protocol.data_received(NULL, text + start, end - start, &lc));
        start = end;
    }
    bool keep_open = false; /* as the transport sets it */
    asy_decref(line_counter_protocol.eof_received(NULL, &lc, &keep_open));
    CHECK(!keep_open);
    return lc;
}

static void test_whole(void)
{
    line_counter lc = feed(NULL, 0);
    CHECK_INT_EQ(lc.lines, 5);
    CHECK_INT_EQ(lc.longest, 8);
    CHECK(lc.eof);
}

static void test_every_split_point(void)
{
    size_t n = strlen(text);
    for (size_t cut = 1; cut < n; cut++) {
        line_counter lc = feed(&cut, 1);
        CHECK_MSG(lc.lines == 5 && lc.longest == 8, "split at %zu: %zu lines, longest %zu (want 5, 8)", cut,
                  lc.lines, lc.longest);
    }
}

static void test_byte_by_byte(void)
{
    size_t cuts[64], n = strlen(text);
    for (size_t i = 1; i < n; i++)
        cuts[i - 1] = i;
    line_counter lc = feed(cuts, n - 1);
    CHECK_INT_EQ(lc.lines, 5);
    CHECK_INT_EQ(lc.longest, 8);
}

static void test_random_pieces(void)
{
    srand(26);
    size_t n = strlen(text);
    for (int trial = 0; trial < 300; trial++) {
        size_t cuts[64], k = 0;
        for (size_t i = 1; i < n; i++)
            if (rand() % 3 == 0)
                cuts[k++] = i;
        line_counter lc = feed(cuts, k);
        if (lc.lines != 5 || lc.longest != 8) {
            CHECK_MSG(false, "trial %d (%zu pieces): %zu lines, longest %zu (want 5, 8)", trial, k + 1, lc.lines,
                      lc.longest);
            break;
        }
    }
}

static void *make_counter(void *arg)
{
    (void)arg;
    return calloc(1, sizeof(line_counter));
}

static void test_over_a_connection(void)
{
    asy_loop *loop = asy_loop_new(NULL, NULL);
    asy_result r = asy_loop_run_until_complete(
        loop, asy_loop_create_server(loop, &line_counter_protocol, make_counter, NULL, "127.0.0.1", 0));
    CHECK_FATAL(r.status == ASY_RETURNED);
    asy_server *s = asy_incref(asy_value_server(r.value));
    asy_result_clear(&r);
    int lfd;
    asy_server_sockets(s, &lfd, 1);
    asy_sockaddr a;
    CHECK_NULL(asy_sock_getsockname(lfd, &a));
    int c = asy_socket_tcp(AF_INET, NULL);
    r = asy_loop_run_until_complete(loop, asy_loop_sock_connect(loop, c, "127.0.0.1", asy_sockaddr_port(&a)));
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, asy_loop_sock_sendall(loop, c, "one\ntw", 6));
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, asy_sleep(0.02, asy_none()));
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, asy_loop_sock_sendall(loop, c, "o\nthree", 7));
    asy_result_clear(&r);
    shutdown(c, SHUT_WR);
    char got[64] = "";
    size_t len = 0;
    for (int i = 0; i < 100; i++) { /* until the server closes (b'') */
        /* 2 s at most: a server that never closes fails the test, not hangs it */
        r = asy_loop_run_until_complete(
            loop, asy_wait_for(asy_loop_sock_recv_into(loop, c, got + len, sizeof got - 1 - len), 2.0));
        long long k = r.status == ASY_RETURNED ? r.value.u.i : 0;
        asy_result_clear(&r);
        if (k <= 0)
            break;
        len += (size_t)k;
    }
    got[len] = '\0';
    CHECK_STR_EQ(got, "1\n2\n3\n");
    close(c);
    asy_server_close(s);
    r = asy_loop_run_until_complete(loop, asy_wait_for(asy_server_wait_closed(s), 2.0));
    CHECK_MSG(r.status == ASY_RETURNED, "the server's connection was never closed (keep_open must stay false)");
    asy_result_clear(&r);
    asy_decref(s);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"the whole text at once, the last line at EOF", test_whole},
        {"split at every point", test_every_split_point},
        {"one byte at a time", test_byte_by_byte},
        {"300 random splits", test_random_pieces},
        {"over a connection: each line answered with its number", test_over_a_connection},
        {NULL, NULL},
    };
    return check_main("line_counter", tests, argc, argv);
}
