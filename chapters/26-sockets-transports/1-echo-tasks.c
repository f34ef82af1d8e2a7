/*
 * Chapter 26, demo 1: chapter 09's echo server, one task per connection.
 *
 * Chapter 09 wrote the notes' echo server as two callbacks, accept() and
 * read(), called by a selector loop. Here the same server is written as
 * two coroutines: server() accepts in a loop and starts one task per
 * connection; handle() reads and echoes in a loop until the peer hangs up.
 * Each `await loop.sock_...` reads like a blocking call, and the loop
 * serves every connection at once, as the callbacks did:
 *
 *     async def handle(conn, addr):
 *         while True:
 *             data = await loop.sock_recv(conn, 1000)
 *             if not data:
 *                 break
 *             print('echoing', repr(data), 'to', addr)
 *             await loop.sock_sendall(conn, data)
 *         print('closing', addr)
 *         conn.close()
 *
 *     async def server(sock):
 *         while True:
 *             conn, addr = await loop.sock_accept(sock)
 *             print('accepted connection from', addr)
 *             loop.create_task(handle(conn, addr))
 *
 * The client is a coroutine of the same program (chapter 09's thread, made
 * a task): two connections, four messages, each echo awaited before the
 * next message goes out, so the lines come out in the same order on every
 * run. 1-echo-tasks.py is the Python; 1-echo-tasks.sed hides the ports.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runners.h"
#include "sock.h"
#include "task.h"

/* async def handle(conn, addr) */
typedef struct {
    asy_coro co;
    int conn;
    asy_sockaddr addr;
    asy_value data;
} handle_frame;

static asy_status handle_body(asy_coro *co)
{
    handle_frame *f = (handle_frame *)co;
    ASY_BEGIN(co);
    for (;;) {
        ASY_AWAIT(co, asy_loop_sock_recv(NULL, f->conn, 1000)); /* data = await loop.sock_recv(conn, 1000) */
        asy_value_clear(&f->data);
        f->data = asy_value_incref(ASY_SENT(co)); /* kept in the frame: it is used after an await */
        if (asy_bytes_len(f->data) == 0)            /* if not data: break */
            break;
        printf("echoing %s to %s\n", ASY_REPR(f->data), ASY_SOCKADDR_STR(&f->addr));
        ASY_AWAIT(co, asy_loop_sock_sendall(NULL, f->conn, asy_bytes_data(f->data), asy_bytes_len(f->data)));
    }
    printf("closing %s\n", ASY_SOCKADDR_STR(&f->addr));
    close(f->conn); /* conn.close() */
    f->conn = -1;
    ASY_END(co);
}

static void handle_clear(asy_gen *g)
{
    handle_frame *f = (handle_frame *)g;
    if (f->conn >= 0) /* ended some other way (cancelled): still close it */
        close(f->conn);
    asy_value_clear(&f->data);
}

static asy_coro *handle(int conn, const asy_sockaddr *addr)
{
    handle_frame *f = ASY_CORO_NEW(handle_frame, handle_body, "handle");
    asy_gen_set_clear(&f->co, handle_clear);
    f->conn = conn;
    f->addr = *addr;
    return &f->co;
}

/* async def server(sock) */
typedef struct {
    asy_coro co;
    int sock;
    asy_sockaddr addr;
} server_frame;

static asy_status server_body(asy_coro *co)
{
    server_frame *f = (server_frame *)co;
    ASY_BEGIN(co);
    for (;;) {
        ASY_AWAIT(co, asy_loop_sock_accept(NULL, f->sock, &f->addr)); /* conn, addr = await ... */
        int conn = (int)ASY_SENT(co).u.i;
        printf("accepted connection from %s\n", ASY_SOCKADDR_STR(&f->addr));
        asy_exc *err;
        asy_task *t = asy_create_task(handle(conn, &f->addr), NULL, &err); /* loop.create_task(handle(conn, addr)) */
        if (t == NULL)
            ASY_RAISE(co, err);
        asy_decref(t); /* the loop keeps the task running */
    }
    ASY_END(co);
}

static void server_clear(asy_gen *g) { close(((server_frame *)g)->sock); } /* the finally: sock.close() */

