/*
 * Chapter 26, demo 2: an echo server and client with protocols and
 * transports (asyncio's own echo example, in one program).
 *
 *     class EchoServerProtocol(asyncio.Protocol):
 *         def connection_made(self, transport):
 *             self.transport = transport
 *         def data_received(self, data):
 *             self.transport.write(data)
 *
 *     server = await loop.create_server(EchoServerProtocol, '127.0.0.1', 0)
 *     transport, protocol = await loop.create_connection(
 *         lambda: EchoClientProtocol(message, on_con_lost), '127.0.0.1', port)
 *
 * A Python protocol class becomes a const asy_protocol table of callbacks;
 * its instance becomes the `self` pointer every callback gets. Nobody here
 * calls recv or send: the transports do, and call the protocols. Each side
 * notes what it was called with, and main prints both notes at the end
 * (the two sides run interleaved, in an order the kernel decides).
 * 2-echo-protocol.py is the Python; 2-echo-protocol.sed hides the ports.
 */
#include <stdio.h>
#include <stdlib.h>

#include "runners.h"
#include "task.h"
#include "transport.h"

static char server_log[8][120], client_log[8][120];
static int server_n, client_n;

#define LOG(side, ...) snprintf(side##_log[side##_n < 8 ? side##_n++ : 7], 120, __VA_ARGS__)

/* ---- class EchoServerProtocol(asyncio.Protocol) ---- */
static asy_exc *server_made(asy_transport *t, void *self)
{
    (void)self;
    LOG(server, "connection_made: peername %s", ASY_SOCKADDR_STR(asy_transport_peername(t)));
    return NULL;
}

static asy_exc *server_data(asy_transport *t, const char *data, size_t n, void *self)
{
    (void)self;
    char repr[100];
    LOG(server, "data_received(%s): echoed", asy_bytes_repr(data, n, repr, sizeof repr));
    return asy_transport_write(t, data, n); /* self.transport.write(data) */
}

static asy_exc *server_eof(asy_transport *t, void *self, bool *keep_open)
{
    (void)t, (void)self;
    LOG(server, "eof_received(): returns None, so the transport closes");
    *keep_open = false;
    return NULL;
}

static asy_exc *server_lost(asy_transport *t, asy_exc *exc, void *self)
{
    (void)t, (void)self;
    LOG(server, "connection_lost(%s)", exc != NULL ? asy_exc_message(exc) : "None");
    return NULL;
}

static const asy_protocol echo_server_protocol = {
    .connection_made = server_made,
    .data_received = server_data,
    .eof_received = server_eof,
    .connection_lost = server_lost,
};

/* ---- class EchoClientProtocol(asyncio.Protocol): self is on_con_lost ---- */
static const char message[] = "Hello, World!";

static asy_exc *client_made(asy_transport *t, void *self)
{
    (void)self;
    LOG(client, "connection_made");
    asy_exc *e = asy_transport_write(t, message, sizeof message - 1);
    return e != NULL ? e : asy_transport_write_eof(t);
}

static asy_exc *client_data(asy_transport *t, const char *data, size_t n, void *self)
{
    (void)t, (void)self;
    char repr[100];
    LOG(client, "data_received(%s)", asy_bytes_repr(data, n, repr, sizeof repr));
    return NULL;
}

static asy_exc *client_eof(asy_transport *t, void *self, bool *keep_open)
{
    (void)t, (void)self, (void)keep_open;
    LOG(client, "eof_received()");
    return NULL;
}

static asy_exc *client_lost(asy_transport *t, asy_exc *exc, void *self)
{
    (void)t;
    LOG(client, "connection_lost(%s)", exc != NULL ? asy_exc_message(exc) : "None");
    return asy_future_set_result(self, asy_bool(true)); /* self.on_con_lost.set_result(True) */
}

static void client_release(void *self) { asy_decref(self); }

static const asy_protocol echo_client_protocol = {
    .connection_made = client_made,
    .data_received = client_data,
    .eof_received = client_eof,
    .connection_lost = client_lost,
    .release = client_release,
};

/* ---- async def main() ---- */
typedef struct {
    asy_coro co;
    asy_server *server;
    asy_transport *transport;
    asy_future *on_con_lost;
} main_frame;

static asy_status main_body(asy_coro *co)
{
    main_frame *f = (main_frame *)co;
    asy_loop *loop = asy_get_running_loop(NULL);
    asy_sockaddr addr;
    int fd;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_loop_create_server(loop, &echo_server_protocol, NULL, NULL, "127.0.0.1", 0));
    f->server = asy_incref(asy_value_server(ASY_SENT(co)));
    asy_server_sockets(f->server, &fd, 1);
    asy_decref(asy_sock_getsockname(fd, &addr));
    printf("serving on %s\n", ASY_SOCKADDR_STR(&addr));

    f->on_con_lost = asy_future_new(loop);
    ASY_AWAIT(co, asy_loop_create_connection(loop, &echo_client_protocol, asy_incref(f->on_con_lost),
                                             "127.0.0.1", asy_sockaddr_port(&addr)));
    f->transport = asy_incref(asy_value_transport(ASY_SENT(co)));
    printf("client: connected, sent b'%s' and write_eof()\n", message);
    ASY_AWAIT(co, asy_incref(f->on_con_lost));
    printf("client: the connection is closed: %s\n", asy_transport_is_closing(f->transport) ? "True" : "False");

    asy_server_close(f->server);
    ASY_AWAIT(co, asy_server_wait_closed(f->server));
    printf("server closed, serving: %s\n", asy_server_is_serving(f->server) ? "True" : "False");
    printf("the client saw:\n");
    for (int i = 0; i < client_n; i++)
        printf("  %s\n", client_log[i]);
    printf("the server saw:\n");
    for (int i = 0; i < server_n; i++)
        printf("  %s\n", server_log[i]);
    ASY_END(co);
}

static void main_clear(asy_gen *g)
{
    main_frame *f = (main_frame *)g;
    asy_decref(f->server);
    asy_decref(f->transport);
    asy_decref(f->on_con_lost);
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
