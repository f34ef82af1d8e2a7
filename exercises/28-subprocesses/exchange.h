/*
 * exchange.h - exercise: a communicate() that cannot deadlock (chapter 28).
 */
#ifndef EX_EXCHANGE_H
#define EX_EXCHANGE_H

#include <stddef.h>

#include "coro.h"
#include "subprocess.h"

/* await exchange(proc, input, n): give the child the n bytes of input on
 * its stdin, then close its stdin; read its stdout to EOF; wait for it to
 * exit. The result is everything it wrote (a bytes value). proc was made
 * with stdin=PIPE and stdout=PIPE. It must work for a child that writes
 * megabytes before it reads a byte, and for a child that never reads its
 * stdin at all (BrokenPipeError and ConnectionResetError are not errors).
 * Do not call asy_process_communicate: this is it. input is borrowed and
 * stays valid until the coroutine has finished; proc is borrowed too (take
 * your own reference). New reference to the coroutine. */
asy_coro *exchange(asy_process *proc, const void *input, size_t n);

#endif /* EX_EXCHANGE_H */
