/*
 * nb_io.h - chapter 06 exercise: send and receive on non-blocking sockets,
 * correctly.
 *
 * On a non-blocking socket send() and recv() give four kinds of answer:
 * all of it, part of it, "nothing now" (-1 with errno EAGAIN/EWOULDBLOCK),
 * and, for recv(), end of file (0). The two helpers below turn them into
 * one answer each: "this many bytes moved", plus an end-of-file flag, or
 * -1 for a real error. EAGAIN is not an error: it is a count of zero.
 */
#ifndef NB_IO_H
#define NB_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Send from buf on the non-blocking socket fd until all len bytes are out
 * or the kernel has no room left (EAGAIN / EWOULDBLOCK). Retries EINTR.
 * Never blocks and never raises SIGPIPE (send with MSG_NOSIGNAL).
 *
 * Returns the number of bytes sent, 0..len: 0 when there was no room at
 * all, which is not an error. Returns -1 with errno set on a real error,
 * e.g. EPIPE when the peer has closed.
 */
ssize_t send_some(int fd, const void *buf, size_t len);

/*
 * Receive into buf on the non-blocking socket fd until len bytes have
 * arrived, the peer has closed, or nothing more is there right now (EAGAIN
 * / EWOULDBLOCK). Retries EINTR. Never blocks.
 *
 * Sets *eof to true if it saw end of file (recv() returned 0) in this
 * call, false otherwise; bytes that came before the end of file are still
 * returned (so "10 bytes and then EOF" is 10 with *eof true, in ONE call).
 * Returns the number of bytes received, 0..len; -1 with errno set on a
 * real error.
 */
ssize_t recv_some(int fd, void *buf, size_t len, bool *eof);

#endif /* NB_IO_H */
