/*
 * chunked.c - exercise (chapter 30): decode a chunked HTTP body that
 * arrives in pieces.
 *
 * lib/http.c reads a chunked body with readuntil(b'\r\n') and
 * readexactly(size): the StreamReader waits until each piece is whole. A
 * decoder fed straight from data_received (or any parser that must not
 * wait) gets the bytes as TCP cut them: "1", "a\r", "\nhello wor", ... and
 * must remember where it stopped.
 *
 * Goal (the contract is in chunked.h): a state machine that takes any
 * split of the body and gives the same data, stops at the end of the body
 * (the bytes after it are not its own), and refuses malformed bodies.
 *
 * What is here handles only the easy case, the whole body in one piece
 * with one chunk, and even then it is wrong.
 */
#include "chunked.h"

#include <stdlib.h>
#include <string.h>

void chunked_init(chunked *c)
{
    memset(c, 0, sizeof *c);
}

bool chunked_done(const chunked *c) { return c->done; }

long chunked_feed(chunked *c, const char *data, size_t n, char *out, size_t *outlen)
{
    /* TODO: a state machine over the bytes (size line, data, CRLF after
     * the data, trailer lines, done) that can stop at any byte. */
    char *end;
    long size = strtol(data, &end, 16);
    const char *body = strstr(data, "\r\n");
    (void)end;
    if (body == NULL || size < 0 || (size_t)size > n)
        return -1;
    memcpy(out + *outlen, body + 2, (size_t)size);
    *outlen += (size_t)size;
    c->done = true;
    return (long)n;
}
