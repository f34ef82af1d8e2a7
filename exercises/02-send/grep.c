/*
 * grep.c - exercise 02-send/grep (see grep.h for the rules).
 *
 * This one is about ownership. ASY_SENT(g) is borrowed, and only until the
 * next yield: the library drops its reference when the next step starts,
 * and the caller drops its own. A line you want to yield again later needs
 * a reference of your own in the frame.
 */
#include <string.h>

#include "grep.h"

typedef struct {
    asy_gen gen;      /* must come first */
    asy_value pattern; /* a str the frame owns */
    asy_value last;    /* None, or a str the frame owns */
    long long count;
} grep_frame;

static asy_status grep_body(asy_gen *g)
{
    grep_frame *f = (grep_frame *)g;
    ASY_BEGIN(g);
    (void)f; /* remove once you use f */
    /* TODO: the loop of grep.h's Python: yield the last match, then look
     * at what was sent (None ends it with the count; a non-str is a
     * TypeError, message in grep.h; a str containing the pattern is
     * counted and becomes the last match). Ownership: ASY_YIELD steals
     * what it is given, ASY_SENT(g) is borrowed, and the frame keeps its
     * own reference to the last match. */
    ASY_END(g);
}

/* TODO: a clear function that releases the frame's strings
 * (asy_value_clear on each), registered in grep() with asy_gen_set_clear. */

asy_gen *grep(const char *pattern)
{
    grep_frame *f = ASY_GEN_NEW(grep_frame, grep_body, "grep");
    (void)pattern;
    /* TODO: keep a copy of the pattern (asy_str copies), start last at
     * None, and register the clear function. */
    return &f->gen;
}
