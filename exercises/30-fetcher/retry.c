/*
 * retry.c - exercise (chapter 30): a GET that tries again.
 *
 * A fetcher that gives up at the first refused connection or 503 loses
 * results a second try would have got; one that retries at once, forever,
 * hammers a server that is already in trouble. The usual compromise: a
 * few attempts, only for the errors that may go away, with a pause that
 * doubles each time (exponential backoff).
 *
 * Goal (the contract is in retry.h): decide, for each outcome of
 * asy_http_get, whether it is final; if not, sleep and try again.
 *
 * What is here tries once.
 */
#include "retry.h"

#include "task.h"

typedef struct {
    asy_coro co;
    asy_http_pool *pool;
    const char *url;
    int attempts;
    double timeout, backoff;
} retry_frame;

static asy_status retry_body(asy_coro *co)
{
    retry_frame *f = (retry_frame *)co;
    ASY_BEGIN(co);
    /* TODO: try again when the outcome is worth it (retry.h says which),
     * sleeping backoff, 2 * backoff, ... in between. */
    ASY_AWAIT(co, asy_http_get(f->pool, f->url, f->timeout));
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

asy_coro *fetch_retry(asy_http_pool *pool, const char *url, int attempts, double timeout, double backoff)
{
    retry_frame *f = ASY_CORO_NEW(retry_frame, retry_body, "fetch_retry");
    f->pool = pool;
    f->url = url;
    f->attempts = attempts;
    f->timeout = timeout;
    f->backoff = backoff;
    return &f->co;
}
