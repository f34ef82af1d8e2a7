/*
 * exc.c - exception objects and the built-in hierarchy (chapter 01).
 */
#include "exc.h"

#include "internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The hierarchy of exc.h, each type pointing at its base. */
const asy_exc_type asy_BaseException = {"BaseException", NULL};
const asy_exc_type asy_GeneratorExit = {"GeneratorExit", &asy_BaseException};
const asy_exc_type asy_KeyboardInterrupt = {"KeyboardInterrupt", &asy_BaseException};
const asy_exc_type asy_Exception = {"Exception", &asy_BaseException};
const asy_exc_type asy_StopIteration = {"StopIteration", &asy_Exception};
const asy_exc_type asy_StopAsyncIteration = {"StopAsyncIteration", &asy_Exception};
const asy_exc_type asy_ArithmeticError = {"ArithmeticError", &asy_Exception};
const asy_exc_type asy_ZeroDivisionError = {"ZeroDivisionError", &asy_ArithmeticError};
const asy_exc_type asy_LookupError = {"LookupError", &asy_Exception};
const asy_exc_type asy_IndexError = {"IndexError", &asy_LookupError};
const asy_exc_type asy_KeyError = {"KeyError", &asy_LookupError};
const asy_exc_type asy_OSError = {"OSError", &asy_Exception};
const asy_exc_type asy_TimeoutError = {"TimeoutError", &asy_OSError};
const asy_exc_type asy_ConnectionError = {"ConnectionError", &asy_OSError};
const asy_exc_type asy_ConnectionResetError = {"ConnectionResetError", &asy_ConnectionError};
const asy_exc_type asy_ConnectionRefusedError = {"ConnectionRefusedError", &asy_ConnectionError};
const asy_exc_type asy_ConnectionAbortedError = {"ConnectionAbortedError", &asy_ConnectionError};
const asy_exc_type asy_BrokenPipeError = {"BrokenPipeError", &asy_ConnectionError};
const asy_exc_type asy_BlockingIOError = {"BlockingIOError", &asy_OSError};
const asy_exc_type asy_gaierror = {"gaierror", &asy_OSError};
const asy_exc_type asy_RuntimeError = {"RuntimeError", &asy_Exception};
const asy_exc_type asy_NotImplementedError = {"NotImplementedError", &asy_RuntimeError};
const asy_exc_type asy_RecursionError = {"RecursionError", &asy_RuntimeError};
const asy_exc_type asy_SystemError = {"SystemError", &asy_Exception};
const asy_exc_type asy_TypeError = {"TypeError", &asy_Exception};
const asy_exc_type asy_ValueError = {"ValueError", &asy_Exception};
const asy_exc_type asy_EOFError = {"EOFError", &asy_Exception};

static void exc_dealloc(asy_obj *self)
{
    asy_exc *e = (asy_exc *)self;
    free(e->msg);
    asy_value_decref(e->arg);
    asy_value_decref(e->value);
    asy_decref(e->cause);
    asy_decref(e->context);
    asy_obj_free(e);
}

/* str(e) is worked out once (exc.h); repr(e) is Type() or Type(repr(arg)).
 * A type that keeps its arguments in `value` (an exception group) has
 * that object print them: Type('msg', [...]). */
static int exc_format(asy_obj *self, char *buf, size_t size, bool repr)
{
    asy_exc *e = (asy_exc *)self;
    if (!repr)
        return snprintf(buf, size, "%s", e->msg);
    if (e->value.kind == ASY_OBJ && !asy_exc_type_is(e->type, &asy_StopIteration))
        return snprintf(buf, size, "%s(%s)", e->type->name, ASY_REPR(e->value));
    if (e->nargs == 0)
        return snprintf(buf, size, "%s()", e->type->name);
    return snprintf(buf, size, "%s(%s)", e->type->name, ASY_REPR(e->arg));
}

static const asy_type exc_objtype = {
    .name = "exception",
    .dealloc = exc_dealloc,
    .format = exc_format,
};

/* str(v) or repr(v) in a string of its own: the formatter cuts what does
 * not fit its buffer, so grow the buffer until the text fits (up to a
 * limit past which the "..." cut stays). */
static char *format_alloc(asy_value v, bool repr)
{
    const char *s = repr ? NULL : asy_str_cstr(v);
    if (s != NULL)
        return strdup(s); /* str of a str: the text itself, whole */
    for (size_t size = ASY_FMT_MAX;; size *= 4) {
        char *buf = malloc(size);
        if (buf == NULL)
            return NULL;
        asy_value_format(v, buf, size, repr);
        if (strlen(buf) + 1 < size || size >= 65536)
            return buf;
        free(buf);
    }
}

/* A new exception with args (arg,) when nargs is 1, () when 0: stealing
 * arg, working out str(e) and StopIteration's value. */
static asy_exc *exc_alloc(const asy_exc_type *type, int nargs, asy_value arg)
{
    char *msg;
    if (nargs == 0)
        msg = strdup("");
    else
        msg = format_alloc(arg, asy_exc_type_is(type, &asy_KeyError));
    if (msg == NULL)
        asy_out_of_memory("an exception message");
    asy_exc *e = asy_obj_new(&exc_objtype, sizeof(asy_exc));
    e->type = type;
    e->nargs = nargs;
    e->arg = nargs == 1 ? arg : asy_none();
    e->msg = msg;
    e->value = nargs == 1 && asy_exc_type_is(type, &asy_StopIteration) ? asy_value_incref(arg) : asy_none();
    return e;
}

