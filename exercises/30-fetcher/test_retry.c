/*
 * test_retry.c - fetch_retry (exercise, chapter 30) against a scripted
 * server on a real loopback socket: a flaky path (503, 503, then 200), a
 * path always 503, a 404, a server that is silent on the first request
 * only, a malformed answer, a refused port; how many requests each cost
 * and the pauses between them.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "retry.h"
#include "task.h"

/* ---- the server: each path answers according to how often it was asked */

static int asked[6]; /* /flaky /down /404 /slow /garbage, other */

static int path_index(const char *p)
{
    static const char *const names[] = {"/flaky", "/down", "/404", "/slow", "/garbage"};
    for (int i = 0; i < 5; i++)
        if (strcmp(p, names[i]) == 0)
            return i;
    return 5;
}

typedef struct {
    asy_coro co;
    asy_stream_reader *r;
    asy_stream_writer *w;
    const char *out;
    int which;
} conn_frame;

static const char R200[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
static const char R503[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy";
static const char R404[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope";
static const char BAD[] = "HTTP/1.1 2OO OK\r\n\r\n";

static asy_status conn_body(asy_coro *co)
{
    conn_frame *f = (conn_frame *)co;
    ASY_BEGIN(co);
    for (;;) {
        ASY_AWAIT_TRY(co, asy_stream_reader_readuntil(f->r, "\r\n\r\n", 4));
        if (ASY_EXC(co) != NULL) {
            asy_decref(ASY_CATCH(co));
            break;
        }
        {
            char path[32];
            const char *d = asy_bytes_data(ASY_SENT(co)), *p = strchr(d, ' '), *q = p ? strchr(p + 1, ' ') : NULL;
            snprintf(path, sizeof path, "%.*s", q ? (int)(q - p - 1) : 0, p ? p + 1 : "");
            f->which = path_index(path);
        }
        asked[f->which]++;
        switch (f->which) {
        case 0: f->out = asked[0] <= 2 ? R503 : R200; break;
        case 1: f->out = R503; break;
        case 2: f->out = R404; break;
        case 3: f->out = asked[3] == 1 ? NULL : R200; break;
        case 4: f->out = BAD; break;
        default: f->out = R404; break;
        }
        if (f->out == NULL) { /* silent: hold the line until the client gives up */
            ASY_AWAIT_TRY(co, asy_stream_reader_read(f->r, -1));
            asy_decref(ASY_CATCH(co));
            break;
        }
        ASY_RAISE_IF(co, asy_stream_writer_write(f->w, f->out, strlen(f->out)));
        ASY_AWAIT_TRY(co, asy_stream_writer_drain(f->w));
        asy_decref(ASY_CATCH(co));
    }
    asy_stream_writer_close(f->w);
    ASY_AWAIT_TRY(co, asy_stream_writer_wait_closed(f->w));
    asy_decref(ASY_CATCH(co));
    ASY_END(co);
}

static void conn_clear(asy_gen *g)
{
    conn_frame *f = (conn_frame *)g;
    asy_decref(f->r);
    asy_decref(f->w);
}

static asy_coro *on_conn(asy_stream_reader *r, asy_stream_writer *w, void *arg)
{
    (void)arg;
    conn_frame *f = ASY_CORO_NEW(conn_frame, conn_body, "conn");
    asy_gen_set_clear(&f->co, conn_clear);
    f->r = asy_incref(r);
    f->w = asy_incref(w);
    return &f->co;
}

static const asy_stream_handler handler = {on_conn, NULL, 0};

/* ---- one fetch_retry, timed ---- */

static const char *path;
static int attempts;
static double backoff;
static char got[160];
static double took;

static int free_port(void)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    socklen_t len = sizeof sin;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
        getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
        return 1;
    close(fd);
    return ntohs(sin.sin_port);
}

typedef struct {
    asy_coro co;
    asy_server *server;
    asy_http_pool *pool;
    char url[96];
    double t0;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_loop *loop = asy_get_running_loop(NULL);
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_start_server(&handler, "127.0.0.1", 0));
    f->server = asy_incref(asy_value_server(ASY_SENT(co)));
    {
        int fd;
        asy_sockaddr a;
        asy_server_sockets(f->server, &fd, 1);
        asy_decref(asy_sock_getsockname(fd, &a));
        snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d%s",
                 strcmp(path, "refused") == 0 ? free_port() : asy_sockaddr_port(&a),
                 strcmp(path, "refused") == 0 ? "/" : path);
    }
    f->pool = asy_http_pool_new(0);
    f->t0 = asy_loop_time(loop);
    ASY_AWAIT_TRY(co, fetch_retry(f->pool, f->url, attempts, 0.2, backoff));
    took = asy_loop_time(loop) - f->t0;
    if (ASY_EXC(co) != NULL) {
        asy_exc_format(ASY_EXC(co), got, sizeof got);
        asy_decref(ASY_CATCH(co));
    } else {
        asy_http_response *r = asy_value_http_response(ASY_SENT(co));
        if (r == NULL)
            snprintf(got, sizeof got, "not a response: %s", ASY_REPR(ASY_SENT(co)));
        else
            snprintf(got, sizeof got, "%d %s", r->status, ASY_REPR(r->body));
    }
    ASY_AWAIT(co, asy_http_pool_close(f->pool));
    asy_server_close(f->server);
    ASY_AWAIT(co, asy_server_wait_closed(f->server));
    ASY_AWAIT(co, asy_sleep(0.01, asy_none())); /* the connection tasks end */
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->server);
    asy_decref(f->pool);
}

