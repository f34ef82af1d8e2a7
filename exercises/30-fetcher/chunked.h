/*
 * chunked.h - exercise: decode a chunked HTTP body that arrives in pieces
 * (chapter 30).
 */
#ifndef EX_CHUNKED_H
#define EX_CHUNKED_H

#include <stdbool.h>
#include <stddef.h>

/* Where the decoder is in the body. The layout (RFC 9112 section 7.1):
 *
 *     SIZE-IN-HEX [;extension]\r\n     a size line
 *     SIZE bytes of data\r\n            the chunk, then CRLF
 *     ... again ...
 *     0\r\n                             the last chunk: size 0
 *     Name: value\r\n                   trailer lines (zero or more)
 *     \r\n                              the end of the body
 */
typedef struct chunked {
    int state;         /* yours to define: 0 after chunked_init */
    size_t remaining;  /* bytes left in the current chunk */
    char line[64];     /* a size or trailer line being collected */
    size_t linelen;
    bool done;         /* the final empty line has been read */
} chunked;

/* Ready for a new body. */
void chunked_init(chunked *c);

/* Decode the next n bytes of the body, which may be cut ANYWHERE (inside
 * the hex size, between \r and \n, inside the data): the data bytes they
 * hold are appended at out + *outlen (out has room for n more bytes) and
 * *outlen grows by their number. Returns how many of the n bytes belong to
 * the body: n, or fewer when the body ends inside them (the rest is the
 * next response's). Once the body has ended, returns 0. Returns -1 on a
 * malformed body: a size line that is not hex digits (optionally followed
 * by ";..."), a line longer than 63 bytes, data not followed by \r\n. */
long chunked_feed(chunked *c, const char *data, size_t n, char *out, size_t *outlen);

/* Has the whole body been read? */
bool chunked_done(const chunked *c);

#endif /* EX_CHUNKED_H */
