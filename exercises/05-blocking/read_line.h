/*
 * read_line.h - chapter 05 exercise: read one line from a blocking socket,
 * giving up after a deadline.
 *
 * A blocking recv() waits as long as it takes. A client talking to a
 * server that may never answer needs a limit, and the natural one is a
 * deadline for the whole line ("answer within 2 s"), not for each byte:
 * a peer that trickles one byte every 100 ms never trips a per-recv limit
 * of 1 s, yet the line never comes.
 */
#ifndef READ_LINE_H
#define READ_LINE_H

#include <stddef.h>

/* What read_line returns when it does not return a line. */
enum {
    LINE_EOF = -1,      /* the peer closed before a '\n' arrived */
    LINE_TIMEOUT = -2,  /* no whole line within timeout_ms */
    LINE_TOO_LONG = -3, /* cap - 1 bytes arrived and still no '\n' */
    LINE_ERROR = -4,    /* recv() failed (errno says why) */
};

/*
 * Read one '\n'-terminated line from the connected, blocking socket fd into
 * buf (cap bytes, cap >= 2). On success returns the line's length without
 * the '\n', and buf holds the line NUL-terminated (no '\n').
 *
 * Waits at most timeout_ms milliseconds in total, measured from the call.
 * Reads nothing past the '\n': what follows stays in the socket for the
 * next call (the simplest way: recv() one byte at a time).
 * On LINE_EOF / LINE_TIMEOUT / LINE_TOO_LONG, buf holds what was read so
 * far, NUL-terminated. The socket's own receive timeout (SO_RCVTIMEO) may
 * be left changed.
 */
int read_line(int fd, char *buf, size_t cap, int timeout_ms);

#endif /* READ_LINE_H */
