import asyncio


async def work(name):
    print(f"  {name} runs")
    await asyncio.sleep(0.1)
    return name


async def main():
    t = asyncio.create_task(work("t"))
    c = work("c")
    print(await asyncio.gather(t, c, t, c))
    g = asyncio.gather()
    print(f"gather() is done at once: {g.done()}")
    print(await g)


asyncio.run(main())
