# Chapter 29, demo 5: loop.run_in_executor with a pool of two threads; the
# third job waits for a free worker. Then the default executor (None).
import asyncio
import concurrent.futures
import time

t0 = time.monotonic()


def elapsed():
    return time.monotonic() - t0


def work(n):
    time.sleep(0.2 * n)
    return n * n


async def main():
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futs = [loop.run_in_executor(pool, work, n) for n in (1, 2, 3)]
        for n, fut in zip((1, 2, 3), futs):
            print(f"work({n}) = {await fut} at {elapsed():.1f} s")
    print(f"pool shut down at {elapsed():.1f} s")
    r = await loop.run_in_executor(None, work, 1)
    print(f"default executor: work(1) = {r} at {elapsed():.1f} s")


asyncio.run(main())
