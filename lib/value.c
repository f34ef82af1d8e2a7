/*
 * value.c - tagged values and their printing (chapter 01). Objects are
 * allocated, counted and freed by objcache.c.
 */
#include "value.h"

#include "exc.h" /* an exception's type name */

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- str: an immutable counted string ---- */

typedef struct {
    asy_obj ob;
    size_t len;
    char text[]; /* NUL-terminated */
} str_obj;

static int str_format(asy_obj *self, char *buf, size_t size, bool repr);

static const asy_type str_type = {
    .name = "str",
    .dealloc = NULL, /* nothing owned beyond the block itself */
    .format = str_format,
};

static asy_value str_from(const char *s, size_t len)
{
    str_obj *o = asy_obj_new(&str_type, sizeof(str_obj) + len + 1);
    o->len = len;
    memcpy(o->text, s, len);
    o->text[len] = '\0';
    return asy_obj_value(o);
}

asy_value asy_str(const char *s)
{
    if (s == NULL)
        s = "";
    return str_from(s, strlen(s));
}

asy_value asy_strf(const char *fmt, ...)
{
    if (fmt == NULL)
        return asy_str("");
    va_list ap;
    va_start(ap, fmt);
    char small[128];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return asy_str("");
    if ((size_t)n < sizeof small)
        return str_from(small, (size_t)n);
    char *big = malloc((size_t)n + 1);
    if (big == NULL)
        asy_out_of_memory("a str");
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    asy_value v = str_from(big, (size_t)n);
    free(big);
    return v;
}

bool asy_is_str(asy_value v)
{
    return v.kind == ASY_OBJ && v.u.o->type == &str_type;
}

const char *asy_str_cstr(asy_value v)
{
    return asy_is_str(v) ? ((str_obj *)v.u.o)->text : NULL;
}

/* A small writer that never overruns buf and remembers how much it wanted. */
typedef struct {
    char *buf;
    size_t size, len;
} writer;

static void put(writer *w, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++, w->len++)
        if (w->len + 1 < w->size)
            w->buf[w->len] = s[i];
}

static void puts_(writer *w, const char *s) { put(w, s, strlen(s)); }

/* repr() of a string: Python picks single quotes unless the text holds a
 * single quote and no double quote; it escapes backslashes, the chosen
 * quote and control characters. */
static int str_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    str_obj *s = (str_obj *)self;
    writer w = {buf, size, 0};
    if (!repr) {
        put(&w, s->text, s->len);
    } else {
        char q = (strchr(s->text, '\'') && !strchr(s->text, '"')) ? '"' : '\'';
        put(&w, &q, 1);
        for (size_t i = 0; i < s->len; i++) {
            unsigned char c = (unsigned char)s->text[i];
            char esc[8];
            if (c == '\\' || c == (unsigned char)q) {
                esc[0] = '\\', esc[1] = (char)c, esc[2] = 0;
            } else if (c == '\n') {
                strcpy(esc, "\\n");
            } else if (c == '\t') {
                strcpy(esc, "\\t");
            } else if (c == '\r') {
                strcpy(esc, "\\r");
            } else if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof esc, "\\x%02x", c);
            } else {
                esc[0] = (char)c, esc[1] = 0;
            }
            puts_(&w, esc);
        }
        put(&w, &q, 1);
    }
    if (size > 0)
        buf[w.len < size ? w.len : size - 1] = '\0';
    return (int)w.len;
}

/* ---- comparing ---- */

static bool is_number(asy_value v)
{
    return v.kind == ASY_BOOL || v.kind == ASY_INT || v.kind == ASY_FLOAT;
}

static double as_double(asy_value v)
{
    return v.kind == ASY_FLOAT ? v.u.f : v.kind == ASY_INT ? (double)v.u.i : (double)v.u.b;
}

bool asy_value_eq(asy_value a, asy_value b)
{
    if (is_number(a) && is_number(b)) {
        if (a.kind != ASY_FLOAT && b.kind != ASY_FLOAT) {
            long long x = a.kind == ASY_INT ? a.u.i : a.u.b;
            long long y = b.kind == ASY_INT ? b.u.i : b.u.b;
            return x == y;
        }
        return as_double(a) == as_double(b);
    }
    if (a.kind != b.kind)
        return false;
    switch (a.kind) {
    case ASY_NONE:
        return true;
    case ASY_PTR:
        return a.u.p == b.u.p;
    case ASY_OBJ:
        if (asy_is_str(a) && asy_is_str(b)) {
            str_obj *x = (str_obj *)a.u.o, *y = (str_obj *)b.u.o;
            return x->len == y->len && memcmp(x->text, y->text, x->len) == 0;
        }
        if (a.u.o->type == b.u.o->type && a.u.o->type->eq != NULL)
            return a.u.o->type->eq(a.u.o, b.u.o);
        return a.u.o == b.u.o;
    default:
        return false;
    }
}

