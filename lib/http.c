/*
 * http.c - the HTTP/1.1 client, its connection pool, the fetcher and the
 * test server of chapter 30 (http.h explains what each does).
 */
#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bytes.h"
#include "future.h"
#include "internal.h"
#include "loop.h"
#include "semaphore.h"
#include "task.h"
#include "taskgroup.h"
#include "wait_for.h"

const asy_exc_type asy_HTTPException = {"HTTPException", &asy_Exception};
const asy_exc_type asy_BadStatusLine = {"BadStatusLine", &asy_HTTPException};
const asy_exc_type asy_LineTooLong = {"LineTooLong", &asy_HTTPException};

static char *xstrndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d == NULL)
        asy_out_of_memory("an HTTP string");
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* A growing byte buffer (headers and bodies). */
typedef struct {
    char *data;
    size_t len, cap;
} hbuf;

static void hbuf_add(hbuf *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        char *nb = realloc(b->data, cap);
        if (nb == NULL)
            asy_out_of_memory("an HTTP buffer");
        b->data = nb;
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->data + b->len, data, n);
    b->len += n;
}

/* ---- responses ---- */

static void response_dealloc(asy_obj *self)
{
    asy_http_response *r = (asy_http_response *)self;
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->names[i]);
        free(r->values[i]);
    }
    free(r->names);
    free(r->values);
    free(r->reason);
    asy_value_clear(&r->body);
    asy_obj_free(r);
}

static int response_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr;
    return snprintf(buf, size, "<Response [%d]>", ((asy_http_response *)self)->status);
}

const asy_type asy_http_response_type = {"Response", response_dealloc, response_format, NULL, NULL, NULL, NULL, NULL};

asy_http_response *asy_value_http_response(asy_value v)
{
    if (v.kind != ASY_OBJ || !asy_isinstance(v.u.o, &asy_http_response_type))
        return NULL;
    return (asy_http_response *)v.u.o;
}

const char *asy_http_response_header(const asy_http_response *r, const char *name)
{
    if (r == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < r->nheaders; i++)
        if (strcasecmp(r->names[i], name) == 0)
            return r->values[i];
    return NULL;
}

static void response_add_header(asy_http_response *r, const char *name, size_t nlen, const char *value,
                                size_t vlen)
{
    char **nn = realloc(r->names, (r->nheaders + 1) * sizeof *nn);
    if (nn == NULL)
        asy_out_of_memory("HTTP headers");
    r->names = nn;
    char **nv = realloc(r->values, (r->nheaders + 1) * sizeof *nv);
    if (nv == NULL)
        asy_out_of_memory("HTTP headers");
    r->values = nv;
    r->names[r->nheaders] = xstrndup(name, nlen);
    r->values[r->nheaders] = xstrndup(value, vlen);
    r->nheaders++;
}

/* ---- the pool ---- */

typedef struct {
    char *host;
    int port;
    asy_stream_reader *reader;
    asy_stream_writer *writer;
} idle_conn;

struct asy_http_pool {
    asy_obj ob;
    size_t limit;
    size_t opened;
    size_t nidle;
    idle_conn idle[ASY_HTTP_POOL_MAX];
};

static void idle_clear(idle_conn *c, bool close)
{
    free(c->host);
    if (close)
        asy_stream_writer_close(c->writer);
    asy_decref(c->reader);
    asy_decref(c->writer);
    memset(c, 0, sizeof *c);
}

static void pool_dealloc(asy_obj *self)
{
    asy_http_pool *p = (asy_http_pool *)self;
    for (size_t i = 0; i < p->nidle; i++)
        idle_clear(&p->idle[i], true);
    asy_obj_free(p);
}

const asy_type asy_http_pool_type = {"ConnectionPool", pool_dealloc, NULL, NULL, NULL, NULL, NULL, NULL};

asy_http_pool *asy_http_pool_new(size_t header_limit)
{
    asy_http_pool *p = asy_obj_new(&asy_http_pool_type, sizeof *p);
    p->limit = header_limit ? header_limit : ASY_STREAM_DEFAULT_LIMIT;
    return p;
}

size_t asy_http_pool_opened(const asy_http_pool *p) { return p ? p->opened : 0; }
size_t asy_http_pool_idle(const asy_http_pool *p) { return p ? p->nidle : 0; }

/* Take an idle connection to host:port that is still open (the server may
 * have closed it since: those are dropped). */
