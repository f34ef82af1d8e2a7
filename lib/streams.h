/*
 * streams.h - asyncio's streams: StreamReader, StreamWriter,
 * open_connection and start_server.
 * Chapter: 27
 *
 * Mirrors CPython 3.12 asyncio/streams.py.
 *
 * Transports and protocols (chapter 26) hand your code whatever bytes the
 * socket had, in whatever pieces TCP chose. Most programs want the other
 * way round: "give me the next line", "give me exactly 4 bytes". A stream
 * (流) is that adapter:
 *
 *   - the READER is a buffer the transport fills (feed_data, feed_eof) and
 *     coroutines drain: read(n), readline(), readuntil(sep), readexactly(n).
 *     A read that finds too little in the buffer waits on one future (the
 *     reader's waiter) until feed_data or feed_eof wakes it, then looks
 *     again. Only one coroutine may wait at a time.
 *   - the WRITER wraps the transport: write() never blocks (the transport
 *     buffers), and `await drain()` is where a writer that runs ahead of
 *     the network waits: while the transport's buffer is above its
 *     high-water mark (the protocol got pause_writing), drain() waits for
 *     resume_writing.
 *   - the PROTOCOL between them (asyncio's StreamReaderProtocol) passes
 *     data_received to feed_data, eof_received to feed_eof, connection_lost
 *     to feed_eof or set_exception, and pause/resume_writing to drain.
 *
 *     reader, writer = await asyncio.open_connection('127.0.0.1', port)
 *     writer.write(b'hello\n')          asy_stream_writer_write(w, "hello\n", 6)
 *     await writer.drain()              ASY_AWAIT(co, asy_stream_writer_drain(w))
 *     line = await reader.readline()    ASY_AWAIT(co, asy_stream_reader_readline(r))
 *                                       line = ASY_SENT(co)  (bytes, bytes.h)
 *
 * READING RULES (each as CPython's):
 *   - read(n): up to n bytes, waiting only while the buffer is empty;
 *     b'' at EOF. read(-1): everything up to EOF. read(0): b''.
 *   - readuntil(sep): the bytes up to and including sep. At EOF without
 *     sep: IncompleteReadError(partial=everything buffered, expected=None),
 *     and the buffer is emptied. When the buffer holds more than `limit`
 *     bytes and no sep: LimitOverrunError "Separator is not found, and
 *     chunk exceed the limit", with .consumed = how far the search got;
 *     when sep is found but ends beyond the limit: "Separator is found, but
 *     chunk is longer than limit", .consumed = where sep starts. Either way
 *     the bytes STAY in the buffer: the caller decides (read them, or drop
 *     them with read(consumed)).
 *   - readline(): readuntil(b'\n'), except that at EOF it returns the
 *     partial line (b'' when nothing is left), and on LimitOverrunError it
 *     drops the data (through the newline, if one was found; else the whole
 *     buffer) and raises ValueError with the same message.
 *   - readexactly(n): exactly n bytes, or IncompleteReadError(partial, n)
 *     "P bytes read on a total of N expected bytes" at EOF (the buffer is
 *     emptied). n < 0: ValueError "readexactly size can not be less than
 *     zero".
 *   - an exception set with set_exception (connection_lost(exc) does it) is
 *     raised by every read from then on, and by the read waiting now.
 *   - a second coroutine calling a read while one is waiting: RuntimeError
 *     "readuntil() called while another coroutine is already waiting for
 *     incoming data" (with read/readexactly/readuntil: the waiting call's
 *     Python name; readline waits as readuntil, as in CPython).
 *
 * FLOW CONTROL ON READING: when the buffer grows beyond 2 * limit, the
 * reader pauses the transport's reading (the kernel's buffer fills and TCP
 * slows the sender); a read that brings it back to <= limit resumes it.
 *
 * ERRORS follow the library's convention: every read is a coroutine that
 * raises at the await; the functions that return one never return NULL
 * (a NULL reader gives a coroutine raising TypeError).
 *
 * ASYNC ITERATION. Python's `async for line in reader` calls readline()
 * until it returns b''. The reader's type has the __anext__ slot
 * (value.h, chapter 25), so asyncgen.h's macros do the same here:
 *
 *     async for line in reader:          ASY_ASYNC_FOR(co, f->reader) {
 *         print(line)                        printf("%s\n", ASY_REPR(ASY_SENT(co)));
 *                                        } ASY_ASYNC_FOR_END(co);
 *
 * (asy_anext(reader) is `await reader.__anext__()`: the next line, or
 * StopAsyncIteration at EOF.)
 *
 * OWNERSHIP. Readers and writers are counted objects (new references from
 * the constructors). Every coroutine here holds a reference to its reader
 * or writer until it finishes, and returns new references. Bytes given to
 * feed_data and write are copied. Errors are new references.
 */
