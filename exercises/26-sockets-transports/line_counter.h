/*
 * line_counter.h - exercise: a protocol that counts lines (chapter 26).
 */
#ifndef EX_LINE_COUNTER_H
#define EX_LINE_COUNTER_H

#include <stdbool.h>
#include <stddef.h>

#include "transport.h"

/* One connection's state: the protocol's self. */
typedef struct line_counter {
    size_t lines;    /* lines seen so far */
    size_t longest;  /* the length of the longest line, its '\n' not counted */
    size_t current;  /* the length of the line in progress (no '\n' yet) */
    bool eof;        /* eof_received was called */
} line_counter;

/* The protocol, for create_server / create_connection, or called directly.
 *   data_received: every '\n' ends a line (an empty line counts too).
 *     Lines may arrive in any pieces: "ab\ncd" then "ef\n" is two lines,
 *     the longest 4 long. For every line it completes, it writes the
 *     line's number and a newline back ("1\n", "2\n", ...) when t is not
 *     NULL (the tests also call it directly, with t NULL).
 *   eof_received: a last line without '\n' counts, if it is not empty
 *     (and is answered like the others); then the transport closes
 *     (keep_open stays false).
 * connection_made and connection_lost do nothing; release frees self
 * (made with calloc). */
extern const asy_protocol line_counter_protocol;

#endif /* EX_LINE_COUNTER_H */
