/*
 * bytes.c - the bytes value (chapter 26).
 */
#include "bytes.h"

#include <stdio.h>
#include <string.h>

typedef struct bytes_obj {
    asy_obj ob;
    size_t len;
    char data[]; /* len bytes and a NUL */
} bytes_obj;

static void bytes_dealloc(asy_obj *self) { asy_obj_free(self); }

char *asy_bytes_repr(const void *data, size_t n, char *buf, size_t size)
{
    const unsigned char *p = data;
    if (size == 0)
        return buf;
    /* Python's choice: single quotes, unless the bytes hold a ' and no ". */
    char quote = n > 0 && memchr(p, '\'', n) && !memchr(p, '"', n) ? '"' : '\'';
    size_t k = 0;
    char tmp[8];
    int w = snprintf(tmp, sizeof tmp, "b%c", quote);
    bool cut = false;
    for (int j = 0; j < w && k + 1 < size; j++)
        buf[k++] = tmp[j];
    for (size_t i = 0; i < n && !cut; i++) {
        unsigned char c = p[i];
        if (c == '\\' || c == (unsigned char)quote)
            w = snprintf(tmp, sizeof tmp, "\\%c", c);
        else if (c == '\n')
            w = snprintf(tmp, sizeof tmp, "\\n");
        else if (c == '\r')
            w = snprintf(tmp, sizeof tmp, "\\r");
        else if (c == '\t')
            w = snprintf(tmp, sizeof tmp, "\\t");
        else if (c < 32 || c >= 127)
            w = snprintf(tmp, sizeof tmp, "\\x%02x", c);
        else
            w = snprintf(tmp, sizeof tmp, "%c", c);
        if (k + (size_t)w + 5 > size) { /* room for "..." + quote + NUL */
            cut = true;
            break;
        }
        memcpy(buf + k, tmp, (size_t)w);
        k += (size_t)w;
    }
    if (cut && size >= 5) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    if (k + 1 < size)
        buf[k++] = quote;
    buf[k < size ? k : size - 1] = '\0';
    return buf;
}

static int bytes_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    (void)repr; /* str(b) is repr(b) */
    bytes_obj *b = (bytes_obj *)self;
    char tmp[ASY_FMT_MAX];
    asy_bytes_repr(b->data, b->len, tmp, sizeof tmp);
    return snprintf(buf, size, "%s", tmp);
}

static bool bytes_eq_slot(asy_obj *a, asy_obj *b)
{
    bytes_obj *x = (bytes_obj *)a, *y = (bytes_obj *)b;
    return x->len == y->len && memcmp(x->data, y->data, x->len) == 0;
}

static const asy_type bytes_type = {
    .name = "bytes",
    .dealloc = bytes_dealloc,
    .format = bytes_format,
    .eq = bytes_eq_slot, /* asy_value_eq compares bytes by content */
};

asy_value asy_bytes(const void *data, size_t n)
{
    bytes_obj *b = asy_obj_new(&bytes_type, sizeof(bytes_obj) + n + 1);
    b->len = n;
    if (n > 0)
        memcpy(b->data, data, n);
    b->data[n] = '\0';
    return asy_obj_value(b);
}

bool asy_is_bytes(asy_value v) { return v.kind == ASY_OBJ && v.u.o->type == &bytes_type; }

const char *asy_bytes_data(asy_value v) { return asy_is_bytes(v) ? ((bytes_obj *)v.u.o)->data : NULL; }

size_t asy_bytes_len(asy_value v) { return asy_is_bytes(v) ? ((bytes_obj *)v.u.o)->len : 0; }

bool asy_bytes_eq(asy_value a, asy_value b)
{
    if (!asy_is_bytes(a) || !asy_is_bytes(b))
        return false;
    size_t n = asy_bytes_len(a);
    return n == asy_bytes_len(b) && memcmp(asy_bytes_data(a), asy_bytes_data(b), n) == 0;
}