#ifndef ASY_STREAMS_H
#define ASY_STREAMS_H

#include <stdbool.h>
#include <stddef.h>

#include "bytes.h"
#include "coro.h"
#include "exc.h"
#include "future.h"
#include "loop.h"
#include "transport.h"
#include "value.h"

/* asyncio.IncompleteReadError (an EOFError) and asyncio.LimitOverrunError
 * (an Exception). */
extern const asy_exc_type asy_IncompleteReadError;
extern const asy_exc_type asy_LimitOverrunError;

/* IncompleteReadError(partial, expected): message "P bytes read on a
 * total of N expected bytes" (N is "undefined" when expected < 0, Python's
 * None). Steals partial (a bytes value). New reference. */
asy_exc *asy_incomplete_read_error(asy_value partial, long long expected);
/* e.partial (borrowed; None when e is not an IncompleteReadError). */
asy_value asy_incomplete_read_partial(const asy_exc *e);
/* e.expected; -1 for None (and when e is not an IncompleteReadError). */
long long asy_incomplete_read_expected(const asy_exc *e);
/* LimitOverrunError(message, consumed). New reference. */
asy_exc *asy_limit_overrun_error(const char *message, long long consumed);
/* e.consumed; -1 when e is not a LimitOverrunError. */
long long asy_limit_overrun_consumed(const asy_exc *e);

/* asyncio.streams._DEFAULT_LIMIT: 64 KiB. */
enum { ASY_STREAM_DEFAULT_LIMIT = 64 * 1024 };

/* ---- StreamReader ---- */

typedef struct asy_stream_reader {
    asy_obj ob;
    size_t limit;
    char *buf;               /* the buffer: buf[start .. start + len) */
    size_t start, len, cap;
    bool eof;                /* feed_eof() was called */
    bool paused;             /* we paused the transport's reading */
    asy_future *waiter;      /* the one read waiting for data (owned), or NULL */
    asy_exc *exception;      /* set_exception()'s (owned), or NULL */
    asy_transport *transport; /* borrowed from the protocol that feeds us, or NULL */
} asy_stream_reader;

extern const asy_type asy_stream_reader_type;

/* StreamReader(limit): limit 0 means the default (64 KiB). New reference. */
asy_stream_reader *asy_stream_reader_new(size_t limit);
/* The reader a value holds (borrowed), or NULL. */
asy_stream_reader *asy_value_stream_reader(asy_value v);

/* reader.feed_data(data): append n bytes (copied) and wake the waiting
 * read. NULL, or RuntimeError "feed_data after feed_eof" (CPython's
 * assertion), or TypeError for NULL data with n > 0. n == 0 does nothing. */
asy_exc *asy_stream_reader_feed_data(asy_stream_reader *r, const void *data, size_t n);
/* reader.feed_eof(): no more data will come; wakes the waiting read.
 * A NULL reader is ignored. */
void asy_stream_reader_feed_eof(asy_stream_reader *r);
/* reader.at_eof(): feed_eof was called AND the buffer is empty (false for
 * NULL). */
