/*
 * Chapter 27, demo 4: back-pressure. A fast writer against a slow reader
 * (a server that reads nothing for 0.2 s, then everything). The writer
 * sends 64 blocks of 64 KiB, twice: first without drain(): every write
 * returns at once and the transport's buffer just grows; then with
 *
 *     writer.write(BLOCK)                  asy_stream_writer_write(w, block, sizeof block);
 *     await writer.drain()                 ASY_AWAIT(co, asy_stream_writer_drain(w));
 *
 * after each write: the writer waits whenever the buffer is above the
 * high-water mark (64 KiB) and goes on when it is back at the low-water
 * mark, so the buffer never holds much more than one block above the
 * mark. The writer's kernel send buffer is set small (64 KiB) so that the
 * effect shows with a few MB. Sizes depend on the kernel:
 * 4-back-pressure.sed hides them. 4-back-pressure.py is the Python.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "event.h"
#include "runners.h"
#include "streams.h"
#include "task.h"

enum { BLOCK = 65536, BLOCKS = 64, HIGH = 65536 };
static char block[BLOCK];
static asy_event *served; /* the server has printed what it got */

/* ---- async def slow_reader(reader, writer) ---- */
typedef struct {
    asy_coro co;
    asy_stream_reader *reader;
    asy_stream_writer *writer;
} server_frame;

static asy_status slow_reader_body(asy_coro *co)
{
    server_frame *f = (server_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_sleep(0.2, asy_none())); /* a slow consumer */
    ASY_AWAIT(co, asy_stream_reader_read(f->reader, -1)); /* then everything, to EOF */
    printf("server: received %zu bytes\n", asy_bytes_len(ASY_SENT(co)));
    asy_stream_writer_close(f->writer);
    ASY_AWAIT(co, asy_stream_writer_wait_closed(f->writer));
    asy_event_set(served);
    ASY_END(co);
}

static void server_clear(asy_gen *g)
{
    server_frame *f = (server_frame *)g;
    asy_decref(f->reader);
    asy_decref(f->writer);
}

static asy_coro *slow_reader(asy_stream_reader *reader, asy_stream_writer *writer, void *arg)
{
    (void)arg;
    server_frame *f = ASY_CORO_NEW(server_frame, slow_reader_body, "slow_reader");
    asy_gen_set_clear(&f->co, server_clear);
    f->reader = asy_incref(reader);
    f->writer = asy_incref(writer);
    return &f->co;
}

static const asy_stream_handler handler = {slow_reader, NULL, 0};

/* ---- async def flood(port, use_drain) ---- */
typedef struct {
    asy_coro co;
    int port;
    bool use_drain;
    asy_stream_reader *reader;
    asy_stream_writer *writer;
    int i, waits;
    size_t largest;
    bool steady;
} flood_frame;

static asy_status flood_body(asy_coro *co)
{
    flood_frame *f = (flood_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_open_connection("127.0.0.1", f->port, 0));
    asy_stream_pair(ASY_SENT(co), &f->reader, &f->writer);
    {
        asy_value sock = asy_stream_writer_get_extra_info(f->writer, "socket", asy_int(-1));
        int size = 65536;
        setsockopt((int)sock.u.i, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    }
    f->steady = true;
    for (f->i = 0; f->i < BLOCKS; f->i++) {
        {
            asy_transport *t = asy_stream_writer_transport(f->writer);
            size_t before = asy_transport_get_write_buffer_size(t);
            ASY_RAISE_IF(co, asy_stream_writer_write(f->writer, block, BLOCK));
            size_t size = asy_transport_get_write_buffer_size(t);
            if (size > f->largest)
                f->largest = size;
            if (before > 0 && size != before + BLOCK)
                f->steady = false;
            if (!f->use_drain && (f->i + 1) % 16 == 0)
                printf("  buffer after %d writes: %zu bytes\n", f->i + 1, size);
            if (f->use_drain && size > HIGH)
                f->waits++; /* this drain() will wait */
        }
        if (f->use_drain)
            ASY_AWAIT(co, asy_stream_writer_drain(f->writer));
    }
    if (f->use_drain) {
        printf("  largest buffer %zu bytes: at most high-water mark + one block: %s\n", f->largest,
               f->largest <= HIGH + BLOCK ? "True" : "False");
        printf("  drain() waited %d times: at least once: %s\n", f->waits, f->waits > 0 ? "True" : "False");
    } else {
        printf("  once the kernel took what it could, each write added 65536 bytes: %s\n",
               f->steady ? "True" : "False");
        printf("  largest buffer %zu bytes: more than half of all written: %s\n", f->largest,
               f->largest > (size_t)BLOCKS * BLOCK / 2 ? "True" : "False");
    }
    asy_stream_writer_close(f->writer);
    ASY_AWAIT(co, asy_stream_writer_wait_closed(f->writer));
    ASY_END(co);
}

static void flood_clear(asy_gen *g)
{
    flood_frame *f = (flood_frame *)g;
    asy_decref(f->reader);
    asy_decref(f->writer);
}

static asy_coro *flood(int port, bool use_drain)
{
    flood_frame *f = ASY_CORO_NEW(flood_frame, flood_body, "flood");
    asy_gen_set_clear(&f->co, flood_clear);
    f->port = port;
    f->use_drain = use_drain;
    return &f->co;
}

/* ---- async def main() ---- */
typedef struct {
    asy_coro co;
    asy_server *server;
    int port, round;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_sockaddr addr;
    int fd;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_start_server(&handler, "127.0.0.1", 0));
    f->server = asy_incref(asy_value_server(ASY_SENT(co)));
    asy_server_sockets(f->server, &fd, 1);
    asy_decref(asy_sock_getsockname(fd, &addr));
    f->port = asy_sockaddr_port(&addr);
    for (f->round = 0; f->round < 2; f->round++) {
        printf("%s\n", f->round ? "with drain():" : "without drain():");
        asy_event_clear(served);
        ASY_AWAIT(co, flood(f->port, f->round == 1));
        ASY_AWAIT(co, asy_event_wait(served)); /* the server prints what it got */
    }
    asy_server_close(f->server);
    ASY_AWAIT(co, asy_server_wait_closed(f->server));
    ASY_END(co);
}

static void main_clear(asy_gen *g) { asy_decref(((main_frame *)g)->server); }

int main(void)
{
    served = asy_event_new();
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, NULL);
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stdout);
    asy_result_clear(&r);
    asy_decref(served);
    return asy_obj_live() == 0 ? 0 : 1;
}
