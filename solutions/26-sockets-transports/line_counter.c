/*
 * line_counter.c - solution (chapter 26): a protocol that counts lines.
 *
 * The length of the line in progress (lc->current) lives in self, so a
 * line cut anywhere by TCP is measured whole; end of file completes a last
 * line that has no '\n'.
 */
#include "line_counter.h"

#include <stdio.h>
#include <stdlib.h>

/* One line is complete: count it, measure it, answer it. */
static asy_exc *end_line(asy_transport *t, line_counter *lc)
{
    lc->lines++;
    if (lc->current > lc->longest)
        lc->longest = lc->current;
    lc->current = 0;
    if (t == NULL)
        return NULL;
    char answer[32];
    int k = snprintf(answer, sizeof answer, "%zu\n", lc->lines);
    return asy_transport_write(t, answer, (size_t)k);
}

static asy_exc *lc_data(asy_transport *t, const char *data, size_t n, void *self)
{
    line_counter *lc = self;
    for (size_t i = 0; i < n; i++) {
        if (data[i] != '\n') {
            lc->current++;
            continue;
        }
        asy_exc *e = end_line(t, lc);
        if (e != NULL)
            return e;
    }
    return NULL;
}

static asy_exc *lc_eof(asy_transport *t, void *self, bool *keep_open)
{
    line_counter *lc = self;
    lc->eof = true;
    *keep_open = false; /* the transport closes once the answers are sent */
    return lc->current > 0 ? end_line(t, lc) : NULL;
}

static void lc_release(void *self) { free(self); }

const asy_protocol line_counter_protocol = {
    .data_received = lc_data,
    .eof_received = lc_eof,
    .release = lc_release,
};
