/*
 * Chapter 27, demo 2: a line protocol. The client sends one command per
 * line ("add 2 3", "mul 4 5", ...); the server answers each with one line.
 * The client ends with write_eof(): the server's loop ends, it says bye
 * and closes.
 *
 *     async for line in reader:            ASY_ASYNC_FOR(co, f->reader) {
 *         ...                                  ... ASY_SENT(co) is the line ...
 *                                          } ASY_ASYNC_FOR_END(co);
 *
 * `async for line in reader` calls readline() until it returns b''; the
 * reader's type has chapter 25's __anext__ slot, so ASY_ASYNC_FOR works on
 * it as on an async generator. 2-line-protocol.py is the Python.
 */
#include <stdio.h>
#include <string.h>

#include "asyncgen.h" /* ASY_ASYNC_FOR */
#include "runners.h"
#include "streams.h"
#include "task.h"

/* ---- async def calculator(reader, writer) ---- */
typedef struct {
    asy_coro co;
    asy_stream_reader *reader;
    asy_stream_writer *writer;
    int count;
} calc_frame;

static asy_status calculator_body(asy_coro *co)
{
    calc_frame *f = (calc_frame *)co;
    ASY_BEGIN(co);
    ASY_ASYNC_FOR(co, f->reader) { /* async for line in reader: */
        {
            asy_value line = ASY_SENT(co);
            char op[8], answer[32];
            long long a, b, result = 0;
            if (sscanf(asy_bytes_data(line), "%7s %lld %lld", op, &a, &b) == 3)
                result = strcmp(op, "add") == 0 ? a + b : a * b;
            printf("server: %s -> %lld\n", ASY_REPR(line), result);
            snprintf(answer, sizeof answer, "%lld\n", result);
            ASY_RAISE_IF(co, asy_stream_writer_write(f->writer, answer, strlen(answer)));
        }
        ASY_AWAIT(co, asy_stream_writer_drain(f->writer));
        f->count++;
    } ASY_ASYNC_FOR_END(co);
    printf("server: EOF after %d lines, at_eof() = %s\n", f->count,
           asy_stream_reader_at_eof(f->reader) ? "True" : "False");
    ASY_RAISE_IF(co, asy_stream_writer_write(f->writer, "bye\n", 4));
    ASY_AWAIT(co, asy_stream_writer_drain(f->writer));
    asy_stream_writer_close(f->writer);
    ASY_AWAIT(co, asy_stream_writer_wait_closed(f->writer));
    ASY_END(co);
}

static void calc_clear(asy_gen *g)
{
    calc_frame *f = (calc_frame *)g;
    asy_decref(f->reader);
    asy_decref(f->writer);
}

static asy_coro *calculator(asy_stream_reader *reader, asy_stream_writer *writer, void *arg)
{
    (void)arg;
    calc_frame *f = ASY_CORO_NEW(calc_frame, calculator_body, "calculator");
    asy_gen_set_clear(&f->co, calc_clear);
    f->reader = asy_incref(reader);
    f->writer = asy_incref(writer);
    return &f->co;
}

static const asy_stream_handler calc_handler = {calculator, NULL, 0};

/* ---- async def main() ---- */
static const char *commands[] = {"add 2 3\n", "mul 4 5\n", "add 40 2\n", "mul 6 7\n"};

typedef struct {
    asy_coro co;
    asy_server *server;
    asy_stream_reader *reader;
    asy_stream_writer *writer;
    int i;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_sockaddr addr;
    int fd;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_start_server(&calc_handler, "127.0.0.1", 0));
    f->server = asy_incref(asy_value_server(ASY_SENT(co)));
    asy_server_sockets(f->server, &fd, 1);
    asy_decref(asy_sock_getsockname(fd, &addr));
    ASY_AWAIT(co, asy_open_connection("127.0.0.1", asy_sockaddr_port(&addr), 0));
    asy_stream_pair(ASY_SENT(co), &f->reader, &f->writer);
    for (f->i = 0; f->i < 4; f->i++) {
        ASY_RAISE_IF(co, asy_stream_writer_write(f->writer, commands[f->i], strlen(commands[f->i])));
        ASY_AWAIT(co, asy_stream_writer_drain(f->writer));
        ASY_AWAIT(co, asy_stream_reader_readline(f->reader));
        {
            asy_value command = asy_bytes(commands[f->i], strlen(commands[f->i]));
            printf("client: %s -> %s\n", ASY_REPR(command), ASY_REPR(ASY_SENT(co)));
            asy_value_decref(command);
        }
    }
    ASY_RAISE_IF(co, asy_stream_writer_write_eof(f->writer));
    ASY_AWAIT(co, asy_stream_reader_read(f->reader, -1));
    printf("client: the rest: %s\n", ASY_REPR(ASY_SENT(co)));
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
