import asyncio

t0 = 0.0


def elapsed():
    return f"{asyncio.get_running_loop().time() - t0:.1f}"


async def work(name, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print(f"  {name} cancelled at {elapsed()} s")
        raise
    print(f"  {name} finishes at {elapsed()} s")
    return name


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()

    print("cancelling the gather:")
    a = asyncio.create_task(work("a", 0.1))
    b = asyncio.create_task(work("b", 0.5))
    c = asyncio.create_task(work("c", 0.5))
    g = asyncio.gather(a, b, c)
    await asyncio.sleep(0.2)
    print(f"g.cancel() -> {g.cancel()}")
    try:
        await g
    except asyncio.CancelledError:
        print(f"await g raised CancelledError at {elapsed()} s")
    print(f"cancelled: a={a.cancelled()} b={b.cancelled()} c={c.cancelled()} g={g.cancelled()}")

    print("a child cancelled on its own:")
    d = asyncio.create_task(work("d", 0.5))
    e = asyncio.create_task(work("e", 0.3))
    g = asyncio.gather(d, e)
    await asyncio.sleep(0.1)
    print(f"d.cancel() -> {d.cancel()}")
    try:
        await g
    except asyncio.CancelledError:
        print(f"await g raised CancelledError at {elapsed()} s")
    print(f"e: cancelled={e.cancelled()}, await e -> {await e!r} at {elapsed()} s")

    print("the same with return_exceptions=True:")
    d = asyncio.create_task(work("d", 0.5))
    e = asyncio.create_task(work("e", 0.3))
    g = asyncio.gather(d, e, return_exceptions=True)
    await asyncio.sleep(0.1)
    print(f"d.cancel() -> {d.cancel()}")
    results = await g
    print(f"results: [{type(results[0]).__name__}, {results[1]!r}] at {elapsed()} s")


asyncio.run(main())
