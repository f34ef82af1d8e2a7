/*
 * Chapter 14, demo 4: the same awaitable twice, and gather() of nothing.
 *
 * gather wraps each distinct awaitable once (the task t is taken as it
 * is; the coroutine c becomes one task) and puts its result wherever it
 * was passed: each body runs once, the list has four entries. An empty
 * gather is a future that is done already, with the result [].
 */
#include <stdio.h>

#include "gather.h"
#include "runners.h"

/* async def work(name): print(...); await asyncio.sleep(0.1); return name */
typedef struct {
    asy_coro co;
    const char *name;
} work_frame;

static asy_status work_body(asy_coro *co)
{
    work_frame *f = (work_frame *)co;
    ASY_BEGIN(co);
    printf("  %s runs\n", f->name);
    ASY_AWAIT(co, asy_sleep(0.1, asy_none()));
    ASY_RETURN(co, asy_str(f->name));
    ASY_END(co);
}

static asy_coro *work(const char *name)
{
    work_frame *f = ASY_CORO_NEW(work_frame, work_body, "work");
    f->name = name;
    return &f->co;
}

static asy_status main_body(asy_coro *co)
{
    asy_exc *err;
    ASY_BEGIN(co);
    {
        asy_task *t = asy_create_task(work("t"), NULL, &err);
        if (t == NULL)
            ASY_RAISE(co, err);
        asy_coro *c = work("c");
        /* gather steals one reference per argument: passing an object
         * twice means passing two references */
        void *aws[] = {t, c, asy_incref(t), asy_incref(c)};
        ASY_AWAIT(co, asy_gather(false, 4, aws));
    }
    printf("%s\n", ASY_STR(ASY_SENT(co)));
    {
        asy_future *g = asy_gather(false, 0, NULL);
        printf("gather() is done at once: %s\n", asy_future_done(g) ? "True" : "False");
        ASY_AWAIT(co, g);
    }
    printf("%s\n", ASY_STR(ASY_SENT(co)));
    ASY_END(co);
}

int main(void)
{
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    asy_result r = asy_run(asy_coro_new(sizeof(asy_coro), main_body, "main"), &opts);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