/* ---- printing ---- */

/* Python prints a float as the shortest digits that read back as the same
 * double; in fixed notation when the decimal exponent is in [-4, 16), with
 * ".0" on whole numbers (0.5, 1.0, 1000000000000000.0), otherwise in
 * exponent notation (1e+16, 1.5e-05). */
static void format_float(double f, char *out, size_t size)
{
    if (isnan(f)) {
        snprintf(out, size, "nan");
        return;
    }
    if (isinf(f)) {
        snprintf(out, size, f > 0 ? "inf" : "-inf");
        return;
    }
    char e[40];
    for (int prec = 0; prec <= 16; prec++) {
        snprintf(e, sizeof e, "%.*e", prec, f);
        if (strtod(e, NULL) == f)
            break;
    }
    /* e is "-d.ddde+XX": split it into sign, digits and exponent. */
    bool neg = e[0] == '-';
    const char *p = e + neg;
    char digits[24];
    size_t nd = 0;
    for (; *p != 'e'; p++)
        if (*p != '.')
            digits[nd++] = *p;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--; /* 1.500e+00 -> digits "15" */
    digits[nd] = '\0';
    int exp = atoi(p + 1);
    char body[48];
    size_t n = 0;
    if (exp >= -4 && exp < 16) {
        if (exp < 0) {
            n += (size_t)snprintf(body + n, sizeof body - n, "0.");
            for (int i = -1; i > exp; i--)
                body[n++] = '0';
            n += (size_t)snprintf(body + n, sizeof body - n, "%s", digits);
        } else {
            for (int i = 0; i <= exp; i++)
                body[n++] = (size_t)i < nd ? digits[i] : '0';
            body[n++] = '.';
            if ((size_t)exp + 1 < nd)
                n += (size_t)snprintf(body + n, sizeof body - n, "%s", digits + exp + 1);
            else
                body[n++] = '0';
            body[n] = '\0';
        }
    } else {
        body[n++] = digits[0];
        if (nd > 1) {
            body[n++] = '.';
            n += (size_t)snprintf(body + n, sizeof body - n, "%s", digits + 1);
        }
        snprintf(body + n, sizeof body - n, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
    }
    snprintf(out, size, "%s%s", neg ? "-" : "", body);
}

char *asy_value_format(asy_value v, char *buf, size_t size, bool repr)
{
    if (size == 0 || buf == NULL)
        return buf;
    char tmp[64];
    int want = 0;
    switch (v.kind) {
    case ASY_NONE:
        want = snprintf(buf, size, "None");
        break;
    case ASY_BOOL:
        want = snprintf(buf, size, "%s", v.u.b ? "True" : "False");
        break;
    case ASY_INT:
        want = snprintf(buf, size, "%lld", v.u.i);
        break;
    case ASY_FLOAT:
        format_float(v.u.f, tmp, sizeof tmp);
        want = snprintf(buf, size, "%s", tmp);
        break;
    case ASY_PTR:
        want = snprintf(buf, size, "<pointer %p>", v.u.p);
        break;
    case ASY_OBJ:
        if (v.u.o->type->format != NULL)
            want = v.u.o->type->format(v.u.o, buf, size, repr);
        else
            want = snprintf(buf, size, "<%s object at %p>", v.u.o->type->name, (void *)v.u.o);
        break;
    }
    /* Mark a cut with "..." rather than let it pass for the whole text. */
    if (want >= 0 && (size_t)want >= size && size > 4)
        memcpy(buf + size - 4, "...", 4);
    return buf;
}

const char *asy_value_type_name(asy_value v)
{
    switch (v.kind) {
    case ASY_NONE:
        return "NoneType";
    case ASY_BOOL:
        return "bool";
    case ASY_INT:
        return "int";
    case ASY_FLOAT:
        return "float";
    case ASY_PTR:
        return "pointer";
    case ASY_OBJ: {
        /* Exceptions share one object type; Python names the class. */
        asy_exc *e = asy_value_exc(v);
        return e != NULL ? e->type->name : v.u.o->type->name;
    }
    }
    return "?";
}
