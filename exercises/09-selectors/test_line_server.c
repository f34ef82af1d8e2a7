/*
 * test_line_server.c - exercise 09/line_server.
 *
 * One process, one thread: the server's callbacks run on a selector that
 * the test turns by hand with loop_once() (the notes' loop(), one turn),
 * and the clients are ordinary sockets of this process connected to
 * 127.0.0.1 with a port the kernel picks. Every wait has a limit of 2 s,
 * so a server that never answers fails the test instead of hanging it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "line_server.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One turn of the notes' loop(): wait up to `timeout`, then call
 * key.data(key.fileobj, mask) for each ready key, skipping the keys an
 * earlier callback of the same batch unregistered (exercise dispatch). */
static void loop_once(asy_selector *sel, double timeout)
{
    asy_selector_event ev[64];
    int n = 0;
    asy_exc *e = asy_selector_select(sel, timeout, ev, 64, &n);
    if (e) {
        fprintf(stderr, "select: %s\n", ASY_EXC_STR(e));
        asy_decref(e);
        return;
    }
    for (int i = 0; i < n; i++) {
        const asy_selector_key *key = ev[i].key;
        int mask = ev[i].events & key->events;
        if (mask == 0)
            continue;
        const ls_handler *h = key->data;
        h->fn(key->fd, mask, h->arg);
    }
}

/* ---- a test's world: a selector, a listener, the server -------------- */

typedef struct world {
    asy_selector *sel;
    int listen_fd, port;
    line_server *srv;
} world;

static bool world_open(world *w)
{
    memset(w, 0, sizeof *w);
    w->listen_fd = -1;
    asy_exc *e = asy_selector_new(NULL, &w->sel);
    if (e) {
        asy_decref(e);
        return false;
    }
    w->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (w->listen_fd < 0 || bind(w->listen_fd, (struct sockaddr *)&a, sizeof a) < 0 ||
        listen(w->listen_fd, 16) < 0 || getsockname(w->listen_fd, (struct sockaddr *)&a, &len) < 0)
        return false;
    w->port = ntohs(a.sin_port);
    e = line_server_start(w->sel, w->listen_fd, &w->srv);
    CHECK_MSG(e == NULL, "line_server_start raised %s", e ? ASY_EXC_STR(e) : "");
    CHECK_MSG(e != NULL || w->srv != NULL, "line_server_start returned NULL but no server");
    asy_decref(e);
    if (e || w->srv == NULL) { /* nothing to test: tidy up */
        close(w->listen_fd);
        asy_selector_free(w->sel);
        return false;
    }
    return true;
}

static void world_close(world *w)
{
    line_server_free(w->srv);
    if (w->listen_fd >= 0)
        close(w->listen_fd);
    asy_selector_free(w->sel);
}

/* A client: a blocking connect, then non-blocking reads (MSG_DONTWAIT). */
static int client(const world *w)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)w->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool say(int fd, const char *s)
{
    return send(fd, s, strlen(s), MSG_NOSIGNAL) == (ssize_t)strlen(s);
}

/* Turn the loop until `fd` has received strlen(expected) bytes (or 2 s
 * have passed), and return them in a malloc'd string (yours to free).
 * Reads at most that many bytes: anything more stays for the next call. */
static char *reply(world *w, int fd, const char *expected)
{
    size_t want = strlen(expected), got = 0;
    char *buf = calloc(1, want + 1);
    double deadline = now() + 2.0;
    while (got < want && now() < deadline) {
        loop_once(w->sel, 0.01);
        ssize_t n = recv(fd, buf + got, want - got, MSG_DONTWAIT);
        if (n > 0)
            got += (size_t)n;
        else if (n == 0)
            break; /* the server closed */
    }
    return buf;
}

#define CHECK_REPLY(w, fd, expected)                 \
    do {                                             \
        char *got_ = reply((w), (fd), (expected));   \
        CHECK_STR_EQ(got_, (expected));              \
        free(got_);                                  \
    } while (0)

/* Turn the loop for about 50 ms and report whether `fd` received anything. */
static bool silent(world *w, int fd)
{
    double end = now() + 0.05;
    while (now() < end)
        loop_once(w->sel, 0.01);
    char c;
    return recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK) < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

