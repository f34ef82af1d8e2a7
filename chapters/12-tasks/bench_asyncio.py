"""Chapter 12 benchmark, CPython side: the workloads of bench-tasks.c in
asyncio, printed the same way ("name value unit"). The counts are scaled
down (CPython is slower and the whole run should stay short); every figure
is per operation, so the scale does not change its meaning. Times are the CPU time of the
process (time.process_time), as in bench-tasks.c: the machine is shared.

    python3 bench_asyncio.py [SCALE]     SCALE divides the counts (default 10)
"""
import asyncio
import sys
import time
import tracemalloc

SCALE = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def report(name, value, unit):
    print(f"{name:<24} {value:12.2f} {unit}")


async def nop():
    return 1


async def spawn(n):
    tasks = [asyncio.create_task(nop()) for _ in range(n)]
    total = 0
    for t in tasks:
        total += await t
    return total


def bench_spawn(n):
    t0 = time.process_time()
    assert asyncio.run(spawn(n)) == n
    report("spawn_ns_per_task", (time.process_time() - t0) / n * 1e9, "ns")


async def spawn_eager(n):
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    return await spawn(n)


def bench_spawn_eager(n):
    """Python 3.12 and later only: the eager task factory."""
    if not hasattr(asyncio, "eager_task_factory"):
        return
    t0 = time.process_time()
    assert asyncio.run(spawn_eager(n)) == n
    report("spawn_eager_ns_per_task", (time.process_time() - t0) / n * 1e9, "ns")


class Court:
    def __init__(self):
        self.waiting = [None, None]
        self.switches = 0


def wake_other(court, me):
    other = court.waiting[1 - me]
    if other is not None:
        court.waiting[1 - me] = None
        other.set_result(None)


async def player(court, me, rounds):
    loop = asyncio.get_running_loop()
    for _ in range(rounds):
        mine = loop.create_future()
        court.waiting[me] = mine
        wake_other(court, me)
        await mine
        court.switches += 1
    wake_other(court, me)


class Yield:
    """A bare yield, what asyncio.sleep(0) does underneath."""

    def __await__(self):
        yield


async def yielder(court, rounds):
    for _ in range(rounds):
        await Yield()
        court.switches += 1


async def pair(name, make):
    court = Court()
    a = asyncio.create_task(make(court, 0))
    b = asyncio.create_task(make(court, 1))
    await asyncio.sleep(0)  # both started: from here on, only switches
    s0 = court.switches
    t0 = time.process_time()
    await b
    await a
    dt = time.process_time() - t0
    report(f"{name}_ns_per_switch", dt / (court.switches - s0) * 1e9, "ns")


async def sleeper():
    await asyncio.sleep(10)


def bench_sleepers(n):
    async def main():
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        tasks = [asyncio.create_task(sleeper()) for _ in range(n)]
        await asyncio.sleep(0.5)  # now every sleeper is suspended
        per_task = (tracemalloc.get_traced_memory()[0] - before) / n
        tracemalloc.stop()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return per_task

    report("sleepers_bytes_per_task", asyncio.run(main()), "bytes")


def bench_timers(n):
    loop = asyncio.new_event_loop()
    fired = 0

    def tick():
        nonlocal fired
        fired += 1

    t0 = time.process_time()
    for i in range(n):
        loop.call_later((i % 1000) * 1e-6, tick)
    loop.call_later(1e-3, loop.stop)
    loop.run_forever()
    dt = time.process_time() - t0
    loop.close()
    assert fired == n
    report("timers_ns_per_timer", dt / n * 1e9, "ns")


def main():
    bench_spawn(1_000_000 // SCALE)
    bench_spawn_eager(1_000_000 // SCALE)
    rounds = 500_000 // SCALE
    asyncio.run(pair("switch", lambda c, me: player(c, me, rounds)))
    asyncio.run(pair("yield", lambda c, me: yielder(c, rounds)))
    bench_sleepers(100_000 // SCALE)
    bench_timers(1_000_000 // SCALE)


if __name__ == "__main__":
    main()
