/*
 * bench-streams.c - chapter 27's benchmark: the echo server on streams.
 *
 *     async def echo(reader, writer):
 *         while data := await reader.read(4096):
 *             writer.write(data)
 *             await writer.drain()
 *
 * Prints its port, then serves until killed.
 */
#include <stdio.h>

#include "runners.h"
#include "streams.h"
#include "task.h"

typedef struct {
    asy_coro co;
    asy_stream_reader *reader;
    asy_stream_writer *writer;
} echo_frame;

static asy_status echo_body(asy_coro *co)
{
    echo_frame *f = (echo_frame *)co;
    ASY_BEGIN(co);
    for (;;) {
        ASY_AWAIT(co, asy_stream_reader_read(f->reader, 4096));
        if (asy_bytes_len(ASY_SENT(co)) == 0)
            break;
        ASY_RAISE_IF(co, asy_stream_writer_write(f->writer, asy_bytes_data(ASY_SENT(co)),
                                                 asy_bytes_len(ASY_SENT(co))));
        ASY_AWAIT(co, asy_stream_writer_drain(f->writer));
    }
    asy_stream_writer_close(f->writer);
    ASY_END(co);
}

static void echo_clear(asy_gen *g)
{
    echo_frame *f = (echo_frame *)g;
    asy_decref(f->reader);
    asy_decref(f->writer);
}

static asy_coro *echo(asy_stream_reader *reader, asy_stream_writer *writer, void *arg)
{
    (void)arg;
    echo_frame *f = ASY_CORO_NEW(echo_frame, echo_body, "echo");
    asy_gen_set_clear(&f->co, echo_clear);
    f->reader = asy_incref(reader);
    f->writer = asy_incref(writer);
    return &f->co;
}

static const asy_stream_handler handler = {echo, NULL, 0};

typedef struct {
    asy_coro co;
    asy_server *server;
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
    printf("%d\n", asy_sockaddr_port(&addr));
    fflush(stdout);
    ASY_AWAIT(co, asy_server_serve_forever(f->server));
    ASY_END(co);
}

static void main_clear(asy_gen *g) { asy_decref(((main_frame *)g)->server); }

int main(void)
{
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, NULL);
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stderr);
    asy_result_clear(&r);
    return 1;
}