bool asy_stream_reader_at_eof(const asy_stream_reader *r);
/* reader.set_exception(exc): exc (borrowed; a reference is taken) is
 * raised by every read from now on, and by the one waiting. A NULL
 * reader or exc is ignored. */
void asy_stream_reader_set_exception(asy_stream_reader *r, asy_exc *exc);
/* reader.exception(): the exception set, borrowed, or NULL. */
asy_exc *asy_stream_reader_exception(const asy_stream_reader *r);
/* reader.set_transport(t): the transport to pause and resume (borrowed:
 * the protocol that feeds the reader keeps it valid and clears it). */
void asy_stream_reader_set_transport(asy_stream_reader *r, asy_transport *t);
/* len(reader._buffer) and reader._limit, for tests and demos. */
size_t asy_stream_reader_buffered(const asy_stream_reader *r);
size_t asy_stream_reader_limit(const asy_stream_reader *r);

/* The reads. Each returns a new coroutine (never NULL) whose result is a
 * bytes value (new reference for whoever takes ASY_SENT). */
/* await reader.read(n); n < 0 reads to EOF. */
asy_coro *asy_stream_reader_read(asy_stream_reader *r, long n);
/* await reader.readline() */
asy_coro *asy_stream_reader_readline(asy_stream_reader *r);
/* await reader.readuntil(separator): sep is seplen bytes (copied);
 * seplen 0 is ValueError "Separator should be at least one-byte string". */
asy_coro *asy_stream_reader_readuntil(asy_stream_reader *r, const void *sep, size_t seplen);
/* await reader.readexactly(n) */
asy_coro *asy_stream_reader_readexactly(asy_stream_reader *r, long n);

/* ---- StreamWriter ---- */

typedef struct asy_stream_writer asy_stream_writer;
extern const asy_type asy_stream_writer_type;
/* The writer a value holds (borrowed), or NULL. */
asy_stream_writer *asy_value_stream_writer(asy_value v);

/* writer.write(data): n bytes, copied, to the transport (never blocks).
 * NULL, or the transport's error (RuntimeError after write_eof). */
asy_exc *asy_stream_writer_write(asy_stream_writer *w, const void *data, size_t n);
/* writer.writelines(items): every bytes value of items[0..n) in order
 * (borrowed). TypeError for an item that is not bytes (nothing written),
 * or for NULL items with n > 0. */
asy_exc *asy_stream_writer_writelines(asy_stream_writer *w, const asy_value *items, size_t n);
/* writer.write_eof(): the peer's reads see EOF once the buffer is sent. */
asy_exc *asy_stream_writer_write_eof(asy_stream_writer *w);
/* writer.can_write_eof() (false for NULL). */
bool asy_stream_writer_can_write_eof(const asy_stream_writer *w);
/* writer.close(): closes the transport (after sending what is buffered).
 * NULL is ignored. */
void asy_stream_writer_close(asy_stream_writer *w);
/* writer.is_closing() (true for NULL, as a transport's). */
bool asy_stream_writer_is_closing(const asy_stream_writer *w);
/* await writer.wait_closed(): until connection_lost has run; raises what
 * the connection was lost with (a reset: ConnectionResetError). */
asy_coro *asy_stream_writer_wait_closed(asy_stream_writer *w);
/* await writer.drain(): raises the reader's exception if it has one;
 * ConnectionResetError "Connection lost" once the connection is gone;
 * waits while the transport is paused for writing (its buffer is above
 * the high-water mark); otherwise returns at once. */
asy_coro *asy_stream_writer_drain(asy_stream_writer *w);
/* writer.get_extra_info(name, default): the transport's. Steals dflt;
 * new reference. */
asy_value asy_stream_writer_get_extra_info(const asy_stream_writer *w, const char *name, asy_value dflt);
/* writer.transport (borrowed). */
asy_transport *asy_stream_writer_transport(const asy_stream_writer *w);

