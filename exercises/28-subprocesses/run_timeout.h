/*
 * run_timeout.h - exercise: run a command, kill it if it takes too long
 * (chapter 28).
 */
#ifndef EX_RUN_TIMEOUT_H
#define EX_RUN_TIMEOUT_H

#include "coro.h"
#include "subprocess.h"

/* await run_with_timeout(cmd, timeout): run `/bin/sh -c cmd` (its streams
 * inherited) and return its returncode (an int) if it ends within
 * `timeout` seconds. If it does not: kill it (SIGKILL), wait for it, so
 * it is reaped before this returns, and raise TimeoutError. A missing
 * shell or any other spawn error is raised as it is. cmd is borrowed and
 * stays valid until the coroutine has finished. New reference. */
asy_coro *run_with_timeout(const char *cmd, double timeout);

#endif /* EX_RUN_TIMEOUT_H */
