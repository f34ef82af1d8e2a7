/*
 * streams.c - StreamReader, StreamWriter, the stream protocol,
 * open_connection and start_server (chapter 27).
 */
#include "streams.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "list.h"
#include "task.h"

/* (ASY_EXC_TYPE would name them "asy_...": Python says "IncompleteReadError".) */
const asy_exc_type asy_IncompleteReadError = {"IncompleteReadError", &asy_EOFError};
const asy_exc_type asy_LimitOverrunError = {"LimitOverrunError", &asy_Exception};

asy_exc *asy_incomplete_read_error(asy_value partial, long long expected)
{
    char exp[32];
    if (expected < 0)
        snprintf(exp, sizeof exp, "undefined");
    else
        snprintf(exp, sizeof exp, "%lld", expected);
    asy_exc *e = asy_exc_new(&asy_IncompleteReadError, "%zu bytes read on a total of %s expected bytes",
                             asy_bytes_len(partial), exp);
    e->value = partial;
    e->num = expected < 0 ? -1 : expected;
    return e;
}

asy_value asy_incomplete_read_partial(const asy_exc *e)
{
    return asy_exc_is(e, &asy_IncompleteReadError) ? e->value : asy_none();
}

long long asy_incomplete_read_expected(const asy_exc *e)
{
    return asy_exc_is(e, &asy_IncompleteReadError) ? e->num : -1;
}

asy_exc *asy_limit_overrun_error(const char *message, long long consumed)
{
    asy_exc *e = asy_exc_new(&asy_LimitOverrunError, "%s", message != NULL ? message : "");
    e->num = consumed;
    return e;
}

long long asy_limit_overrun_consumed(const asy_exc *e)
{
    return asy_exc_is(e, &asy_LimitOverrunError) ? e->num : -1;
}

/* ---- the reader's buffer ------------------------------------------------
 * CPython's bytearray with `del buf[:n]` at the front. Here the live bytes
 * are buf[start .. start + len): taking from the front moves `start`, and
 * the bytes are moved back to the beginning only when an append needs the
 * room, so a stream of small reads costs no memmove each. */

static void buf_append(asy_stream_reader *r, const void *data, size_t n)
{
    if (r->start + r->len + n > r->cap) {
        if (r->start > 0) { /* reuse the consumed front first */
            memmove(r->buf, r->buf + r->start, r->len);
            r->start = 0;
        }
        if (r->len + n > r->cap) {
            size_t cap = r->cap ? r->cap : 1024;
            while (cap < r->len + n)
                cap *= 2;
            char *nb = realloc(r->buf, cap);
            if (nb == NULL)
                asy_out_of_memory("a stream buffer");
            r->buf = nb;
            r->cap = cap;
        }
    }
    memcpy(r->buf + r->start + r->len, data, n);
    r->len += n;
}

/* bytes(buf[:n]); del buf[:n]. New reference. */
static asy_value buf_take(asy_stream_reader *r, size_t n)
{
    if (n > r->len)
        n = r->len;
    asy_value b = asy_bytes(r->buf + r->start, n);
    r->start += n;
    r->len -= n;
    if (r->len == 0)
        r->start = 0;
    return b;
}

/* buf.find(sep, offset): the index, or -1. */
static long buf_find(const asy_stream_reader *r, const char *sep, size_t seplen, size_t offset)
{
    if (offset >= r->len || r->len - offset < seplen)
        return -1;
    /* memmem is a GNU extension: memchr for the first byte, then compare. */
    const char *base = r->buf + r->start;
    const char *p = base + offset, *last = base + r->len - seplen;
    while (p <= last) {
        p = memchr(p, (unsigned char)sep[0], (size_t)(last - p) + 1);
        if (p == NULL)
            return -1;
        if (memcmp(p, sep, seplen) == 0)
            return (long)(p - base);
        p++;
    }
    return -1;
}

/* ---- the reader -------------------------------------------------------- */

static void reader_dealloc(asy_obj *o)
{
    asy_stream_reader *r = (asy_stream_reader *)o;
    free(r->buf);
    asy_decref(r->waiter);
    asy_decref(r->exception);
    asy_obj_free(r);
}

/* CPython's __repr__: <StreamReader 5 bytes eof limit=10 waiter=...
 * exception=... transport=... paused>, each part only when it applies. */
static int reader_format(asy_obj *o, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_stream_reader *r = (asy_stream_reader *)o;
    char parts[ASY_FMT_MAX] = "";
    size_t k = 0;
#define ADD(...) k += (size_t)snprintf(parts + k, k < sizeof parts ? sizeof parts - k : 0, __VA_ARGS__)
    if (r->len > 0)
        ADD(" %zu bytes", r->len);
    if (r->eof)
        ADD(" eof");
    if (r->limit != ASY_STREAM_DEFAULT_LIMIT)
        ADD(" limit=%zu", r->limit);
    if (r->waiter != NULL)
        ADD(" waiter=<Future pending>");
    if (r->exception != NULL)
        ADD(" exception=%s", ASY_REPR(asy_obj_value(r->exception)));
    if (r->transport != NULL)
        ADD(" transport=<transport>");
    if (r->paused)
        ADD(" paused");
#undef ADD
    return snprintf(buf, size, "<StreamReader%s>", parts);
}

static asy_gen *reader_anext(asy_obj *self);