static void fetch(const char *p, int n, double b)
{
    path = p;
    attempts = n;
    backoff = b;
    got[0] = '\0';
    memset(asked, 0, sizeof asked);
    asy_loop *loop = asy_loop_new(NULL, NULL);
    CHECK_FATAL(loop != NULL);
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_loop_run_until_complete(loop, &f->co);
    CHECK_MSG(r.status == ASY_RETURNED, "the test's main raised %s", r.exc ? ASY_EXC_STR(r.exc) : "");
    asy_result_clear(&r);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

static void test_flaky_succeeds_on_the_third_try(void)
{
    fetch("/flaky", 4, 0.01);
    CHECK_STR_EQ(got, "200 b'ok'");
    CHECK_INT_EQ(asked[0], 3);
}

static void test_always_503_gives_the_last_response(void)
{
    fetch("/down", 3, 0.05);
    CHECK_STR_EQ(got, "503 b'busy'");
    CHECK_INT_EQ(asked[1], 3);
    CHECK_MSG(took >= 0.149, "the pauses are 0.05 and 0.1 s: %.3f s in all", took);
    CHECK_MSG(took < 1.0, "%.3f s in all", took);
}

static void test_a_404_is_final(void)
{
    fetch("/404", 5, 0.01);
    CHECK_STR_EQ(got, "404 b'nope'");
    CHECK_INT_EQ(asked[2], 1);
}

static void test_a_timeout_is_worth_another_try(void)
{
    fetch("/slow", 3, 0.01);
    CHECK_STR_EQ(got, "200 b'ok'");
    CHECK_INT_EQ(asked[3], 2);
}

static void test_a_malformed_answer_is_raised_at_once(void)
{
    fetch("/garbage", 4, 0.01);
    CHECK_STR_EQ(got, "BadStatusLine: malformed status line: 'HTTP/1.1 2OO OK'");
    CHECK_INT_EQ(asked[4], 1);
}

static void test_refused_is_retried_then_raised(void)
{
    fetch("refused", 3, 0.02);
    CHECK(strstr(got, "ConnectionRefusedError") == got);
    CHECK_MSG(took >= 0.059, "the pauses are 0.02 and 0.04 s: %.3f s in all", took);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"a flaky server: 503, 503, then 200", test_flaky_succeeds_on_the_third_try},
        {"always 503: the last response, after backoff pauses", test_always_503_gives_the_last_response},
        {"a 404 is final", test_a_404_is_final},
        {"a timeout is worth another try", test_a_timeout_is_worth_another_try},
        {"a malformed answer is raised at once", test_a_malformed_answer_is_raised_at_once},
        {"a refused connection is retried, then raised", test_refused_is_retried_then_raised},
        {NULL, NULL},
    };
    return check_main("retry", tests, argc, argv);
}
