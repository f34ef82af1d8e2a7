/*
 * test_http.c - the HTTP client of chapter 30 over real loopback sockets.
 * A scripted server written here (start_server) answers each path with
 * canned bytes, good and bad: Content-Length, chunked, a body up to EOF, a
 * 404, a close in the middle of a body, a malformed status line or header,
 * a header line and a header block beyond the limit, a server that never
 * answers. The fetcher gets every URL's result or error (refused
 * connections too) and loses none; keep-alive reuses one connection;
 * http.h's /get?a=N server answers our client and curl (when curl is
 * installed); Python's http.server (a server nobody here wrote) serves a
 * folder's bytes and a 404. Every test ends with nothing scheduled,
 * nothing leaked, no descriptor and no child left.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "http.h"
#include "list.h"
#include "subprocess.h"
#include "task.h"
#include "wait_for.h"

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
static char unhandled[512]; /* what reached the loop's exception handler */

static void record_handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    size_t n = strlen(unhandled);
    snprintf(unhandled + n, sizeof unhandled - n, "[%s]", ctx->message);
}

/* Run main to its end on a real loop; check nothing is left. */
static void run_main(asy_coro *co)
{
    fds_at_start = count_fds();
    unhandled[0] = '\0';
    asy_loop *loop = asy_loop_new(NULL, NULL);
    CHECK_FATAL(loop != NULL);
    asy_loop_set_exception_handler(loop, record_handler, NULL);
    asy_result r = asy_loop_run_until_complete(loop, co);
    CHECK_MSG(r.status == ASY_RETURNED, "main raised %s", r.exc ? ASY_EXC_STR(r.exc) : "");
    asy_result_clear(&r);
    CHECK_INT_EQ(asy_loop_scheduled_count(loop), 0);
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
    CHECK_INT_EQ(count_fds(), fds_at_start);
    CHECK_STR_EQ(unhandled, "");
}

static int server_port(asy_server *s)
{
    int fd;
    asy_sockaddr a;
    if (asy_server_sockets(s, &fd, 1) != 1 || asy_sock_getsockname(fd, &a) != NULL)
        return -1;
    return asy_sockaddr_port(&a);
}

/* A port where nobody listens: bound, read, closed. */
static int refused_port(void)
{
    asy_sockaddr a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    CHECK_FATAL(bind(fd, (struct sockaddr *)&sin, sizeof sin) == 0);
    CHECK_FATAL(asy_sock_getsockname(fd, &a) == NULL);
    close(fd);
    return asy_sockaddr_port(&a);
}

/* "200 b'...'" or "Type: message" for each slot. */
static void outcome(asy_value result, asy_exc *error, char *buf, size_t size)
{
    if (error != NULL) {
        asy_exc_format(error, buf, size);
        return;
    }
    asy_http_response *r = asy_value_http_response(result);
    if (r == NULL) {
        snprintf(buf, size, "no response");
        return;
    }
    snprintf(buf, size, "%d %s", r->status, ASY_REPR(r->body));
}

/* ---- the scripted server ---- */

static asy_future *release;  /* the silent path waits on it */
static int scripted_live;    /* connections being served */
static size_t scripted_conns;

typedef struct {
    asy_coro co;
    asy_stream_reader *r;
    asy_stream_writer *w;
    char path[64];
    char *out;
    size_t outlen;
    bool keep;
    int served; /* requests answered on this connection */
} script_frame;

static void canned(script_frame *f, const char *s)
{
    free(f->out);
    f->outlen = strlen(s);
    f->out = malloc(f->outlen + 1);
    memcpy(f->out, s, f->outlen + 1);
}