/* The __anext__ slot makes `async for line in reader` work (asyncgen.h's
 * ASY_ASYNC_FOR): readline until it returns b''. */
const asy_type asy_stream_reader_type = {
    .name = "StreamReader",
    .dealloc = reader_dealloc,
    .format = reader_format,
    .anext = reader_anext,
};

asy_stream_reader *asy_stream_reader_new(size_t limit)
{
    asy_stream_reader *r = asy_obj_new(&asy_stream_reader_type, sizeof *r);
    r->limit = limit ? limit : ASY_STREAM_DEFAULT_LIMIT;
    return r;
}

asy_stream_reader *asy_value_stream_reader(asy_value v)
{
    return v.kind == ASY_OBJ && v.u.o->type == &asy_stream_reader_type ? (asy_stream_reader *)v.u.o : NULL;
}

size_t asy_stream_reader_buffered(const asy_stream_reader *r) { return r ? r->len : 0; }
size_t asy_stream_reader_limit(const asy_stream_reader *r) { return r ? r->limit : 0; }
asy_exc *asy_stream_reader_exception(const asy_stream_reader *r) { return r ? r->exception : NULL; }
bool asy_stream_reader_at_eof(const asy_stream_reader *r) { return r != NULL && r->eof && r->len == 0; }

void asy_stream_reader_set_transport(asy_stream_reader *r, asy_transport *t)
{
    if (r != NULL)
        r->transport = t;
}

/* _wakeup_waiter(): the waiting read (if any) looks at the buffer again. */
static void wakeup_waiter(asy_stream_reader *r)
{
    asy_future *w = r->waiter;
    if (w == NULL)
        return;
    r->waiter = NULL;
    if (!asy_future_cancelled(w))
        asy_decref(asy_future_set_result(w, asy_none()));
    asy_decref(w);
}

void asy_stream_reader_set_exception(asy_stream_reader *r, asy_exc *exc)
{
    if (r == NULL || exc == NULL)
        return;
    asy_exc *old = r->exception;
    r->exception = asy_incref(exc);
    asy_decref(old);
    asy_future *w = r->waiter;
    if (w == NULL)
        return;
    r->waiter = NULL;
    if (!asy_future_cancelled(w))
        asy_decref(asy_future_set_exception(w, asy_incref(exc)));
    asy_decref(w);
}

void asy_stream_reader_feed_eof(asy_stream_reader *r)
{
    if (r == NULL)
        return;
    r->eof = true;
    wakeup_waiter(r);
}

asy_exc *asy_stream_reader_feed_data(asy_stream_reader *r, const void *data, size_t n)
{
    if (r == NULL)
        return asy_exc_new(&asy_TypeError, "a StreamReader was expected, got NULL");
    if (r->eof)
        return asy_exc_new(&asy_RuntimeError, "feed_data after feed_eof");
    if (n == 0)
        return NULL;
    if (data == NULL)
        return asy_exc_new(&asy_TypeError, "a bytes-like object is required, not 'NULL'");
    buf_append(r, data, n);
    wakeup_waiter(r);
    /* Too much unread: stop reading the socket until a read catches up. */
    if (r->transport != NULL && !r->paused && r->len > 2 * r->limit) {
        asy_transport_pause_reading(r->transport);
        r->paused = true;
    }
    return NULL;
}

/* _maybe_resume_transport(): after a read took bytes. */
static void maybe_resume_transport(asy_stream_reader *r)
{
    if (r->paused && r->len <= r->limit) {
        r->paused = false;
        if (r->transport != NULL)
            asy_transport_resume_reading(r->transport);
    }
}

/* The first half of _wait_for_data(func_name): refuse a second waiter,
 * resume a paused transport (we are about to wait: the buffer cannot hold
 * what we need), make the waiter. NULL, or the exception to raise. */
static asy_exc *wait_start(asy_stream_reader *r, const char *func_name, asy_future **fut)
{
    if (r->waiter != NULL)
        return asy_exc_new(&asy_RuntimeError,
                           "%s() called while another coroutine is already waiting for incoming data",
                           func_name);
    if (r->eof) /* CPython's assertion; the reads below never get here at EOF */
        return asy_exc_new(&asy_RuntimeError, "_wait_for_data after EOF");
    asy_exc *err = NULL;
    asy_loop *loop = asy_get_running_loop(&err);
    if (loop == NULL)
        return err;
    if (r->paused) {
        r->paused = false;
        if (r->transport != NULL)
            asy_transport_resume_reading(r->transport);
    }
    r->waiter = asy_future_new(loop);
    *fut = asy_incref(r->waiter);
    return NULL;
}

/* The `finally: self._waiter = None` of _wait_for_data. Only our own
 * waiter is cleared: once feed_data has woken us, another coroutine may
 * already be waiting with a new one. */
static void wait_end(asy_stream_reader *r, asy_future **fut)
{
    if (r->waiter == *fut) {
        r->waiter = NULL;
        asy_decref(*fut); /* the reader's reference */
    }
    asy_decref(*fut);
    *fut = NULL;
}

/* ---- the reads --------------------------------------------------------- */

typedef enum { OP_READ, OP_READLINE, OP_READUNTIL, OP_READEXACTLY, OP_ANEXT } read_op;

