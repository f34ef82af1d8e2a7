/*
 * http.h - a small HTTP/1.1 client (and a test server) on streams.
 * Chapter: 30
 *
 * The capstone: everything the course built, used together. A GET is a
 * coroutine that writes a request on a StreamWriter (chapter 27) and reads
 * the answer from a StreamReader:
 *
 *     GET /get?a=3 HTTP/1.1\r\n             request line
 *     Host: 127.0.0.1:8080\r\n              the one header HTTP/1.1 requires
 *     \r\n
 *
 *     HTTP/1.1 200 OK\r\n                   status line   readuntil(b'\r\n')
 *     Content-Length: 21\r\n                headers       readuntil(b'\r\n') ...
 *     \r\n                                  end of headers
 *     {"args": {"a": "3"}}\n                body          readexactly(21)
 *
 * BODIES. Content-Length: readexactly(n). Transfer-Encoding: chunked: a
 * hex size line, that many bytes, CRLF, again, until size 0 and the
 * trailer (readuntil + readexactly). Neither: read(-1) up to EOF, and the
 * connection cannot be used again. A peer that closes in the middle of a
 * body raises IncompleteReadError (streams.h), as the reads do.
 *
 * HEADERS are read with the reader's limit (the pool's header_limit): a
 * line longer than it is LimitOverrunError inside the reader and
 * asy_LineTooLong here ("header line longer than N bytes"), and so are all
 * the header lines together when they add up to more than the limit. A
 * status line that is not "HTTP/x.y NNN reason" is asy_BadStatusLine, a
 * header line without ':' or a bad Content-Length or chunk size is
 * asy_HTTPException (Python's http.client names).
 *
 * KEEP-ALIVE. A pool keeps the connections whose response was read to the
 * end and that the server did not close (HTTP/1.1 without
 * "Connection: close"), at most ASY_HTTP_POOL_MAX idle ones, and the next
 * GET to the same host and port takes one instead of connecting again. A
 * request that fails or is cancelled (its timeout) closes its connection:
 * a half-read response must never be read by the next request. A server
 * may close an idle connection just as a request is sent on it: when a
 * kept connection gives EOF (or a reset) before the first byte of an
 * answer, the GET is sent again on another connection, as real clients do
 * for a GET; on a new connection the same failure is final.
 *
 * THE FETCHER. asy_http_fetch_all is the pattern of the chapter in one
 * call: a TaskGroup of one task per URL, a Semaphore for the concurrency
 * limit, wait_for for each request's timeout. The failure policy is
 * explicit: each task catches its own request's error and stores it in
 * its slot, so one URL's error never cancels the others (a TaskGroup
 * would cancel everything at the first exception that escapes a task).
 *
 * ERRORS follow the library's convention: the coroutines raise at the
 * await; functions returning a coroutine never return NULL.
 *
 * OWNERSHIP. Pools and responses are counted objects (new references from
 * their constructors; asy_http_get's value holds a response). Strings are
 * copied. A GET holds a reference to its pool until it finishes.
 */
#ifndef ASY_HTTP_H
#define ASY_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "coro.h"
#include "exc.h"
#include "streams.h"
#include "value.h"

/* http.client.HTTPException (an Exception) and two of its kinds. */
extern const asy_exc_type asy_HTTPException;
extern const asy_exc_type asy_BadStatusLine;
extern const asy_exc_type asy_LineTooLong;

/* ---- responses ---- */

typedef struct asy_http_response {
    asy_obj ob;
    int status;          /* 200 */
    int version;         /* 10 or 11: HTTP/1.0 or HTTP/1.1 */
    char *reason;        /* "OK" */
    size_t nheaders;
    char **names;        /* as sent */
    char **values;       /* without the surrounding blanks */
    asy_value body;      /* bytes */
} asy_http_response;

extern const asy_type asy_http_response_type;
/* The response a value holds (borrowed), or NULL. */
asy_http_response *asy_value_http_response(asy_value v);
/* response.getheader(name): the first header called name (any case),
 * borrowed; NULL when absent or r is NULL. */
const char *asy_http_response_header(const asy_http_response *r, const char *name);

/* ---- the connection pool ---- */

enum { ASY_HTTP_POOL_MAX = 16 };

typedef struct asy_http_pool asy_http_pool;
extern const asy_type asy_http_pool_type;

/* A pool whose connections read with header_limit (0: 64 KiB, the
 * streams' default). New reference. */
asy_http_pool *asy_http_pool_new(size_t header_limit);
/* Connections opened so far / idle now (0 for NULL). */
size_t asy_http_pool_opened(const asy_http_pool *p);
size_t asy_http_pool_idle(const asy_http_pool *p);
/* Close every idle connection and wait until each is closed. New
 * coroutine, never NULL. */
asy_coro *asy_http_pool_close(asy_http_pool *p);

/* ---- requests ---- */

/* await the GET of url ("http://host[:port]/path"; only http) through the
 * pool, in at most `timeout` seconds (<= 0 or ASY_NO_TIMEOUT: none, else
 * TimeoutError). The value is a response (new reference for whoever takes
 * ASY_SENT). Any status is a response, 404 too: only a failure to get one
 * raises (ConnectionRefusedError, IncompleteReadError, asy_BadStatusLine,
 * asy_LineTooLong, asy_HTTPException, TimeoutError, ValueError for a URL
 * that is not http://). New coroutine, never NULL. */
asy_coro *asy_http_get(asy_http_pool *pool, const char *url, double timeout);

/* The fetcher: GET urls[0..n) with at most `concurrency` at a time, each
 * with `timeout`. When it returns, for every i exactly one of results[i]
 * (a response value, new reference) and errors[i] (new reference) is set;
 * the other is None / NULL. urls (the array and strings), results and
 * errors are borrowed and must live until the coroutine is done.
 * Cancelling it cancels every request. concurrency < 1 raises ValueError
 * (a Semaphore(0) would wait forever). New coroutine, never NULL. */
asy_coro *asy_http_fetch_all(asy_http_pool *pool, const char *const *urls, size_t n,
                             long concurrency, double timeout, asy_value *results, asy_exc **errors);

/* ---- a test server: /get?a=N after a delay ---- */

/* The server the chapter's demos start (with asy_start_server): it answers
 * `GET /get?a=N` with 200 and {"args": {"a": "N"}} (httpbin.org's shape)
 * after `delay` seconds (delays[N] when N < ndelays), any other path with
 * 404, and keeps each connection open for the next request (HTTP/1.1)
 * until the client closes it or sends "Connection: close". It counts the
 * requests it is working on, for the demos. Fill it with
 * asy_http_args_server_init, then pass &s->handler to asy_start_server;
 * it must outlive the server. */
typedef struct asy_http_args_server {
    double delay;
    const double *delays;
    size_t ndelays;
    int in_flight, peak;  /* requests being answered now, and the most at once */
    size_t requests;      /* requests answered */
    size_t connections;   /* connections accepted */
    asy_stream_handler handler;
} asy_http_args_server;

void asy_http_args_server_init(asy_http_args_server *s, double delay);

#endif /* ASY_HTTP_H */
