/*
 * 2-dispatch-trace.c - one select(), several ready keys, one callback each.
 *
 * A pipe and a socket pair on one selector. The loop prints what each
 * select() returned, then calls each key's callback with its mask. Three
 * things to watch in the output:
 *   - round 1: one wait answers for two descriptors, with different masks;
 *   - round 1: on_sock_a sends to sock b, yet sock b is not in round 1's
 *     list: a batch is fixed when select() returns, and what the callbacks
 *     cause is seen by the NEXT select();
 *   - round 3: on_pipe unregisters sock a, whose event is still waiting
 *     later in the same batch; the loop must skip it (selector.h, KEYS).
 * 2-dispatch-trace.py is the same program in Python.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "selector.h"

typedef void callback_fn(int fd, int mask);
typedef struct callback {
    callback_fn *fn;
} callback;

static asy_selector *sel;
static int pipe_r, pipe_w, sock_a, sock_b;

static void check(const char *what, asy_exc *e)
{
    if (e) {
        fprintf(stderr, "%s: %s\n", what, ASY_EXC_STR(e));
        exit(1);
    }
}

static const char *name_of(int fd)
{
    return fd == pipe_r ? "pipe" : fd == sock_a ? "sock a" : fd == sock_b ? "sock b" : "?";
}

static const char *mask_name(int mask)
{
    static const char *names[] = {"", "READ", "WRITE", "READ|WRITE"};
    return names[mask & 3];
}

/* Read what is there (this demo sends only short, printable messages). */
static const char *take(int fd, char *buf, size_t size)
{
    ssize_t n = read(fd, buf, size - 1);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

/* ---- the callbacks ---------------------------------------------------- */

static void on_pipe(int fd, int mask)
{
    char buf[100];
    printf("  on_pipe(pipe, %s): read b'%s'", mask_name(mask), take(fd, buf, sizeof buf));
    if (strcmp(buf, "quit") == 0) {
        printf(", unregisters everything\n");
        check("unregister", asy_selector_unregister(sel, sock_a));
        check("unregister", asy_selector_unregister(sel, sock_b));
        check("unregister", asy_selector_unregister(sel, pipe_r));
    } else {
        printf("\n");
    }
}

static callback sock_a_cb;

static void on_sock_a(int fd, int mask)
{
    char buf[100];
    printf("  on_sock_a(sock a, %s):", mask_name(mask));
    if (mask & ASY_EVENT_READ)
        printf(" read b'%s',", take(fd, buf, sizeof buf));
    if (mask & ASY_EVENT_WRITE) {
        send(fd, "pong", 4, 0);
        /* Nothing more to write: a level-triggered WRITE interest would
         * report the socket writable on every round. */
        check("modify", asy_selector_modify(sel, fd, ASY_EVENT_READ, &sock_a_cb));
        printf(" sent b'pong', now READ only");
    }
    printf("\n");
}

static void on_sock_b(int fd, int mask)
{
    char buf[100];
    printf("  on_sock_b(sock b, %s): read b'%s', writes b'quit' to the pipe, sends b'late' to sock a\n",
           mask_name(mask), take(fd, buf, sizeof buf));
    if (write(pipe_w, "quit", 4) != 4 || send(fd, "late", 4, 0) != 4)
        perror("write");
}

static callback pipe_cb = {on_pipe}, sock_a_cb = {on_sock_a}, sock_b_cb = {on_sock_b};

/* ---- the loop, with a trace -------------------------------------------- */

static void loop(void)
{
    asy_selector_event events[8];
    int round = 0;
    while (asy_selector_count(sel) > 0) { /* until nothing is registered */
        int n;
        check("select", asy_selector_select(sel, 1.0, events, 8, &n));
        if (n == 0) {
            fprintf(stderr, "nothing ready for 1 s\n");
            exit(1);
        }
        printf("round %d: select() ->", ++round);
        for (int i = 0; i < n; i++)
            printf("%s %s %s", i ? "," : "", name_of(events[i].key->fd), mask_name(events[i].events));
        printf("\n");

        for (int i = 0; i < n; i++) {
            const asy_selector_key *key = events[i].key;
            /* An earlier callback of this batch may have unregistered this
             * fd (events 0, data NULL) or changed what it waits for. */
            int mask = events[i].events & key->events;
            if (mask == 0) {
                printf("  %s: unregistered earlier in this batch, skipped\n", name_of(key->fd));
                continue;
            }
            callback *cb = key->data;
            cb->fn(key->fd, mask);
        }
    }
    printf("round %d: nothing registered, loop() returns\n", round + 1);
}

int main(void)
{
    int p[2], s[2];
    if (pipe(p) < 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, s) < 0) {
        perror("pipe");
        return 1;
    }
    pipe_r = p[0], pipe_w = p[1], sock_a = s[0], sock_b = s[1];
    check("selector", asy_selector_new(NULL, &sel));

    if (write(pipe_w, "tick", 4) != 4 || send(sock_b, "ping", 4, 0) != 4)
        perror("write");
    printf("before the loop: b'tick' in the pipe, b'ping' waiting on sock a\n");
    check("register", asy_selector_register(sel, pipe_r, ASY_EVENT_READ, &pipe_cb));
    check("register", asy_selector_register(sel, sock_a, ASY_EVENT_READ | ASY_EVENT_WRITE, &sock_a_cb));
    check("register", asy_selector_register(sel, sock_b, ASY_EVENT_READ, &sock_b_cb));
    loop();

    asy_selector_free(sel);
    close(sock_a);
    close(sock_b);
    close(pipe_r);
    close(pipe_w);
    return 0;
}
