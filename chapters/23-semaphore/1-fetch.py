# Chapter 23, demo 1: the notes' Semaphore example (seed 001 §4.3(1)),
# with a simulated fetch: twelve "requests", never more than three at once.
# The notes fetched http://httpbin.org/get?a=X with aiohttp; here each
# fetch sleeps a fixed time and returns str(a) (chapter 28 does real HTTP).
# The notes' `with (await sema):` is `async with sema:` since Python 3.10,
# and asyncio.wait([coroutines]) becomes tasks awaited in turn.
import asyncio

NUMBERS = range(12)
DELAYS = [0.15, 0.35, 0.2, 0.25, 0.3, 0.3, 0.4, 0.25, 0.3, 0.15, 0.35, 0.3]
sema = asyncio.Semaphore(3)
running = 0
peak = 0


async def fetch_async(a):
    await asyncio.sleep(DELAYS[a])  # the simulated request
    return str(a)


async def print_result(a):
    global running, peak
    async with sema:
        running += 1
        peak = max(peak, running)
        print('fetch({}) starts, {} running'.format(a, running))
        r = await fetch_async(a)
        running -= 1
        print('fetch({}) = {}'.format(a, r))


async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    tasks = [asyncio.create_task(print_result(num)) for num in NUMBERS]
    for t in tasks:
        await t
    print(f"{len(tasks)} fetches, at most {peak} at once, done at {loop.time() - t0:.1f} s")


asyncio.run(main())