static bool pool_take(asy_http_pool *p, const char *host, int port, asy_stream_reader **r, asy_stream_writer **w)
{
    for (size_t i = p->nidle; i-- > 0;) {
        idle_conn *c = &p->idle[i];
        bool stale = asy_stream_reader_at_eof(c->reader) || asy_stream_reader_exception(c->reader) != NULL ||
                     asy_stream_writer_is_closing(c->writer);
        bool match = !stale && c->port == port && strcmp(c->host, host) == 0;
        if (stale || match) {
            if (match) {
                *r = asy_incref(c->reader);
                *w = asy_incref(c->writer);
            }
            idle_clear(c, stale);
            p->idle[i] = p->idle[--p->nidle];
            memset(&p->idle[p->nidle], 0, sizeof p->idle[0]);
            if (match)
                return true;
        }
    }
    return false;
}

/* Give a connection back (borrowed r, w: the pool takes its references);
 * a full pool closes it instead. */
static void pool_put(asy_http_pool *p, const char *host, int port, asy_stream_reader *r, asy_stream_writer *w)
{
    if (p->nidle == ASY_HTTP_POOL_MAX) {
        asy_stream_writer_close(w);
        return;
    }
    idle_conn *c = &p->idle[p->nidle++];
    c->host = xstrndup(host, strlen(host));
    c->port = port;
    c->reader = asy_incref(r);
    c->writer = asy_incref(w);
}

/* async def close(): close the idle connections, await wait_closed. */
typedef struct {
    asy_coro co;
    asy_http_pool *pool;
    asy_stream_writer *w;
} pool_close_frame;

static asy_status pool_close_body(asy_coro *co)
{
    pool_close_frame *f = (pool_close_frame *)co;
    ASY_BEGIN(co);
    while (f->pool->nidle > 0) {
        idle_conn *c = &f->pool->idle[--f->pool->nidle];
        f->w = asy_incref(c->writer);
        idle_clear(c, true);
        ASY_AWAIT_TRY(co, asy_stream_writer_wait_closed(f->w));
        asy_decref(ASY_CATCH(co)); /* a reset while closing is not our business */
        asy_decref(f->w);
        f->w = NULL;
    }
    ASY_END(co);
}

static void pool_close_clear(asy_gen *g)
{
    pool_close_frame *f = (pool_close_frame *)g;
    asy_decref(f->w);
    asy_decref(f->pool);
}

asy_coro *asy_http_pool_close(asy_http_pool *p)
{
    if (p == NULL)
        return asy__coro_null("close", "pool");
    pool_close_frame *f = ASY_CORO_NEW(pool_close_frame, pool_close_body, "close");
    asy_gen_set_clear(&f->co, pool_close_clear);
    f->pool = asy_incref(p);
    return &f->co;
}

/* ---- parsing ---- */

/* "http://host[:port]/path" -> host, port, path (malloc'd). */
static asy_exc *parse_url(const char *url, char **host, int *port, char **path)
{
    if (url == NULL)
        return asy__null_error("url");
    if (strncmp(url, "http://", 7) != 0)
        return asy_exc_new(&asy_ValueError, "only http:// URLs are supported: '%s'", url);
    const char *h = url + 7;
    size_t hl = strcspn(h, ":/");
    if (hl == 0)
        return asy_exc_new(&asy_ValueError, "no host in URL '%s'", url);
    const char *rest = h + hl;
    *port = 80;
    if (*rest == ':') {
        char *end;
        long v = strtol(rest + 1, &end, 10);
        if (end == rest + 1 || v <= 0 || v > 65535 || (*end != '/' && *end != '\0'))
            return asy_exc_new(&asy_ValueError, "bad port in URL '%s'", url);
        *port = (int)v;
        rest = end;
    }
    *host = xstrndup(h, hl);
    *path = xstrndup(*rest ? rest : "/", *rest ? strlen(rest) : 1);
    return NULL;
}

/* The line in a bytes value without its CRLF, printable for messages. */
static const char *line_text(asy_value line, char *buf, size_t size)
{
    size_t n = asy_bytes_len(line);
    const char *d = asy_bytes_data(line);
    while (n > 0 && (d[n - 1] == '\n' || d[n - 1] == '\r'))
        n--;
    if (n > size - 1)
        n = size - 1;
    for (size_t i = 0; i < n; i++)
        buf[i] = isprint((unsigned char)d[i]) ? d[i] : '?';
    buf[n] = '\0';
    return buf;
}