typedef struct {
    asy_coro co;
    asy_stream_reader *r;  /* owned */
    read_op op;
    long n;                /* read, readexactly */
    char *sep;             /* readuntil, readline: owned copy */
    size_t seplen;
    char small_sep[8];     /* sep points here when it fits */
    size_t offset;         /* readuntil: where the next search starts */
    long isep;             /* readuntil: where sep was found */
    asy_future *fut;       /* the waiter we wait on (owned), or NULL */
    asy_exc *refused;      /* an error found when the coroutine was made (owned) */
    char *acc;             /* read(-1): what we have so far (owned) */
    size_t acclen, acccap;
} read_frame;

/* await self._wait_for_data(NAME): wait until feed_data, feed_eof or
 * set_exception; what the waiter raises (set_exception's exception, a
 * cancellation) is raised from here. One await per use, one use per line. */
#define WAIT_FOR_DATA(co, f, NAME)                                       \
    do {                                                                 \
        {                                                                \
            asy_exc *e_ = wait_start((f)->r, (NAME), &(f)->fut);         \
            if (e_ != NULL)                                              \
                ASY_RAISE(co, e_);                                       \
        }                                                                \
        ASY_AWAIT_TRY(co, asy_incref((f)->fut));                         \
        wait_end((f)->r, &(f)->fut);                                     \
        if (ASY_EXC(co) != NULL)                                         \
            ASY_RERAISE(co);                                             \
    } while (0)

static void acc_append(read_frame *f, asy_value block)
{
    size_t n = asy_bytes_len(block);
    if (f->acclen + n > f->acccap) {
        size_t cap = f->acccap ? f->acccap : 1024;
        while (cap < f->acclen + n)
            cap *= 2;
        char *nb = realloc(f->acc, cap);
        if (nb == NULL)
            asy_out_of_memory("a read buffer");
        f->acc = nb;
        f->acccap = cap;
    }
    memcpy(f->acc + f->acclen, asy_bytes_data(block), n);
    f->acclen += n;
}

/* readline()'s handling of a LimitOverrunError from readuntil: drop the
 * line (through the separator when it is in the buffer at e.consumed,
 * else everything) and turn it into ValueError with the same message. */
static asy_exc *readline_overrun(asy_stream_reader *r, asy_exc *e, const char *sep, size_t seplen)
{
    size_t consumed = (size_t)asy_limit_overrun_consumed(e);
    if (consumed + seplen <= r->len && memcmp(r->buf + r->start + consumed, sep, seplen) == 0)
        asy_value_decref(buf_take(r, consumed + seplen));
    else
        asy_value_decref(buf_take(r, r->len));
    maybe_resume_transport(r);
    asy_exc *v = asy_exc_new(&asy_ValueError, "%s", asy_exc_message(e));
    asy_decref(e);
    return v;
}

/* One body for the four reads; each part mirrors the Python method named
 * above it. */