/* ---- over any transport: StreamReaderProtocol(reader), StreamWriter(...) ----
 * open_connection and start_server build these for you. To put streams
 * over a transport you make yourself (chapter 28's pipes):
 *
 *     protocol = StreamReaderProtocol(reader)
 *         void *p = asy_stream_reader_protocol_new(loop, reader, &err);
 *     transport, _ = await loop.connect_read_pipe(lambda: protocol, pipe)
 *         ASY_AWAIT(co, asy_loop_connect_read_pipe(loop, &asy_stream_reader_protocol, p, fd));
 *     writer = StreamWriter(transport, protocol, reader, loop)
 *         w = asy_stream_writer_new(t, p, reader, &err);
 */

/* The protocol table of StreamReaderProtocol: give it to a transport with
 * a self made by asy_stream_reader_protocol_new. */
extern const asy_protocol asy_stream_reader_protocol;
/* StreamReaderProtocol(reader) on loop: feeds reader (borrowed, kept;
 * NULL for a protocol that only writes, as a child's stdin) and pauses
 * its transport's reading above 2 * limit; drain() waits on it. A new
 * `self`: the transport it is given to releases it; one never given is
 * released with asy_stream_reader_protocol.release(self). TypeError for a
 * NULL loop (then NULL). */
void *asy_stream_reader_protocol_new(asy_loop *loop, asy_stream_reader *reader, asy_exc **error);
/* StreamWriter(transport, protocol, reader, loop): a new writer over
 * transport (kept), whose protocol `protocol` must be: one made by
 * asy_stream_reader_protocol_new, and the transport's (else TypeError).
 * reader (kept) may be NULL; drain() raises its exception first. */
asy_stream_writer *asy_stream_writer_new(asy_transport *transport, void *protocol, asy_stream_reader *reader,
                                         asy_exc **error);

/* ---- connecting ---- */

/* await asyncio.open_connection(host, port, limit=limit): the result is
 * a pair, as in Python's `reader, writer = await ...`: take it apart with
 * asy_stream_pair. limit 0: the default. Fails as create_connection does
 * (ConnectionRefusedError ...). New coroutine, never NULL. */
asy_coro *asy_open_connection(const char *host, int port, size_t limit);
/* reader, writer = pair: new references to both (NULL and false when
 * `pair` is not what open_connection returned). */
bool asy_stream_pair(asy_value pair, asy_stream_reader **reader, asy_stream_writer **writer);

/* client_connected_cb(reader, writer): called for each connection
 * start_server accepts; reader and writer are borrowed (the coroutine takes
 * its own references). Return a coroutine (new reference): it is run as a
 * task. NULL means "nothing to run" (a plain callback in Python). */
typedef asy_coro *(*asy_client_connected_fn)(asy_stream_reader *reader, asy_stream_writer *writer,
                                             void *arg);

/* What start_server needs for every connection: Python's callback and
 * limit= keyword, plus a pointer for your callback. The server uses it for
 * as long as it accepts connections, so it must outlive the server: a
 * static const struct in most programs:
 *     static const asy_stream_handler echo = {handle_echo, NULL, 0};      */
typedef struct asy_stream_handler {
    asy_client_connected_fn cb;
    void *arg;
    size_t limit; /* each connection's StreamReader limit; 0: 64 KiB */
} asy_stream_handler;

/* await asyncio.start_server(client_connected_cb, host, port, limit=limit):
 * the Server of create_server (transport.h), a new reference as a value.
 * If the task of a connection fails, the loop's exception handler gets
 * "Unhandled exception in client_connected_cb" and the connection is
 * closed (as CPython 3.12). handler is borrowed (see above). New
 * coroutine, never NULL; a NULL handler or callback raises TypeError. */
asy_coro *asy_start_server(const asy_stream_handler *handler, const char *host, int port);

#endif /* ASY_STREAMS_H */