/* "HTTP/1.1 200 OK" -> version, status, reason. */
static asy_exc *parse_status_line(asy_value line, asy_http_response *resp)
{
    char text[128];
    size_t n = asy_bytes_len(line);
    const char *d = asy_bytes_data(line);
    while (n > 0 && (d[n - 1] == '\n' || d[n - 1] == '\r'))
        n--;
    if (n < 12 || memcmp(d, "HTTP/1.", 7) != 0 || (d[7] != '0' && d[7] != '1') || d[8] != ' ' ||
        !isdigit((unsigned char)d[9]) || !isdigit((unsigned char)d[10]) || !isdigit((unsigned char)d[11]) ||
        (n > 12 && d[12] != ' '))
        return asy_exc_new(&asy_BadStatusLine, "malformed status line: '%s'", line_text(line, text, sizeof text));
    resp->version = d[7] == '1' ? 11 : 10;
    resp->status = (d[9] - '0') * 100 + (d[10] - '0') * 10 + (d[11] - '0');
    resp->reason = n > 13 ? xstrndup(d + 13, n - 13) : xstrndup("", 0);
    return NULL;
}

static asy_exc *parse_header_line(asy_value line, asy_http_response *resp)
{
    char text[128];
    size_t n = asy_bytes_len(line);
    const char *d = asy_bytes_data(line);
    while (n > 0 && (d[n - 1] == '\n' || d[n - 1] == '\r'))
        n--;
    const char *colon = memchr(d, ':', n);
    if (colon == NULL || colon == d || d[0] == ' ' || d[0] == '\t')
        return asy_exc_new(&asy_HTTPException, "malformed header line: '%s'", line_text(line, text, sizeof text));
    const char *v = colon + 1, *end = d + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    response_add_header(resp, d, (size_t)(colon - d), v, (size_t)(end - v));
    return NULL;
}

/* A LimitOverrunError from the reader becomes the clear error. */
static asy_exc *header_error(asy_exc *e, size_t limit)
{
    if (asy_exc_is(e, &asy_LimitOverrunError)) {
        asy_decref(e);
        return asy_exc_new(&asy_LineTooLong, "header line longer than %zu bytes", limit);
    }
    return e;
}

/* ---- one GET ---- */

/* What a kept-alive connection that the server has closed meanwhile gives:
 * EOF before a single byte of the status line, or a reset. */
static bool stale(const asy_exc *e)
{
    if (asy_exc_is(e, &asy_IncompleteReadError))
        return asy_bytes_len(asy_incomplete_read_partial(e)) == 0;
    return asy_exc_is(e, &asy_ConnectionResetError) || asy_exc_is(e, &asy_BrokenPipeError);
}

typedef struct {
    asy_coro co;
    asy_http_pool *pool;
    char *host, *path;
    int port;
    asy_stream_reader *reader;
    asy_stream_writer *writer;
    asy_http_response *resp;
    size_t header_bytes;
    long long length;   /* Content-Length, or -1 */
    long chunk;         /* the size of the chunk being read */
    bool chunked, reusable;
    bool reused;        /* the connection came from the pool */
    hbuf body;
    hbuf req;
} get_frame;

/* Which framing the headers announce; whether the connection stays. */
static asy_exc *read_framing(get_frame *f)
{
    const char *te = asy_http_response_header(f->resp, "Transfer-Encoding");
    const char *cl = asy_http_response_header(f->resp, "Content-Length");
    const char *conn = asy_http_response_header(f->resp, "Connection");
    f->length = -1;
    f->chunked = te != NULL && strcasecmp(te, "chunked") == 0;
    if (te != NULL && !f->chunked)
        return asy_exc_new(&asy_HTTPException, "unsupported Transfer-Encoding: '%s'", te);
    if (!f->chunked && cl != NULL) {
        char *end;
        errno = 0;
        long long v = strtoll(cl, &end, 10);
        if (end == cl || *end != '\0' || v < 0 || errno != 0)
            return asy_exc_new(&asy_HTTPException, "bad Content-Length: '%s'", cl);
        f->length = v;
    }
    if (f->resp->version == 11)
        f->reusable = conn == NULL || strcasecmp(conn, "close") != 0;
    else
        f->reusable = conn != NULL && strcasecmp(conn, "keep-alive") == 0;
    /* A 1xx, 204 or 304 has no body; anything else without a length is
     * read to EOF and ends the connection. */
    if (f->resp->status == 204 || f->resp->status == 304 || f->resp->status / 100 == 1)
        f->length = 0;
    else if (!f->chunked && f->length < 0)
        f->reusable = false;
    return NULL;
}