static asy_status read_body(asy_coro *co)
{
    read_frame *f = (read_frame *)co;
    asy_stream_reader *r = f->r;
    ASY_BEGIN(co);
    if (f->refused != NULL) {
        asy_exc *e = f->refused;
        f->refused = NULL;
        ASY_RAISE(co, e);
    }
    if (f->op == OP_READEXACTLY && f->n < 0)
        ASY_RAISE(co, asy_exc_new(&asy_ValueError, "readexactly size can not be less than zero"));
    if (r->exception != NULL)
        ASY_RAISE(co, asy_incref(r->exception));

    if (f->op == OP_READ) {
        /* read(n):
         *     if n == 0: return b''
         *     if n < 0: join read(self._limit) blocks until one is b''
         *     if not self._buffer and not self._eof:
         *         await self._wait_for_data('read')
         *     data = self._buffer[:n]; del self._buffer[:n]            */
        if (f->n == 0)
            ASY_RETURN(co, asy_bytes(NULL, 0));
        if (f->n < 0) {
            for (;;) {
                if (r->exception != NULL)
                    ASY_RAISE(co, asy_incref(r->exception));
                if (r->len == 0 && !r->eof)
                    WAIT_FOR_DATA(co, f, "read");
                if (r->len == 0)
                    break; /* b'': EOF */
                {
                    asy_value block = buf_take(r, r->limit);
                    maybe_resume_transport(r);
                    acc_append(f, block);
                    asy_value_decref(block);
                }
            }
            ASY_RETURN(co, asy_bytes(f->acc, f->acclen));
        }
        if (r->len == 0 && !r->eof)
            WAIT_FOR_DATA(co, f, "read");
        {
            asy_value data = buf_take(r, (size_t)f->n);
            maybe_resume_transport(r);
            ASY_RETURN(co, data);
        }
    }

    if (f->op == OP_READEXACTLY) {
        /* readexactly(n):
         *     while len(self._buffer) < n:
         *         if self._eof:
         *             incomplete = bytes(self._buffer); self._buffer.clear()
         *             raise IncompleteReadError(incomplete, n)
         *         await self._wait_for_data('readexactly')                 */
        if (f->n == 0)
            ASY_RETURN(co, asy_bytes(NULL, 0));
        while (r->len < (size_t)f->n) {
            if (r->eof)
                ASY_RAISE(co, asy_incomplete_read_error(buf_take(r, r->len), f->n));
            WAIT_FOR_DATA(co, f, "readexactly");
        }
        {
            asy_value data = buf_take(r, (size_t)f->n);
            maybe_resume_transport(r);
            ASY_RETURN(co, data);
        }
    }

    /* readuntil(separator) (readline is readuntil(b'\n') plus the
     * handling after it):
     *     offset = 0
     *     while True:
     *         buflen = len(self._buffer)
     *         if buflen - offset >= seplen:
     *             isep = self._buffer.find(separator, offset)
     *             if isep != -1: break
     *             offset = buflen + 1 - seplen     # sep may start at the end
     *             if offset > self._limit:
     *                 raise LimitOverrunError('Separator is not found, and chunk exceed the limit', offset)
     *         if self._eof:
     *             chunk = bytes(self._buffer); self._buffer.clear()
     *             raise IncompleteReadError(chunk, None)
     *         await self._wait_for_data('readuntil')
     *     if isep > self._limit:
     *         raise LimitOverrunError('Separator is found, but chunk is longer than limit', isep)
     *     chunk = self._buffer[:isep + seplen]; del self._buffer[:isep + seplen]
     *
     * `offset` is what keeps readuntil from searching the same bytes again
     * after every wait, and from missing a separator split across two
     * feed_data calls: the next search starts seplen - 1 bytes before the
     * end of what was already searched. */
    f->offset = 0;
    for (;;) {
        if (r->len >= f->offset && r->len - f->offset >= f->seplen) {
            f->isep = buf_find(r, f->sep, f->seplen, f->offset);
            if (f->isep != -1)
                break;
            f->offset = r->len + 1 - f->seplen;
            if (f->offset > r->limit) {
                asy_exc *e = asy_limit_overrun_error("Separator is not found, and chunk exceed the limit",
                                                     (long long)f->offset);
                if (f->op != OP_READUNTIL)
                    e = readline_overrun(r, e, f->sep, f->seplen);
                ASY_RAISE(co, e);
            }
        }
        if (r->eof) {
            asy_value chunk = buf_take(r, r->len);
            if (f->op == OP_READLINE) /* readline: the partial line, b'' at EOF */
                ASY_RETURN(co, chunk);
            if (f->op == OP_ANEXT) { /* __anext__: readline, and b'' ends the loop */
                if (asy_bytes_len(chunk) > 0)
                    ASY_RETURN(co, chunk);
                asy_value_decref(chunk);
                ASY_RAISE(co, asy_exc_new(&asy_StopAsyncIteration, NULL));
            }
            ASY_RAISE(co, asy_incomplete_read_error(chunk, -1));
        }
        WAIT_FOR_DATA(co, f, "readuntil");
    }
    if ((size_t)f->isep > r->limit) {
        asy_exc *e = asy_limit_overrun_error("Separator is found, but chunk is longer than limit",
                                             (long long)f->isep);
        if (f->op != OP_READUNTIL)
            e = readline_overrun(r, e, f->sep, f->seplen);
        ASY_RAISE(co, e);
    }
    {
        asy_value chunk = buf_take(r, (size_t)f->isep + f->seplen);
        maybe_resume_transport(r);
        ASY_RETURN(co, chunk);
    }
    ASY_END(co);
}

static void read_clear(asy_gen *g)
{
    read_frame *f = (read_frame *)g;
    if (f->fut != NULL) /* closed while waiting */
        wait_end(f->r, &f->fut);
    asy_decref(f->refused);
    f->refused = NULL;
    if (f->sep != f->small_sep)
        free(f->sep);
    f->sep = NULL;
    free(f->acc);
    f->acc = NULL;
    asy_decref(f->r);
    f->r = NULL;
}

static const char *op_names[] = {"read", "readline", "readuntil", "readexactly", "__anext__"};

static asy_coro *new_read(asy_stream_reader *r, read_op op, long n, const void *sep, size_t seplen)
{
    read_frame *f = ASY_CORO_NEW(read_frame, read_body, op_names[op]);
    asy_gen_set_clear(&f->co, read_clear);
    f->op = op;
    f->n = n;
    if (r == NULL) {
        f->refused = asy_exc_new(&asy_TypeError, "a StreamReader was expected, got NULL");
        return &f->co;
    }
    f->r = asy_incref(r);
    if (op == OP_READLINE || op == OP_READUNTIL || op == OP_ANEXT) {
        if (seplen == 0 || sep == NULL) {
            f->refused = asy_exc_new(&asy_ValueError, "Separator should be at least one-byte string");
            return &f->co;
        }
        f->sep = seplen <= sizeof f->small_sep ? f->small_sep : malloc(seplen);
        if (f->sep == NULL)
            asy_out_of_memory("a separator");
        memcpy(f->sep, sep, seplen);
        f->seplen = seplen;
    }
    return &f->co;
}

asy_coro *asy_stream_reader_read(asy_stream_reader *r, long n) { return new_read(r, OP_READ, n, NULL, 0); }
asy_coro *asy_stream_reader_readline(asy_stream_reader *r) { return new_read(r, OP_READLINE, 0, "\n", 1); }
asy_coro *asy_stream_reader_readuntil(asy_stream_reader *r, const void *sep, size_t seplen)
{
    return new_read(r, OP_READUNTIL, 0, sep, seplen);
}
asy_coro *asy_stream_reader_readexactly(asy_stream_reader *r, long n)
{
    return new_read(r, OP_READEXACTLY, n, NULL, 0);
}

