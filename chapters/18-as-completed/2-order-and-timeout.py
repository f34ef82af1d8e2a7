import asyncio

t0 = 0.0


def elapsed():
    return f"{asyncio.get_running_loop().time() - t0:.1f}"


async def work(x, delay):
    await asyncio.sleep(delay)
    return f"Work {x} took {delay} s"


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()

    print("completion order:")
    for aw in asyncio.as_completed([work(1, 0.3), work(2, 0.1), work(3, 0.2)]):
        print(f"  {await aw} (at {elapsed()} s)")

    print("timeout=0.2:")
    slow = asyncio.create_task(work(5, 0.5))
    for aw in asyncio.as_completed([work(4, 0.1), slow], timeout=0.2):
        try:
            print(f"  {await aw} (at {elapsed()} s)")
        except asyncio.TimeoutError:
            print(f"  TimeoutError (at {elapsed()} s)")
    print(f"slow: cancelled={slow.cancelled()}, await slow -> {await slow!r} (at {elapsed()} s)")


asyncio.run(main())
