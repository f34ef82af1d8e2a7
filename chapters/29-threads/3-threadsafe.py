# Chapter 29, demo 3: the notes' run_coroutine_threadsafe (seed 002),
# called from a worker thread while the loop runs main() in the main thread.
import asyncio
import time

t0 = time.monotonic()


def elapsed():
    return time.monotonic() - t0


def other_thread(loop):
    future = asyncio.run_coroutine_threadsafe(asyncio.sleep(1, result=3), loop)
    print(f"other thread: result(timeout=2) = {future.result(2)} at {elapsed():.1f} s")
    future = asyncio.run_coroutine_threadsafe(asyncio.sleep(1, result=4), loop)
    try:
        future.result(timeout=0.1)
    except TimeoutError:
        print(f"other thread: TimeoutError at {elapsed():.1f} s")
    print(f"other thread: cancel() = {future.cancel()}")
    return "done"


async def main():
    r = await asyncio.to_thread(other_thread, asyncio.get_running_loop())
    print(f"main: to_thread returned {r!r} at {elapsed():.1f} s")


asyncio.run(main())