static asy_status get_body(asy_coro *co)
{
    get_frame *f = (get_frame *)co;
    asy_exc *err;
    ASY_BEGIN(co);
    {   /* the request */
        char line[64];
        hbuf_add(&f->req, "GET ", 4);
        hbuf_add(&f->req, f->path, strlen(f->path));
        hbuf_add(&f->req, " HTTP/1.1\r\nHost: ", 17);
        hbuf_add(&f->req, f->host, strlen(f->host));
        int n = snprintf(line, sizeof line, ":%d\r\n\r\n", f->port);
        hbuf_add(&f->req, line, (size_t)n);
    }
    for (;;) {
        /* a connection: an idle one from the pool, else a new one */
        f->reused = pool_take(f->pool, f->host, f->port, &f->reader, &f->writer);
        if (!f->reused) {
            ASY_AWAIT(co, asy_open_connection(f->host, f->port, f->pool->limit));
            asy_stream_pair(ASY_SENT(co), &f->reader, &f->writer);
            f->pool->opened++;
        }
        ASY_RAISE_IF(co, asy_stream_writer_write(f->writer, f->req.data, f->req.len));
        ASY_AWAIT_TRY(co, asy_stream_writer_drain(f->writer));
        if (ASY_EXC(co) == NULL) /* the status line */
            ASY_AWAIT_TRY(co, asy_stream_reader_readuntil(f->reader, "\r\n", 2));
        if (ASY_EXC(co) == NULL)
            break;
        if (!f->reused || !stale(ASY_EXC(co)))
            ASY_RAISE(co, header_error(ASY_CATCH(co), f->pool->limit));
        /* The server closed this idle connection just as we used it: not
         * a byte of an answer came, so the GET goes again on another. */
        asy_decref(ASY_CATCH(co));
        asy_stream_writer_close(f->writer);
        asy_decref(f->writer);
        asy_decref(f->reader);
        f->writer = NULL;
        f->reader = NULL;
    }

    /* the status line and the headers */
    f->resp = asy_obj_new(&asy_http_response_type, sizeof *f->resp);
    f->resp->body = asy_none();
    f->header_bytes = asy_bytes_len(ASY_SENT(co));
    if ((err = parse_status_line(ASY_SENT(co), f->resp)) != NULL)
        ASY_RAISE(co, err);
    for (;;) {
        ASY_AWAIT_TRY(co, asy_stream_reader_readuntil(f->reader, "\r\n", 2));
        if (ASY_EXC(co) != NULL)
            ASY_RAISE(co, header_error(ASY_CATCH(co), f->pool->limit));
        f->header_bytes += asy_bytes_len(ASY_SENT(co));
        if (f->header_bytes > f->pool->limit)
            ASY_RAISE(co, asy_exc_new(&asy_LineTooLong, "headers longer than %zu bytes", f->pool->limit));
        if (asy_bytes_len(ASY_SENT(co)) == 2)
            break; /* the empty line */
        if ((err = parse_header_line(ASY_SENT(co), f->resp)) != NULL)
            ASY_RAISE(co, err);
    }
    if ((err = read_framing(f)) != NULL)
        ASY_RAISE(co, err);

    /* the body */
    if (f->chunked) {
        for (;;) {
            ASY_AWAIT_TRY(co, asy_stream_reader_readuntil(f->reader, "\r\n", 2));
            if (ASY_EXC(co) != NULL)
                ASY_RAISE(co, header_error(ASY_CATCH(co), f->pool->limit));
            {
                char text[64];
                const char *d = asy_bytes_data(ASY_SENT(co));
                char *end;
                errno = 0;
                long v = isxdigit((unsigned char)d[0]) ? strtol(d, &end, 16) : -1;
                if (v < 0 || errno != 0 || (*end != ';' && *end != '\r' && *end != ' '))
                    ASY_RAISE(co, asy_exc_new(&asy_HTTPException, "bad chunk size line: '%s'",
                                              line_text(ASY_SENT(co), text, sizeof text)));
                f->chunk = v;
            }
            if (f->chunk == 0)
                break;
            ASY_AWAIT(co, asy_stream_reader_readexactly(f->reader, f->chunk));
            hbuf_add(&f->body, asy_bytes_data(ASY_SENT(co)), asy_bytes_len(ASY_SENT(co)));
            ASY_AWAIT(co, asy_stream_reader_readexactly(f->reader, 2));
            if (memcmp(asy_bytes_data(ASY_SENT(co)), "\r\n", 2) != 0)
                ASY_RAISE(co, asy_exc_new(&asy_HTTPException, "chunk not followed by CRLF"));
        }
        for (;;) { /* the trailer: header lines up to an empty one */
            ASY_AWAIT_TRY(co, asy_stream_reader_readuntil(f->reader, "\r\n", 2));
            if (ASY_EXC(co) != NULL)
                ASY_RAISE(co, header_error(ASY_CATCH(co), f->pool->limit));
            if (asy_bytes_len(ASY_SENT(co)) == 2)
                break;
        }
    } else if (f->length >= 0) {
        if (f->length > 0) {
            ASY_AWAIT(co, asy_stream_reader_readexactly(f->reader, (long)f->length));
            hbuf_add(&f->body, asy_bytes_data(ASY_SENT(co)), asy_bytes_len(ASY_SENT(co)));
        }
    } else {
        ASY_AWAIT(co, asy_stream_reader_read(f->reader, -1));
        hbuf_add(&f->body, asy_bytes_data(ASY_SENT(co)), asy_bytes_len(ASY_SENT(co)));
    }
    f->resp->body = asy_bytes(f->body.data, f->body.len);

    /* keep-alive: the connection goes back only when read to the end */
    if (f->reusable && asy_stream_reader_buffered(f->reader) == 0)
        pool_put(f->pool, f->host, f->port, f->reader, f->writer);
    else
        asy_stream_writer_close(f->writer);
    asy_decref(f->writer);
    f->writer = NULL;
    {
        asy_http_response *r = f->resp;
        f->resp = NULL;
        ASY_RETURN(co, asy_obj_value(r));
    }
    ASY_END(co);
}