/* async def __anext__(self):
 *     val = await self.readline()
 *     if val == b'': raise StopAsyncIteration
 *     return val                                                          */
static asy_gen *reader_anext(asy_obj *self)
{
    return new_read((asy_stream_reader *)self, OP_ANEXT, 0, "\n", 1);
}

/* ---- the protocol between a transport and the streams -------------------
 * asyncio's StreamReaderProtocol with its FlowControlMixin. It is the
 * transport's protocol `self`: the transport owns it and releases it when
 * the transport is freed. It owns the reader (until connection_lost) and
 * the future wait_closed() waits on; the writer holds the transport, so
 * the protocol lives as long as any writer. */

typedef struct stream_proto {
    asy_loop *loop;               /* borrowed: the loop the transport runs on */
    asy_stream_reader *reader;    /* owned; NULL after connection_lost */
    asy_transport *transport;     /* borrowed: our owner; NULL after connection_lost */
    asy_future *closed;           /* owned: done when the connection is lost */
    asy_client_connected_fn cb;   /* start_server's callback, or NULL */
    void *cb_arg;
    asy_task *task;               /* the callback's task (owned) while it runs */
    bool paused;                  /* FlowControlMixin._paused */
    bool connection_lost;         /* FlowControlMixin._connection_lost */
    asy_future **drain_waiters;   /* owned */
    size_t ndrain, cdrain;
} stream_proto;

struct asy_stream_writer {
    asy_obj ob;
    asy_transport *transport;     /* owned */
    stream_proto *proto;          /* borrowed: the transport keeps it */
    asy_stream_reader *reader;    /* owned, or NULL */
};

static stream_proto *proto_new(asy_loop *loop, size_t limit)
{
    stream_proto *p = calloc(1, sizeof *p);
    if (p == NULL)
        asy_out_of_memory("a stream protocol");
    p->loop = loop;
    p->reader = asy_stream_reader_new(limit);
    p->closed = asy_future_new(loop);
    return p;
}

static void proto_release(void *self)
{
    stream_proto *p = self;
    if (p->reader != NULL)
        p->reader->transport = NULL;
    asy_decref(p->reader);
    /* CPython's __del__: a closed future that failed and was never awaited
     * is not worth a "Future exception was never retrieved". */
    if (asy_future_done(p->closed) && !asy_future_cancelled(p->closed)) {
        asy_exc *e = NULL;
        asy_decref(asy_future_exception(p->closed, &e));
        asy_decref(e);
    }
    asy_decref(p->closed);
    for (size_t i = 0; i < p->ndrain; i++)
        asy_decref(p->drain_waiters[i]);
    free(p->drain_waiters);
    asy_decref(p->task);
    free(p);
}

static asy_stream_writer *writer_new(asy_transport *t, stream_proto *p, asy_stream_reader *r);

/* The callback's task ended: a failure is reported and closes the
 * connection, a cancellation closes it (CPython 3.12). */
static asy_exc *client_task_done(asy_future *fut, asy_value arg)
{
    asy_transport *t = asy_value_transport(arg);
    if (asy_future_cancelled(fut)) {
        asy_transport_close(t);
    } else {
        asy_exc *e = NULL;
        asy_decref(asy_future_exception(fut, &e));
        if (e != NULL) {
            asy_error_context ctx = {"Unhandled exception in client_connected_cb", e, arg};
            asy_loop_call_exception_handler(asy_get_running_loop(NULL), &ctx);
            asy_transport_close(t);
            asy_decref(e);
        }
    }
    stream_proto *p = asy_transport_get_protocol(t);
    if (p != NULL && (asy_future *)p->task == fut) {
        p->task = NULL;
        asy_decref(fut);
    }
    return NULL;
}

static asy_exc *proto_connection_made(asy_transport *t, void *self)
{
    stream_proto *p = self;
    p->transport = t;
    asy_stream_reader_set_transport(p->reader, t);
    if (p->cb == NULL)
        return NULL;
    asy_stream_writer *w = writer_new(t, p, p->reader);
    asy_coro *co = p->cb(p->reader, w, p->cb_arg);
    asy_decref(w); /* the callback's coroutine holds what it keeps */
    if (co == NULL)
        return NULL;
    asy_exc *err = NULL;
    p->task = asy_loop_create_task(p->loop, co, NULL, &err);
    if (p->task == NULL)
        return err;
    return asy_future_add_done_callback((asy_future *)p->task, client_task_done, asy_transport_value(t));
}

static asy_exc *proto_data_received(asy_transport *t, const char *data, size_t n, void *self)
{
    (void)t;
    stream_proto *p = self;
    return p->reader != NULL ? asy_stream_reader_feed_data(p->reader, data, n) : NULL;
}

/* Keep the transport open after EOF: we may still write (write_eof is
 * the other half). */
static asy_exc *proto_eof_received(asy_transport *t, void *self, bool *keep_open)
{
    (void)t;
    stream_proto *p = self;
    asy_stream_reader_feed_eof(p->reader); /* (NULL: a protocol that only writes) */
    *keep_open = true;
    return NULL;
}

static void wake_drainers(stream_proto *p, asy_exc *exc)
{
    for (size_t i = 0; i < p->ndrain; i++) {
        asy_future *w = p->drain_waiters[i];
        if (asy_future_done(w))
            continue;
        if (exc == NULL)
            asy_decref(asy_future_set_result(w, asy_none()));
        else
            asy_decref(asy_future_set_exception(w, asy_incref(exc)));
    }
}

