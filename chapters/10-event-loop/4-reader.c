/*
 * Chapter 10, demo 4: add_reader / add_writer, the selector under the loop.
 *
 * A socketpair gives two connected sockets, a and b. The loop watches a
 * for reading and b for writing (lib/loop.c asy__loop_add_io registers
 * them with chapter 07's selector). b is writable at once, so its callback
 * runs in the first turn and removes itself. Nothing arrives on a until a
 * timer sends "ping" from b at 0.5 s; in the next turn the selector reports
 * a readable and the reader callback runs, reads, removes itself and stops
 * the loop.
 *
 * Virtual clock: the loop polls the selector without blocking while it
 * has a timer to jump to, so the 0.5 s take no real time.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loop.h"

static asy_loop *loop;
static double t0;
static int a, b; /* the two ends of the socketpair */

static double elapsed(void) { return asy_loop_time(loop) - t0; }

static asy_exc *on_writable(asy_value arg)
{
    (void)arg;
    printf("%.1f s  on_writable: b is writable; remove_writer(b) -> %s\n", elapsed(),
           asy_loop_remove_writer(loop, b) ? "True" : "False");
    return NULL;
}

static asy_exc *send_ping(asy_value msg)
{
    const char *s = asy_str_cstr(msg);
    ssize_t n = write(b, s, strlen(s));
    printf("%.1f s  send_ping: b.send(%s) -> %zd\n", elapsed(), ASY_REPR(msg), n);
    return NULL;
}

static asy_exc *on_readable(asy_value arg)
{
    (void)arg;
    char buf[100];
    ssize_t n = read(a, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    printf("%.1f s  on_readable: a.recv(100) -> '%s'\n", elapsed(), buf);
    printf("%.1f s  on_readable: remove_reader(a) -> %s; stop()\n", elapsed(),
           asy_loop_remove_reader(loop, a) ? "True" : "False");
    asy_loop_stop(loop);
    return NULL;
}

int main(void)
{
    asy_exc *err;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        perror("socketpair");
        return 1;
    }
    a = sv[0];
    b = sv[1];

    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    loop = asy_loop_new(&opts, &err);
    if (loop == NULL) {
        asy_exc_print(err, stderr);
        return 1;
    }
    t0 = asy_loop_time(loop);

    /* add_reader/add_writer steal the argument and return NULL or an error. */
    asy_exc *e = asy_loop_add_reader(loop, a, on_readable, asy_none());
    if (e == NULL)
        e = asy_loop_add_writer(loop, b, on_writable, asy_none());
    if (e != NULL) {
        asy_exc_print(e, stderr);
        asy_decref(e);
        return 1;
    }
    asy_decref(asy_loop_call_later(loop, 0.5, send_ping, asy_str("ping"), NULL));
    printf("%.1f s  add_reader(a), add_writer(b), call_later(0.5, send_ping)\n", elapsed());

    e = asy_loop_run_forever(loop);
    if (e != NULL) {
        asy_exc_print(e, stderr);
        asy_decref(e);
    }
    printf("%.1f s  run_forever() returned; remove_reader(a) again -> %s\n", elapsed(),
           asy_loop_remove_reader(loop, a) ? "True" : "False");

    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
    close(a); /* after the loop forgot them: the selector must not see closed fds */
    close(b);
    return asy_obj_live() == 0 ? 0 : 1;
}
