# Chapter 25, demo 2: an async generator with cleanup, closed early.
# ticker() yields a number every 0.1 s; its `finally` is the cleanup, and
# the cleanup itself awaits (closing a connection, say). The consumer
# leaves its `async for` early with break, which does NOT close the
# generator: aclose() does, and waits for the cleanup. Times are loop time.
import asyncio

t0 = 0.0


def elapsed():
    return f"{asyncio.get_running_loop().time() - t0:.1f} s"


async def ticker(n):
    try:
        for i in range(n):
            yield i
            await asyncio.sleep(0.1)
    finally:
        print(f"ticker: cleanup starts at {elapsed()}")
        await asyncio.sleep(0.1)
        print(f"ticker: cleanup done at {elapsed()}")


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    ag = ticker(10)
    async for x in ag:
        print(f"got {x} at {elapsed()}")
        if x == 2:
            break
    print(f"left the loop at {elapsed()}")
    await ag.aclose()
    print(f"aclose() returned at {elapsed()}")
    try:
        await anext(ag)
    except StopAsyncIteration:
        print("anext(ag) after aclose: StopAsyncIteration")


asyncio.run(main())
