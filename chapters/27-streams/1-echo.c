/*
 * Chapter 27, demo 1: the echo server and client over streams (the example
 * of Python's asyncio documentation, both sides in one program).
 *
 *     async def handle_echo(reader, writer):
 *         data = await reader.read(100)
 *         addr = writer.get_extra_info('peername')
 *         writer.write(data)
 *         await writer.drain()
 *         writer.close()
 *         await writer.wait_closed()
 *
 *     server = await asyncio.start_server(handle_echo, '127.0.0.1', 0)
 *     reader, writer = await asyncio.open_connection('127.0.0.1', port)
 *
 * Compare chapter 26's demo 2: no protocol class, no callbacks. Each side
 * is one coroutine that reads and writes in order, and the stream layer
 * turns the transport's callbacks into awaits. 1-echo.py is the Python;
 * 1-echo.sed hides the ports.
 */
#include <stdio.h>
#include <string.h>

#include "runners.h"
#include "streams.h"
#include "task.h"

/* ---- async def handle_echo(reader, writer) ---- */
typedef struct {
    asy_coro co;
    asy_stream_reader *reader;
    asy_stream_writer *writer;
    asy_value data;
} handler_frame;

static asy_status handle_echo_body(asy_coro *co)
{
    handler_frame *f = (handler_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_stream_reader_read(f->reader, 100));
    f->data = asy_value_incref(ASY_SENT(co));
    {
        asy_value addr = asy_stream_writer_get_extra_info(f->writer, "peername", asy_none());
        printf("server: received %s from %s\n", ASY_REPR(f->data), ASY_STR(addr));
        asy_value_decref(addr);
    }
    printf("server: send %s\n", ASY_REPR(f->data));
    ASY_RAISE_IF(co, asy_stream_writer_write(f->writer, asy_bytes_data(f->data), asy_bytes_len(f->data)));
    ASY_AWAIT(co, asy_stream_writer_drain(f->writer));
    printf("server: close the connection\n");
    asy_stream_writer_close(f->writer);
    ASY_AWAIT(co, asy_stream_writer_wait_closed(f->writer));
    ASY_END(co);
}

static void handler_clear(asy_gen *g)
{
    handler_frame *f = (handler_frame *)g;
    asy_decref(f->reader);
    asy_decref(f->writer);
    asy_value_clear(&f->data);
}

/* start_server's client_connected_cb: make the coroutine; the server runs
 * it as a task. reader and writer are borrowed: take references. */
static asy_coro *handle_echo(asy_stream_reader *reader, asy_stream_writer *writer, void *arg)
{
    (void)arg;
    handler_frame *f = ASY_CORO_NEW(handler_frame, handle_echo_body, "handle_echo");
    asy_gen_set_clear(&f->co, handler_clear);
    f->reader = asy_incref(reader);
    f->writer = asy_incref(writer);
    return &f->co;
}

static const asy_stream_handler echo_handler = {handle_echo, NULL, 0};

/* ---- async def tcp_echo_client(message, port) ---- */
typedef struct {
    asy_coro co;
    const char *message;
    int port;
    asy_stream_reader *reader;
    asy_stream_writer *writer;
} client_frame;

static asy_status client_body(asy_coro *co)
{
    client_frame *f = (client_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_open_connection("127.0.0.1", f->port, 0));
    asy_stream_pair(ASY_SENT(co), &f->reader, &f->writer); /* reader, writer = ... */
    {
        asy_value m = asy_bytes(f->message, strlen(f->message));
        printf("client: send %s\n", ASY_REPR(m));
        asy_value_decref(m);
    }
    ASY_RAISE_IF(co, asy_stream_writer_write(f->writer, f->message, strlen(f->message)));
    ASY_AWAIT(co, asy_stream_writer_drain(f->writer));
    ASY_AWAIT(co, asy_stream_reader_read(f->reader, 100));
    printf("client: received %s\n", ASY_REPR(ASY_SENT(co)));
    printf("client: close the connection\n");
    asy_stream_writer_close(f->writer);
    ASY_AWAIT(co, asy_stream_writer_wait_closed(f->writer));
    ASY_END(co);
}

static void client_clear(asy_gen *g)
{
    client_frame *f = (client_frame *)g;
    asy_decref(f->reader);
    asy_decref(f->writer);
}

static asy_coro *tcp_echo_client(const char *message, int port)
{
    client_frame *f = ASY_CORO_NEW(client_frame, client_body, "tcp_echo_client");
    asy_gen_set_clear(&f->co, client_clear);
    f->message = message;
    f->port = port;
    return &f->co;
}

/* ---- async def main() ---- */
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
    ASY_AWAIT(co, asy_start_server(&echo_handler, "127.0.0.1", 0));
    f->server = asy_incref(asy_value_server(ASY_SENT(co)));
    asy_server_sockets(f->server, &fd, 1);
    asy_decref(asy_sock_getsockname(fd, &addr));
    printf("serving on %s\n", ASY_SOCKADDR_STR(&addr));
    ASY_AWAIT(co, tcp_echo_client("Hello World!\n", asy_sockaddr_port(&addr)));
    asy_server_close(f->server);
    ASY_AWAIT(co, asy_server_wait_closed(f->server));
    printf("server stopped\n");
    ASY_END(co);
}

static void main_clear(asy_gen *g) { asy_decref(((main_frame *)g)->server); }

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