static void get_clear(asy_gen *g)
{
    get_frame *f = (get_frame *)g;
    if (f->writer != NULL) /* failed or cancelled half-way: never reuse */
        asy_stream_writer_close(f->writer);
    asy_decref(f->writer);
    asy_decref(f->reader);
    asy_decref(f->resp);
    asy_decref(f->pool);
    free(f->host);
    free(f->path);
    free(f->body.data);
    free(f->req.data);
}

asy_coro *asy_http_get(asy_http_pool *pool, const char *url, double timeout)
{
    if (pool == NULL)
        return asy__coro_null("get", "pool");
    char *host = NULL, *path = NULL;
    int port = 0;
    asy_exc *err = parse_url(url, &host, &port, &path);
    if (err != NULL)
        return asy__coro_raise("get", err);
    get_frame *f = ASY_CORO_NEW(get_frame, get_body, "get");
    asy_gen_set_clear(&f->co, get_clear);
    f->pool = asy_incref(pool);
    f->host = host;
    f->port = port;
    f->path = path;
    if (timeout > 0 && timeout != ASY_NO_TIMEOUT)
        return asy_wait_for(&f->co, timeout);
    return &f->co;
}

/* ---- the fetcher ---- */

typedef struct {
    asy_coro co;
    asy_http_pool *pool;
    asy_semaphore *sema;
    const char *url;
    double timeout;
    asy_value *result;
    asy_exc **error;
} one_frame;

/* async def fetch_one(url):
 *     async with sema:
 *         try:
 *             results[i] = await asyncio.wait_for(get(url), timeout)
 *         except Exception as e:
 *             errors[i] = e                                             */
static asy_status one_body(asy_coro *co)
{
    one_frame *f = (one_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT_TRY(co, asy_semaphore_acquire(f->sema));
    if (ASY_EXC(co) != NULL) {
        *f->error = asy_incref(ASY_EXC(co));
        ASY_RERAISE(co);
    }
    ASY_AWAIT_TRY(co, asy_http_get(f->pool, f->url, f->timeout));
    {
        asy_exc *rel = asy_semaphore_release(f->sema);
        if (ASY_EXC(co) != NULL) {
            *f->error = asy_incref(ASY_EXC(co));
            if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
                asy_decref(rel);
                ASY_RERAISE(co); /* cancellation is not a result: it goes on */
            }
            asy_decref(ASY_CATCH(co));
        } else {
            *f->result = asy_value_incref(ASY_SENT(co));
        }
        if (rel != NULL)
            ASY_RAISE(co, rel);
    }
    ASY_END(co);
}

