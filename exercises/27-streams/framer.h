/*
 * framer.h - exercise: records from a stream, without losing a byte
 * (chapter 27).
 */
#ifndef EX_FRAMER_H
#define EX_FRAMER_H

#include <stddef.h>

#include "streams.h"

/* Bytes read from the reader but not yet handed out as a record. */
typedef struct framer {
    asy_stream_reader *reader; /* borrowed: must outlive the framer */
    char *buf;                 /* owned (malloc), buf[0 .. len) */
    size_t len, cap;
} framer;

/* Start with nothing pending. */
void framer_init(framer *fr, asy_stream_reader *reader);
/* Free what the framer holds (not the reader). */
void framer_clear(framer *fr);

/* await framer_next(fr, sep, seplen): the next record, as a bytes value:
 * everything up to and including the next sep (seplen >= 1 bytes; sep may
 * be longer than one byte, as "\r\n"). It gets bytes from the reader only
 * with await asy_stream_reader_read(reader, 4096), which returns whatever
 * has arrived (up to 4096 bytes), or b'' at EOF. A record may come in
 * many reads, a read may hold many records, and a sep may be cut in two.
 * At EOF: b'' when nothing is pending, else IncompleteReadError with the
 * pending bytes as partial and expected None (-1). It is reader.readuntil()
 * written on top of read(). Returns a new coroutine. */
asy_coro *framer_next(framer *fr, const char *sep, size_t seplen);

#endif /* EX_FRAMER_H */
