# Chapter 21, demo 2: one set() releases every waiter, at the same moment.
# Three runners wait at a gate (an Event). The gate opens at 1.0 s: all
# three start together and finish together, where a Lock would have let
# them through one at a time. A runner arriving after the gate opened
# does not wait at all; clear() closes the gate for the next race.
import asyncio

t0 = 0.0


def now():
    return f"{asyncio.get_running_loop().time() - t0:.1f}"


async def runner(name, gate):
    print(f"{name} at the gate at {now()} s")
    await gate.wait()
    print(f"{name} off at {now()} s")
    await asyncio.sleep(1)
    print(f"{name} finished at {now()} s")


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    gate = asyncio.Event()
    runners = [asyncio.create_task(runner(f"r{i}", gate)) for i in (1, 2, 3)]
    await asyncio.sleep(1)
    print(f"waiters: {len(gate._waiters)}, the gate opens at {now()} s")
    gate.set()
    late = asyncio.create_task(runner("late", gate))
    for r in runners:
        await r
    await late
    print(f"waiters: {len(gate._waiters)}, is_set() = {gate.is_set()}")
    gate.clear()
    print(f"after clear(): is_set() = {gate.is_set()}")


asyncio.run(main())
