/*
 * Chapter 31, demo 2: debug mode.
 *
 *     loop.set_debug(True)                  asy_loop_set_debug(loop, true)
 *     PYTHONASYNCIODEBUG=1 python3 x.py     ASY_DEBUG=1 ./x
 *
 * Two checks of debug mode, on the real clock:
 *   - a callback that blocks the loop for 0.15 s (time.sleep in Python,
 *     nanosleep here) is reported: "Executing <Handle blocking()> took
 *     0.150 seconds". CPython logs that line as a warning; this library
 *     hands it to the loop's exception handler, and the demo's handler
 *     prints it. 2-debug.sed rounds the duration, which depends on the
 *     machine, and removes what CPython adds to a handle's repr in debug
 *     mode (where the handle was made);
 *   - call_soon from another thread while the loop runs is refused with
 *     RuntimeError. Without debug mode it would be accepted: a data race
 *     nothing reports (call_soon_threadsafe is the safe road, chapter 29).
 * 2-debug.py is the same program in Python.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "runners.h"
#include "task.h"

static void handler(asy_loop *loop, const asy_error_context *ctx, void *arg)
{
    (void)loop;
    (void)arg;
    printf("handler: %s\n", ctx->message);
}

static asy_exc *blocking(asy_value arg)
{
    (void)arg;
    struct timespec ts = {0, 150 * 1000 * 1000};
    nanosleep(&ts, NULL); /* a blocking call: the whole loop stops */
    return NULL;
}

static asy_exc *hello(asy_value arg)
{
    (void)arg;
    printf("hello\n");
    return NULL;
}

static void *other_thread(void *arg)
{
    asy_exc *err;
    asy_handle *h = asy_loop_call_soon((asy_loop *)arg, hello, asy_none(), &err);
    if (h == NULL) {
        printf("other thread: %s\n", ASY_EXC_STR(err));
        asy_decref(err);
    }
    asy_decref(h);
    return NULL;
}

/* async def main():
 *     loop = asyncio.get_running_loop()
 *     loop.set_debug(True)
 *     loop.call_soon(blocking)
 *     await asyncio.sleep(0.01)
 *     t = threading.Thread(target=other_thread, args=(loop,)); t.start(); t.join()
 *     loop.call_soon(hello)
 *     await asyncio.sleep(0) */
static asy_status main_body(asy_coro *co)
{
    asy_loop *loop = asy_get_running_loop(NULL);
    ASY_BEGIN(co);
    asy_loop_set_debug(loop, true);
    asy_loop_set_exception_handler(loop, handler, NULL);
    printf("debug: %s\n", asy_loop_get_debug(loop) ? "True" : "False");
    printf("slow_callback_duration: %g\n", asy_loop_get_slow_callback_duration(loop));
    asy_decref(asy_loop_call_soon(loop, blocking, asy_none(), NULL));
    ASY_AWAIT(co, asy_sleep(0.01, asy_none()));
    {
        pthread_t th;
        if (pthread_create(&th, NULL, other_thread, loop) == 0)
            pthread_join(th, NULL);
    }
    asy_decref(asy_loop_call_soon(loop, hello, asy_none(), NULL));
    ASY_AWAIT(co, asy_sleep(0, asy_none()));
    ASY_END(co);
}

int main(void)
{
    asy_result r = asy_run(asy_coro_new(sizeof(asy_coro), main_body, "main"), NULL);
    int status = r.status == ASY_RETURNED ? 0 : 1;
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? status : 1;
}
