# Chapter 13, demo 3: a cancel that is caught, one that comes before the
# first step, and one that must wait for an await.
import asyncio


async def stubborn():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        me = asyncio.current_task()
        print(f"stubborn: caught CancelledError, cancelling() = {me.cancelling()}")
        return "ignored"  # swallowed: the task will not be cancelled


async def never():
    print("never: this line is never printed")


async def busy():
    me = asyncio.current_task()
    print(f"busy: me.cancel() -> {me.cancel()}")
    total = 0
    for i in range(1_000_000):  # no await: nothing can interrupt this
        total += i
    print(f"busy: still running, total = {total}, cancelling() = {me.cancelling()}")
    try:
        await asyncio.sleep(0)
    except asyncio.CancelledError:
        print("busy: CancelledError at the first await")
        raise


async def main():
    print("-- 1. a task that catches CancelledError")
    task = asyncio.create_task(stubborn())
    await asyncio.sleep(1)
    print(f"main: cancel -> {task.cancel()}")
    result = await task
    print(f"main: await task -> {result!r}, cancelled() = {task.cancelled()}, "
          f"cancelling() = {task.cancelling()}")
    print(f"main: uncancel() -> {task.uncancel()}")

    print("-- 2. a task cancelled before its first step")
    task = asyncio.create_task(never())
    print(f"main: cancel -> {task.cancel()}")
    try:
        await task
    except asyncio.CancelledError:
        print(f"main: CancelledError, cancelled() = {task.cancelled()}")

    print("-- 3. cancel() is a request, delivered at the next await")
    task = asyncio.create_task(busy())
    try:
        await task
    except asyncio.CancelledError:
        print(f"main: CancelledError, cancelled() = {task.cancelled()}")


asyncio.run(main())
