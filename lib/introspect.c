/*
 * introspect.c - a task's stack (chapter 31): follow the await chain.
 */
#include "introspect.h"

#include "internal.h"
#include "ptrmap.h"

#include <stdlib.h>
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

/* ---- debug mode: where each task was created (internal.h) ----
 * A ptrmap from the task's address to a slot of two parallel arrays (the
 * key again, and the record). Removing swaps the last slot into the hole,
 * so the arrays stay dense and the map is told the moved key's new slot. */
struct asy__origins {
    asy_ptrmap map;
    const void **keys;
    char **records; /* malloc'd text */
    size_t len, cap;
};

void asy__origins_add(asy__origins **table, const void *task, const char *text)
{
    if (table == NULL || text == NULL)
        return;
    asy__origins *o = *table;
    if (o == NULL) {
        o = calloc(1, sizeof *o);
        if (o == NULL)
            return;
        asy_ptrmap_init(&o->map, 0);
        *table = o;
    }
    char *copy = strdup(text);
    if (copy == NULL)
        return;
    size_t i;
    if (asy_ptrmap_get(&o->map, task, &i)) { /* a stale entry: replace it */
        free(o->records[i]);
        o->records[i] = copy;
        return;
    }
    if (o->len == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 16;
        const void **keys = realloc(o->keys, cap * sizeof *keys);
        if (keys != NULL)
            o->keys = keys;
        char **records = keys != NULL ? realloc(o->records, cap * sizeof *records) : NULL;
        if (records == NULL) {
            free(copy);
            return;
        }
        o->records = records;
        o->cap = cap;
    }
    o->keys[o->len] = task;
    o->records[o->len] = copy;
    asy_ptrmap_add(&o->map, task, o->len++);
}

const char *asy__origins_find(const asy__origins *table, const void *task)
{
    size_t i;
    return table != NULL && asy_ptrmap_get(&table->map, task, &i) ? table->records[i] : NULL;
}

void asy__origins_remove(asy__origins *table, const void *task)
{
    size_t i;
    if (table == NULL || !asy_ptrmap_get(&table->map, task, &i))
        return;
    asy_ptrmap_remove(&table->map, task);
    free(table->records[i]);
    size_t last = --table->len;
    if (i != last) {
        table->keys[i] = table->keys[last];
        table->records[i] = table->records[last];
        asy_ptrmap_remove(&table->map, table->keys[i]);
        asy_ptrmap_add(&table->map, table->keys[i], i);
    }
}

size_t asy__origins_count(const asy__origins *table) { return table != NULL ? table->len : 0; }

void asy__origins_free(asy__origins **table)
{
    if (table == NULL || *table == NULL)
        return;
    asy__origins *o = *table;
    for (size_t i = 0; i < o->len; i++)
        free(o->records[i]);
    free(o->records);
    free(o->keys);
    asy_ptrmap_clear(&o->map);
    free(o);
    *table = NULL;
}

const char *asy_task_get_source_traceback(const asy_task *t)
{
    asy_loop *loop = t != NULL ? t->fut.loop : NULL;
    return loop != NULL ? asy__origins_find(*asy__loop_origins(loop), t) : NULL;
}
