# Chapter 29, demo 4: call_soon_threadsafe wakes a loop asleep in its
# selector; the callback (fut.set_result) runs on the loop's thread.
import asyncio
import threading
import time

t0 = time.monotonic()


def elapsed():
    return time.monotonic() - t0


def worker(loop, fut):
    time.sleep(0.3)
    loop.call_soon_threadsafe(fut.set_result, "hello from a thread")


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    t = threading.Thread(target=worker, args=(loop, fut))
    t.start()
    print("main: awaiting a future that another thread completes")
    r = await fut
    print(f"main: got {r!r} at {elapsed():.1f} s")
    t.join()


asyncio.run(main())