static asy_coro *server(int sock)
{
    server_frame *f = ASY_CORO_NEW(server_frame, server_body, "server");
    asy_gen_set_clear(&f->co, server_clear);
    f->sock = sock;
    return &f->co;
}

/* ---- the client: say(conn, msg) sends msg and checks the echo ---- */
typedef struct {
    asy_coro co;
    int conn;
    const char *msg;
} say_frame;

static asy_status say_body(asy_coro *co)
{
    say_frame *f = (say_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_loop_sock_sendall(NULL, f->conn, f->msg, strlen(f->msg)));
    ASY_AWAIT(co, asy_loop_sock_recv(NULL, f->conn, 100));
    if (asy_bytes_len(ASY_SENT(co)) != strlen(f->msg) || memcmp(asy_bytes_data(ASY_SENT(co)), f->msg, strlen(f->msg)))
        ASY_RAISE(co, asy_exc_new(&asy_RuntimeError, "no echo for %s", f->msg));
    ASY_END(co);
}

static asy_coro *say(int conn, const char *msg)
{
    say_frame *f = ASY_CORO_NEW(say_frame, say_body, "say");
    f->conn = conn;
    f->msg = msg;
    return &f->co;
}

/* shutdown(SHUT_WR), wait for the server to close its end, close ours. */
static asy_status hang_up_body(asy_coro *co)
{
    say_frame *f = (say_frame *)co;
    ASY_BEGIN(co);
    shutdown(f->conn, SHUT_WR);                            /* the server reads EOF ... */
    ASY_AWAIT(co, asy_loop_sock_recv(NULL, f->conn, 1));   /* ... and closes: b'' here */
    close(f->conn);
    ASY_END(co);
}

static asy_coro *hang_up(int conn)
{
    say_frame *f = ASY_CORO_NEW(say_frame, hang_up_body, "hang_up");
    f->conn = conn;
    return &f->co;
}

/* async def main() */
typedef struct {
    asy_coro co;
    int sock, port, a, b;
    asy_task *server;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_exc *err = NULL;
    asy_sockaddr addr;
    ASY_BEGIN(co);
    /* sock = socket.socket(); sock.bind(('127.0.0.1', 0)); sock.listen(100); sock.setblocking(False) */
    f->sock = asy_socket_listen("127.0.0.1", 0, 100, &err);
    if (f->sock < 0)
        ASY_RAISE(co, err);
    if ((err = asy_sock_getsockname(f->sock, &addr)) != NULL)
        ASY_RAISE(co, err);
    f->port = asy_sockaddr_port(&addr);
    f->server = asy_create_task(server(f->sock), NULL, &err);
    if (f->server == NULL)
        ASY_RAISE(co, err);

    f->a = asy_socket_tcp(AF_INET, NULL);
    ASY_AWAIT(co, asy_loop_sock_connect(NULL, f->a, "127.0.0.1", f->port));
    ASY_AWAIT(co, say(f->a, "hello"));
    f->b = asy_socket_tcp(AF_INET, NULL);                  /* a stays open */
    ASY_AWAIT(co, asy_loop_sock_connect(NULL, f->b, "127.0.0.1", f->port));
    ASY_AWAIT(co, say(f->b, "hi from the second connection"));
    ASY_AWAIT(co, say(f->a, "still there?"));
    ASY_AWAIT(co, say(f->b, "bye"));
    ASY_AWAIT(co, hang_up(f->a));
    ASY_AWAIT(co, hang_up(f->b));

    asy_task_cancel(f->server, NULL);                      /* stop the server */
    ASY_AWAIT_TRY(co, asy_incref(f->server));
    if (asy_exc_is(ASY_EXC(co), &asy_CancelledError)) {
        asy_decref(ASY_CATCH(co));
        printf("server stopped\n");
    }
    ASY_END(co);
}

static void main_clear(asy_gen *g) { asy_decref(((main_frame *)g)->server); }

int main(void)
{
    main_frame *f = ASY_CORO_NEW(main_frame, main_body, "main");
    asy_gen_set_clear(&f->co, main_clear);
    asy_result r = asy_run(&f->co, NULL); /* the real clock: these sockets are real */
    if (r.status == ASY_RAISED)
        asy_exc_print(r.exc, stdout);
    asy_result_clear(&r);
    return asy_obj_live() == 0 ? 0 : 1;
}
