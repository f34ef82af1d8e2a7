/*
 * blast.h - exercise: a server that must drain (chapter 27).
 */
#ifndef EX_BLAST_H
#define EX_BLAST_H

#include <stddef.h>

#include "streams.h"

enum {
    BLAST_TOTAL = 4 * 1024 * 1024, /* bytes sent to every client */
    BLAST_WRITE = 16 * 1024,       /* bytes per write */
};

/* start_server's client_connected_cb (streams.h): the coroutine sends
 * BLAST_TOTAL bytes to the client, in writes of BLAST_WRITE bytes, byte i
 * being (char)(i % 251); then it closes the writer and waits until it is
 * closed. The client may read slowly: the server's write buffer must stay
 * bounded (never more than the high-water mark plus one write), so it
 * waits in drain() whenever the transport says so. reader and writer are
 * borrowed; the coroutine keeps its own references. */
asy_coro *blast(asy_stream_reader *reader, asy_stream_writer *writer, void *arg);

#endif /* EX_BLAST_H */