static void one_clear(asy_gen *g)
{
    one_frame *f = (one_frame *)g;
    asy_decref(f->pool);
    asy_decref(f->sema);
}

typedef struct {
    asy_coro co;
    asy_http_pool *pool;
    const char *const *urls;
    size_t n, i;
    long concurrency;
    double timeout;
    asy_value *results;
    asy_exc **errors;
    asy_semaphore *sema;
    asy_taskgroup *tg;
} all_frame;

static asy_status all_body(asy_coro *co)
{
    all_frame *f = (all_frame *)co;
    asy_exc *err = NULL;
    ASY_BEGIN(co);
    for (f->i = 0; f->i < f->n; f->i++) {
        f->results[f->i] = asy_none();
        f->errors[f->i] = NULL;
    }
    f->sema = asy_semaphore_new(f->concurrency, &err);
    if (f->sema == NULL)
        ASY_RAISE(co, err);
    f->tg = asy_taskgroup_new();
    ASY_RAISE_IF(co, asy_taskgroup_enter(f->tg));
    for (f->i = 0; f->i < f->n; f->i++) {
        one_frame *o = ASY_CORO_NEW(one_frame, one_body, "fetch_one");
        asy_gen_set_clear(&o->co, one_clear);
        o->pool = asy_incref(f->pool);
        o->sema = asy_incref(f->sema);
        o->url = f->urls[f->i];
        o->timeout = f->timeout;
        o->result = &f->results[f->i];
        o->error = &f->errors[f->i];
        asy_task *t = asy_taskgroup_create_task(f->tg, &o->co, NULL, &err);
        if (t == NULL)
            break;
        asy_decref(t);
    }
    if (err != NULL) {
        ASY_AWAIT_TRY(co, asy_taskgroup_exit(f->tg, err));
    } else {
        ASY_AWAIT_TRY(co, asy_taskgroup_exit(f->tg, NULL));
    }
    if (ASY_EXC(co) != NULL)
        ASY_RERAISE(co);
    ASY_END(co);
}

static void all_clear(asy_gen *g)
{
    all_frame *f = (all_frame *)g;
    asy_decref(f->pool);
    asy_decref(f->sema);
    asy_decref(f->tg);
}

asy_coro *asy_http_fetch_all(asy_http_pool *pool, const char *const *urls, size_t n, long concurrency,
                             double timeout, asy_value *results, asy_exc **errors)
{
    if (pool == NULL)
        return asy__coro_null("fetch_all", "pool");
    if (n > 0 && (urls == NULL || results == NULL || errors == NULL))
        return asy__coro_null("fetch_all", "urls, results and errors");
    if (concurrency < 1) /* Semaphore(0) would wait forever */
        return asy__coro_raise("fetch_all", asy_exc_new(&asy_ValueError, "concurrency must be at least 1, not %ld",
                                                        concurrency));
    all_frame *f = ASY_CORO_NEW(all_frame, all_body, "fetch_all");
    asy_gen_set_clear(&f->co, all_clear);
    f->pool = asy_incref(pool);
    f->urls = urls;
    f->n = n;
    f->concurrency = concurrency;
    f->timeout = timeout;
    f->results = results;
    f->errors = errors;
    return &f->co;
}

/* ---- the test server ---- */

typedef struct {
    asy_coro co;
    asy_http_args_server *srv;
    asy_stream_reader *reader;
    asy_stream_writer *writer;
    int status;
    bool close;
    char a[32];
    char out[256];
    size_t outlen;
} serve_frame;

