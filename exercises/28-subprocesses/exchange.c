/*
 * exchange.c - exercise (chapter 28): a communicate() that cannot deadlock.
 *
 * What is here is the obvious order: write all the input, drain, close
 * stdin, then read stdout. It works for `cat` and small inputs. It hangs
 * for a child that writes a lot before it reads: the child blocks on its
 * full stdout pipe, waiting for us to read; we block in drain(), waiting
 * for it to read. Each waits for the other: a deadlock (死锁). The test
 * puts a time limit on it, so you will see a TimeoutError instead.
 *
 * The goal, as communicate() does it (lib/subprocess.c):
 *   - feed stdin in a coroutine of its own (write, drain, close), running
 *     as a task, or in a gather, AT THE SAME TIME as reading stdout;
 *   - ignore BrokenPipeError and ConnectionResetError while feeding: the
 *     child may exit or close its stdin without reading everything;
 *   - read stdout to EOF, wait for the feeder, then for the child.
 */
#include "exchange.h"

#include "bytes.h"
#include "streams.h"

typedef struct {
    asy_coro co;
    asy_process *proc; /* owned */
    const char *input;
    size_t n;
} exchange_frame;

static asy_status exchange_body(asy_coro *co)
{
    exchange_frame *f = (exchange_frame *)co;
    ASY_BEGIN(co);
    /* TODO: feed stdin and read stdout at the same time. */
    ASY_RAISE_IF(co, asy_stream_writer_write(asy_process_stdin(f->proc), f->input, f->n));
    ASY_AWAIT(co, asy_stream_writer_drain(asy_process_stdin(f->proc)));
    asy_stream_writer_close(asy_process_stdin(f->proc));
    ASY_AWAIT(co, asy_stream_reader_read(asy_process_stdout(f->proc), -1));
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void exchange_clear(asy_gen *g)
{
    exchange_frame *f = (exchange_frame *)g;
    asy_decref(f->proc);
    f->proc = NULL;
}

asy_coro *exchange(asy_process *proc, const void *input, size_t n)
{
    exchange_frame *f = ASY_CORO_NEW(exchange_frame, exchange_body, "exchange");
    asy_gen_set_clear(&f->co, exchange_clear);
    f->proc = asy_incref(proc);
    f->input = input;
    f->n = n;
    return &f->co;
}
