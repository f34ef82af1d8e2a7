"""Chapter 19 benchmark, CPython side: the workloads of bench-scale.c in
asyncio, printed the same way ("name value unit", one line per figure).

    python3 bench_scale.py N WORKLOAD

One run of WORKLOAD (gather, wait, as_completed, taskgroup) with N children
whose coroutine returns at once: the whole asyncio.run() timed, printed in
ns per child. bench.sh starts a fresh interpreter for every run.
"""
import asyncio
import sys
import time


async def child(i):
    return i


async def use_gather(n):
    results = await asyncio.gather(*[child(i) for i in range(n)])
    assert len(results) == n and results[-1] == n - 1


async def use_wait(n):
    tasks = [asyncio.create_task(child(i)) for i in range(n)]
    done, pending = await asyncio.wait(tasks)
    assert len(done) == n and not pending


async def use_as_completed(n):
    total = 0
    for aw in asyncio.as_completed([child(i) for i in range(n)]):
        total += await aw
    assert total == n * (n - 1) // 2


async def use_taskgroup(n):
    async with asyncio.TaskGroup() as tg:
        for i in range(n):
            tg.create_task(child(i))


WORKLOADS = {"gather": use_gather, "wait": use_wait,
             "as_completed": use_as_completed, "taskgroup": use_taskgroup}


def main():
    n, name = int(sys.argv[1]), sys.argv[2]
    t0 = time.perf_counter()
    asyncio.run(WORKLOADS[name](n))
    print(f"{name}_{n} {(time.perf_counter() - t0) / n * 1e9:12.1f} ns")


if __name__ == "__main__":
    main()
