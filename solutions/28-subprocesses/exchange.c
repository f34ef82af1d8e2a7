/*
 * exchange.c - solution (chapter 28): a communicate() that cannot deadlock.
 *
 * Feeding stdin runs as a task of its own while the body reads stdout, so
 * the child's output is taken as it comes and the child can always get on
 * to reading its input.
 */
#include "exchange.h"

#include "bytes.h"
#include "streams.h"
#include "task.h"

/* async def feed(proc, input):
 *     try:
 *         proc.stdin.write(input)
 *         await proc.stdin.drain()
 *     except (BrokenPipeError, ConnectionResetError):
 *         pass
 *     proc.stdin.close()                                                  */
typedef struct {
    asy_coro co;
    asy_process *proc; /* owned */
    const char *input;
    size_t n;
    asy_task *feeder;  /* owned (the main frame only) */
    asy_value out;     /* owned: what stdout gave */
} exchange_frame;

static asy_status feed_body(asy_coro *co)
{
    exchange_frame *f = (exchange_frame *)co;
    ASY_BEGIN(co);
    ASY_RAISE_IF(co, asy_stream_writer_write(asy_process_stdin(f->proc), f->input, f->n));
    ASY_AWAIT_TRY(co, asy_stream_writer_drain(asy_process_stdin(f->proc)));
    if (asy_exc_is(ASY_EXC(co), &asy_BrokenPipeError) || asy_exc_is(ASY_EXC(co), &asy_ConnectionResetError))
        asy_decref(ASY_CATCH(co));
    asy_stream_writer_close(asy_process_stdin(f->proc));
    ASY_END(co); /* an other exception still pending propagates */
}

static void exchange_clear(asy_gen *g)
{
    exchange_frame *f = (exchange_frame *)g;
    if (f->feeder != NULL && !asy_future_done(&f->feeder->fut))
        asy_task_cancel(f->feeder, NULL); /* we were cancelled: so is it */
    asy_decref(f->feeder);
    asy_decref(f->proc);
    asy_value_clear(&f->out);
    f->feeder = NULL;
    f->proc = NULL;
}

static exchange_frame *frame_new(asy_gen_body body, const char *name, asy_process *proc, const void *input,
                                 size_t n)
{
    exchange_frame *f = ASY_CORO_NEW(exchange_frame, body, name);
    asy_gen_set_clear(&f->co, exchange_clear);
    f->proc = asy_incref(proc);
    f->input = input;
    f->n = n;
    return f;
}

static asy_status exchange_body(asy_coro *co)
{
    exchange_frame *f = (exchange_frame *)co;
    ASY_BEGIN(co);
    {
        asy_exc *err;
        exchange_frame *feed = frame_new(feed_body, "feed", f->proc, f->input, f->n);
        f->feeder = asy_create_task(&feed->co, NULL, &err);
        if (f->feeder == NULL)
            ASY_RAISE(co, err);
    }
    ASY_AWAIT(co, asy_stream_reader_read(asy_process_stdout(f->proc), -1)); /* meanwhile, feed runs */
    f->out = asy_value_incref(ASY_SENT(co));
    ASY_AWAIT(co, asy_incref(f->feeder));
    ASY_AWAIT(co, asy_process_wait(f->proc));
    ASY_RETURN(co, asy_value_incref(f->out));
    ASY_END(co);
}

asy_coro *exchange(asy_process *proc, const void *input, size_t n)
{
    return &frame_new(exchange_body, "exchange", proc, input, n)->co;
}
