/*
 * select_backend.h - exercise 07/select_backend: the select(2) backend of
 * the selector (lib/selector.h), written by you.
 *
 * The generic half, lib/selector.c, keeps the keys, checks the arguments
 * and raises the exceptions; a backend only talks to the kernel. Yours is
 * handed to asy_selector_new(&ex_select_backend, &sel), and the test runs
 * the selector's own tests on it: readiness, timeouts, 300 fds, fd 1024,
 * signals.
 */
#ifndef EX07_SELECT_BACKEND_H
#define EX07_SELECT_BACKEND_H

#include "selector.h"

extern const asy_selector_backend ex_select_backend;

#endif /* EX07_SELECT_BACKEND_H */
