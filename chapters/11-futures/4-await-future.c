/*
 * 4-await-future.c - chapter 11, demo 4: awaiting a future, driven by hand.
 *
 *     async def waiter(fut):
 *         print("waiter: await fut")
 *         value = await fut
 *         print(f"waiter: await gave {value!r}")
 *         return value
 *
 * await fut is yield from fut. The first send(None) finds the future
 * pending, so the future yields ITSELF, and it comes out of send() in the
 * driver (main), which is what a task will do in chapter 12: wait for it
 * with a done callback. Here the done callback just stops the loop, and
 * main sends again: the future is done, so the await returns its result.
 * A future that is already done gives its result at the first send.
 */
#include <stdio.h>

#include "coro.h"
#include "future.h"
#include "loop.h"

typedef struct {
    asy_coro co;
    asy_future *fut; /* owned */
} waiter_frame;

static asy_status waiter_body(asy_coro *co)
{
    waiter_frame *f = (waiter_frame *)co;
    ASY_BEGIN(co);
    printf("waiter: await fut\n");
    ASY_AWAIT(co, asy_incref(f->fut)); /* ASY_AWAIT steals: give it a reference of its own */
    printf("waiter: await gave %s\n", ASY_REPR(ASY_SENT(co)));
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co))); /* ASY_SENT is borrowed */
    ASY_END(co);
}

static void waiter_clear(asy_gen *g) { asy_decref(((waiter_frame *)g)->fut); }

/* waiter(fut): builds the coroutine, runs nothing. New reference. */
static asy_coro *waiter(asy_future *fut)
{
    waiter_frame *f = ASY_CORO_NEW(waiter_frame, waiter_body, "waiter");
    f->fut = asy_incref(fut);
    asy_gen_set_clear(&f->co, waiter_clear);
    return &f->co;
}

static double t0;

static asy_exc *set_it(asy_value arg)
{
    asy_future *fut = asy_value_future(arg); /* borrowed from the handle */
    printf("callback at %.1f s: set_result('the answer')\n", asy_loop_time(fut->loop) - t0);
    return asy_future_set_result(fut, asy_str("the answer"));
}

static asy_exc *stop_loop(asy_future *fut, asy_value arg)
{
    (void)arg;
    asy_loop_stop(fut->loop);
    return NULL;
}

/* Print how a send ended: a return is Python's StopIteration. */
static void show_end(asy_result *r, const char *when)
{
    if (r->status == ASY_RETURNED)
        printf("driver: StopIteration%s, value %s\n", when, ASY_REPR(r->value));
    else if (r->status == ASY_RAISED)
        printf("driver: raised %s\n", ASY_EXC_STR(r->exc));
    else
        printf("driver: yielded %s\n", ASY_REPR(r->value));
}

int main(void)
{
    asy_exc *err;
    static const asy_loop_options opts = {NULL, true}; /* epoll, virtual clock */
    asy_loop *loop = asy_loop_new(&opts, &err);
    if (loop == NULL) {
        asy_exc_print(err, stderr);
        return 1;
    }
    t0 = asy_loop_time(loop);
    asy_future *fut = asy_future_new(loop);
    asy_coro *coro = waiter(fut);

    printf("driver: send(None) #1\n");
    asy_result r = asy_gen_send(coro, asy_none());
    if (r.status != ASY_YIELDED) { /* cannot happen: the future is pending */
        show_end(&r, "");
        asy_result_clear(&r);
        asy_decref(coro);
        asy_decref(fut);
        asy_decref(asy_loop_close(loop));
        asy_decref(loop);
        return 1;
    }
    asy_future *yielded = asy_value_future(r.value); /* borrowed from r; NULL if not a future */
    printf("driver: the coroutine yielded %s\n", ASY_REPR(r.value));
    printf("driver: isfuture: %s | our future: %s\n", yielded != NULL ? "True" : "False",
           yielded == fut ? "True" : "False");

    printf("driver: add a done callback that stops the loop, run the loop\n");
    asy_decref(asy_loop_call_later(loop, 0.5, set_it, asy_future_value(fut), NULL));
    asy_decref(asy_future_add_done_callback(yielded, stop_loop, asy_none()));
    asy_result_clear(&r); /* drops the yielded reference; fut is still ours */
    asy_exc *e = asy_loop_run_forever(loop);
    if (e != NULL) {
        asy_exc_print(e, stderr);
        asy_decref(e);
    }
    printf("driver: the loop stopped at %.1f s; %s\n", asy_loop_time(loop) - t0, ASY_REPR(asy_obj_value(fut)));

    printf("driver: send(None) #2\n");
    r = asy_gen_send(coro, asy_none());
    show_end(&r, "");
    asy_result_clear(&r);
    asy_decref(coro);

    printf("driver: the future is done; a new waiter, send(None) #1\n");
    coro = waiter(fut);
    r = asy_gen_send(coro, asy_none());
    show_end(&r, " at the first send");
    asy_result_clear(&r);
    asy_decref(coro);

    asy_decref(fut);
    asy_decref(asy_loop_close(loop));
    asy_decref(loop);
    return asy_obj_live() == 0 ? 0 : 1;
}
