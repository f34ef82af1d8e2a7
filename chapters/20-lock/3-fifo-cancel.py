# Chapter 20, demo 3: the waiter queue, FIFO, and two kinds of cancellation.
# Four workers want the lock; a holds it for 2 s. At 0.5 s c, still queued,
# is cancelled: it just leaves the queue. At 1.0 s a is cancelled INSIDE its
# `async with`: the release still runs, and the next in line (b) gets in.
import asyncio

t0 = 0.0


def now():
    return f"{asyncio.get_running_loop().time() - t0:.1f}"


async def worker(name, lock, hold):
    print(f"{name} waiting at {now()} s")
    try:
        async with lock:
            print(f"{name} acquired at {now()} s")
            try:
                await asyncio.sleep(hold)
            except asyncio.CancelledError:
                print(f"{name} cancelled inside the lock: releasing it on the way out")
                raise
        print(f"{name} released at {now()} s")
    except asyncio.CancelledError:
        print(f"{name} got CancelledError at {now()} s, lock.locked() = {lock.locked()}")
        raise


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    lock = asyncio.Lock()
    tasks = [asyncio.create_task(worker(name, lock, 2 if name == "a" else 1))
             for name in "abcd"]
    await asyncio.sleep(0.5)
    print(f"at {now()} s: waiters = {len(lock._waiters)}, cancel c")
    tasks[2].cancel()
    await asyncio.sleep(0)          # c runs, and leaves the queue
    print(f"waiters = {len(lock._waiters)}")
    await asyncio.sleep(0.5)
    print(f"at {now()} s: cancel a")
    tasks[0].cancel()
    for name, t in zip("abcd", tasks):
        try:
            await t
            print(f"{name}: done")
        except asyncio.CancelledError:
            print(f"{name}: cancelled")
    print(f"end at {now()} s: locked = {lock.locked()}, waiters = {len(lock._waiters)}")


asyncio.run(main())
