/*
 * nb_connect.h - chapter 06 exercise: connect() without blocking.
 *
 * A blocking connect() waits for the TCP handshake: microseconds on
 * loopback, seconds to a slow host, minutes to one that drops packets.
 * On a non-blocking socket connect() returns at once with EINPROGRESS and
 * the handshake goes on in the kernel. How do you learn how it ended?
 * In this chapter's spirit: ask again. Calling connect() a second time on
 * the same socket answers
 *     -1, EALREADY (or EINPROGRESS)  still in progress;
 *      0 or -1, EISCONN               connected;
 *     -1, any other errno             failed (ECONNREFUSED, ETIMEDOUT, ...),
 *                                     and that error is the answer.
 * (Chapter 07 replaces the asking with waiting for "writable" in poll().)
 */
#ifndef NB_CONNECT_H
#define NB_CONNECT_H

#include <netinet/in.h>

/*
 * Open a TCP socket, make it non-blocking, and connect it to addr, taking
 * at most timeout_ms milliseconds. While the handshake is in progress,
 * ask again about every millisecond (nanosleep between the questions, so
 * the asking does not burn a whole core).
 *
 * Returns the connected socket, still non-blocking: the caller owns it.
 * On failure returns -1 with errno set (ETIMEDOUT when the time ran out,
 * else the error connect() reported, e.g. ECONNREFUSED) and leaves no
 * descriptor open.
 */
int connect_nb(const struct sockaddr_in *addr, int timeout_ms);

#endif /* NB_CONNECT_H */
