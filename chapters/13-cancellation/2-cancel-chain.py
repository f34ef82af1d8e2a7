# Chapter 13, demo 2: cancelling a task that awaits a task that sleeps.
import asyncio

t0 = 0.0


def now():
    """Loop time since main() started, as '1.0'."""
    return f"{asyncio.get_running_loop().time() - t0:.1f}"


async def inner():
    try:
        print("inner: sleeping 10 s")
        await asyncio.sleep(10)
        print("inner: woke up (never printed)")
    except asyncio.CancelledError as e:
        print(f"inner: {e!r} at its await, {now()} s")
        raise
    finally:
        print("inner: cleanup")


async def outer():
    task = asyncio.create_task(inner(), name="inner")
    try:
        print("outer: awaiting the inner task")
        return await task
    except asyncio.CancelledError as e:
        print(f"outer: {e!r}, inner.cancelled() = {task.cancelled()}")
        raise
    finally:
        print("outer: cleanup")


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    task = asyncio.create_task(outer(), name="outer")
    await asyncio.sleep(1)
    print(f"main: cancel outer -> {task.cancel('shutdown')}")
    try:
        await task
    except asyncio.CancelledError as e:
        print(f"main: {e!r}, outer.cancelled() = {task.cancelled()} at {now()} s")


asyncio.run(main())
