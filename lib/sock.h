/*
 * sock.h - the loop's socket coroutines: sock_accept, sock_recv,
 * sock_recv_into, sock_sendall, sock_connect.
 * Chapter: 26
 *
 * Chapter 09 served sockets with callbacks: "when this socket is readable,
 * call read()". A coroutine wants to write the same thing as a sequence:
 * accept, then recv, then send, as if each call blocked, without blocking
 * the loop. asyncio's answer, and this module's, is one future per
 * operation, completed from a loop callback (BaseSelectorEventLoop in
 * CPython's asyncio/selector_events.py):
 *
 *   1. try the system call at once: data may already be there, and then
 *      nothing is registered and nothing waits (no future at all);
 *   2. on EAGAIN, make a future and add_reader (or add_writer) a callback
 *      that tries again each time the socket is ready, and completes the
 *      future with the result or the error;
 *   3. await the future; whatever way it ends (result, error, the task
 *      cancelled), remove the reader before going on, so nothing stays
 *      registered for an operation nobody waits for any more.
 *
 * Each function returns a coroutine (new reference): nothing happens until
 * it is awaited, as with Python's `async def sock_recv`. They never return
 * NULL: a bad argument gives a coroutine that raises it when awaited. A
 * failed system call raises Python's OSError subclass for its errno
 * (exc.h asy_exc_oserror): ConnectionResetError "[Errno 104] Connection
 * reset by peer", BrokenPipeError, ConnectionRefusedError "[Errno 111]
 * Connect call failed ('127.0.0.1', 1)" (the text asyncio's sock_connect
 * gives when the connection fails after EINPROGRESS).
 *
 * Sockets are plain descriptors here (Python passes socket objects). The
 * socket must be non-blocking: ValueError "the socket must be non-blocking"
 * otherwise. (CPython checks only in debug mode, to save a system call;
 * this course always checks, because a blocking socket would freeze the
 * loop without a word.) `loop` may be NULL: the running loop, looked up
 * when the coroutine starts (RuntimeError "no running event loop").
 *
 * NAMES. getaddrinfo() can block for seconds on a DNS lookup, so CPython
 * runs it in the loop's default executor (a thread pool) and awaits the
 * answer. This course has no threads before chapter 29, and it keeps its
 * socket layer free of them to the end: it takes numeric addresses only
 * ("127.0.0.1", "::1"), resolved with AI_NUMERICHOST, which never blocks.
 * A name such as "localhost" is refused with socket.gaierror
 * "[Errno -2] Name or service not known: 'localhost' (numeric addresses
 * only)". Chapter 29's asy_to_thread is how a program would resolve a name
 * without blocking the loop: run getaddrinfo in a worker, await the answer.
 *
 * OWNERSHIP. Buffers passed in (sock_recv_into's buf, sock_sendall's data,
 * sock_accept's addr) are borrowed and must stay valid until the coroutine
 * has finished: keep them in your frame. The descriptor is borrowed; the
 * one sock_accept returns is yours to close.
 */
#ifndef ASY_SOCK_H
#define ASY_SOCK_H

#include <stddef.h>
#include <sys/socket.h>

#include "bytes.h"
#include "coro.h"
#include "exc.h"
#include "loop.h"

/* A socket address, IPv4 or IPv6 (Python's ('127.0.0.1', 8888) tuple). */
typedef struct asy_sockaddr {
    struct sockaddr_storage ss;
    socklen_t len;
} asy_sockaddr;

/* Resolve a numeric host and a port into *out (see NAMES above). NULL or
 * the error: gaierror for a name, ValueError for a port outside 0-65535. */
asy_exc *asy_sockaddr_resolve(const char *host, int port, asy_sockaddr *out);
/* str(address) as Python prints it: "('127.0.0.1', 8888)", and for IPv6
 * "('::1', 8888, 0, 0)". Returns buf. */
char *asy_sockaddr_format(const asy_sockaddr *a, char *buf, size_t size);
#define ASY_SOCKADDR_STR(a) asy_sockaddr_format((a), (char[80]){0}, 80)
/* The port of an address (0 for an empty one). */
int asy_sockaddr_port(const asy_sockaddr *a);
/* sock.getsockname() / sock.getpeername(): NULL or the OSError. */
asy_exc *asy_sock_getsockname(int fd, asy_sockaddr *out);
asy_exc *asy_sock_getpeername(int fd, asy_sockaddr *out);

/* socket.socket(family, SOCK_STREAM) + setblocking(False) in one call,
 * close-on-exec: the descriptor, or -1 with *error set. */
int asy_socket_tcp(int family, asy_exc **error);
/* A listening socket, as create_server makes one: a non-blocking TCP
 * socket with SO_REUSEADDR, bound to host:port (port 0: the kernel picks
 * a free port; read it back with asy_sock_getsockname), listening with
 * `backlog`. The descriptor, or -1 with *error set. */
int asy_socket_listen(const char *host, int port, int backlog, asy_exc **error);

/* await loop.sock_accept(sock): the new connection's descriptor (an int
 * result; non-blocking, close-on-exec), its peer address in *addr when
 * addr is not NULL. If the await is cancelled after a connection was
 * accepted, that connection is closed, not leaked. */
asy_coro *asy_loop_sock_accept(asy_loop *loop, int fd, asy_sockaddr *addr);
/* await loop.sock_recv(sock, n): up to n bytes (a bytes value); b'' means
 * the peer closed its end (EOF). */
asy_coro *asy_loop_sock_recv(asy_loop *loop, int fd, size_t n);
/* await loop.sock_recv_into(sock, buf): up to n bytes into buf; the result
 * is the count (an int), 0 at EOF. */
asy_coro *asy_loop_sock_recv_into(asy_loop *loop, int fd, void *buf, size_t n);
/* await loop.sock_sendall(sock, data): send all n bytes, waiting for room
 * as often as needed; the result is None. On an error, as in Python, there
 * is no way to know how much was sent. MSG_NOSIGNAL: a peer that went away
 * gives BrokenPipeError, never SIGPIPE. */
asy_coro *asy_loop_sock_sendall(asy_loop *loop, int fd, const void *data, size_t n);
/* await loop.sock_connect(sock, (host, port)): None once connected. host
 * is numeric (see NAMES) and copied. */
asy_coro *asy_loop_sock_connect(asy_loop *loop, int fd, const char *host, int port);

#endif /* ASY_SOCK_H */