/* a response with one header line of n bytes */
static void big_header(script_frame *f, size_t n, size_t lines)
{
    free(f->out);
    f->out = malloc(64 + lines * (n + 2) + 64);
    size_t k = (size_t)sprintf(f->out, "HTTP/1.1 200 OK\r\n");
    for (size_t l = 0; l < lines; l++) {
        k += (size_t)sprintf(f->out + k, "X-Big-%zu: ", l);
        size_t fill = n - 10;
        memset(f->out + k, 'x', fill);
        k += fill;
        k += (size_t)sprintf(f->out + k, "\r\n");
    }
    k += (size_t)sprintf(f->out + k, "Content-Length: 2\r\n\r\nok");
    f->outlen = k;
}

static void choose(script_frame *f)
{
    f->keep = false;
    if (strcmp(f->path, "/ok") == 0) {
        canned(f, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        f->keep = true;
    } else if (strcmp(f->path, "/chunked") == 0) {
        canned(f, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: t\r\n\r\n");
        f->keep = true;
    } else if (strcmp(f->path, "/404") == 0) {
        canned(f, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
        f->keep = true;
    } else if (strcmp(f->path, "/eof") == 0) {
        canned(f, "HTTP/1.0 200 OK\r\n\r\nto the end");
    } else if (strcmp(f->path, "/midbody") == 0) {
        canned(f, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
    } else if (strcmp(f->path, "/midchunk") == 0) {
        canned(f, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc");
    } else if (strcmp(f->path, "/badstatus") == 0) {
        canned(f, "HTTP/1.1 two hundred\r\nContent-Length: 0\r\n\r\n");
    } else if (strcmp(f->path, "/notatall") == 0) {
        canned(f, "SSH-2.0-OpenSSH\r\n\r\n");
    } else if (strcmp(f->path, "/badheader") == 0) {
        canned(f, "HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 0\r\n\r\n");
    } else if (strcmp(f->path, "/badlength") == 0) {
        canned(f, "HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n");
    } else if (strcmp(f->path, "/bigline") == 0) {
        big_header(f, 3000, 1);
    } else if (strcmp(f->path, "/bigblock") == 0) {
        big_header(f, 200, 10);
    } else if (strcmp(f->path, "/silent") == 0 || strcmp(f->path, "/hangup") == 0) {
        canned(f, "");
    } else if (strcmp(f->path, "/once") == 0) { /* one answer per connection */
        canned(f, f->served == 0 ? "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nonce" : "");
        f->keep = true;
    } else {
        canned(f, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
    }
}

static asy_status script_body(asy_coro *co)
{
    script_frame *f = (script_frame *)co;
    ASY_BEGIN(co);
    scripted_live++;
    scripted_conns++;
    for (;;) {
        ASY_AWAIT_TRY(co, asy_stream_reader_readuntil(f->r, "\r\n\r\n", 4));
        if (ASY_EXC(co) != NULL) {
            asy_decref(ASY_CATCH(co));
            break;
        }
        {
            const char *d = asy_bytes_data(ASY_SENT(co));
            const char *p = strchr(d, ' '), *q = p ? strchr(p + 1, ' ') : NULL;
            snprintf(f->path, sizeof f->path, "%.*s", q ? (int)(q - p - 1) : 0, p ? p + 1 : "");
        }
        choose(f);
        if (strcmp(f->path, "/silent") == 0) {
            ASY_AWAIT_TRY(co, asy_incref(release)); /* until the test is over */
            asy_decref(ASY_CATCH(co));
            break;
        }
        if (f->outlen == 0) /* /hangup, /once the second time: close, no answer */
            break;
        f->served++;
        ASY_RAISE_IF(co, asy_stream_writer_write(f->w, f->out, f->outlen));
        ASY_AWAIT_TRY(co, asy_stream_writer_drain(f->w));
        asy_decref(ASY_CATCH(co));
        if (!f->keep)
            break;
    }
    asy_stream_writer_close(f->w);
    ASY_AWAIT_TRY(co, asy_stream_writer_wait_closed(f->w));
    asy_decref(ASY_CATCH(co));
    scripted_live--;
    ASY_END(co);
}

static void script_clear(asy_gen *g)
{
    script_frame *f = (script_frame *)g;
    asy_decref(f->r);
    asy_decref(f->w);
    free(f->out);
}

static asy_coro *scripted(asy_stream_reader *r, asy_stream_writer *w, void *arg)
{
    (void)arg;
    script_frame *f = ASY_CORO_NEW(script_frame, script_body, "scripted");
    asy_gen_set_clear(&f->co, script_clear);
    f->r = asy_incref(r);
    f->w = asy_incref(w);
    return &f->co;
}

static const asy_stream_handler scripted_handler = {scripted, NULL, 0};

/* ---- the fetch of many URLs against the scripted server ---- */

#define MAXURLS 20
static const char *paths[MAXURLS];
static size_t npaths;
static char urlbuf[MAXURLS][96];
static const char *urls[MAXURLS];
static asy_value results[MAXURLS];
static asy_exc *errors[MAXURLS];
static char outcomes[MAXURLS][256];
static size_t header_limit = 1024;
static double req_timeout = 0.3;
static long concurrency = 3;
static size_t opened;

typedef struct {
    asy_coro co;
    asy_server *server;
    asy_http_pool *pool;
} fetch_main_frame;

static asy_status fetch_main_body(asy_coro *co)
{
    fetch_main_frame *f = (fetch_main_frame *)co;
    ASY_BEGIN(co);
    release = asy_future_new(asy_get_running_loop(NULL));
    scripted_conns = 0;
    ASY_AWAIT(co, asy_start_server(&scripted_handler, "127.0.0.1", 0));
    f->server = asy_incref(asy_value_server(ASY_SENT(co)));
    {
        int port = server_port(f->server), refused = refused_port();
        for (size_t i = 0; i < npaths; i++) {
            snprintf(urlbuf[i], sizeof urlbuf[i], "http://127.0.0.1:%d%s",
                     strcmp(paths[i], "refused") == 0 ? refused : port,
                     strcmp(paths[i], "refused") == 0 ? "/ok" : paths[i]);
            urls[i] = urlbuf[i];
        }
    }
    f->pool = asy_http_pool_new(header_limit);
    ASY_AWAIT(co, asy_http_fetch_all(f->pool, urls, npaths, concurrency, req_timeout, results, errors));
    opened = asy_http_pool_opened(f->pool);
    for (size_t i = 0; i < npaths; i++) {
        outcome(results[i], errors[i], outcomes[i], sizeof outcomes[i]);
        asy_value_clear(&results[i]);
        asy_decref(errors[i]);
        errors[i] = NULL;
    }
    ASY_AWAIT(co, asy_http_pool_close(f->pool));
    ASY_RAISE_IF(co, asy_future_set_result(release, asy_none()));
    asy_server_close(f->server);
    ASY_AWAIT(co, asy_server_wait_closed(f->server)); /* every connection lost */
    while (scripted_live > 0)                         /* and its task done */
        ASY_AWAIT(co, asy_sleep(0, asy_none()));
    ASY_END(co);
}

static void fetch_main_clear(asy_gen *g)
{
    fetch_main_frame *f = (fetch_main_frame *)g;
    asy_decref(f->server);
    asy_decref(f->pool);
    asy_decref(release);
    release = NULL;
}

static void fetch_paths(const char *const *p, size_t n)
{
    npaths = n;
    for (size_t i = 0; i < n; i++)
        paths[i] = p[i];
    fetch_main_frame *f = ASY_CORO_NEW(fetch_main_frame, fetch_main_body, "main");
    asy_gen_set_clear(&f->co, fetch_main_clear);
    run_main(&f->co);
}

static void test_good_responses(void)
{
    static const char *const p[] = {"/ok", "/chunked", "/404", "/eof"};
    fetch_paths(p, 4);
    CHECK_STR_EQ(outcomes[0], "200 b'hello'");
    CHECK_STR_EQ(outcomes[1], "200 b'Wikipedia in\\r\\n\\r\\nchunks.'");
    CHECK_STR_EQ(outcomes[2], "404 b'not found'");
    CHECK_STR_EQ(outcomes[3], "200 b'to the end'");
}

static void test_every_bad_url_gets_its_error_and_the_others_their_result(void)
{
    static const char *const p[] = {"/ok",      "refused",    "/midbody", "/midchunk", "/badstatus",
                                    "/notatall", "/badheader", "/badlength", "/bigline", "/bigblock",
                                    "/silent",  "/404",       "/ok"};
    fetch_paths(p, sizeof p / sizeof p[0]);
    CHECK_STR_EQ(outcomes[0], "200 b'hello'");
    CHECK(strncmp(outcomes[1], "ConnectionRefusedError: ", 24) == 0);
    CHECK_STR_EQ(outcomes[2], "IncompleteReadError: 10 bytes read on a total of 100 expected bytes");
    CHECK_STR_EQ(outcomes[3], "IncompleteReadError: 3 bytes read on a total of 16 expected bytes");
    CHECK_STR_EQ(outcomes[4], "BadStatusLine: malformed status line: 'HTTP/1.1 two hundred'");
    CHECK_STR_EQ(outcomes[5], "BadStatusLine: malformed status line: 'SSH-2.0-OpenSSH'");
    CHECK_STR_EQ(outcomes[6], "HTTPException: malformed header line: 'no colon here'");
    CHECK_STR_EQ(outcomes[7], "HTTPException: bad Content-Length: 'lots'");
    CHECK_STR_EQ(outcomes[8], "LineTooLong: header line longer than 1024 bytes");
    CHECK_STR_EQ(outcomes[9], "LineTooLong: headers longer than 1024 bytes");
    CHECK_STR_EQ(outcomes[10], "TimeoutError");
    CHECK_STR_EQ(outcomes[11], "404 b'not found'");
    CHECK_STR_EQ(outcomes[12], "200 b'hello'");
}

static void test_keep_alive_reuses_one_connection(void)
{
    static const char *const p[] = {"/ok", "/chunked", "/404", "/ok", "/chunked"};
    concurrency = 1;
    fetch_paths(p, 5);
    concurrency = 3;
    CHECK_INT_EQ(opened, 1);
    CHECK_INT_EQ(scripted_conns, 1);
    CHECK_STR_EQ(outcomes[4], "200 b'Wikipedia in\\r\\n\\r\\nchunks.'");
}

static void test_a_failed_request_does_not_poison_the_pool(void)
{
    /* one at a time on one connection: the half-read /midbody and the
     * timed-out /silent close theirs; the next request opens a new one */
    static const char *const p[] = {"/ok", "/midbody", "/ok", "/silent", "/ok"};
    concurrency = 1;
    fetch_paths(p, 5);
    concurrency = 3;
    CHECK_STR_EQ(outcomes[2], "200 b'hello'");
    CHECK_STR_EQ(outcomes[3], "TimeoutError");
    CHECK_STR_EQ(outcomes[4], "200 b'hello'");
    CHECK_INT_EQ(opened, 3);
}

static void test_a_kept_connection_the_server_closed_is_replaced(void)
{
    /* /once answers the first request of a connection and closes the
     * connection at the second: each reused connection turns out stale,
     * and the GET goes again on a new one. /hangup closes without an
     * answer: tried on the kept connection, then on a fresh one, where
     * the same silence is final (an error, no third try). */
    static const char *const p[] = {"/once", "/once", "/once", "/hangup"};
    concurrency = 1;
    fetch_paths(p, 4);
    concurrency = 3;
    CHECK_STR_EQ(outcomes[0], "200 b'once'");
    CHECK_STR_EQ(outcomes[1], "200 b'once'");
    CHECK_STR_EQ(outcomes[2], "200 b'once'");
    CHECK_STR_EQ(outcomes[3], "IncompleteReadError: 0 bytes read on a total of undefined expected bytes");
    CHECK_INT_EQ(opened, 4);
    CHECK_INT_EQ(scripted_conns, 4);
}

/* ---- bad arguments ---- */

static char argsout[6][128];

typedef struct {
    asy_coro co;
    asy_http_pool *pool;
} args_frame;

static asy_status args_body(asy_coro *co)
{
    args_frame *f = (args_frame *)co;
    ASY_BEGIN(co);
    f->pool = asy_http_pool_new(0);
    ASY_AWAIT_TRY(co, asy_http_get(NULL, "http://127.0.0.1/", 1));
    asy_exc_format(ASY_EXC(co), argsout[0], sizeof argsout[0]);
    asy_decref(ASY_CATCH(co));
    ASY_AWAIT_TRY(co, asy_http_get(f->pool, "https://example.com/", 1));
    asy_exc_format(ASY_EXC(co), argsout[1], sizeof argsout[1]);
    asy_decref(ASY_CATCH(co));
    ASY_AWAIT_TRY(co, asy_http_get(f->pool, NULL, 1));
    asy_exc_format(ASY_EXC(co), argsout[2], sizeof argsout[2]);
    asy_decref(ASY_CATCH(co));
    ASY_AWAIT_TRY(co, asy_http_get(f->pool, "http://127.0.0.1:99999/", 1));
    asy_exc_format(ASY_EXC(co), argsout[3], sizeof argsout[3]);
    asy_decref(ASY_CATCH(co));
    {
        static const char *const one[] = {"http://127.0.0.1:1/"};
        static asy_value res[1];
        static asy_exc *errs[1];
        ASY_AWAIT_TRY(co, asy_http_fetch_all(f->pool, one, 1, 0, 1, res, errs));
        asy_exc_format(ASY_EXC(co), argsout[4], sizeof argsout[4]);
        asy_decref(ASY_CATCH(co));
        ASY_AWAIT_TRY(co, asy_http_fetch_all(f->pool, one, 1, 1, 1, NULL, errs));
        asy_exc_format(ASY_EXC(co), argsout[5], sizeof argsout[5]);
        asy_decref(ASY_CATCH(co));
    }
    ASY_END(co);
}

static void args_clear(asy_gen *g) { asy_decref(((args_frame *)g)->pool); }

static void test_bad_arguments_raise_at_the_await(void)
{
    args_frame *f = ASY_CORO_NEW(args_frame, args_body, "main");
    asy_gen_set_clear(&f->co, args_clear);
    run_main(&f->co);
    CHECK_STR_EQ(argsout[0], "TypeError: pool was expected, got NULL");
    CHECK_STR_EQ(argsout[1], "ValueError: only http:// URLs are supported: 'https://example.com/'");
    CHECK(strstr(argsout[2], "TypeError: ") == argsout[2]);
    CHECK_STR_EQ(argsout[3], "ValueError: bad port in URL 'http://127.0.0.1:99999/'");
    CHECK_STR_EQ(argsout[4], "ValueError: concurrency must be at least 1, not 0");
    CHECK(strstr(argsout[5], "TypeError: ") == argsout[5]);
    CHECK_NULL(asy_http_response_header(NULL, "x"));
    CHECK_INT_EQ(asy_http_pool_opened(NULL), 0);
}

/* ---- the /get?a=N server: our client, and curl ---- */

static asy_http_args_server args_srv;

typedef struct {
    asy_coro co;
    asy_server *server;
    asy_http_pool *pool;
    asy_process *proc;
    char url[96];
    int i;
} getsrv_frame;

static char got[3][160], curl_out[128];
static bool have_curl;

static asy_status getsrv_body(asy_coro *co)
{
    getsrv_frame *f = (getsrv_frame *)co;
    ASY_BEGIN(co);
    asy_http_args_server_init(&args_srv, 0.01);
    ASY_AWAIT(co, asy_start_server(&args_srv.handler, "127.0.0.1", 0));
    f->server = asy_incref(asy_value_server(ASY_SENT(co)));
    f->pool = asy_http_pool_new(0);
    for (f->i = 0; f->i < 3; f->i++) {
        snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d%s", server_port(f->server),
                 f->i == 2 ? "/nothing" : f->i == 1 ? "/get?a=42" : "/get?a=7");
        ASY_AWAIT(co, asy_http_get(f->pool, f->url, 2));
        {
            asy_http_response *r = asy_value_http_response(ASY_SENT(co));
            snprintf(got[f->i], sizeof got[0], "%d %s %s", r->status,
                     asy_http_response_header(r, "content-type"), ASY_REPR(r->body));
        }
    }
    if (have_curl) {
        snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d/get?a=5", server_port(f->server));
        {
            static const asy_subprocess_opts o = {ASY_DEVNULL, ASY_PIPE, ASY_DEVNULL};
            ASY_AWAIT(co, asy_create_subprocess_exec(&o, "curl", "-s", "--noproxy", "*", "--max-time", "5", f->url));
        }
        f->proc = asy_incref(asy_value_process(ASY_SENT(co)));
        ASY_AWAIT(co, asy_process_communicate(f->proc, NULL, 0));
        snprintf(curl_out, sizeof curl_out, "%s", ASY_REPR(asy_list_get(asy_value_list(ASY_SENT(co)), 0)));
    }
    ASY_AWAIT(co, asy_http_pool_close(f->pool));
    asy_server_close(f->server);
    ASY_AWAIT(co, asy_server_wait_closed(f->server));
    ASY_END(co);
}

static void getsrv_clear(asy_gen *g)
{
    getsrv_frame *f = (getsrv_frame *)g;
    asy_decref(f->server);
    asy_decref(f->pool);
    asy_decref(f->proc);
}

static void test_the_get_server_answers_our_client_and_curl(void)
{
    getsrv_frame *f = ASY_CORO_NEW(getsrv_frame, getsrv_body, "main");
    asy_gen_set_clear(&f->co, getsrv_clear);
    have_curl = system("command -v curl >/dev/null 2>&1") == 0;
    run_main(&f->co);
    CHECK_STR_EQ(got[0], "200 application/json b'{\"args\": {\"a\": \"7\"}}\\n'");
    CHECK_STR_EQ(got[1], "200 application/json b'{\"args\": {\"a\": \"42\"}}\\n'");
    CHECK_STR_EQ(got[2], "404 text/plain b'Not Found\\n'");
    CHECK_INT_EQ(args_srv.connections, have_curl ? 2 : 1); /* our three GETs on one */
    if (have_curl)
        CHECK_STR_EQ(curl_out, "b'{\"args\": {\"a\": \"5\"}}\\n'");
    else
        printf("curl is not installed: the curl check is skipped\n");
}

/* ---- Python's http.server ---- */

typedef struct {
    asy_coro co;
    asy_process *proc;
    asy_http_pool *pool;
    const char *dir;
    char url[128];
    int port, i;
} pysrv_frame;

static asy_status pysrv_body(asy_coro *co)
{
    pysrv_frame *f = (pysrv_frame *)co;
    ASY_BEGIN(co);
    {
        static const asy_subprocess_opts o = {ASY_DEVNULL, ASY_PIPE, ASY_DEVNULL};
        ASY_AWAIT(co, asy_create_subprocess_exec(&o, "python3", "-u", "-m", "http.server", "0", "--bind",
                                                 "127.0.0.1", "--directory", f->dir));
    }
    f->proc = asy_incref(asy_value_process(ASY_SENT(co)));
    /* "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..." */
    ASY_AWAIT(co, asy_wait_for(asy_stream_reader_readline(asy_process_stdout(f->proc)), 10));
    {
        const char *p = strstr(asy_bytes_data(ASY_SENT(co)), " port ");
        f->port = p ? atoi(p + 6) : 0;
    }
    f->pool = asy_http_pool_new(0);
    for (f->i = 0; f->i < 3 && f->port > 0; f->i++) {
        snprintf(f->url, sizeof f->url, "http://127.0.0.1:%d/%s", f->port,
                 f->i == 0 ? "hello.txt" : f->i == 1 ? "sub/data.bin" : "missing.txt");
        ASY_AWAIT_TRY(co, asy_http_get(f->pool, f->url, 5));
        if (ASY_EXC(co) != NULL) {
            asy_exc_format(ASY_EXC(co), got[f->i], sizeof got[0]);
            asy_decref(ASY_CATCH(co));
        } else {
            asy_http_response *r = asy_value_http_response(ASY_SENT(co));
            if (r->status == 200)
                snprintf(got[f->i], sizeof got[0], "200 %s", ASY_REPR(r->body));
            else
                snprintf(got[f->i], sizeof got[0], "%d", r->status);
        }
    }
    opened = asy_http_pool_opened(f->pool);
    ASY_AWAIT(co, asy_http_pool_close(f->pool));
    ASY_RAISE_IF(co, asy_process_terminate(f->proc));
    ASY_AWAIT(co, asy_process_communicate(f->proc, NULL, 0)); /* the rest of stdout, and wait */
    ASY_END(co);
}

static void pysrv_clear(asy_gen *g)
{
    pysrv_frame *f = (pysrv_frame *)g;
    asy_decref(f->proc);
    asy_decref(f->pool);
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    CHECK_FATAL(fp != NULL);
    fwrite(data, 1, n, fp);
    fclose(fp);
}

static void test_python_http_server_bytes_and_404(void)
{
    if (system("command -v python3 >/dev/null 2>&1") != 0) {
        printf("python3 is not installed: the http.server check is skipped\n");
        return;
    }
    char dir[] = "/tmp/asy-http-XXXXXX", path[96];
    CHECK_FATAL(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/hello.txt", dir);
    write_file(path, "hello, world\n", 13);
    snprintf(path, sizeof path, "%s/sub", dir);
    CHECK_FATAL(mkdir(path, 0700) == 0);
    snprintf(path, sizeof path, "%s/sub/data.bin", dir);
    write_file(path, "\0\1\2\r\n\377", 6);

    pysrv_frame *f = ASY_CORO_NEW(pysrv_frame, pysrv_body, "main");
    asy_gen_set_clear(&f->co, pysrv_clear);
    f->dir = dir;
    run_main(&f->co);
    CHECK_STR_EQ(got[0], "200 b'hello, world\\n'");
    CHECK_STR_EQ(got[1], "200 b'\\x00\\x01\\x02\\r\\n\\xff'");
    CHECK_STR_EQ(got[2], "404");
    CHECK_INT_EQ(opened, 3); /* HTTP/1.0 answers: no keep-alive */

    snprintf(path, sizeof path, "%s/sub/data.bin", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/sub", dir);
    rmdir(path);
    snprintf(path, sizeof path, "%s/hello.txt", dir);
    unlink(path);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"Content-Length, chunked, a 404 and a body up to EOF", test_good_responses},
        {"every bad URL gets its error, the others their result", test_every_bad_url_gets_its_error_and_the_others_their_result},
        {"keep-alive reuses one connection", test_keep_alive_reuses_one_connection},
        {"a failed request does not poison the pool", test_a_failed_request_does_not_poison_the_pool},
        {"a kept connection the server closed is replaced", test_a_kept_connection_the_server_closed_is_replaced},
        {"bad arguments raise at the await", test_bad_arguments_raise_at_the_await},
        {"the /get?a=N server answers our client and curl", test_the_get_server_answers_our_client_and_curl},
        {"Python's http.server: bytes and a 404", test_python_http_server_bytes_and_404},
        {NULL, NULL},
    };
    return check_main("http", tests, argc, argv);
}
