/*
 * tracepic.c - draw a trace of the event loop (chapter 31).
 *
 *     tracepic TRACE OUT.svg OUT.json [TITLE]
 *
 * TRACE is what a loop wrote with ASY_TRACE=TRACE in its environment (the
 * format is in lib/loop.h, "tracing a run"): one tab-separated line per
 * event, TIME KIND TASK VALUE NAME DETAIL, and a line "loop" where a new
 * loop begins. The tool writes two views of the same run:
 *
 *   OUT.svg   a timeline: one row per task, in the order they were created,
 *             plus a row for the loop itself. A task's row shows when it
 *             ran (dark bars: from "step" to "step_end"; a step that took
 *             no loop time, as on the virtual clock, is drawn a few pixels
 *             wide), what it waited on (light bars labelled with the wait
 *             label, from "wait" to its next step) and where it ended. The
 *             loop's row shows its waits in the selector (or the virtual
 *             clock's jumps), the timers that fired and the callbacks of
 *             handles. SVG written directly: no graphviz, no library.
 *   OUT.json  the Chrome trace-event format ({"traceEvents": [...]}, times
 *             in microseconds): open it in https://ui.perfetto.dev or
 *             chrome://tracing. One "thread" per task, the loop as thread 0.
 *
 * Several loops in one trace (a program that calls asy_run twice) are laid
 * end to end: each new loop starts where the previous one's last event was.
 * Exit status 0, or 1 with a message on stderr (unreadable input, a line
 * that does not parse, no events at all).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_TASKS = 512, MAX_SEGS = 65536, MAX_MARKS = 65536 };

typedef enum { SEG_RUN, SEG_WAIT, SEG_IDLE, SEG_CALLBACK } seg_kind;

typedef struct {
    seg_kind kind;
    int row;          /* 0 is the loop, 1.. the tasks */
    double t0, t1;
    char label[64];
} segment;

typedef struct {
    int row;
    double t;
    char label[64];   /* "timer", "done", "cancelled", "raised ..." */
    int is_end;       /* a task's end (drawn as a bar end) or a timer (a tick) */
} mark;

typedef struct {
    char id[32];      /* the address in the trace */
    int loop;         /* which loop of the trace: ids are per loop */
    char name[64], coro[64];
    double created, done;
    int running;      /* inside a step */
    double run_since;
    int waiting;
    double wait_since;
    char wait_label[64];
} task_row;

static task_row tasks[MAX_TASKS];
static int ntasks;
static segment segs[MAX_SEGS];
static int nsegs;
static mark marks[MAX_MARKS];
static int nmarks;

static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tracepic: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

static void add_seg(seg_kind kind, int row, double t0, double t1, const char *label)
{
    if (nsegs == MAX_SEGS)
        die("more than %d segments", MAX_SEGS);
    segment *s = &segs[nsegs++];
    s->kind = kind;
    s->row = row;
    s->t0 = t0;
    s->t1 = t1;
    copy(s->label, sizeof s->label, label);
}

static void add_mark(int row, double t, const char *label, int is_end)
{
    if (nmarks == MAX_MARKS)
        die("more than %d marks", MAX_MARKS);
    mark *m = &marks[nmarks++];
    m->row = row;
    m->t = t;
    copy(m->label, sizeof m->label, label);
    m->is_end = is_end;
}

/* The row of a task of the current loop, made on first sight. */
static int task_of(const char *id, int loop, double t)
{
    for (int i = ntasks - 1; i >= 0; i--)
        if (tasks[i].loop == loop && strcmp(tasks[i].id, id) == 0 && isnan(tasks[i].done))
            return i;
    if (ntasks == MAX_TASKS)
        die("more than %d tasks", MAX_TASKS);
    task_row *r = &tasks[ntasks];
    memset(r, 0, sizeof *r);
    copy(r->id, sizeof r->id, id);
    r->loop = loop;
    r->created = t;
    r->done = NAN;
    copy(r->name, sizeof r->name, "?");
    return ntasks++;
}

/* Split a line at tabs into at most n fields; returns how many. */
static int split(char *line, char **f, int n)
{
    int k = 0;
    f[k++] = line;
    for (char *p = line; *p != '\0' && k < n; p++)
        if (*p == '\t') {
            *p = '\0';
            f[k++] = p + 1;
        }
    return k;
}

static double t_min = INFINITY, t_max = -INFINITY;

