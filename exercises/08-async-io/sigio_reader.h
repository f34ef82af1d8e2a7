/*
 * sigio_reader.h - a reader driven by SIGIO (chapter 08, exercise 1).
 *
 * The kernel sends SIGIO when the descriptor becomes readable.  The signal
 * handler may only do async-signal-safe work: here it sets a flag (and
 * counts).  The real work, reading, happens in the main flow, with
 * non-blocking read() calls until EAGAIN, because one signal may stand for
 * several arrivals of data, and a signal may also come with nothing to read.
 */
#ifndef SIGIO_READER_H
#define SIGIO_READER_H

#include <stddef.h>
#include <sys/types.h>

/* Make fd (the read end of a pipe, or a socket) signal-driven: install the
   SIGIO handler (remembering the old one), make this process the owner of
   fd (F_SETOWN), and switch on O_ASYNC and O_NONBLOCK.  Returns 0, or -1
   with errno set. */
int sigio_watch(int fd);

/* Sleep, without spinning, until a SIGIO has arrived since the previous
   call (return at once if one already has), then read what is available
   from fd into buf[0..cap) with non-blocking reads, until read() fails with
   EAGAIN, returns 0 (end of stream: set *eof = 1, else *eof = 0) or buf is
   full.  Returns the number of bytes read (0 is possible: a signal with
   nothing to read), or -1 on an error other than EAGAIN. */
ssize_t sigio_wait_drain(int fd, char *buf, size_t cap, int *eof);

/* How many times the handler has run since the program started. */
int sigio_count(void);

/* Switch O_ASYNC off on fd and restore the SIGIO handler sigio_watch()
   replaced. */
void sigio_unwatch(int fd);

#endif /* SIGIO_READER_H */
