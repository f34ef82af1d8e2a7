/*
 * transport.h - transports and protocols: create_server, create_connection,
 * the socket transport with its write buffer and flow control.
 * Chapter: 26
 *
 * sock.h gives a coroutine one operation at a time. asyncio's lower layer
 * for real servers turns this around: the loop owns the socket, reads
 * whenever data comes, and calls YOUR code with it. Two objects split the
 * work (传输与协议):
 *
 *   - the TRANSPORT is the loop's side: it owns the socket, reads when the
 *     socket is readable, and buffers what you write until the socket can
 *     take it. You call it: write, write_eof, close, abort,
 *     pause_reading / resume_reading, get_extra_info.
 *   - the PROTOCOL is your side: a table of callbacks the transport calls:
 *     connection_made, data_received, eof_received, connection_lost, and
 *     pause_writing / resume_writing for flow control. Python writes it
 *     as a class; here it is a struct of function pointers (the class)
 *     plus a `void *self` per connection (the instance).
 *
 * The callbacks are called by the loop, never from inside a transport call
 * you made (connection_lost is scheduled with call_soon, exactly once), in
 * this order for every connection:
 *
 *     connection_made (data_received)* [eof_received] connection_lost
 *
 * WRITING never blocks. write() tries send() at once when nothing is
 * buffered; what the socket does not take goes to the write buffer, and a
 * writer on the socket sends it when there is room. When the buffer grows
 * past the high-water mark (64 KiB by default) the protocol's
 * pause_writing() is called; when it drains to the low-water mark (16 KiB)
 * resume_writing(). The transport itself never refuses data for being too
 * much: stopping is the protocol's job (chapter 27's drain() waits for
 * resume_writing). close() stops reading at once, sends what is buffered,
 * then closes; abort() drops the buffer and closes now.
 *
 * A CLOSED TRANSPORT REFUSES WRITES as CPython's does: after the connection
 * is lost, write() drops the data and returns no error; from the fifth such
 * write on, each one is reported to the loop's exception handler with
 * CPython's warning text "socket.send() raised exception." (CPython logs it
 * with logging.warning; this library prints nothing itself). write() after
 * write_eof() is RuntimeError "Cannot call write() after write_eof()".
 *
 * ERRORS inside the transport are reported the way CPython's _fatal_error
 * does: an OSError from the socket (a reset peer) closes the transport and
 * reaches the protocol as connection_lost(exc), without a report; any other
 * exception (one of YOUR callbacks failed) also goes to the loop's exception
 * handler ("Fatal error: protocol.data_received() call failed."), and the
 * connection is closed with it.
 *
 * NAMES are numeric addresses only (sock.h explains why).
 *
 * PIPES. Chapter 28 (unix_pipes.h) makes this same transport over a pipe
 * end; the functions below work on it too, with the differences that
 * header lists (a read pipe cannot write; a write pipe's write_eof is
 * close; get_extra_info "pipe" instead of the addresses).
 *
 * OWNERSHIP. Every function here that returns a coroutine returns a new
 * reference to it, and never NULL: a bad argument (a NULL protocol, host
 * or server) is raised when the coroutine is awaited, as TypeError. A
 * transport is a counted object. The loop holds a reference
 * to every open transport until connection_lost has run; create_connection
 * hands you one more. In callbacks the transport is borrowed: incref it to
 * keep it. The protocol's `self` is stolen by create_connection (and made
 * by the server's factory): the transport calls protocol->release(self),
 * if set, when the transport itself is freed. A transport still open when
 * its loop is closed is not freed (CPython warns "unclosed transport");
 * close your connections first.
 */
#ifndef ASY_TRANSPORT_H
#define ASY_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "coro.h"
#include "exc.h"
#include "loop.h"
#include "sock.h"

typedef struct asy_transport asy_transport;
typedef struct asy_server asy_server;

/* asyncio.Protocol: every member may be NULL (Python's Protocol base class
 * does nothing). Each returns NULL, or the exception it failed with. */
typedef struct asy_protocol {
    /* connection_made(transport): the connection is up. */
    asy_exc *(*connection_made)(asy_transport *t, void *self);
    /* data_received(data): some bytes (borrowed: copy what you keep). TCP
     * is a stream: one send may arrive in several pieces, and several
     * sends in one piece. */
    asy_exc *(*data_received)(asy_transport *t, const char *data, size_t n, void *self);
    /* eof_received(): the peer will send no more. Set *keep_open to true to
     * keep writing (a half-closed connection); otherwise (the default) the
     * transport closes itself. */
    asy_exc *(*eof_received)(asy_transport *t, void *self, bool *keep_open);
    /* connection_lost(exc): the last call. exc (borrowed) is NULL for a
     * regular close, else what broke the connection. */
    asy_exc *(*connection_lost)(asy_transport *t, asy_exc *exc, void *self);
    /* Flow control: the write buffer passed the high-water mark / drained
     * to the low-water mark. */
    asy_exc *(*pause_writing)(asy_transport *t, void *self);
    asy_exc *(*resume_writing)(asy_transport *t, void *self);
    /* Not in Python (its garbage collector does it): free `self`, called
     * once, when the transport that holds it is freed. */
    void (*release)(void *self);
} asy_protocol;

/* protocol_factory(): a new `self` for one incoming connection. */
typedef void *(*asy_protocol_factory)(void *arg);

/* ---- the transport (asyncio's _SelectorSocketTransport) ---- */

/* transport.write(data): n bytes, copied. Never blocks. NULL, or
 * RuntimeError after write_eof, TypeError for NULL data. */