static void read_trace(const char *path)
{
    FILE *in = fopen(path, "r");
    if (in == NULL)
        die("cannot read %s", path);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int loop = 0, lineno = 0;
    double offset = 0.0, loop_first = NAN, last = 0.0;
    double idle_since = NAN;
    const char *idle_label = "";
    char idle_buf[16] = "";
    double cb_since = NAN;
    char cb_name[64] = "";
    while ((len = getline(&line, &cap, in)) != -1) {
        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (len == 0)
            continue;
        if (strcmp(line, "loop") == 0) {
            /* a new loop: its clock starts afresh; lay it after the last */
            loop++;
            offset = isfinite(t_max) ? t_max : 0.0;
            loop_first = NAN;
            continue;
        }
        char *f[6];
        if (split(line, f, 6) != 6)
            die("%s:%d: expected 6 tab-separated fields", path, lineno);
        char *end;
        double raw = strtod(f[0], &end);
        if (*end != '\0')
            die("%s:%d: bad time '%s'", path, lineno, f[0]);
        if (isnan(loop_first))
            loop_first = raw;
        double t = raw - loop_first + offset; /* a real clock starts anywhere */
        double value = strtod(f[3], NULL);
        const char *kind = f[1], *id = f[2], *name = f[4], *detail = f[5];
        last = t;
        if (t < t_min)
            t_min = t;
        if (t > t_max)
            t_max = t;
        if (strcmp(kind, "task_new") == 0) {
            int i = task_of(id, loop, t);
            copy(tasks[i].name, sizeof tasks[i].name, name);
            copy(tasks[i].coro, sizeof tasks[i].coro, detail);
        } else if (strcmp(kind, "step") == 0) {
            task_row *r = &tasks[task_of(id, loop, t)];
            if (r->waiting)
                add_seg(SEG_WAIT, (int)(r - tasks) + 1, r->wait_since, t, r->wait_label);
            r->waiting = 0;
            r->running = 1;
            r->run_since = t;
        } else if (strcmp(kind, "step_end") == 0) {
            task_row *r = &tasks[task_of(id, loop, t)];
            if (r->running)
                add_seg(SEG_RUN, (int)(r - tasks) + 1, r->run_since, t, "");
            r->running = 0;
        } else if (strcmp(kind, "wait") == 0) {
            task_row *r = &tasks[task_of(id, loop, t)];
            r->waiting = 1;
            r->wait_since = t;
            copy(r->wait_label, sizeof r->wait_label, name);
        } else if (strcmp(kind, "task_done") == 0) {
            int i = task_of(id, loop, t);
            add_mark(i + 1, t, detail, 1);
            tasks[i].done = t;
        } else if (strcmp(kind, "io_wait") == 0) {
            idle_since = t;
            copy(idle_buf, sizeof idle_buf, detail);
            idle_label = idle_buf;
        } else if (strcmp(kind, "io_done") == 0) {
            if (!isnan(idle_since))
                add_seg(SEG_IDLE, 0, idle_since, t, idle_label);
            idle_since = NAN;
        } else if (strcmp(kind, "timer") == 0) {
            add_mark(0, t, name, 0);
        } else if (strcmp(kind, "callback") == 0) {
            cb_since = t;
            copy(cb_name, sizeof cb_name, name);
        } else if (strcmp(kind, "callback_end") == 0) {
            if (!isnan(cb_since))
                add_seg(SEG_CALLBACK, 0, cb_since, t, cb_name);
            cb_since = NAN;
        } else {
            die("%s:%d: unknown event '%s'", path, lineno, kind);
        }
        (void)value;
    }
    free(line);
    fclose(in);
    if (!isfinite(t_min))
        die("%s: no events", path);
    /* what was still going on when the trace ended */
    for (int i = 0; i < ntasks; i++) {
        if (tasks[i].waiting && isnan(tasks[i].done))
            add_seg(SEG_WAIT, i + 1, tasks[i].wait_since, last, tasks[i].wait_label);
    }
}

/* ---- SVG ---- */

