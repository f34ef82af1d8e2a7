/*
 * test_blast.c - a server that must drain (exercise, chapter 27). A real
 * loopback connection; the client reads nothing for 0.2 s, then
 * everything. Every millisecond the test samples the server's write
 * buffer: it must never hold more than the high-water mark plus one
 * write. The client must get every byte, in order.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "blast.h"
#include "check.h"
#include "task.h"

static asy_stream_writer *server_writer; /* for the sampler (owned) */
static size_t largest;
static bool sampling;

static asy_exc *sample(asy_value arg)
{
    (void)arg;
    if (!sampling)
        return NULL;
    if (server_writer != NULL) {
        size_t n = asy_transport_get_write_buffer_size(asy_stream_writer_transport(server_writer));
        if (n > largest)
            largest = n;
    }
    asy_decref(asy_loop_call_later(asy_get_running_loop(NULL), 0.001, sample, asy_none(), NULL));
    return NULL;
}

/* Wraps the student's callback: a small kernel send buffer (so that the
 * transport's own buffer is what fills), and the writer kept for sample. */
static asy_coro *watched_blast(asy_stream_reader *reader, asy_stream_writer *writer, void *arg)
{
    asy_value s = asy_stream_writer_get_extra_info(writer, "socket", asy_int(-1));
    int size = 65536;
    setsockopt((int)s.u.i, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    server_writer = asy_incref(writer);
    return blast(reader, writer, arg);
}

static const asy_stream_handler handler = {watched_blast, NULL, 0};

typedef struct {
    asy_coro co;
    asy_value server;
    asy_stream_reader *r;
    asy_stream_writer *w;
    size_t received;
    bool in_order;
} client_frame;

static asy_status client_body(asy_coro *co)
{
    client_frame *f = (client_frame *)co;
    asy_sockaddr a;
    int fd;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_start_server(&handler, "127.0.0.1", 0));
    f->server = asy_value_incref(ASY_SENT(co));
    asy_server_sockets(asy_value_server(f->server), &fd, 1);
    asy_decref(asy_sock_getsockname(fd, &a));
    ASY_AWAIT(co, asy_open_connection("127.0.0.1", asy_sockaddr_port(&a), 0));
    asy_stream_pair(ASY_SENT(co), &f->r, &f->w);
    ASY_AWAIT(co, asy_sleep(0.2, asy_none())); /* a slow client */
    f->in_order = true;
    for (;;) {
        ASY_AWAIT(co, asy_stream_reader_read(f->r, 65536));
        {
            asy_value b = ASY_SENT(co);
            size_t n = asy_bytes_len(b);
            if (n == 0)
                break;
            const char *d = asy_bytes_data(b);
            for (size_t i = 0; i < n; i++)
                if (d[i] != (char)((f->received + i) % 251))
                    f->in_order = false;
            f->received += n;
        }
    }
    sampling = false;
    asy_stream_writer_close(f->w);
    ASY_AWAIT(co, asy_stream_writer_wait_closed(f->w));
    asy_server_close(asy_value_server(f->server));
    ASY_AWAIT(co, asy_server_wait_closed(asy_value_server(f->server)));
    ASY_END(co);
}

static void client_clear(asy_gen *g)
{
    client_frame *f = (client_frame *)g;
    asy_value_clear(&f->server);
    asy_decref(f->r);
    asy_decref(f->w);
    f->r = NULL;
    f->w = NULL;
}

static void test_the_buffer_stays_at_the_high_water_mark(void)
{
    asy_loop *loop = asy_loop_new(NULL, NULL);
    CHECK_FATAL(loop != NULL);
    largest = 0;
    sampling = true;
    asy_decref(asy_loop_call_soon(loop, sample, asy_none(), NULL));
    client_frame *f = ASY_CORO_NEW(client_frame, client_body, "client");
    asy_gen_set_clear(&f->co, client_clear);
    asy_incref(f);
    asy_result r = asy_loop_run_until_complete(loop, &f->co);
    CHECK_MSG(r.status == ASY_RETURNED, "the client raised %s", r.exc ? ASY_EXC_STR(r.exc) : "");
    asy_result_clear(&r);
    CHECK_INT_EQ(f->received, BLAST_TOTAL);
    CHECK(f->in_order);
    CHECK_MSG(largest <= 65536 + BLAST_WRITE, "the server's write buffer held %zu bytes (at most %d allowed)",
              largest, 65536 + BLAST_WRITE);
    CHECK_MSG(largest > 0, "the sampler saw nothing: did the server write?");
    asy_decref(f);
    asy_decref(server_writer);
    server_writer = NULL;
    /* let the last sample run out */
    for (int i = 0; i < 20 && asy_loop_scheduled_count(loop) > 0; i++)
        asy_decref(asy_loop_run_once(loop));
    CHECK_NULL(asy_loop_close(loop));
    asy_decref(loop);
    CHECK_INT_EQ(asy_obj_live(), 0);
}

int main(int argc, char **argv)
{
    static const check_test tests[] = {
        {"the buffer stays at the high-water mark", test_the_buffer_stays_at_the_high_water_mark},
        {NULL, NULL},
    };
    return check_main("blast", tests, argc, argv);
}
