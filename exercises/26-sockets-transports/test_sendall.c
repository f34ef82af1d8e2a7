/*
 * test_sendall.c - my_sendall (exercise, chapter 26) on real loopback
 * sockets: a small send, 8 MB to a slow reader (every byte, in order, and
 * the writer gone afterwards), a reset peer, a cancelled send that leaves
 * no writer, nothing leaked, nothing scheduled, no descriptor left open.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "sendall.h"
#include "sock.h"
#include "task.h"

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    while (d != NULL && readdir(d) != NULL)
        n++;
    if (d != NULL)
        closedir(d);
    return n - 3;
}

static int fds0;

static asy_loop *rloop(void)
{
    fds0 = count_fds();
    return asy_loop_new(NULL, NULL);
}

static void done_with(asy_loop *loop)
{
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
    CHECK_INT_EQ(count_fds(), fds0);
}

static void tcp_pair(int *a, int *b)
{
    int l = asy_socket_listen("127.0.0.1", 0, 1, NULL);
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

static void test_small(void)
{
    asy_loop *loop = rloop();
    int a, b;
    tcp_pair(&a, &b);
    asy_result r = asy_loop_run_until_complete(loop, my_sendall(loop, a, "hello", 5));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    CHECK(asy_is_none(r.value));
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, asy_loop_sock_recv(loop, b, 100));
    CHECK_STR_EQ(ASY_REPR(r.value), "b'hello'");
    asy_result_clear(&r);
    r = asy_loop_run_until_complete(loop, my_sendall(loop, a, "", 0));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    close(a);
    close(b);
    done_with(loop);
}

static void test_eight_megabytes_to_a_slow_reader(void)
{
    asy_loop *loop = rloop();
    int a, b;
    tcp_pair(&a, &b);
    enum { TOTAL = 8 << 20 };
    char *data = malloc(TOTAL), *buf = malloc(1 << 16);
    for (size_t i = 0; i < TOTAL; i++)
        data[i] = (char)(i % 251);
    asy_task *t = asy_loop_create_task(loop, my_sendall(loop, a, data, TOTAL), NULL, NULL);
    size_t got = 0;
    bool in_order = true;
    while (got < TOTAL) {
        asy_result r = asy_loop_run_until_complete(loop, asy_loop_sock_recv_into(loop, b, buf, 1 << 16));
        if (r.status != ASY_RETURNED || r.value.u.i <= 0) {
            CHECK_MSG(false, "the reader got %s after %zu of %d bytes", r.exc ? ASY_EXC_STR(r.exc) : "EOF", got,
                      TOTAL);
            asy_result_clear(&r);
            break;
        }
        if (memcmp(buf, data + got, (size_t)r.value.u.i) != 0)
            in_order = false;
        got += (size_t)r.value.u.i;
        asy_result_clear(&r);
        if (asy_future_done(&t->fut) && got < TOTAL) {
            /* finished early: whatever is still readable is all there is */
            usleep(20000);
            char c;
            if (recv(b, &c, 1, MSG_PEEK) <= 0)
                break;
        }
    }
    CHECK_INT_EQ(got, TOTAL);
    CHECK(in_order);
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK_INT_EQ(r.status, ASY_RETURNED);
    asy_result_clear(&r);
    CHECK_MSG(!asy_loop_remove_writer(loop, a), "a writer was left registered");
    asy_decref(t);
    free(data);
    free(buf);
    close(a);
    close(b);
    done_with(loop);
}

static void test_reset_peer_raises(void)
{
    asy_loop *loop = rloop();
    int a, b;
    tcp_pair(&a, &b);
    struct linger lg = {1, 0};
    setsockopt(b, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(b); /* RST */
    usleep(20000);
    static char data[1 << 20];
    asy_result r = asy_loop_run_until_complete(loop, my_sendall(loop, a, data, sizeof data));
    CHECK_INT_EQ(r.status, ASY_RAISED);
    CHECK_MSG(asy_exc_is(r.exc, &asy_ConnectionError), "expected ConnectionError, got %s",
              r.exc ? ASY_EXC_STR(r.exc) : "no exception");
    asy_result_clear(&r);
    CHECK(!asy_loop_remove_writer(loop, a));
    close(a);
    done_with(loop);
}

static void test_cancel_leaves_no_writer(void)
{
    asy_loop *loop = rloop();
    int a, b;
    tcp_pair(&a, &b);
    enum { TOTAL = 32 << 20 }; /* more than the kernel holds: the peer never reads */
    char *data = calloc(1, TOTAL);
    asy_task *t = asy_loop_create_task(loop, my_sendall(loop, a, data, TOTAL), NULL, NULL);
    asy_loop_run_once(loop); /* its first step: it sends what fits, then waits (one turn: the next would block) */
    CHECK_MSG(!asy_future_done(&t->fut), "my_sendall finished although the peer reads nothing");
    asy_task_cancel(t, NULL);
    asy_result r = asy_loop_run_until_complete(loop, asy_incref(t));
    CHECK(asy_exc_is(r.exc, &asy_CancelledError));
    asy_result_clear(&r);
    CHECK_MSG(!asy_loop_remove_writer(loop, a), "a writer was left registered");
    asy_decref(t);
    free(data);
    close(a);
    close(b);
    done_with(loop);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"a small send, an empty one", test_small},
        {"8 MB to a slow reader: every byte, in order, no writer left", test_eight_megabytes_to_a_slow_reader},
        {"a reset peer: ConnectionError at the await", test_reset_peer_raises},
        {"cancelled while waiting: no writer left", test_cancel_leaves_no_writer},
        {NULL, NULL},
    };
    return check_main("sendall", tests, argc, argv);
}
