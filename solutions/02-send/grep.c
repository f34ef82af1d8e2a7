/*
 * grep.c - solution of exercise 02-send/grep (see grep.h).
 */
#include <string.h>

#include "grep.h"

typedef struct {
    asy_gen gen;       /* must come first */
    asy_value pattern; /* a str the frame owns */
    asy_value last;    /* None, or a str the frame owns */
    long long count;
} grep_frame;

static asy_status grep_body(asy_gen *g)
{
    grep_frame *f = (grep_frame *)g;
    ASY_BEGIN(g);
    for (;;) {
        /* ASY_YIELD steals: hand out a new reference, keep ours. */
        ASY_YIELD(g, asy_value_incref(f->last));
        if (asy_is_none(ASY_SENT(g)))
            ASY_RETURN(g, asy_int(f->count));
        if (!asy_is_str(ASY_SENT(g)))
            ASY_RAISE(g, asy_exc_new(&asy_TypeError, "argument of type '%s' is not iterable",
                                     asy_value_type_name(ASY_SENT(g))));
        if (strstr(asy_str_cstr(ASY_SENT(g)), asy_str_cstr(f->pattern)) != NULL) {
            f->count += 1;
            /* ASY_SENT is borrowed until the next yield: take our own. */
            asy_value_clear(&f->last);
            f->last = asy_value_incref(ASY_SENT(g));
        }
    }
    ASY_END(g);
}

/* Runs once, when the generator finishes or is freed unfinished. */
static void grep_clear(asy_gen *g)
{
    grep_frame *f = (grep_frame *)g;
    asy_value_clear(&f->pattern);
    asy_value_clear(&f->last);
}

asy_gen *grep(const char *pattern)
{
    grep_frame *f = ASY_GEN_NEW(grep_frame, grep_body, "grep");
    f->pattern = asy_str(pattern); /* a copy: the caller's array may change */
    f->last = asy_none();
    asy_gen_set_clear(&f->gen, grep_clear);
    return &f->gen;
}
