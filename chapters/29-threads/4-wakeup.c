/*
 * Chapter 29, demo 4: call_soon_threadsafe wakes a sleeping loop.
 *
 * main awaits a future that only another thread will complete. Nothing
 * else is scheduled, so the loop goes to sleep in epoll_wait with no
 * timeout at all. 0.3 s later the thread calls
 *
 *     loop.call_soon_threadsafe(fut.set_result, "hello from a thread")
 *
 * which queues the callback under the loop's mutex and writes to the
 * loop's eventfd: epoll_wait returns, the turn takes the callback in,
 * set_result runs ON THE LOOP'S THREAD, and main resumes. The thread
 * never touches the future itself: it only hands a callback through the
 * door. (It owns one reference to the future, taken by main before the
 * thread started, and gives it to call_soon_threadsafe with the callback.)
 * 4-wakeup.py is the same program in Python.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "task.h"
#include "runners.h"

static double t0;

static double elapsed(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - t0;
}

typedef struct {
    asy_loop *loop;  /* borrowed: main joins the thread before the loop goes */
    asy_future *fut; /* one reference, the thread's, handed to the loop */
} worker_args;

/* On the loop's thread: fut.set_result("hello from a thread"). */
static asy_exc *set_result(asy_value arg)
{
    return asy_future_set_result(asy_value_future(arg), asy_str("hello from a thread"));
}

/* def worker(loop, fut):
 *     time.sleep(0.3)
 *     loop.call_soon_threadsafe(fut.set_result, "hello from a thread")   */
static void *worker(void *arg)
{
    worker_args *w = arg;
    usleep(300 * 1000);
    asy_exc *e = asy_loop_call_soon_threadsafe(w->loop, set_result, asy_obj_value(w->fut));
    if (e != NULL) /* a closed loop: the reference came back released */
        asy_exc_print(e, stdout), asy_decref(e);
    return NULL;
}

/* async def main():
 *     loop = asyncio.get_running_loop()
 *     fut = loop.create_future()
 *     t = threading.Thread(target=worker, args=(loop, fut)); t.start()
 *     print("main: awaiting a future that another thread completes")
 *     r = await fut
 *     print(f"main: got {r!r} at {elapsed():.1f} s")
 *     t.join()                                                            */
typedef struct {
    asy_coro co;
    asy_future *fut;
    worker_args args;
    pthread_t thread;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    ASY_BEGIN(co);
    f->args.loop = asy_get_running_loop(NULL);
    f->fut = asy_future_new(f->args.loop);
    f->args.fut = asy_incref(f->fut); /* the thread's reference, taken here */
    if (pthread_create(&f->thread, NULL, worker, &f->args) != 0) {
        asy_decref(f->args.fut);
        ASY_RAISE(co, asy_exc_new(&asy_RuntimeError, "can't start new thread"));
    }
    printf("main: awaiting a future that another thread completes\n");
    ASY_AWAIT(co, asy_incref(f->fut));
    printf("main: got %s at %.1f s\n", ASY_REPR(ASY_SENT(co)), elapsed());
    pthread_join(f->thread, NULL);
    ASY_END(co);
}

static void main_clear(asy_gen *g) { asy_decref(((main_frame *)g)->fut); }

int main(void)
{
    t0 = elapsed();
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, NULL);
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stdout);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? 0 : 1;
}
