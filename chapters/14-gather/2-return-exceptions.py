import asyncio

t0 = 0.0


def elapsed():
    return f"{asyncio.get_running_loop().time() - t0:.1f}"


async def work(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        print(f"  {name} fails at {elapsed()} s")
        raise ValueError(name)
    print(f"  {name} finishes at {elapsed()} s")
    return name


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()

    print("return_exceptions=False:")
    slow = asyncio.create_task(work("slow", 0.3))
    try:
        results = await asyncio.gather(work("quick", 0.1), work("bad", 0.2, fail=True), slow)
        print(results)
    except ValueError as e:
        print(f"gather raised {e!r} at {elapsed()} s")
    print(f"slow: done={slow.done()} cancelled={slow.cancelled()}")
    print(f"await slow -> {await slow!r} at {elapsed()} s")

    print("return_exceptions=True:")
    results = await asyncio.gather(
        work("quick", 0.1), work("bad", 0.2, fail=True), work("slow", 0.3), return_exceptions=True
    )
    print(f"{results} at {elapsed()} s")


asyncio.run(main())
