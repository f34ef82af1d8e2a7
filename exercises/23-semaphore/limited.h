/*
 * limited.h - exercise 23/limited: run many jobs, at most `limit` at once.
 *
 * The notes' Semaphore pattern as a reusable function, results in order:
 *
 *     async def run_limited(jobs, limit):
 *         if limit < 1:
 *             raise ValueError("limit must be >= 1")
 *         sem = asyncio.Semaphore(limit)
 *         results = [None] * len(jobs)
 *
 *         async def one(i):
 *             async with sem:
 *                 try:
 *                     results[i] = await jobs[i]
 *                 except Exception as e:        # a failing job does not stop the others
 *                     results[i] = e
 *
 *         tasks = [asyncio.create_task(one(i)) for i in range(len(jobs))]
 *         for t in tasks:
 *             await t
 *         return results
 *
 * All the jobs' tasks are created at once (a task per job is cheap); the
 * semaphore, not the task count, decides how many run.
 */
#ifndef EX23_LIMITED_H
#define EX23_LIMITED_H

#include <stddef.h>

#include "semaphore.h"
#include "task.h"

/* A new coroutine that runs the n coroutines of jobs[] (it steals them all,
 * even if it is never awaited to the end) with at most `limit` running at
 * any moment, and returns None when all are finished. results[i] receives
 * job i's return value, or its exception as a value (asy_exc_value), as a
 * new reference; results[] must have n slots, set to None by the caller,
 * and must outlive the coroutine. limit < 1: the coroutine raises
 * ValueError "limit must be >= 1" (and releases the jobs). */
asy_coro *run_limited(asy_coro **jobs, size_t n, long limit, asy_value *results);

#endif /* EX23_LIMITED_H */
