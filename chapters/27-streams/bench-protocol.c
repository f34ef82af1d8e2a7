/*
 * bench-protocol.c - chapter 27's benchmark: the echo server on chapter
 * 26's transports and protocols, the layer streams stand on.
 *
 *     class Echo(asyncio.Protocol):
 *         def connection_made(self, transport): self.transport = transport
 *         def data_received(self, data): self.transport.write(data)
 *
 * Prints its port, then serves until killed.
 */
#include <stdio.h>

#include "runners.h"
#include "task.h"
#include "transport.h"

static asy_exc *echo_data(asy_transport *t, const char *data, size_t n, void *self)
{
    (void)self;
    return asy_transport_write(t, data, n);
}

static const asy_protocol echo_protocol = {.data_received = echo_data};

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
    ASY_AWAIT(co, asy_loop_create_server(asy_get_running_loop(NULL), &echo_protocol, NULL, NULL, "127.0.0.1", 0));
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
