/*
 * retry.c - solution (chapter 30): a GET that tries again, with an
 * exponential backoff between attempts.
 */
#include "retry.h"

#include "future.h"
#include "streams.h"
#include "task.h"

typedef struct {
    asy_coro co;
    asy_http_pool *pool;
    const char *url;
    int attempts, k;
    double timeout, backoff, pause;
} retry_frame;

static bool worth_retrying(const asy_exc *e)
{
    return asy_exc_is(e, &asy_ConnectionError) || asy_exc_is(e, &asy_TimeoutError) ||
           asy_exc_is(e, &asy_IncompleteReadError);
}

static asy_status retry_body(asy_coro *co)
{
    retry_frame *f = (retry_frame *)co;
    ASY_BEGIN(co);
    f->pause = f->backoff;
    for (f->k = 1;; f->k++) {
        ASY_AWAIT_TRY(co, asy_http_get(f->pool, f->url, f->timeout));
        if (ASY_EXC(co) != NULL) {
            if (f->k >= f->attempts || !worth_retrying(ASY_EXC(co)))
                ASY_RERAISE(co);
            asy_decref(ASY_CATCH(co));
        } else if (asy_value_http_response(ASY_SENT(co))->status < 500 || f->k >= f->attempts) {
            ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
        }
        ASY_AWAIT(co, asy_sleep(f->pause, asy_none()));
        f->pause *= 2;
    }
    ASY_END(co);
}

asy_coro *fetch_retry(asy_http_pool *pool, const char *url, int attempts, double timeout, double backoff)
{
    retry_frame *f = ASY_CORO_NEW(retry_frame, retry_body, "fetch_retry");
    f->pool = pool;
    f->url = url;
    f->attempts = attempts < 1 ? 1 : attempts;
    f->timeout = timeout;
    f->backoff = backoff;
    return &f->co;
}