/* Turn the loop until the server has `n` connections open (or 2 s). */
static int wait_connections(world *w, int n)
{
    double deadline = now() + 2.0;
    while (line_server_connections(w->srv) != n && now() < deadline)
        loop_once(w->sel, 0.01);
    return line_server_connections(w->srv);
}

/* After the server closed its end: recv returns 0 (within 2 s). */
static bool sees_eof(world *w, int fd)
{
    double deadline = now() + 2.0;
    while (now() < deadline) {
        loop_once(w->sel, 0.01);
        char c;
        ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
        if (n == 0)
            return true;
        if (n > 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
            return false;
    }
    return false;
}

/* The server closed fd's peer: recv gives end of file, or ECONNRESET when
 * the server closed with bytes it had not read (TCP then resets). */
static bool closed_by_server(int fd)
{
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno == ECONNRESET);
}

/* ---- tests ------------------------------------------------------------- */

static void test_one_line(void)
{
    world w;
    CHECK_FATAL(world_open(&w));
    int c = client(&w);
    CHECK_FATAL(c >= 0);
    CHECK(say(c, "hello\n"));
    CHECK_REPLY(&w, c, "HELLO\n");
    CHECK_INT_EQ(line_server_connections(w.srv), 1);
    close(c);
    world_close(&w);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_only_letters(void)
{
    world w;
    CHECK_FATAL(world_open(&w));
    int c = client(&w);
    CHECK_FATAL(c >= 0);
    CHECK(say(c, "1, 2, 3: go! (Now)\n"));
    CHECK_REPLY(&w, c, "1, 2, 3: GO! (NOW)\n");
    close(c);
    world_close(&w);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_pieces(void)
{
    world w;
    CHECK_FATAL(world_open(&w));
    int c = client(&w);
    CHECK_FATAL(c >= 0);
    CHECK(say(c, "hel"));
    CHECK_MSG(silent(&w, c), "the server answered before the line was complete");
    CHECK(say(c, "lo wor"));
    CHECK_MSG(silent(&w, c), "the server answered before the line was complete");
    CHECK(say(c, "ld\n"));
    CHECK_REPLY(&w, c, "HELLO WORLD\n");
    CHECK_MSG(silent(&w, c), "the server sent more than one reply for one line");
    close(c);
    world_close(&w);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_several_lines(void)
{
    world w;
    CHECK_FATAL(world_open(&w));
    int c = client(&w);
    CHECK_FATAL(c >= 0);
    CHECK(say(c, "one\ntwo\nthree\n"));
    CHECK_REPLY(&w, c, "ONE\nTWO\nTHREE\n");
    /* A send that ends inside a line: the rest is kept for the next one. */
    CHECK(say(c, "four\nfi"));
    CHECK_REPLY(&w, c, "FOUR\n");
    CHECK_MSG(silent(&w, c), "the server answered 'fi' before its newline");
    CHECK(say(c, "ve\n\nsix\n"));
    CHECK_REPLY(&w, c, "FIVE\n\nSIX\n");
    close(c);
    world_close(&w);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_clients_interleaved(void)
{
    world w;
    CHECK_FATAL(world_open(&w));
    int c[3];
    for (int i = 0; i < 3; i++) {
        c[i] = client(&w);
        CHECK_FATAL(c[i] >= 0);
    }
    CHECK_INT_EQ(wait_connections(&w, 3), 3);
    /* Each client's line arrives in pieces, the pieces of the three
     * interleaved: each connection needs its own buffer. */
    CHECK(say(c[0], "alpha "));
    CHECK(say(c[1], "bravo "));
    CHECK(say(c[2], "charlie "));
    CHECK_MSG(silent(&w, c[0]) && silent(&w, c[1]) && silent(&w, c[2]),
              "a reply came before any line was complete");
    CHECK(say(c[1], "two\n"));
    CHECK_REPLY(&w, c[1], "BRAVO TWO\n");
    CHECK(say(c[2], "three\n"));
    CHECK(say(c[0], "one\nand more\n"));
    CHECK_REPLY(&w, c[2], "CHARLIE THREE\n");
    CHECK_REPLY(&w, c[0], "ALPHA ONE\nAND MORE\n");
    CHECK_MSG(silent(&w, c[1]), "client 1 got a reply meant for another client");
    for (int i = 0; i < 3; i++)
        close(c[i]);
    world_close(&w);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_long_line(void)
{
    world w;
    CHECK_FATAL(world_open(&w));
    int c = client(&w);
    CHECK_FATAL(c >= 0);
    enum { LEN = 20000 };
    char *line = malloc(LEN + 2), *upper = malloc(LEN + 2);
    CHECK_FATAL(line != NULL && upper != NULL);
    for (int i = 0; i < LEN; i++) {
        line[i] = (char)('a' + i % 26);
        upper[i] = (char)('A' + i % 26);
    }
    line[LEN] = upper[LEN] = '\n';
    line[LEN + 1] = upper[LEN + 1] = '\0';
    /* In pieces of 1000 bytes, turning the loop between them. */
    for (int off = 0; off < LEN + 1; off += 1000) {
        size_t n = LEN + 1 - off < 1000 ? (size_t)(LEN + 1 - off) : 1000;
        CHECK(send(c, line + off, n, MSG_NOSIGNAL) == (ssize_t)n);
        loop_once(w.sel, 0.01);
    }
    CHECK_REPLY(&w, c, upper);
    free(line);
    free(upper);
    close(c);
    world_close(&w);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_hang_up(void)
{
    world w;
    CHECK_FATAL(world_open(&w));
    int a = client(&w), b = client(&w);
    CHECK_FATAL(a >= 0 && b >= 0);
    CHECK_INT_EQ(wait_connections(&w, 2), 2);
    CHECK(say(a, "bye\nunfinished"));
    CHECK_REPLY(&w, a, "BYE\n");
    shutdown(a, SHUT_WR); /* end of file for the server */
    CHECK_MSG(sees_eof(&w, a), "the server did not close the connection after end of file");
    CHECK_INT_EQ(wait_connections(&w, 1), 1);
    CHECK_INT_EQ((long long)asy_selector_count(w.sel), 2); /* the listener and b */
    CHECK(say(b, "still here\n"));                          /* b is unaffected */
    CHECK_REPLY(&w, b, "STILL HERE\n");
    close(a);
    close(b);
    CHECK_INT_EQ(wait_connections(&w, 0), 0);
    CHECK_INT_EQ((long long)asy_selector_count(w.sel), 1); /* only the listener */
    world_close(&w);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_free_closes(void)
{
    world w;
    CHECK_FATAL(world_open(&w));
    int a = client(&w), b = client(&w);
    CHECK_FATAL(a >= 0 && b >= 0);
    CHECK_INT_EQ(wait_connections(&w, 2), 2);
    CHECK(say(a, "half a li")); /* a pending line, dropped by free */

    line_server_free(w.srv);
    w.srv = NULL;
    CHECK_INT_EQ((long long)asy_selector_count(w.sel), 0);
    CHECK_MSG(closed_by_server(a), "client a: its connection is still open");
    CHECK_MSG(closed_by_server(b), "client b: its connection is still open");
    CHECK_MSG(fcntl(w.listen_fd, F_GETFD) != -1, "the listening socket is the caller's: do not close it");

    close(a);
    close(b);
    world_close(&w);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"one client, one line: 'hello\\n' -> 'HELLO\\n'", test_one_line},
        {"only a-z change: '1, 2, 3: go! (Now)\\n' -> '1, 2, 3: GO! (NOW)\\n'", test_only_letters},
        {"a line sent in three pieces is answered once, after its newline", test_pieces},
        {"several lines in one send get one reply each; an unfinished line waits", test_several_lines},
        {"three clients sending interleaved pieces each get their own lines", test_clients_interleaved},
        {"a 20000-byte line sent in pieces comes back upper-cased", test_long_line},
        {"a client that hangs up is closed and unregistered; the others go on", test_hang_up},
        {"line_server_free closes the open connections and leaves the listener open", test_free_closes},
        {NULL, NULL},
    };
    return check_main("line_server", tests, argc, argv);
}
