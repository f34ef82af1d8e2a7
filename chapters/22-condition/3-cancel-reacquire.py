# Chapter 22, demo 3: a waiter cancelled inside wait() gets the lock back
# before the CancelledError reaches it. The holder keeps the lock from
# 0.5 s to 2.0 s; the waiter is cancelled at 1.0 s, but its `async with`
# body sees the CancelledError only at 2.0 s, with the lock held, so its
# release at the end of the block is correct.
import asyncio

t0 = 0.0


def now():
    return f"{asyncio.get_running_loop().time() - t0:.1f}"


async def waiter(cond):
    async with cond:
        print(f"waiter: wait() at {now()} s (this releases the lock)")
        try:
            await cond.wait()
        except asyncio.CancelledError:
            print(f"waiter: CancelledError at {now()} s, locked() = {cond.locked()}")
            raise
    print("waiter: never printed")


async def holder(cond):
    await asyncio.sleep(0.5)
    async with cond:
        print(f"holder: took the lock at {now()} s")
        await asyncio.sleep(1.5)
        print(f"holder: releasing at {now()} s")


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    cond = asyncio.Condition()
    w = asyncio.create_task(waiter(cond))
    h = asyncio.create_task(holder(cond))
    await asyncio.sleep(1)
    print(f"main: cancel the waiter at {now()} s")
    w.cancel()
    try:
        await w
    except asyncio.CancelledError:
        print(f"main: waiter cancelled at {now()} s, locked() = {cond.locked()}")
    await h


asyncio.run(main())
