/*
 * bytes.h - Python's bytes: an immutable run of bytes as a value.
 * Chapter: 26
 *
 * Until chapter 26 every value the course printed was a number, a string or
 * an object. A socket hands back bytes, which may hold anything, NUL
 * included, so a C string will not do: `data = await loop.sock_recv(sock,
 * 1000)` needs a value that knows its length. This is the smallest such
 * value: a counted object (value.h) holding a copy of the bytes. It prints
 * as Python prints bytes, str and repr alike: b'hello\n', b"it's",
 * b'\x00\xff'. Chapter 27's streams use it too.
 *
 *     Python               C
 *     b = b'hi'            asy_value b = asy_bytes("hi", 2);     (new reference)
 *     len(b)               asy_bytes_len(b)
 *     b[i]                 asy_bytes_data(b)[i]                  (borrowed)
 *     print(repr(b))       printf("%s\n", ASY_REPR(b));
 *     b == c               asy_value_eq(b, c)   or asy_bytes_eq(b, c)
 *
 * asy_value_eq (value.h) compares two bytes by content, as Python's ==
 * does (the type's eq slot); asy_bytes_eq is the same for two values you
 * know are bytes. b'a' == 'a' is False, in Python and here.
 */
#ifndef ASY_BYTES_H
#define ASY_BYTES_H

#include <stddef.h>

#include "value.h"

/* bytes(data[:n]): a new bytes object holding a copy of n bytes (data may
 * be NULL when n is 0). New reference, as an ASY_OBJ value. */
asy_value asy_bytes(const void *data, size_t n);
/* isinstance(v, bytes). */
bool asy_is_bytes(asy_value v);
/* The bytes of v (borrowed, valid while v lives); NULL when v is not bytes.
 * There is always a NUL after the last byte, so text can be printed with
 * %s, but the length is asy_bytes_len. */
const char *asy_bytes_data(asy_value v);
/* len(v); 0 when v is not bytes. */
size_t asy_bytes_len(asy_value v);
/* a == b for two bytes values, by content; false when either is not bytes. */
bool asy_bytes_eq(asy_value a, asy_value b);
/* repr(b'...') of any run of bytes, without making an object: the escapes
 * Python uses (\n \r \t \\ \xNN, the quote chosen as Python chooses it).
 * Writes into buf (NUL-terminated, "..." at the end when cut short) and
 * returns buf. */
char *asy_bytes_repr(const void *data, size_t n, char *buf, size_t size);

#endif /* ASY_BYTES_H */