static void xml_text(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

enum { LEFT = 170, RIGHT = 30, TOP = 50, ROW_H = 30, BAR_H = 16, WIDTH = 960, MIN_RUN = 3 };

static double x_of(double t, double span)
{
    return LEFT + (t - t_min) / span * (WIDTH - LEFT - RIGHT);
}

/* A tick step that gives 4 to 10 ticks over span. */
static double tick_step(double span)
{
    double step = pow(10.0, floor(log10(span)));
    while (span / step < 4)
        step /= 2;
    while (span / step > 10)
        step *= 2;
    return step;
}

static void write_svg(const char *path, const char *title)
{
    FILE *out = fopen(path, "w");
    if (out == NULL)
        die("cannot write %s", path);
    double span = t_max > t_min ? t_max - t_min : 1.0;
    int rows = ntasks + 1;
    int height = TOP + rows * ROW_H + 40;
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                 "viewBox=\"0 0 %d %d\" font-family=\"monospace\" font-size=\"12\">\n",
            WIDTH, height, WIDTH, height);
    fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(out, "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">");
    xml_text(out, title);
    fprintf(out, "</text>\n");
    /* the time axis: ticks and a grid */
    double step = tick_step(span);
    int bottom = TOP + rows * ROW_H;
    for (double t = ceil(t_min / step) * step; t <= t_max + step * 1e-9; t += step) {
        double x = x_of(t, span);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n", x, TOP - 8, x,
                bottom);
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%g s</text>\n", x,
                bottom + 16, fabs(t) < step * 1e-9 ? 0.0 : t);
    }
    /* row names */
    for (int r = 0; r < rows; r++) {
        int y = TOP + r * ROW_H;
        if (r % 2 == 1)
            fprintf(out, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f7f7f7\"/>\n", y, WIDTH,
                    ROW_H);
        fprintf(out, "<text x=\"10\" y=\"%d\">", y + ROW_H / 2 + 4);
        if (r == 0) {
            fprintf(out, "event loop");
        } else {
            xml_text(out, tasks[r - 1].name);
            if (tasks[r - 1].coro[0] != '\0') {
                fprintf(out, " (");
                xml_text(out, tasks[r - 1].coro);
                fprintf(out, ")");
            }
        }
        fprintf(out, "</text>\n");
    }
    /* a task's life: a thin line from creation to its end */
    for (int i = 0; i < ntasks; i++) {
        int y = TOP + (i + 1) * ROW_H + ROW_H / 2;
        double end = isnan(tasks[i].done) ? t_max : tasks[i].done;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>\n",
                x_of(tasks[i].created, span), y, x_of(end, span), y);
    }
    /* waits first, runs on top */
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < nsegs; k++) {
            segment *s = &segs[k];
            int run_like = s->kind == SEG_RUN || s->kind == SEG_CALLBACK;
            if (run_like != pass)
                continue;
            double x0 = x_of(s->t0, span), x1 = x_of(s->t1, span);
            double w = x1 - x0;
            if (run_like && w < MIN_RUN) {
                x0 -= (MIN_RUN - w) / 2;
                w = MIN_RUN;
            }
            int y = TOP + s->row * ROW_H + (ROW_H - BAR_H) / 2;
            const char *fill = s->kind == SEG_RUN ? "#2b6cb0" : s->kind == SEG_CALLBACK ? "#c05621"
                             : s->kind == SEG_WAIT ? "#bee3f8" : "#e2e8f0";
            fprintf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">", x0, y, w,
                    BAR_H, fill);
            fprintf(out, "<title>");
            xml_text(out, s->kind == SEG_RUN ? "running" : s->label);
            fprintf(out, " %g..%g s</title></rect>\n", s->t0, s->t1);
            if (!run_like && w > 8.0 * (double)strlen(s->label) + 6) {
                fprintf(out, "<text x=\"%.1f\" y=\"%d\" fill=\"#234\">", x0 + 4, y + BAR_H - 4);
                xml_text(out, s->label);
                fprintf(out, "</text>\n");
            }
        }
    }
    /* ends of tasks and fired timers */
    for (int k = 0; k < nmarks; k++) {
        mark *m = &marks[k];
        double x = x_of(m->t, span);
        int y = TOP + m->row * ROW_H;
        if (m->is_end) {
            const char *color = strcmp(m->label, "finished") == 0 ? "#2f855a" : "#c53030";
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%d\" r=\"4\" fill=\"%s\"><title>", x, y + ROW_H / 2, color);
            xml_text(out, m->label);
            fprintf(out, "</title></circle>\n");
        } else {
            fprintf(out, "<path d=\"M%.1f %d l-4 -7 h8 z\" fill=\"#805ad5\"><title>timer ", x, y + ROW_H / 2);
            xml_text(out, m->label);
            fprintf(out, "</title></path>\n");
        }
    }
    /* legend */
    int ly = height - 12;
    fprintf(out, "<rect x=\"10\" y=\"%d\" width=\"12\" height=\"10\" fill=\"#2b6cb0\"/>"
                 "<text x=\"26\" y=\"%d\">running</text>\n", ly - 9, ly);
    fprintf(out, "<rect x=\"100\" y=\"%d\" width=\"12\" height=\"10\" fill=\"#bee3f8\"/>"
                 "<text x=\"116\" y=\"%d\">waiting (on what)</text>\n", ly - 9, ly);
    fprintf(out, "<rect x=\"260\" y=\"%d\" width=\"12\" height=\"10\" fill=\"#e2e8f0\"/>"
                 "<text x=\"276\" y=\"%d\">loop in the selector / clock jump</text>\n", ly - 9, ly);
    fprintf(out, "<path d=\"M530 %d l-4 -7 h8 z\" fill=\"#805ad5\"/><text x=\"540\" y=\"%d\">timer due</text>\n",
            ly, ly);
    fprintf(out, "<circle cx=\"630\" cy=\"%d\" r=\"4\" fill=\"#2f855a\"/><text x=\"640\" y=\"%d\">task done</text>\n",
            ly - 4, ly);
    fprintf(out, "<rect x=\"730\" y=\"%d\" width=\"12\" height=\"10\" fill=\"#c05621\"/>"
                 "<text x=\"746\" y=\"%d\">callback</text>\n", ly - 9, ly);
    fprintf(out, "</svg>\n");
    if (fclose(out) != 0)
        die("cannot write %s", path);
}

