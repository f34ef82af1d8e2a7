/*
 * unix_pipes.h - pipe transports: loop.connect_read_pipe and
 * loop.connect_write_pipe.
 * Chapter: 28
 *
 * Chapter 26's transport owns a socket; a child process talks through
 * pipes (管道), and a pipe is a descriptor the loop can watch just the
 * same. asyncio gives it the same two-object design: a transport the loop
 * drives, a protocol (chapter 26's asy_protocol) it calls.
 *
 *     transport, protocol = await loop.connect_read_pipe(factory, pipe)
 *         ASY_AWAIT(co, asy_loop_connect_read_pipe(loop, &proto, self, fd));
 *         t = asy_value_transport(ASY_SENT(co));   // borrowed from the frame
 *
 * A READ PIPE transport (_UnixReadPipeTransport) reads whenever the pipe
 * is readable and calls data_received; pause_reading / resume_reading
 * stop and restart that (the pipe's kernel buffer fills, and the writer
 * blocks or gets EAGAIN: the back-pressure of a socket). At EOF (every
 * writer closed its end) it calls eof_received, then connection_lost(None):
 * a pipe cannot be half open, so keep_open is ignored. It cannot write:
 * write and write_eof answer NotImplementedError.
 *
 * A WRITE PIPE transport (_UnixWritePipeTransport) has chapter 26's write
 * buffer and water marks (64 KiB / 16 KiB, pause_writing / resume_writing,
 * get_write_buffer_size, set_write_buffer_limits): the same code, in
 * transport.c. write_eof() is close(): the reader's EOF is the closed
 * descriptor, after the buffer is flushed; can_write_eof() is true. When
 * the reader has gone, the write fails with EPIPE and the transport is
 * lost with connection_lost(BrokenPipeError). SIGPIPE, which would kill
 * the process instead, is ignored (as Python does at startup) the first
 * time a write pipe is made, if it is still at its default. A write after
 * close() is dropped (and counted, as after the connection is lost).
 *
 * Everything else is chapter 26's transport: asy_transport_close, _abort,
 * _is_closing, _get_protocol, get_extra_info(t, "pipe") (the descriptor).
 * chapter 27's StreamReader and StreamWriter work over a pipe transport
 * as over a socket's (streams.h: asy_stream_reader_protocol_new,
 * asy_stream_writer_new), which is how chapter 28 gives a child's pipes
 * to you as streams.
 *
 * OWNERSHIP. Both functions return a new coroutine (never NULL) whose
 * result is the transport (a new reference, as an asy_value). They steal
 * fd and self from the call on, also when they fail: the transport closes
 * fd and calls protocol->release(self) (on failure the coroutine does).
 * Raises, when awaited: TypeError for a NULL protocol, ValueError "Pipe
 * transport is for pipes/sockets only." (read) or "Pipe transport is only
 * for pipes, sockets and character devices" (write) for another kind of
 * descriptor, OSError for a bad one, RuntimeError without a loop.
 */
#ifndef ASY_UNIX_PIPES_H
#define ASY_UNIX_PIPES_H

#include "coro.h"
#include "loop.h"
#include "transport.h"

/* await loop.connect_read_pipe(protocol_factory, pipe): fd made
 * non-blocking; the result once connection_made has run. loop NULL: the
 * running loop. */
asy_coro *asy_loop_connect_read_pipe(asy_loop *loop, const asy_protocol *protocol, void *self, int fd);
/* await loop.connect_write_pipe(protocol_factory, pipe): the same for the
 * write end. */
asy_coro *asy_loop_connect_write_pipe(asy_loop *loop, const asy_protocol *protocol, void *self, int fd);

#endif /* ASY_UNIX_PIPES_H */
