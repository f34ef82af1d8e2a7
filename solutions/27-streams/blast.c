/*
 * blast.c - solution (chapter 27): a server that must drain. After each
 * write, drain(): it returns at once while the transport is below its
 * high-water mark, and waits (the task sleeps, the loop goes on) while it
 * is above, until the buffer is back at the low-water mark.
 */
#include "blast.h"


typedef struct {
    asy_coro co;
    asy_stream_reader *reader;
    asy_stream_writer *writer;
    size_t sent;
} blast_frame;

static asy_status blast_body(asy_coro *co)
{
    blast_frame *f = (blast_frame *)co;
    ASY_BEGIN(co);
    while (f->sent < BLAST_TOTAL) {
        char chunk[BLAST_WRITE];
        for (size_t i = 0; i < BLAST_WRITE; i++)
            chunk[i] = (char)((f->sent + i) % 251);
        ASY_RAISE_IF(co, asy_stream_writer_write(f->writer, chunk, BLAST_WRITE));
        f->sent += BLAST_WRITE;
        ASY_AWAIT(co, asy_stream_writer_drain(f->writer));
    }
    asy_stream_writer_close(f->writer);
    ASY_AWAIT(co, asy_stream_writer_wait_closed(f->writer));
    ASY_END(co);
}

static void blast_clear(asy_gen *g)
{
    blast_frame *f = (blast_frame *)g;
    asy_decref(f->reader);
    asy_decref(f->writer);
    f->reader = NULL;
    f->writer = NULL;
}

asy_coro *blast(asy_stream_reader *reader, asy_stream_writer *writer, void *arg)
{
    (void)arg;
    blast_frame *f = ASY_CORO_NEW(blast_frame, blast_body, "blast");
    asy_gen_set_clear(&f->co, blast_clear);
    f->reader = asy_incref(reader);
    f->writer = asy_incref(writer);
    return &f->co;
}
