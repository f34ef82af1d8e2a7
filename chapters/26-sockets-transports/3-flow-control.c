/*
 * Chapter 26, demo 3: flow control, a fast writer against a slow reader.
 *
 * The reader pauses reading for 0.1 s. The writer writes 64 KB chunks for
 * as long as it is not paused: the kernel's buffers take megabytes, then
 * the transport's write buffer grows past the high-water mark (64 KiB)
 * and the transport calls the writer's pause_writing(). The writer stops.
 * When the reader resumes, the buffer drains; at the low-water mark
 * (16 KiB) the transport calls resume_writing(), and the writer goes on.
 * write() never blocks and never refuses: stopping is the protocol's job,
 * and pause_writing is how it learns when.
 *
 *     def pause_writing(self):  self.paused = True
 *     def resume_writing(self): self.paused = False; self.write_more()
 *     def write_more(self):
 *         while not self.paused and self.sent < TOTAL:
 *             self.transport.write(CHUNK)
 *             self.sent += len(CHUNK)
 *
 * The buffer sizes depend on the kernel: 3-flow-control.sed hides them.
 * 3-flow-control.py is the same program in Python.
 */
#include <stdio.h>
#include <string.h>

#include "runners.h"
#include "task.h"
#include "transport.h"

enum { PATTERN = 251, CHUNK = PATTERN * 256, TOTAL = 500 * CHUNK };
static char chunk[CHUNK]; /* bytes 0, 1, ..., 250, 0, 1, ...: a whole number of patterns */

/* ---- class SlowReader(asyncio.Protocol) ---- */
typedef struct {
    asy_future *done;
    asy_transport *t;
    size_t received;
    bool in_order;
} reader_state;

static struct writer_state *the_writer;

static asy_exc *reader_resume(asy_value arg);

static asy_exc *reader_made(asy_transport *t, void *self)
{
    reader_state *r = self;
    r->t = t;
    asy_transport_pause_reading(t); /* read nothing for now */
    asy_exc *err;
    asy_handle *h = asy_loop_call_later(asy_get_running_loop(NULL), 0.1, reader_resume, asy_ptr(r), &err);
    asy_decref(h);
    return h != NULL ? NULL : err;
}

static asy_exc *reader_data(asy_transport *t, const char *data, size_t n, void *self)
{
    (void)t;
    reader_state *r = self;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)data[i] != (r->received + i) % PATTERN)
            r->in_order = false;
    r->received += n;
    return NULL;
}

static asy_exc *reader_lost(asy_transport *t, asy_exc *exc, void *self)
{
    (void)t, (void)exc;
    reader_state *r = self;
    return asy_future_set_result(r->done, asy_none());
}

static const asy_protocol slow_reader = {
    .connection_made = reader_made,
    .data_received = reader_data,
    .connection_lost = reader_lost,
};

/* ---- class FastWriter(asyncio.Protocol) ---- */
typedef struct writer_state {
    asy_future *done, *all_written;
    asy_transport *t;
    size_t sent;
    bool paused;
    int pauses, resumes;
} writer_state;

static asy_exc *reader_resume(asy_value arg)
{
    reader_state *r = arg.u.p;
    printf("reader: resume_reading() after 0.1 s; the writer is paused: %s\n", the_writer->paused ? "True" : "False");
    asy_transport_resume_reading(r->t);
    return NULL;
}

static asy_exc *write_more(writer_state *w)
{
    while (!w->paused && w->sent < TOTAL) {
        asy_exc *e = asy_transport_write(w->t, chunk, CHUNK); /* never blocks */
        if (e != NULL)
            return e;
        w->sent += CHUNK;
    }
    if (w->sent == TOTAL && !asy_future_done(w->all_written))
        return asy_future_set_result(w->all_written, asy_none());
    return NULL;
}

static asy_exc *writer_made(asy_transport *t, void *self)
{
    writer_state *w = self;
    w->t = t;
    size_t low, high;
    asy_transport_get_write_buffer_limits(t, &low, &high);
    printf("writer: low-water mark %zu, high-water mark %zu\n", low, high);
    return write_more(w);
}

static asy_exc *writer_pause(asy_transport *t, void *self)
{
    writer_state *w = self;
    w->paused = true;
    if (++w->pauses == 1) {
        size_t size = asy_transport_get_write_buffer_size(t);
        printf("writer: pause_writing() with %zu bytes buffered, above the high-water mark: %s\n", size,
               size > 65536 ? "True" : "False");
    }
    return NULL;
}

static asy_exc *writer_resume(asy_transport *t, void *self)
{
    writer_state *w = self;
    w->paused = false;
    if (++w->resumes == 1) {
        size_t size = asy_transport_get_write_buffer_size(t);
        printf("writer: resume_writing() with %zu bytes buffered, at most the low-water mark: %s\n", size,
               size <= 16384 ? "True" : "False");
    }
    return write_more(w);
}

static asy_exc *writer_lost(asy_transport *t, asy_exc *exc, void *self)
{
    (void)t, (void)exc;
    writer_state *w = self;
    return asy_future_set_result(w->done, asy_none());
}

static const asy_protocol fast_writer = {
    .connection_made = writer_made,
    .connection_lost = writer_lost,
    .pause_writing = writer_pause,
    .resume_writing = writer_resume,
};

static void *make_reader(void *arg) { return arg; } /* the one reader of this demo */

/* ---- async def main() ---- */
typedef struct {
    asy_coro co;
    reader_state reader;
    writer_state writer;
    asy_server *server;
    asy_transport *transport;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_loop *loop = asy_get_running_loop(NULL);
    asy_sockaddr addr;
    int fd;
    ASY_BEGIN(co);
    for (int i = 0; i < CHUNK; i++)
        chunk[i] = (char)(i % PATTERN);
    f->reader = (reader_state){.done = asy_future_new(loop), .in_order = true};
    f->writer = (writer_state){.done = asy_future_new(loop), .all_written = asy_future_new(loop)};
    the_writer = &f->writer;
    ASY_AWAIT(co, asy_loop_create_server(loop, &slow_reader, make_reader, &f->reader, "127.0.0.1", 0));
    f->server = asy_incref(asy_value_server(ASY_SENT(co)));
    asy_server_sockets(f->server, &fd, 1);
    asy_decref(asy_sock_getsockname(fd, &addr));
    ASY_AWAIT(co, asy_loop_create_connection(loop, &fast_writer, &f->writer, "127.0.0.1", asy_sockaddr_port(&addr)));
    f->transport = asy_incref(asy_value_transport(ASY_SENT(co)));
    ASY_AWAIT(co, asy_incref(f->writer.all_written));
    asy_transport_close(f->transport); /* sends what is still buffered, then closes */
    ASY_AWAIT(co, asy_incref(f->writer.done));
    ASY_AWAIT(co, asy_incref(f->reader.done));
    printf("writer: %zu bytes written; paused as often as resumed: %s\n", f->writer.sent,
           f->writer.pauses == f->writer.resumes ? "True" : "False");
    printf("reader: %zu bytes received, in order: %s\n", f->reader.received, f->reader.in_order ? "True" : "False");
    asy_server_close(f->server);
    ASY_AWAIT(co, asy_server_wait_closed(f->server));
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->reader.done);
    asy_decref(f->writer.done);
    asy_decref(f->writer.all_written);
    asy_decref(f->server);
    asy_decref(f->transport);
}

int main(void)
{
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, NULL);
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stdout);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? 0 : 1;
}
