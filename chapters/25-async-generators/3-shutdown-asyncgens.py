# Chapter 25, demo 3: why asyncio.run finalizes async generators.
# main() leaves an async generator suspended at a yield and keeps it (a
# global). Its cleanup can only run on a loop, since it may await.
# First a loop run by hand and closed without loop.shutdown_asyncgens():
# when the generator finally goes, its loop is closed and the cleanup
# never runs. Then asyncio.run(), which awaits shutdown_asyncgens() after
# cancelling the leftover tasks: the cleanup runs, on the loop, before
# run() returns. Last, a generator dropped while its loop still runs:
# the loop's finalizer hook schedules its aclose() as a task.
import asyncio

kept = None


async def ticker(name):
    try:
        for i in range(10):
            yield i
            await asyncio.sleep(0.1)
    finally:
        print(f"{name}: cleanup")
        await asyncio.sleep(0.1)
        print(f"{name}: cleanup done")


async def main(name):
    global kept
    kept = ticker(name)
    async for x in kept:
        if x == 1:
            break
    print(f"{name}: main returns, the generator is suspended")


print("-- a loop closed without shutdown_asyncgens()")
loop = asyncio.new_event_loop()
loop.run_until_complete(main("first"))
loop.close()
print("loop closed")
kept = None
print("generator freed: its cleanup never ran")

print("-- asyncio.run()")
asyncio.run(main("second"))
print("asyncio.run() returned")
kept = None


async def drop(name):
    ag = ticker(name)
    async for x in ag:
        break
    ag = None
    print(f"{name}: generator dropped while the loop runs")
    await asyncio.sleep(0.5)
    print(f"{name}: main returns")

print("-- dropped under a running loop")
asyncio.run(drop("third"))
