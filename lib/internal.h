/*
 * internal.h - what the library's modules tell each other.
 * Chapter: 01 (no chapter teaches it: it grows with the modules of every
 * chapter, and includes only chapter 01's headers, so that any module may
 * include it)
 *
 * NOT PART OF THE COURSE'S API. Library modules and the library's own
 * tests (lib/tests) include it; demos, exercises and solutions never do,
 * and nothing here is promised to stay. Every name is asy__ (two
 * underscores). The asy__ helpers that the public macros and inline
 * functions expand to (asy__yield, asy__delegate, asy__reraise in gen.h,
 * asy__loop_call_soon in loop.h, asy__obj_release_last in objcache.h ...)
 * stay in the public headers, because a program that uses the macro must
 * see the declaration; they are not for direct use either.
 *
 * Types of later chapters appear here only as incomplete struct types
 * (pointers to them), so including this header adds no dependency on a
 * later chapter's header.
 */
#ifndef ASY_INTERNAL_H
#define ASY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "exc.h"
#include "value.h"

/* ---- objects (objcache.c) ---- */

/* Free an object of a type whose size is fixed: `size` is the size it was
 * made with (sizeof its struct), which spares looking it up. Only for a
 * type's own dealloc; a wrong size corrupts the object cache. */
void asy__obj_free_sized(void *obj, size_t size);

#endif /* ASY_INTERNAL_H */
