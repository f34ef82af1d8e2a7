# Chapter 29, demo 1: a blocking call inside a coroutine freezes the loop.
# The ticker's tick due at 0.2 s comes out at 0.6 s.
import asyncio
import time

t0 = 0.0


def elapsed():
    return asyncio.get_running_loop().time() - t0


async def ticker():
    for i in range(4):
        print(f"tick {i} at {elapsed():.1f} s (due at {i * 0.2:.1f} s)")
        await asyncio.sleep((i + 1) * 0.2 - elapsed())


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.1)
    print(f"main blocks at {elapsed():.1f} s")
    time.sleep(0.5)  # blocking: the loop is frozen
    print(f"main unblocks at {elapsed():.1f} s")
    await task


asyncio.run(main())
