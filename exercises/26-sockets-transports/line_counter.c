/*
 * line_counter.c - exercise (chapter 26): a protocol that counts lines.
 *
 * TCP is a stream, not a sequence of messages: one send() of the peer may
 * arrive as several data_received calls, and several sends as one. A
 * protocol that thinks in lines has to remember, between calls, how far
 * into the current line it is. That memory is the protocol's self.
 *
 * Goal (the contract is in line_counter.h): count every line and find the
 * longest, whatever the split; answer each line with its number; at end of
 * file, count a last line that has no '\n'.
 *
 * What is here counts the '\n' of each piece on its own: it measures a
 * line cut in two as two short lines, and forgets a last line without
 * '\n'. It does not answer either.
 */
#include "line_counter.h"

#include <stdio.h>
#include <stdlib.h>

static asy_exc *lc_data(asy_transport *t, const char *data, size_t n, void *self)
{
    (void)t;
    line_counter *lc = self;
    size_t len = 0; /* TODO: a line goes on from one call to the next */
    for (size_t i = 0; i < n; i++) {
        if (data[i] == '\n') {
            lc->lines++;
            if (len > lc->longest)
                lc->longest = len;
            len = 0;
        } else {
            len++;
        }
    }
    return NULL;
}

static asy_exc *lc_eof(asy_transport *t, void *self, bool *keep_open)
{
    (void)t, (void)keep_open;
    line_counter *lc = self;
    lc->eof = true; /* TODO: the last line */
    return NULL;
}

static void lc_release(void *self) { free(self); }

const asy_protocol line_counter_protocol = {
    .data_received = lc_data,
    .eof_received = lc_eof,
    .release = lc_release,
};
