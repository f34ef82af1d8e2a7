# Chapter 13, demo 1: cancel a sleeping worker; its cleanup runs.
import asyncio

t0 = 0.0


def now():
    """Loop time since main() started, as '2.5'."""
    return f"{asyncio.get_running_loop().time() - t0:.1f}"


async def worker():
    n = 0
    try:
        while True:
            n += 1
            print(f"worker: tick {n} at {now()} s")
            await asyncio.sleep(1)
    except Exception as e:  # CancelledError is not an Exception: never runs
        print(f"worker: caught {e!r}")
    finally:
        print(f"worker: cleanup at {now()} s, after {n} ticks")


async def main():
    global t0
    t0 = asyncio.get_running_loop().time()
    task = asyncio.create_task(worker())
    await asyncio.sleep(2.5)
    print(f"main: task.cancel('stop, please') -> {task.cancel('stop, please')}")
    print(f"main: right after cancel(), task.cancelled() = {task.cancelled()}")
    try:
        await task
    except asyncio.CancelledError as e:
        print(f"main: await task raised CancelledError: {e}")
    print(f"main: task.cancelled() = {task.cancelled()} at {now()} s")


asyncio.run(main())
