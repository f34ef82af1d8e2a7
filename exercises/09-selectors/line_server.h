/*
 * line_server.h - exercise 09/line_server: a line-oriented server made of
 * callbacks on a selector.
 *
 * The notes' echo server answers whatever one recv() returned. A protocol
 * with messages needs more: TCP delivers a byte stream, so "hello\n" may
 * arrive as "hel" and "lo\n", and two lines may arrive in one recv(). This
 * server keeps, per connection, the bytes of the line not finished yet, and
 * answers every complete line with its upper-case version:
 *
 *     client sends  "hel"         server sends  nothing yet
 *                   "lo\nwor"                   "HELLO\n"
 *                   "ld\n"                      "WORLD\n"
 *
 * Nothing here runs a loop: the server only registers callbacks. Whoever
 * owns the selector runs the loop (the test has the notes' loop(), one turn
 * at a time), and the data of every key this server registers must point at
 * an ls_handler, which the loop calls as h->fn(key->fd, mask, h->arg).
 */
#ifndef EX09_LINE_SERVER_H
#define EX09_LINE_SERVER_H

#include "exc.h"
#include "selector.h"

/* callback(key.fileobj, mask), plus the handler's own argument. */
typedef void ls_io_callback(int fd, int mask, void *arg);

/* What the data of every key the server registers points at (the server
 * owns it; keep it alive while the fd is registered). */
typedef struct ls_handler {
    ls_io_callback *fn;
    void *arg;
} ls_handler;

typedef struct line_server line_server;

/*
 * Start serving: register `listen_fd` (a listening, non-blocking socket;
 * it stays yours, the server never closes it) for READ on `sel` with an
 * accept callback. The accept callback accepts a connection, makes it
 * non-blocking and registers it for READ with a read callback. The read
 * callback recv()s what is there, appends it to the connection's pending
 * bytes, and sends, for each complete line (ending in '\n'), the line in
 * upper case ('\n' included; only a-z change). On end of file or an error
 * it unregisters the connection, closes it and frees it; an unfinished line
 * is dropped. Lines may be of any length.
 *
 * On success *out receives the server (yours to line_server_free) and NULL
 * is returned; on failure *out is NULL and the error is returned (a new
 * reference).
 */
asy_exc *line_server_start(asy_selector *sel, int listen_fd, line_server **out);

/* How many connections are open (accepted and not yet closed). */
int line_server_connections(const line_server *srv);

/* Stop: unregister the listener (not closed), unregister and close every
 * connection still open, free everything. NULL is allowed. */
void line_server_free(line_server *srv);

#endif /* EX09_LINE_SERVER_H */
