/*
 * objcache.h - the allocator under asy_obj_new: a per-thread object cache,
 * and the counters that make "nothing leaked" a test.
 * Chapter: 01
 *
 * Chapter 01's values (value.h) are counted objects, and every object of
 * the library is made by asy_obj_new and freed by its type's dealloc
 * through asy_obj_free. This module is what stands behind those two calls.
 * No chapter is about it; chapter 01 needs it because values do.
 *
 * WHY IT EXISTS: no allocation per task step. A program that runs a
 * million tasks makes and frees millions of small objects (futures,
 * frames, handles), and glibc's malloc spends most of that time merging
 * and splitting free chunks. Freed objects of up to 512 bytes are kept in
 * one LIFO list per size, per thread, and handed out again by the next
 * asy_obj_new of that size: CPython's pymalloc does the same for its
 * objects. Under AddressSanitizer (CFG=asan) the cache is off, so every
 * object is a malloc of its own and every use after free or leak is still
 * reported. A cached object keeps its type and a count of 0, so a
 * reference given back twice is caught and named (value.h, asy_decref).
 *
 * COUNTERS. asy_obj_live() is the number of objects alive in the process
 * (the tests' "nothing leaked"); asy_obj_allocations() the number this
 * thread has made (the benchmarks' "no allocation per step"). Each thread
 * counts in a counter of its own, without atomic read-modify-write, and
 * hands its cache and count back when it ends.
 *
 * DEEP CHAINS. Releasing the last reference to an object runs its dealloc,
 * which releases what it holds: a chain of 200 000 never-started
 * coroutines, each holding the next, would nest 200 000 deallocs and
 * overflow the C stack. Past a nesting depth of ASY_RELEASE_DEPTH_MAX the
 * release path queues the object instead (per thread), and the outermost
 * release frees the queue before it returns: the same idea as CPython's
 * "trashcan". Only the order in which the deallocs of such a chain run
 * changes; when the outermost asy_decref returns, everything is freed.
 *
 * OWNERSHIP. asy_obj_new returns a new reference (count 1). asy_obj_free
 * frees memory, whatever the count: only a type's dealloc calls it.
 */
#ifndef ASY_OBJCACHE_H
#define ASY_OBJCACHE_H

#include <stddef.h>

typedef struct asy_obj asy_obj;   /* value.h */
typedef struct asy_type asy_type; /* value.h */

/* How deep deallocs may nest before the release path defers (see DEEP
 * CHAINS above). */
enum { ASY_RELEASE_DEPTH_MAX = 100 };

/* Out of memory: print "asy: out of memory allocating WHAT" on stderr and
 * abort. The course does not try to survive malloc failure, but it does
 * not die without a word either: every allocation failure in the library
 * ends here, with this one message, and the demos and solutions call it
 * too. `what` names what was being allocated ("a Future", "the timer
 * heap"). */
_Noreturn void asy_out_of_memory(const char *what);

/* Allocate a zeroed object of `size` bytes (at least sizeof(asy_obj)) with
 * the given type and one reference (new reference). Out of memory:
 * asy_out_of_memory("a TYPE"). A NULL type gives NULL: an object without
 * a type could never be released. */
void *asy_obj_new(const asy_type *type, size_t size);
/* Free the memory of an object; for use by a type's dealloc. */
void asy_obj_free(void *obj);

/* How many objects are alive right now. Tests check it returns to where it
 * was: "nothing leaked" is an assertion, not a hope. */
long asy_obj_live(void);
/* How many objects asy_obj_new has made so far in this thread (never
 * decreases). The benchmarks of chapter 12 read it around a loop to show
 * what allocates: "no allocation per task step" is a number, not a claim. */
long asy_obj_allocations(void);

/* The slow half of asy_decref (value.h): the last reference is going, or
 * one too many. It runs the type's dealloc (deferred in a deep chain), or
 * stops with the "dead object" diagnostic. Declared here, not in
 * internal.h, because the inline asy_decref that every program compiles
 * calls it; not for direct use. */
void asy__obj_release_last(asy_obj *o);

#endif /* ASY_OBJCACHE_H */
