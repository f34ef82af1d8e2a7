/*
 * sendall.h - exercise: loop.sock_sendall written by you (chapter 26).
 */
#ifndef EX_SENDALL_H
#define EX_SENDALL_H

#include <stddef.h>

#include "coro.h"
#include "loop.h"

/* await my_sendall(loop, fd, data, n): send all n bytes of data on the
 * non-blocking socket fd, however many send() calls and waits it takes.
 * The result is None. loop may be NULL: the running loop. data is
 * borrowed and stays valid until the coroutine has finished. A failed
 * send() raises asy_exc_oserror(errno, NULL) at the await (a reset peer:
 * ConnectionResetError or BrokenPipeError). Cancelled while it waits, it
 * leaves no writer registered. New reference to the coroutine. */
asy_coro *my_sendall(asy_loop *loop, int fd, const void *data, size_t n);

#endif /* EX_SENDALL_H */