/* Parse one request head; fill status, a, close. */
static void serve_parse(serve_frame *f, const char *d, size_t n)
{
    f->status = 404;
    f->close = false;
    f->a[0] = '\0';
    const char *eol = memchr(d, '\r', n);
    size_t ll = eol ? (size_t)(eol - d) : n;
    /* "GET /get?a=N HTTP/1.1" */
    if (ll > 4 && memcmp(d, "GET ", 4) == 0) {
        const char *p = d + 4, *sp = memchr(p, ' ', ll - 4);
        size_t pl = sp ? (size_t)(sp - p) : ll - 4;
        if (pl > 5 && memcmp(p, "/get?", 5) == 0) {
            const char *q = p + 5, *qend = p + pl;
            while (q < qend) {
                const char *amp = memchr(q, '&', (size_t)(qend - q));
                const char *e = amp ? amp : qend;
                if (e - q >= 2 && q[0] == 'a' && q[1] == '=' && (size_t)(e - q - 2) < sizeof f->a) {
                    memcpy(f->a, q + 2, (size_t)(e - q - 2));
                    f->a[e - q - 2] = '\0';
                    f->status = 200;
                }
                q = amp ? amp + 1 : qend;
            }
        }
        if (sp != NULL && memcmp(sp + 1, "HTTP/1.0", 8) == 0)
            f->close = true;
    }
    for (const char *h = eol; h != NULL && h + 2 < d + n;) { /* Connection: close */
        h += 2;
        if ((size_t)(d + n - h) >= 17 && strncasecmp(h, "Connection: close", 17) == 0)
            f->close = true;
        h = memchr(h, '\r', (size_t)(d + n - h));
    }
}

static asy_status serve_body(asy_coro *co)
{
    serve_frame *f = (serve_frame *)co;
    ASY_BEGIN(co);
    f->srv->connections++;
    for (;;) {
        ASY_AWAIT_TRY(co, asy_stream_reader_readuntil(f->reader, "\r\n\r\n", 4));
        if (ASY_EXC(co) != NULL) { /* EOF (the client is done) or garbage */
            asy_decref(ASY_CATCH(co));
            break;
        }
        serve_parse(f, asy_bytes_data(ASY_SENT(co)), asy_bytes_len(ASY_SENT(co)));
        if (f->status == 200) {
            long a = atol(f->a);
            double delay = a >= 0 && (size_t)a < f->srv->ndelays ? f->srv->delays[a] : f->srv->delay;
            f->srv->in_flight++;
            if (f->srv->in_flight > f->srv->peak)
                f->srv->peak = f->srv->in_flight;
            ASY_AWAIT_TRY(co, asy_sleep(delay, asy_none()));
            f->srv->in_flight--;
            if (ASY_EXC(co) != NULL)
                ASY_RERAISE(co);
            {
                char body[96];
                int bl = snprintf(body, sizeof body, "{\"args\": {\"a\": \"%s\"}}\n", f->a);
                f->outlen = (size_t)snprintf(f->out, sizeof f->out,
                                             "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                             "Content-Length: %d\r\n%s\r\n%s",
                                             bl, f->close ? "Connection: close\r\n" : "", body);
            }
        } else {
            f->outlen = (size_t)snprintf(f->out, sizeof f->out,
                                         "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                                         "Content-Length: 10\r\n%s\r\nNot Found\n",
                                         f->close ? "Connection: close\r\n" : "");
        }
        f->srv->requests++;
        ASY_RAISE_IF(co, asy_stream_writer_write(f->writer, f->out, f->outlen));
        ASY_AWAIT_TRY(co, asy_stream_writer_drain(f->writer));
        if (ASY_EXC(co) != NULL) {
            asy_decref(ASY_CATCH(co));
            break;
        }
        if (f->close)
            break;
    }
    asy_stream_writer_close(f->writer);
    ASY_AWAIT_TRY(co, asy_stream_writer_wait_closed(f->writer));
    asy_decref(ASY_CATCH(co));
    ASY_END(co);
}

static void serve_clear(asy_gen *g)
{
    serve_frame *f = (serve_frame *)g;
    asy_stream_writer_close(f->writer);
    asy_decref(f->reader);
    asy_decref(f->writer);
}

static asy_coro *serve_connection(asy_stream_reader *reader, asy_stream_writer *writer, void *arg)
{
    serve_frame *f = ASY_CORO_NEW(serve_frame, serve_body, "serve_get");
    asy_gen_set_clear(&f->co, serve_clear);
    f->srv = arg;
    f->reader = asy_incref(reader);
    f->writer = asy_incref(writer);
    return &f->co;
}

void asy_http_args_server_init(asy_http_args_server *s, double delay)
{
    if (s == NULL)
        return;
    memset(s, 0, sizeof *s);
    s->delay = delay;
    s->handler.cb = serve_connection;
    s->handler.arg = s;
    s->handler.limit = 8192;
}
