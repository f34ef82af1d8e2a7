# Chapter 12, demo 6: the eager task factory (Python 3.12). With it,
# create_task runs the coroutine's first step at once, up to its first
# real suspension; a coroutine that never suspends is done before
# create_task returns.
# Requires Python 3.12.
import asyncio


async def child(name):
    print(f"  {name}: first step")
    await asyncio.sleep(0)
    print(f"  {name}: second step")


async def quick():
    return "quick"


async def main():
    print("default factory:")
    task = asyncio.create_task(child("lazy"))
    print("  main: create_task returned")
    await task

    print("eager factory:")
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    task = asyncio.create_task(child("eager"))
    print("  main: create_task returned")
    await task

    task = asyncio.create_task(quick())
    print(f"  quick: done={task.done()} result={task.result()!r}")


asyncio.run(main())