asy_exc *asy_transport_write(asy_transport *t, const void *data, size_t n);
/* transport.write_eof(): send FIN once the buffer is flushed (shutdown
 * SHUT_WR); the peer's read sees end of file. Reading goes on. */
asy_exc *asy_transport_write_eof(asy_transport *t);
/* transport.can_write_eof(): true for a socket or write-pipe transport. */
bool asy_transport_can_write_eof(const asy_transport *t);
/* transport.close(): stop reading now, flush the buffer, then
 * connection_lost(None). Twice is the same as once. */
void asy_transport_close(asy_transport *t);
/* transport.abort(): drop the buffer, close now: connection_lost(None). */
void asy_transport_abort(asy_transport *t);
/* transport.is_closing(): close or abort was called, or the connection is
 * lost. (NULL: true.) */
bool asy_transport_is_closing(const asy_transport *t);
/* transport.pause_reading() / resume_reading() / is_reading(). Pausing
 * removes the reader: the kernel's buffer fills, and TCP slows the peer. */
void asy_transport_pause_reading(asy_transport *t);
void asy_transport_resume_reading(asy_transport *t);
bool asy_transport_is_reading(const asy_transport *t);
/* transport.get_write_buffer_size(): bytes waiting to be sent. */
size_t asy_transport_get_write_buffer_size(const asy_transport *t);
/* transport.set_write_buffer_limits(high, low): -1 for Python's None
 * (high = 64 KiB, or 4 * low; low = high / 4). ValueError "high (1) must
 * be >= low (2) must be >= 0". May call pause_writing at once. */
asy_exc *asy_transport_set_write_buffer_limits(asy_transport *t, long high, long low);
/* transport.get_write_buffer_limits(): (low, high). */
void asy_transport_get_write_buffer_limits(const asy_transport *t, size_t *low, size_t *high);
/* transport.get_extra_info(name, default): "peername" and "sockname" as a
 * str "('127.0.0.1', 8888)", "socket" as the descriptor (an int), or
 * `dflt` (stolen) for anything else or when unknown. New reference. */
asy_value asy_transport_get_extra_info(const asy_transport *t, const char *name, asy_value dflt);
/* The same addresses, typed (borrowed; NULL when unknown). */
const asy_sockaddr *asy_transport_peername(const asy_transport *t);
const asy_sockaddr *asy_transport_sockname(const asy_transport *t);
/* transport.get_protocol(): the protocol's self (borrowed). */
void *asy_transport_get_protocol(const asy_transport *t);
/* The transport as a value (new reference), and back (borrowed, or NULL). */
asy_value asy_transport_value(asy_transport *t);
asy_transport *asy_value_transport(asy_value v);

/* ---- making connections ---- */

/* await loop.create_connection(protocol_factory, host, port): connect,
 * make the transport, wait until connection_made has run; the result is
 * the transport (a new reference, as an asy_value: asy_value_transport).
 * Python returns (transport, protocol); here the protocol is `self`,
 * which you made and the transport now owns (released even on failure).
 * Fails as sock_connect does (ConnectionRefusedError ...). */
asy_coro *asy_loop_create_connection(asy_loop *loop, const asy_protocol *protocol, void *self,
                                     const char *host, int port);

/* await loop.create_server(protocol_factory, host, port): a listening
 * socket on host:port (port 0: the kernel's choice), serving at once: each
 * accepted connection gets factory(factory_arg) as its protocol's self and
 * a transport (factory NULL: self is NULL, for a protocol that keeps no
 * state). The result is the Server (new reference, as an asy_value:
 * asy_value_server). Backlog 100, SO_REUSEADDR, as CPython. */
asy_coro *asy_loop_create_server(asy_loop *loop, const asy_protocol *protocol, asy_protocol_factory factory,
                                 void *factory_arg, const char *host, int port);

/* ---- asyncio.Server ---- */
/* server.close(): stop listening and close the listening sockets. The
 * connections already accepted go on. */
void asy_server_close(asy_server *s);
/* await server.wait_closed(): until closed AND every connection it
 * accepted is lost (Python 3.12's rule; 3.11 returned at once when
 * already closed). */
asy_coro *asy_server_wait_closed(asy_server *s);
/* await server.serve_forever(): serve until cancelled; then close, wait
 * until closed, and raise the CancelledError. RuntimeError when closed, or
 * already being awaited on serve_forever(). */
asy_coro *asy_server_serve_forever(asy_server *s);
/* await server.start_serving() (and a turn of the loop). */
asy_coro *asy_server_start_serving(asy_server *s);
/* server.is_serving(). */
bool asy_server_is_serving(const asy_server *s);
/* server.sockets: up to max listening descriptors into fds; returns how
 * many there are (0 once closed). */
size_t asy_server_sockets(const asy_server *s, int *fds, size_t max);
/* server.get_loop() (borrowed). */
asy_loop *asy_server_get_loop(const asy_server *s);
/* The server as a value (new reference), and back (borrowed, or NULL). */
asy_value asy_server_value(asy_server *s);
asy_server *asy_value_server(asy_value v);

/* CPython's defaults and limits. */
enum {
    ASY_TRANSPORT_HIGH_WATER = 64 * 1024,
    ASY_TRANSPORT_MAX_READ = 64 * 1024, /* the most one recv asks for (CPython: 256 KiB) */
    ASY_LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5, /* writes after the loss before the warning */
};

#endif /* ASY_TRANSPORT_H */
