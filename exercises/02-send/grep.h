/*
 * grep.h - exercise 02-send/grep: a filter that keeps what it was sent.
 *
 * The Python it rebuilds:
 *
 *     def grep(pattern):
 *         last = None            # the most recent matching line
 *         count = 0              # how many lines matched
 *         while True:
 *             line = yield last
 *             if line is None:
 *                 return count
 *             if pattern in line:
 *                 count += 1
 *                 last = line
 *
 * Behaviour the test checks:
 *   - grep(pattern) copies the pattern: the caller may change or free its
 *     char array right after the call;
 *   - priming yields None;
 *   - each send(line), line a str, yields the most recent line so far that
 *     contains the pattern (strstr), or None if none has yet. The caller
 *     releases its own reference to each line right after sending it, so
 *     a line you keep must be a reference of your own;
 *   - sending None returns the number of matching lines (an int);
 *   - sending something that is neither None nor a str raises TypeError,
 *     with the message Python's `pattern in line` gives, e.g. for an int:
 *         argument of type 'int' is not iterable
 *   - every string the frame holds is released when the generator finishes
 *     (returns or raises) or is dropped unfinished: asy_obj_live() counts.
 */
#ifndef GREP_H
#define GREP_H

#include "gen.h"

/* grep(pattern): a new reference to a generator that has not started yet.
 * `pattern` is borrowed (copied). */
asy_gen *grep(const char *pattern);

#endif /* GREP_H */