static asy_exc *proto_connection_lost(asy_transport *t, asy_exc *exc, void *self)
{
    (void)t;
    stream_proto *p = self;
    if (p->reader != NULL) {
        if (exc == NULL)
            asy_stream_reader_feed_eof(p->reader);
        else
            asy_stream_reader_set_exception(p->reader, exc);
        p->reader->transport = NULL;
    }
    if (!asy_future_done(p->closed)) {
        if (exc == NULL)
            asy_decref(asy_future_set_result(p->closed, asy_none()));
        else
            asy_decref(asy_future_set_exception(p->closed, asy_incref(exc)));
    }
    /* FlowControlMixin.connection_lost */
    p->connection_lost = true;
    if (p->paused)
        wake_drainers(p, exc);
    asy_decref(p->reader);
    p->reader = NULL;
    p->transport = NULL;
    return NULL;
}

static asy_exc *proto_pause_writing(asy_transport *t, void *self)
{
    (void)t;
    ((stream_proto *)self)->paused = true;
    return NULL;
}

static asy_exc *proto_resume_writing(asy_transport *t, void *self)
{
    (void)t;
    stream_proto *p = self;
    p->paused = false;
    wake_drainers(p, NULL);
    return NULL;
}

const asy_protocol asy_stream_reader_protocol = {
    .connection_made = proto_connection_made,
    .data_received = proto_data_received,
    .eof_received = proto_eof_received,
    .connection_lost = proto_connection_lost,
    .pause_writing = proto_pause_writing,
    .resume_writing = proto_resume_writing,
    .release = proto_release,
};

/* ---- the writer -------------------------------------------------------- */

static void writer_dealloc(asy_obj *o)
{
    asy_stream_writer *w = (asy_stream_writer *)o;
    asy_decref(w->reader);
    asy_decref(w->transport);
    asy_obj_free(w);
}

static int writer_format(asy_obj *o, char *buf, size_t size, bool repr)
{
    (void)repr;
    asy_stream_writer *w = (asy_stream_writer *)o;
    return snprintf(buf, size, "<StreamWriter transport=<transport%s>%s>",
                    asy_transport_is_closing(w->transport) ? " closing" : "",
                    w->reader != NULL ? " reader=<StreamReader>" : "");
}

const asy_type asy_stream_writer_type = {
    .name = "StreamWriter",
    .dealloc = writer_dealloc,
    .format = writer_format,
};

static asy_stream_writer *writer_new(asy_transport *t, stream_proto *p, asy_stream_reader *r)
{
    asy_stream_writer *w = asy_obj_new(&asy_stream_writer_type, sizeof *w);
    w->transport = asy_incref(t);
    w->proto = p;
    w->reader = asy_incref(r);
    return w;
}

void *asy_stream_reader_protocol_new(asy_loop *loop, asy_stream_reader *reader, asy_exc **error)
{
    asy_exc *e = NULL;
    stream_proto *p = NULL;
    if (loop == NULL) {
        e = asy_exc_new(&asy_TypeError, "a loop was expected, got NULL");
    } else {
        p = proto_new(loop, 0);
        asy_decref(p->reader);
        p->reader = asy_incref(reader);
    }
    if (error != NULL)
        *error = e;
    else
        asy_decref(e);
    return p;
}

asy_stream_writer *asy_stream_writer_new(asy_transport *transport, void *protocol, asy_stream_reader *reader,
                                         asy_exc **error)
{
    asy_exc *e = NULL;
    asy_stream_writer *w = NULL;
    if (transport == NULL)
        e = asy_exc_new(&asy_TypeError, "a transport was expected, got NULL");
    else if (protocol == NULL || asy__transport_protocol(transport) != &asy_stream_reader_protocol ||
             asy_transport_get_protocol(transport) != protocol)
        e = asy_exc_new(&asy_TypeError, "the protocol must be the transport's StreamReaderProtocol");
    else
        w = writer_new(transport, protocol, reader);
    if (error != NULL)
        *error = e;
    else
        asy_decref(e);
    return w;
}

asy_stream_writer *asy_value_stream_writer(asy_value v)
{
    return v.kind == ASY_OBJ && v.u.o->type == &asy_stream_writer_type ? (asy_stream_writer *)v.u.o : NULL;
}

static asy_exc *null_writer(void) { return asy_exc_new(&asy_TypeError, "a StreamWriter was expected, got NULL"); }

asy_exc *asy_stream_writer_write(asy_stream_writer *w, const void *data, size_t n)
{
    if (w == NULL)
        return null_writer();
    return asy_transport_write(w->transport, data, n);
}

asy_exc *asy_stream_writer_writelines(asy_stream_writer *w, const asy_value *items, size_t n)
{
    if (w == NULL)
        return null_writer();
    if (items == NULL && n > 0)
        return asy_exc_new(&asy_TypeError, "writelines() expects a list of bytes, got NULL");
    for (size_t i = 0; i < n; i++) /* b''.join(list_of_data)'s check and words (3.11) */
        if (!asy_is_bytes(items[i]))
            return asy_exc_new(&asy_TypeError, "sequence item %zu: expected a bytes-like object, %s found", i,
                               asy_value_type_name(items[i]));
    /* One write of the joined bytes, as the transport's writelines. */
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += asy_bytes_len(items[i]);
    char *all = malloc(total ? total : 1);
    if (all == NULL)
        asy_out_of_memory("writelines' data");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(all + k, asy_bytes_data(items[i]), asy_bytes_len(items[i]));
        k += asy_bytes_len(items[i]);
    }
    asy_exc *e = asy_transport_write(w->transport, all, total);
    free(all);
    return e;
}

