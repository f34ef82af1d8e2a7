/*
 * retry.h - exercise: a GET that tries again (chapter 30).
 */
#ifndef EX_RETRY_H
#define EX_RETRY_H

#include "http.h"

/* await fetch_retry(pool, url, attempts, timeout, backoff): up to
 * `attempts` (>= 1) times await asy_http_get(pool, url, timeout).
 *
 * Worth another try: a ConnectionError (refused, reset), TimeoutError,
 * IncompleteReadError (the server went away mid-answer), and a response
 * whose status is 500 or more (a server in trouble: 502, 503...). Before
 * try number k + 1, sleep backoff * 2**(k - 1): backoff, 2 * backoff,
 * 4 * backoff...
 *
 * Final at once: any other response (200, 404: the server answered) is the
 * result; any other exception (a malformed status line, a bad URL,
 * CancelledError) is raised. After the last attempt its outcome stands:
 * the 5xx response is returned, the exception is raised.
 *
 * The value is a response (as asy_http_get's). pool and url are borrowed
 * and must live until the coroutine is done. Returns a new coroutine. */
asy_coro *fetch_retry(asy_http_pool *pool, const char *url, int attempts, double timeout, double backoff);

#endif /* EX_RETRY_H */
