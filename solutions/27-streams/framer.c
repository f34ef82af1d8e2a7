/*
 * framer.c - solution (chapter 27): records from a stream, without losing
 * a byte. What was read and not yet handed out stays in fr->buf; the
 * separator is looked for in all of it, and more is read only when it is
 * not there. The search after a read starts seplen - 1 bytes before the
 * end of what was already searched, so that a separator cut in two by the
 * network is found, and nothing is searched twice (readuntil's `offset`).
 */
#include "framer.h"

#include <stdlib.h>
#include <string.h>

void framer_init(framer *fr, asy_stream_reader *reader)
{
    fr->reader = reader;
    fr->buf = NULL;
    fr->len = fr->cap = 0;
}

void framer_clear(framer *fr)
{
    free(fr->buf);
    fr->buf = NULL;
    fr->len = fr->cap = 0;
}

typedef struct {
    asy_coro co;
    framer *fr;
    char sep[16];
    size_t seplen;
    size_t offset; /* fr->buf[0 .. offset) holds no start of sep */
} next_frame;

static long find(const framer *fr, const char *sep, size_t seplen, size_t from)
{
    for (size_t i = from; i + seplen <= fr->len; i++)
        if (memcmp(fr->buf + i, sep, seplen) == 0)
            return (long)i;
    return -1;
}

static void append(framer *fr, const char *data, size_t n)
{
    if (fr->len + n > fr->cap) {
        size_t cap = fr->cap ? fr->cap : 4096;
        while (cap < fr->len + n)
            cap *= 2;
        char *nb = realloc(fr->buf, cap);
        if (nb == NULL)
            abort();
        fr->buf = nb;
        fr->cap = cap;
    }
    memcpy(fr->buf + fr->len, data, n);
    fr->len += n;
}

static asy_status next_body(asy_coro *co)
{
    next_frame *f = (next_frame *)co;
    framer *fr = f->fr;
    ASY_BEGIN(co);
    for (;;) {
        {
            long at = find(fr, f->sep, f->seplen, f->offset);
            if (at >= 0) {
                size_t n = (size_t)at + f->seplen;
                asy_value record = asy_bytes(fr->buf, n);
                memmove(fr->buf, fr->buf + n, fr->len - n); /* keep the rest */
                fr->len -= n;
                ASY_RETURN(co, record);
            }
            if (fr->len >= f->seplen)
                f->offset = fr->len - f->seplen + 1;
        }
        ASY_AWAIT(co, asy_stream_reader_read(fr->reader, 4096));
        if (asy_bytes_len(ASY_SENT(co)) == 0) { /* EOF */
            if (fr->len == 0)
                ASY_RETURN(co, asy_bytes(NULL, 0));
            asy_value partial = asy_bytes(fr->buf, fr->len);
            fr->len = 0;
            ASY_RAISE(co, asy_incomplete_read_error(partial, -1));
        }
        append(fr, asy_bytes_data(ASY_SENT(co)), asy_bytes_len(ASY_SENT(co)));
    }
    ASY_END(co);
}

asy_coro *framer_next(framer *fr, const char *sep, size_t seplen)
{
    next_frame *f = ASY_CORO_NEW(next_frame, next_body, "framer_next");
    f->fr = fr;
    if (seplen > sizeof f->sep)
        seplen = sizeof f->sep;
    memcpy(f->sep, sep, seplen);
    f->seplen = seplen;
    return &f->co;
}