asy_exc *asy_stream_writer_write_eof(asy_stream_writer *w)
{
    return w == NULL ? null_writer() : asy_transport_write_eof(w->transport);
}

bool asy_stream_writer_can_write_eof(const asy_stream_writer *w)
{
    return w != NULL && asy_transport_can_write_eof(w->transport);
}

void asy_stream_writer_close(asy_stream_writer *w)
{
    if (w != NULL)
        asy_transport_close(w->transport);
}

bool asy_stream_writer_is_closing(const asy_stream_writer *w)
{
    return w == NULL || asy_transport_is_closing(w->transport);
}

asy_value asy_stream_writer_get_extra_info(const asy_stream_writer *w, const char *name, asy_value dflt)
{
    if (w == NULL)
        return dflt;
    return asy_transport_get_extra_info(w->transport, name, dflt);
}

asy_transport *asy_stream_writer_transport(const asy_stream_writer *w) { return w ? w->transport : NULL; }

/* The frame of drain() and wait_closed(). */
typedef struct {
    asy_coro co;
    asy_stream_writer *w;   /* owned */
    asy_future *waiter;     /* drain: our entry in drain_waiters (owned), or NULL */
} writer_frame;

static void drop_drain_waiter(stream_proto *p, asy_future *w)
{
    for (size_t i = 0; i < p->ndrain; i++)
        if (p->drain_waiters[i] == w) {
            memmove(p->drain_waiters + i, p->drain_waiters + i + 1, (p->ndrain - i - 1) * sizeof *p->drain_waiters);
            p->ndrain--;
            asy_decref(w);
            return;
        }
}

/* async def drain(self):
 *     if self._reader is not None:
 *         exc = self._reader.exception()
 *         if exc is not None: raise exc
 *     if self._transport.is_closing():
 *         await sleep(0)                 # let connection_lost run first
 *     await self._protocol._drain_helper()
 *
 * async def _drain_helper(self):
 *     if self._connection_lost: raise ConnectionResetError('Connection lost')
 *     if not self._paused: return
 *     waiter = self._loop.create_future()
 *     self._drain_waiters.append(waiter)
 *     try: await waiter
 *     finally: self._drain_waiters.remove(waiter)                          */
static asy_status drain_body(asy_coro *co)
{
    writer_frame *f = (writer_frame *)co;
    ASY_BEGIN(co);
    if (f->w == NULL)
        ASY_RAISE(co, null_writer());
    if (f->w->reader != NULL && f->w->reader->exception != NULL)
        ASY_RAISE(co, asy_incref(f->w->reader->exception));
    if (asy_transport_is_closing(f->w->transport))
        ASY_AWAIT(co, asy_sleep(0, asy_none()));
    if (f->w->proto->connection_lost)
        ASY_RAISE(co, asy_exc_new(&asy_ConnectionResetError, "Connection lost"));
    if (!f->w->proto->paused)
        ASY_RETURN(co, asy_none());
    {
        stream_proto *p = f->w->proto;
        if (p->ndrain == p->cdrain) {
            size_t cap = p->cdrain ? 2 * p->cdrain : 4;
            asy_future **nw = realloc(p->drain_waiters, cap * sizeof *nw);
            if (nw == NULL)
                asy_out_of_memory("drain's waiters");
            p->drain_waiters = nw;
            p->cdrain = cap;
        }
        f->waiter = asy_future_new(p->loop);
        p->drain_waiters[p->ndrain++] = asy_incref(f->waiter);
    }
    ASY_AWAIT_TRY(co, asy_incref(f->waiter));
    drop_drain_waiter(f->w->proto, f->waiter);
    asy_decref(f->waiter);
    f->waiter = NULL;
    if (ASY_EXC(co) != NULL)
        ASY_RERAISE(co);
    ASY_RETURN(co, asy_none());
    ASY_END(co);
}

/* async def wait_closed(self): await self._protocol._get_close_waiter(self) */
static asy_status wait_closed_body(asy_coro *co)
{
    writer_frame *f = (writer_frame *)co;
    ASY_BEGIN(co);
    if (f->w == NULL)
        ASY_RAISE(co, null_writer());
    ASY_AWAIT(co, asy_incref(f->w->proto->closed));
    ASY_RETURN(co, asy_none());
    ASY_END(co);
}

static void writer_frame_clear(asy_gen *g)
{
    writer_frame *f = (writer_frame *)g;
    if (f->waiter != NULL) { /* closed while waiting in drain */
        drop_drain_waiter(f->w->proto, f->waiter);
        asy_decref(f->waiter);
        f->waiter = NULL;
    }
    asy_decref(f->w);
    f->w = NULL;
}