asy_exc *asy_exc_new(const asy_exc_type *type, const char *fmt, ...)
{
    if (type == NULL)
        return asy__null_error("an exception type");
    if (fmt == NULL)
        return exc_alloc(type, 0, asy_none());
    va_list ap;
    va_start(ap, fmt);
    char small[128];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return exc_alloc(type, 1, asy_str(""));
    if ((size_t)n < sizeof small)
        return exc_alloc(type, 1, asy_str(small));
    char *big = malloc((size_t)n + 1);
    if (big == NULL)
        asy_out_of_memory("an exception message");
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    asy_exc *e = exc_alloc(type, 1, asy_str(big));
    free(big);
    return e;
}

asy_exc *asy_exc_new_value(const asy_exc_type *type, asy_value arg)
{
    if (type == NULL) {
        asy_value_decref(arg);
        return asy__null_error("an exception type");
    }
    return exc_alloc(type, 1, arg);
}

asy_exc *asy_exc_stop_iteration(asy_value value)
{
    /* A generator that returns None raises StopIteration(), not
     * StopIteration(None). */
    return exc_alloc(&asy_StopIteration, asy_is_none(value) ? 0 : 1, value);
}

int asy_exc_nargs(const asy_exc *e) { return e != NULL ? e->nargs : 0; }

asy_value asy_exc_arg(const asy_exc *e) { return e != NULL ? e->arg : asy_none(); }

const asy_exc_type *asy_exc_oserror_type(int errnum)
{
    switch (errnum) {
    case ECONNRESET: return &asy_ConnectionResetError;
    case ECONNREFUSED: return &asy_ConnectionRefusedError;
    case ECONNABORTED: return &asy_ConnectionAbortedError;
    case EPIPE:
    case ESHUTDOWN: return &asy_BrokenPipeError;
    case ETIMEDOUT: return &asy_TimeoutError;
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case EINPROGRESS:
    case EALREADY: return &asy_BlockingIOError;
    default: return &asy_OSError;
    }
}

asy_exc *asy_exc_oserror(int errnum, const char *fmt, ...)
{
    char text[200];
    if (fmt == NULL) {
        snprintf(text, sizeof text, "%s", strerror(errnum));
    } else {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(text, sizeof text, fmt, ap);
        va_end(ap);
    }
    asy_exc *e = asy_exc_new(asy_exc_oserror_type(errnum), "[Errno %d] %s", errnum, text);
    e->errnum = errnum;
    return e;
}

int asy_exc_errno(const asy_exc *e) { return e != NULL ? e->errnum : 0; }

bool asy_exc_type_is(const asy_exc_type *sub, const asy_exc_type *base)
{
    for (; sub != NULL; sub = sub->base)
        if (sub == base)
            return true;
    return false;
}

bool asy_exc_is(const asy_exc *e, const asy_exc_type *type)
{
    return e != NULL && asy_exc_type_is(e->type, type);
}

void asy_exc_set_cause(asy_exc *e, asy_exc *cause)
{
    if (e == NULL)
        return;
    asy_exc *old = e->cause;
    e->cause = asy_incref(cause);
    asy_decref(old);
}

void asy_exc_set_context(asy_exc *e, asy_exc *context)
{
    if (e == NULL || context == e)
        return; /* an exception is never its own context */
    asy_exc *old = e->context;
    e->context = asy_incref(context);
    asy_decref(old);
}

const char *asy_exc_message(const asy_exc *e) { return e != NULL ? e->msg : NULL; }

char *asy_exc_format(const asy_exc *e, char *buf, size_t size)
{
    if (e == NULL || buf == NULL) {
        if (buf != NULL && size > 0)
            snprintf(buf, size, "None");
        return buf;
    }
    if (e->msg[0] == '\0')
        snprintf(buf, size, "%s", e->type->name);
    else
        snprintf(buf, size, "%s: %s", e->type->name, e->msg);
    return buf;
}

char *asy_exc_repr(const asy_exc *e, char *buf, size_t size)
{
    asy_value v = asy_obj_value((asy_exc *)e); /* borrowed: no reference taken */
    return asy_value_format(v, buf, size, true);
}

void asy_exc_print(const asy_exc *e, FILE *out)
{
    /* Python prints the chain oldest first: the cause (or the context,
     * when there is no explicit cause) and then what it led to. Chains
     * are short; the depth limit only guards against a cycle. */
    if (out == NULL)
        return;
    const asy_exc *chain[32];
    int n = 0;
    for (const asy_exc *x = e; x != NULL && n < 32;
         x = x->cause != NULL ? x->cause : x->context)
        chain[n++] = x;
    for (int i = n - 1; i >= 0; i--) {
        fprintf(out, "%s\n", ASY_EXC_STR(chain[i]));
        if (i > 0)
            fprintf(out, "\n%s\n\n",
                    chain[i - 1]->cause == chain[i]
                        ? "The above exception was the direct cause of the following exception:"
                        : "During handling of the above exception, another exception occurred:");
    }
}

asy_value asy_exc_value(asy_exc *e)
{
    return asy_obj_value(asy_incref(e));
}

asy_exc *asy_value_exc(asy_value v)
{
    return v.kind == ASY_OBJ && v.u.o->type == &exc_objtype ? (asy_exc *)v.u.o : NULL;
}

asy_exc *asy__null_error(const char *what)
{
    return asy_exc_new(&asy_TypeError, "%s was expected, got NULL", what);
}

void *asy__null_fail(const char *what, asy_exc **error)
{
    if (error != NULL)
        *error = asy__null_error(what);
    return NULL;
}
