/*
 * framer.c - exercise (chapter 27): records from a stream, without losing
 * a byte.
 *
 * read(n) returns whatever TCP has delivered: part of a record, or the end
 * of one and the start of the next. A framer that looks for the separator
 * only in the bytes of one read, and forgets the rest of that read once it
 * has found a record, loses data and misses separators cut in two.
 *
 * Goal (the contract is in framer.h): keep what was read but not yet
 * handed out in fr->buf, look for sep in ALL of it, and read more only
 * when it is not there. This is what StreamReader.readuntil does with its
 * own buffer (lib/streams.c).
 *
 * What is here reads once per record and throws away whatever follows the
 * separator in that read.
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
} next_frame;

static asy_status next_body(asy_coro *co)
{
    next_frame *f = (next_frame *)co;
    ASY_BEGIN(co);
    ASY_AWAIT(co, asy_stream_reader_read(f->fr->reader, 4096));
    {
        asy_value chunk = ASY_SENT(co);
        const char *data = asy_bytes_data(chunk);
        size_t n = asy_bytes_len(chunk);
        if (n == 0)
            ASY_RETURN(co, asy_bytes(NULL, 0));
        for (size_t i = 0; i + f->seplen <= n; i++)
            if (memcmp(data + i, f->sep, f->seplen) == 0)
                ASY_RETURN(co, asy_bytes(data, i + f->seplen)); /* TODO: and the rest? */
        ASY_RETURN(co, asy_value_incref(chunk)); /* TODO: no separator yet */
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
