# Chapter 29, demo 2: the notes' asyncio.to_thread(blocking_io) (seed 002):
# the blocking call runs in a worker thread, and the ticker keeps its
# schedule meanwhile.
import asyncio
import time

t0 = time.monotonic()


def elapsed():
    return time.monotonic() - t0


def blocking_io():
    print(f"start blocking_io at {elapsed():.1f} s")
    time.sleep(0.5)
    print(f"blocking_io complete at {elapsed():.1f} s")
    return "the file's contents"


async def ticker():
    for i in range(1, 4):
        await asyncio.sleep(i * 0.2 - elapsed())
        print(f"tick {i} at {elapsed():.1f} s")


async def main():
    print(f"started main at {elapsed():.1f} s")
    data, _ = await asyncio.gather(asyncio.to_thread(blocking_io), ticker())
    print(f"got {data!r}; finished main at {elapsed():.1f} s")


asyncio.run(main())
