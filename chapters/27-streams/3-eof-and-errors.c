/*
 * Chapter 27, demo 3: what a reader sees at the edges. The server's reader
 * has limit=16. The client sends a field ending in '|', then one too long
 * for the limit (LimitOverrunError: the bytes stay in the buffer, and the
 * server skips them with readexactly), then 'abc' and write_eof(): the
 * server's readexactly(5) gets IncompleteReadError, and every read after
 * it sees EOF. The connection is only half closed: the server still
 * answers, and the client reads that answer to the end.
 *
 *     try:                                       ASY_AWAIT_TRY(co, asy_stream_reader_readexactly(r, 5));
 *         await reader.readexactly(5)            if (ASY_EXC(co) != NULL) {
 *     except asyncio.IncompleteReadError as e:       asy_exc *e = ASY_CATCH(co);
 *         print(e.partial, e.expected)               ... asy_incomplete_read_partial(e) ...
 *
 * (ASY_CATCH takes the exception; an exception of another type would be
 * re-raised with ASY_RAISE.) 3-eof-and-errors.py is the Python.
 */
#include <stdio.h>
#include <string.h>

#include "runners.h"
#include "streams.h"
#include "task.h"

#define WRITE(co, w, s) ASY_RAISE_IF(co, asy_stream_writer_write((w), (s), strlen(s)))

/* ---- async def server_side(reader, writer) ---- */
typedef struct {
    asy_coro co;
    asy_stream_reader *reader;
    asy_stream_writer *writer;
    long long consumed;
} server_frame;

static asy_status server_side_body(asy_coro *co)
{
    server_frame *f = (server_frame *)co;
    asy_exc *e;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_stream_reader_readuntil(f->reader, "|", 1));
    printf("server: readuntil: %s\n", ASY_REPR(ASY_SENT(co)));
    WRITE(co, f->writer, "ok\n");

    ASY_AWAIT_TRY(co, asy_stream_reader_readuntil(f->reader, "|", 1));
    e = ASY_CATCH(co);
    if (e != NULL && !asy_exc_is(e, &asy_LimitOverrunError))
        ASY_RAISE(co, e); /* not ours: re-raise */
    if (e != NULL) {
        f->consumed = asy_limit_overrun_consumed(e);
        printf("server: LimitOverrunError: %s; consumed = %lld\n", asy_exc_message(e), f->consumed);
        asy_decref(e);
        ASY_AWAIT(co, asy_stream_reader_readexactly(f->reader, (long)f->consumed + 1));
        printf("server: skipped %s\n", ASY_REPR(ASY_SENT(co)));
    }
    WRITE(co, f->writer, "ok\n");

    ASY_AWAIT_TRY(co, asy_stream_reader_readexactly(f->reader, 5));
    e = ASY_CATCH(co);
    if (e != NULL && !asy_exc_is(e, &asy_IncompleteReadError))
        ASY_RAISE(co, e);
    if (e != NULL) {
        printf("server: IncompleteReadError: %s\n", asy_exc_message(e));
        printf("server: partial = %s, expected = %lld\n", ASY_REPR(asy_incomplete_read_partial(e)),
               asy_incomplete_read_expected(e));
        printf("server: an EOFError: %s\n", asy_exc_is(e, &asy_EOFError) ? "True" : "False");
        asy_decref(e);
    }
    printf("server: at_eof() = %s\n", asy_stream_reader_at_eof(f->reader) ? "True" : "False");
    ASY_AWAIT(co, asy_stream_reader_read(f->reader, -1));
    printf("server: read() = %s\n", ASY_REPR(ASY_SENT(co)));
    ASY_AWAIT(co, asy_stream_reader_readline(f->reader));
    printf("server: readline() = %s\n", ASY_REPR(ASY_SENT(co)));
    ASY_AWAIT_TRY(co, asy_stream_reader_readuntil(f->reader, "|", 1));
    e = ASY_CATCH(co);
    if (e != NULL && !asy_exc_is(e, &asy_IncompleteReadError))
        ASY_RAISE(co, e);
    if (e != NULL) {
        printf("server: readuntil: IncompleteReadError: %s\n", asy_exc_message(e));
        asy_decref(e);
    }
    WRITE(co, f->writer, "you said goodbye\n"); /* the other direction is still open */
    asy_stream_writer_close(f->writer);
    ASY_AWAIT(co, asy_stream_writer_wait_closed(f->writer));
    ASY_END(co);
}

static void server_clear(asy_gen *g)
{
    server_frame *f = (server_frame *)g;
    asy_decref(f->reader);
    asy_decref(f->writer);
}

static asy_coro *server_side(asy_stream_reader *reader, asy_stream_writer *writer, void *arg)
{
    (void)arg;
    server_frame *f = ASY_CORO_NEW(server_frame, server_side_body, "server_side");
    asy_gen_set_clear(&f->co, server_clear);
    f->reader = asy_incref(reader);
    f->writer = asy_incref(writer);
    return &f->co;
}

/* start_server(server_side, '127.0.0.1', 0, limit=16) */
static const asy_stream_handler handler = {server_side, NULL, 16};

/* ---- async def main() ---- */
typedef struct {
    asy_coro co;
    asy_server *server;
    asy_stream_reader *reader;
    asy_stream_writer *writer;
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
    ASY_AWAIT(co, asy_open_connection("127.0.0.1", asy_sockaddr_port(&addr), 0));
    asy_stream_pair(ASY_SENT(co), &f->reader, &f->writer);
    WRITE(co, f->writer, "key=value|");
    ASY_AWAIT(co, asy_stream_reader_readline(f->reader));
    printf("client: %s\n", ASY_REPR(ASY_SENT(co)));
    WRITE(co, f->writer, "0123456789abcdefXYZ|");
    ASY_AWAIT(co, asy_stream_reader_readline(f->reader));
    printf("client: %s\n", ASY_REPR(ASY_SENT(co)));
    WRITE(co, f->writer, "abc");
    printf("client: can_write_eof() = %s\n", asy_stream_writer_can_write_eof(f->writer) ? "True" : "False");
    ASY_RAISE_IF(co, asy_stream_writer_write_eof(f->writer));
    ASY_AWAIT(co, asy_stream_reader_read(f->reader, -1));
    printf("client: read() = %s\n", ASY_REPR(ASY_SENT(co)));
    printf("client: at_eof() = %s\n", asy_stream_reader_at_eof(f->reader) ? "True" : "False");
    asy_stream_writer_close(f->writer);
    ASY_AWAIT(co, asy_stream_writer_wait_closed(f->writer));
    asy_server_close(f->server);
    ASY_AWAIT(co, asy_server_wait_closed(f->server));
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->server);
    asy_decref(f->reader);
    asy_decref(f->writer);
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