static asy_coro *new_writer_op(asy_stream_writer *w, asy_gen_body body, const char *name)
{
    writer_frame *f = ASY_CORO_NEW(writer_frame, body, name);
    asy_gen_set_clear(&f->co, writer_frame_clear);
    f->w = asy_incref(w);
    return &f->co;
}

asy_coro *asy_stream_writer_drain(asy_stream_writer *w) { return new_writer_op(w, drain_body, "drain"); }
asy_coro *asy_stream_writer_wait_closed(asy_stream_writer *w)
{
    return new_writer_op(w, wait_closed_body, "wait_closed");
}

/* ---- open_connection and start_server ---------------------------------- */

typedef struct {
    asy_coro co;
    char *host;                 /* owned copy */
    int port;
    size_t limit;
    const asy_stream_handler *handler; /* start_server (borrowed) */
    stream_proto *proto;        /* open_connection: handed to the transport */
} connect_frame;

/* async def open_connection(host, port, *, limit):
 *     reader = StreamReader(limit=limit)
 *     protocol = StreamReaderProtocol(reader)
 *     transport, _ = await loop.create_connection(lambda: protocol, host, port)
 *     writer = StreamWriter(transport, protocol, reader)
 *     return reader, writer                                                */
static asy_status open_connection_body(asy_coro *co)
{
    connect_frame *f = (connect_frame *)co;
    ASY_BEGIN(co);
    {
        asy_exc *err = NULL;
        asy_loop *loop = asy_get_running_loop(&err);
        if (loop == NULL)
            ASY_RAISE(co, err);
        f->proto = proto_new(loop, f->limit);
    }
    {
        stream_proto *p = f->proto;
        f->proto = NULL; /* create_connection owns it from here, failure or not */
        ASY_AWAIT(co, asy_loop_create_connection(p->loop, &asy_stream_reader_protocol, p, f->host, f->port));
    }
    {
        asy_transport *t = asy_value_transport(ASY_SENT(co));
        stream_proto *p = asy_transport_get_protocol(t);
        asy_stream_writer *w = writer_new(t, p, p->reader);
        asy_list *pair = asy_list_new();
        asy_list_append(pair, asy_obj_value(asy_incref(p->reader)));
        asy_list_append(pair, asy_obj_value(w));
        ASY_RETURN(co, asy_obj_value(pair));
    }
    ASY_END(co);
}

/* The server's protocol factory: a fresh reader and protocol per
 * connection, with the callback. */
static void *server_factory(void *arg)
{
    const asy_stream_handler *h = arg;
    stream_proto *p = proto_new(asy_get_running_loop(NULL), h->limit);
    p->cb = h->cb;
    p->cb_arg = h->arg;
    return p;
}

/* async def start_server(client_connected_cb, host, port, *, limit):
 *     def factory():
 *         reader = StreamReader(limit=limit)
 *         return StreamReaderProtocol(reader, client_connected_cb)
 *     return await loop.create_server(factory, host, port)                 */
static asy_status start_server_body(asy_coro *co)
{
    connect_frame *f = (connect_frame *)co;
    ASY_BEGIN(co);
    if (f->handler == NULL || f->handler->cb == NULL)
        ASY_RAISE(co, asy_exc_new(&asy_TypeError, "a client_connected_cb was expected, got NULL"));
    {
        asy_exc *err = NULL;
        asy_loop *loop = asy_get_running_loop(&err);
        if (loop == NULL)
            ASY_RAISE(co, err);
        ASY_AWAIT(co, asy_loop_create_server(loop, &asy_stream_reader_protocol, server_factory, (void *)f->handler, f->host,
                                             f->port));
    }
    ASY_RETURN(co, asy_value_incref(ASY_SENT(co)));
    ASY_END(co);
}

static void connect_clear(asy_gen *g)
{
    connect_frame *f = (connect_frame *)g;
    free(f->host);
    f->host = NULL;
    if (f->proto != NULL)
        proto_release(f->proto);
    f->proto = NULL;
}

static connect_frame *new_connect(asy_gen_body body, const char *name, const char *host, int port)
{
    connect_frame *f = ASY_CORO_NEW(connect_frame, body, name);
    asy_gen_set_clear(&f->co, connect_clear);
    f->host = host != NULL ? strdup(host) : NULL; /* NULL: create_* raises TypeError */
    f->port = port;
    return f;
}

asy_coro *asy_open_connection(const char *host, int port, size_t limit)
{
    connect_frame *f = new_connect(open_connection_body, "open_connection", host, port);
    f->limit = limit;
    return &f->co;
}

asy_coro *asy_start_server(const asy_stream_handler *handler, const char *host, int port)
{
    connect_frame *f = new_connect(start_server_body, "start_server", host, port);
    f->handler = handler;
    return &f->co;
}

bool asy_stream_pair(asy_value pair, asy_stream_reader **reader, asy_stream_writer **writer)
{
    *reader = NULL;
    *writer = NULL;
    if (pair.kind != ASY_OBJ || pair.u.o->type != &asy_list_type)
        return false;
    asy_list *l = (asy_list *)pair.u.o;
    if (asy_list_len(l) != 2)
        return false;
    asy_stream_reader *r = asy_value_stream_reader(asy_list_get(l, 0));
    asy_stream_writer *w = asy_value_stream_writer(asy_list_get(l, 1));
    if (r == NULL || w == NULL)
        return false;
    *reader = asy_incref(r);
    *writer = asy_incref(w);
    return true;
}
