/*
 * introspect.c - a task's stack (chapter 31): follow the await chain.
 */
#include "introspect.h"

#include "internal.h"

#include <string.h>

/* The generator a frame delegates to, if that is a generator or coroutine
 * (a future ends the chain). */
static const asy_gen *next_frame(const asy_gen *g)
{
    const asy_obj *d = g->delegate;
    return d != NULL && (asy__is_type(d, true) || asy__is_type(d, false)) ? (const asy_gen *)d : NULL;
}

size_t asy_coro_get_stack(const asy_gen *g, int limit, asy_frame_info *out, size_t max)
{
    if (g == NULL || g->state == ASY_GEN_CLOSED)
        return 0;
    size_t depth = 0;
    for (const asy_gen *f = g; f != NULL; f = next_frame(f))
        depth++;
    /* limit keeps the innermost frames: skip the outer ones */
    size_t skip = limit >= 0 && (size_t)limit < depth ? depth - (size_t)limit : 0;
    size_t n = 0, i = 0;
    for (const asy_gen *f = g; f != NULL; f = next_frame(f), i++) {
        if (i < skip)
            continue;
        if (n < max && out != NULL) {
            out[n].name = f->name;
            out[n].file = f->file != NULL ? f->file : "?";
            out[n].line = f->resume;
        }
        n++;
    }
    return n;
}

size_t asy_task_get_stack(const asy_task *t, int limit, asy_frame_info *out, size_t max)
{
    if (t == NULL || asy_future_done(&t->fut))
        return 0;
    return asy_coro_get_stack(t->coro, limit, out, max);
}

/* Python's linecache.getline(file, line).strip(), into buf; false if the
 * file cannot be read or is shorter. */
static bool source_line(const char *file, int line, char *buf, size_t size)
{
    if (file == NULL || line <= 0 || strcmp(file, "?") == 0)
        return false;
    FILE *f = fopen(file, "r");
    if (f == NULL)
        return false;
    int n = 1;
    bool found = false;
    while (fgets(buf, (int)size, f) != NULL) {
        bool whole = strchr(buf, '\n') != NULL;
        if (n == line) {
            found = true;
            break;
        }
        if (whole)
            n++;
    }
    fclose(f);
    if (!found)
        return false;
    size_t len = strlen(buf);
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' ' || buf[len - 1] == '\t'))
        buf[--len] = '\0';
    size_t lead = strspn(buf, " \t");
    memmove(buf, buf + lead, len - lead + 1);
    return true;
}

asy_exc *asy_task_print_stack(const asy_task *t, int limit, FILE *file)
{
    if (t == NULL)
        return asy__null_error("a task");
    if (file == NULL)
        file = stderr;
    const char *repr = ASY_REPR(asy_obj_value((asy_obj *)t));
    enum { MAX_SHOWN = 64 };
    asy_frame_info frames[MAX_SHOWN];
    size_t total = asy_task_get_stack(t, limit, NULL, 0);
    size_t n = asy_task_get_stack(t, total > MAX_SHOWN ? MAX_SHOWN : limit, frames, MAX_SHOWN);
    asy_exc *exc = asy_future_done(&t->fut) && !asy_future_cancelled(&t->fut) ? t->fut.exc : NULL;
    if (n == 0 && exc == NULL) {
        fprintf(file, "No stack for %s\n", repr);
        return NULL;
    }
    fprintf(file, "%s for %s (most recent call last):\n", exc != NULL ? "Traceback" : "Stack", repr);
    if (total > n) /* the innermost frames say the most: keep those */
        fprintf(file, "  [%zu outer frames not shown]\n", total - n);
    for (size_t i = 0; i < n; i++) {
        fprintf(file, "  File \"%s\", line %d, in %s\n", frames[i].file, frames[i].line, frames[i].name);
        char src[256];
        if (source_line(frames[i].file, frames[i].line, src, sizeof src))
            fprintf(file, "    %s\n", src);
    }
    if (exc != NULL)
        asy_exc_print(exc, file);
    return NULL;
}
