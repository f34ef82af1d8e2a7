/*
 * chunked.c - solution (chapter 30): an incremental chunked decoder.
 *
 * One byte at a time through a small state machine, so that where the
 * input is cut never matters: every state can stop at any byte and go on
 * with the next call. (lib/http.c does not need this: it reads from a
 * StreamReader, whose readuntil and readexactly wait for the pieces. A
 * decoder fed by a protocol's data_received, or by a parser that never
 * waits, needs exactly this.)
 */
#include "chunked.h"

#include <ctype.h>
#include <string.h>

enum { SIZE_LINE, DATA, DATA_CR, DATA_LF, TRAILER, DONE };

void chunked_init(chunked *c)
{
    memset(c, 0, sizeof *c);
    c->state = SIZE_LINE;
}

bool chunked_done(const chunked *c) { return c->done; }

/* A complete size line (without CRLF) -> the chunk's size, or -1. */
static long parse_size(const char *line, size_t len)
{
    size_t i = 0;
    long v = 0;
    while (i < len && isxdigit((unsigned char)line[i])) {
        int d = isdigit((unsigned char)line[i]) ? line[i] - '0' : (tolower((unsigned char)line[i]) - 'a' + 10);
        if (v > (1L << 40))
            return -1;
        v = v * 16 + d;
        i++;
    }
    if (i == 0 || (i < len && line[i] != ';' && line[i] != ' '))
        return -1;
    return v;
}

/* Collect bytes up to \n into c->line; true when a line is complete (its
 * CRLF dropped). -1 for a line too long or a lone \n. */
static int collect(chunked *c, char ch)
{
    if (ch == '\n') {
        if (c->linelen == 0 || c->line[c->linelen - 1] != '\r')
            return -1;
        c->linelen--;
        return 1;
    }
    if (c->linelen + 1 >= sizeof c->line)
        return -1;
    c->line[c->linelen++] = ch;
    return 0;
}

long chunked_feed(chunked *c, const char *data, size_t n, char *out, size_t *outlen)
{
    size_t i = 0;
    while (i < n && c->state != DONE) {
        switch (c->state) {
        case SIZE_LINE: {
            int r = collect(c, data[i++]);
            if (r < 0)
                return -1;
            if (r == 1) {
                long size = parse_size(c->line, c->linelen);
                if (size < 0)
                    return -1;
                c->linelen = 0;
                c->remaining = (size_t)size;
                c->state = size == 0 ? TRAILER : DATA;
            }
            break;
        }
        case DATA: {
            size_t k = n - i < c->remaining ? n - i : c->remaining;
            memcpy(out + *outlen, data + i, k);
            *outlen += k;
            i += k;
            c->remaining -= k;
            if (c->remaining == 0)
                c->state = DATA_CR;
            break;
        }
        case DATA_CR:
            if (data[i++] != '\r')
                return -1;
            c->state = DATA_LF;
            break;
        case DATA_LF:
            if (data[i++] != '\n')
                return -1;
            c->state = SIZE_LINE;
            break;
        case TRAILER: {
            int r = collect(c, data[i++]);
            if (r < 0)
                return -1;
            if (r == 1) {
                if (c->linelen == 0) {
                    c->state = DONE;
                    c->done = true;
                }
                c->linelen = 0;
            }
            break;
        }
        }
    }
    return (long)i;
}