/* ---- Chrome trace-event JSON ---- */

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static long long us(double t) { return llround((t - t_min) * 1e6); }

static void write_json(const char *path)
{
    FILE *out = fopen(path, "w");
    if (out == NULL)
        die("cannot write %s", path);
    fprintf(out, "{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n");
    fprintf(out, "{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": 0, "
                 "\"args\": {\"name\": \"event loop\"}}");
    for (int i = 0; i < ntasks; i++) {
        char label[160];
        snprintf(label, sizeof label, "%s (%s)", tasks[i].name, tasks[i].coro);
        fprintf(out, ",\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": %d, \"args\": {\"name\": ",
                i + 1);
        json_str(out, label);
        fprintf(out, "}}");
        fprintf(out, ",\n{\"name\": \"thread_sort_index\", \"ph\": \"M\", \"pid\": 1, \"tid\": %d, "
                     "\"args\": {\"sort_index\": %d}}", i + 1, i + 1);
    }
    for (int k = 0; k < nsegs; k++) {
        segment *s = &segs[k];
        const char *cat = s->kind == SEG_RUN ? "step" : s->kind == SEG_WAIT ? "wait"
                        : s->kind == SEG_IDLE ? "select" : "callback";
        char name[96];
        if (s->kind == SEG_RUN)
            snprintf(name, sizeof name, "step");
        else if (s->kind == SEG_WAIT)
            snprintf(name, sizeof name, "await %s", s->label);
        else
            snprintf(name, sizeof name, "%s", s->label);
        fprintf(out, ",\n{\"name\": ");
        json_str(out, name);
        fprintf(out, ", \"cat\": \"%s\", \"ph\": \"X\", \"ts\": %lld, \"dur\": %lld, \"pid\": 1, \"tid\": %d}", cat,
                us(s->t0), us(s->t1) - us(s->t0), s->row);
    }
    for (int k = 0; k < nmarks; k++) {
        mark *m = &marks[k];
        fprintf(out, ",\n{\"name\": ");
        json_str(out, m->is_end ? m->label : "timer");
        fprintf(out, ", \"cat\": \"%s\", \"ph\": \"i\", \"s\": \"t\", \"ts\": %lld, \"pid\": 1, \"tid\": %d}",
                m->is_end ? "done" : "timer", us(m->t), m->row);
    }
    fprintf(out, "\n]}\n");
    if (fclose(out) != 0)
        die("cannot write %s", path);
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: tracepic TRACE OUT.svg OUT.json [TITLE]\n");
        return 2;
    }
    read_trace(argv[1]);
    write_svg(argv[2], argc == 5 ? argv[4] : argv[1]);
    write_json(argv[3]);
    return 0;
}
